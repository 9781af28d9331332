//! One module per page (or group of pages), named like the server router module and the
//! `crates/api` module of the same part.

pub mod account;
pub mod agreements;
pub mod auth;
pub mod follow_ups;
pub mod home;
pub mod inbox;
pub mod lazy;
pub mod not_found;
pub mod onboarding;
pub mod patients;
pub mod posts;
pub mod review;

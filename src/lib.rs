//! Doctor Desk (医生工作台): the doctor-facing single-page app, Leptos 0.8 CSR.

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod i18n;
pub mod inbox_events;
pub mod json;
pub mod pages;
pub mod photo;
pub mod session;
pub mod skeleton;
pub mod storage;

pub use app::App;

//! The Doctor Desk REST contract, compiled into both the SPA and the server.
//!
//! One module per part of the product, named like the SPA page module and the server
//! router module that use it. Validation lives here so both sides apply the same rules.

pub mod account;
pub mod agreements;
pub mod auth;
pub mod error;
pub mod follow_ups;
pub mod i18n;
pub mod inbox;
pub mod onboarding;
pub mod patients;
pub mod posts;
pub mod preload;
pub mod time;
pub mod validate;

pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use i18n::Lang;

/// Every endpoint lives under this prefix.
pub const API_PREFIX: &str = "/api/v1";
/// Name of the header that must echo the CSRF cookie on state-changing requests.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Cookie holding the CSRF token (readable by scripts: double-submit pattern).
pub const CSRF_COOKIE: &str = "dd_csrf";
/// Cookie holding the session token (HttpOnly).
pub const SESSION_COOKIE: &str = "dd_session";

//! The doctor's own account: "me" (`/me`) and account security (`/me/security`), named like
//! the server's `account` router and the contract's `account` module.

mod me;
mod security;
mod sessions;

pub use me::MePage;
pub use security::SecurityPage;

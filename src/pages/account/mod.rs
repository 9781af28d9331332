//! The doctor's own account: "me" (`/me`), account security (`/me/security`) and deleting
//! the account (`/me/delete`), named like
//! the server's `account` router and the contract's `account` module.

mod activity;
mod deletion;
mod me;
mod notifications;
mod security;
mod sessions;

pub use activity::ActivityPage;
pub use deletion::DeletionPage;
pub use me::MePage;
pub use notifications::NotificationsPage;
pub use security::SecurityPage;

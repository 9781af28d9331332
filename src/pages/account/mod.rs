//! The doctor's own account: "me" (`/me`), account security (`/me/security`), deleting
//! the account (`/me/delete`) and, signed out, recovering it by appeal (`/appeal`), named
//! like the server's `account` router and the contract's `account` module.

mod activity;
mod appeal;
mod deletion;
mod me;
mod notifications;
mod security;
mod sessions;

pub use activity::ActivityPage;
pub use appeal::AppealPage;
pub use deletion::DeletionPage;
pub use me::MePage;
pub use notifications::NotificationsPage;
pub use security::SecurityPage;

//! Notifications (`/me/notifications`): one place for everything the platform tells the
//! doctor — new consultations, review results, documents about to expire, follow-up
//! visits due, agreement updates — each linking to where to act; kept 90 days.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long a notification is kept.
pub const KEPT_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A patient asked for a consultation (`subject_id`: the consultation).
    NewConsultation,
    /// The hospital decided the verification (`detail`: `approved` or `rejected`).
    VerificationResult,
    /// The hospital decided a post (`subject_id`: the post; `detail`: `approved` or
    /// `rejected`).
    PostResult,
    /// A licence expires soon (`subject_id`: the document; `detail`: days left, 30/7/1).
    DocumentExpiring,
    /// Follow-up visits are due today (`detail`: how many).
    FollowUpsDue,
    /// A new version of an agreement waits to be accepted (`detail`: `kind version`).
    AgreementUpdate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub subject_id: Option<i64>,
    pub detail: String,
    /// Where to act, a path of the app.
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// `GET /me/notifications`: newest first, with the unread count for the badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub unread: u32,
    pub next_cursor: Option<String>,
}

/// `POST /me/notifications/read`: these, or all.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkRead {
    #[serde(default)]
    pub ids: Vec<i64>,
    #[serde(default)]
    pub all: bool,
}

/// What is left unread after marking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unread {
    pub unread: u32,
}

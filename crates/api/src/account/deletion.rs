//! Deleting one's own account (注销, `/me/deletion`): what blocks it, the 7-day cooling-off
//! during which signing in offers to cancel, and when it takes effect.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{FieldError, FieldErrors};

/// How long a deletion request waits before it takes effect.
pub const COOLING_OFF_DAYS: i64 = 7;

/// When a request made at `requested_at` takes effect.
pub fn takes_effect(requested_at: DateTime<Utc>) -> DateTime<Utc> {
    requested_at + Duration::days(COOLING_OFF_DAYS)
}

/// Something the doctor must finish before the account can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeletionBlockerKind {
    /// New or ongoing consultations: answer or end them (the inbox).
    OpenConsultations,
    /// Follow-up visits planned or reminded and not yet done (the follow-up list).
    PlannedFollowUps,
    /// Posts waiting for the hospital's review: withdraw them or wait (my posts).
    PostsInReview,
    /// Fees patients paid for open consultations, neither refunded nor settled yet.
    PendingFees,
}

impl DeletionBlockerKind {
    /// Where the doctor goes to clear it.
    pub fn link(self) -> &'static str {
        match self {
            DeletionBlockerKind::OpenConsultations | DeletionBlockerKind::PendingFees => "/inbox",
            DeletionBlockerKind::PlannedFollowUps => "/follow-ups",
            DeletionBlockerKind::PostsInReview => "/posts",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletionBlocker {
    pub kind: DeletionBlockerKind,
    /// How many (consultations, visits, posts).
    pub count: u32,
    /// For `pending_fees`: the sum, in fen.
    pub amount_fen: Option<i64>,
}

/// A deletion waiting out its cooling-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingDeletion {
    #[serde(with = "crate::time::utc")]
    pub requested_at: DateTime<Utc>,
    /// From then on the retention job deletes the account; until then it can be cancelled.
    #[serde(with = "crate::time::utc")]
    pub takes_effect_at: DateTime<Utc>,
}

/// `GET /me/deletion`: what blocks a deletion now, and the pending one if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletionStatus {
    pub pending: Option<PendingDeletion>,
    /// Empty when nothing blocks it.
    pub blockers: Vec<DeletionBlocker>,
}

/// `POST /me/deletion`: the password proves it is the doctor; `confirm` is the checked box
/// saying they understand it cannot be undone after the cooling-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletionRequest {
    pub current_password: String,
    pub confirm: bool,
}

impl DeletionRequest {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.current_password.is_empty() {
            errors.push(("current_password", FieldError::Required));
        }
        if !self.confirm {
            errors.push(("confirm", FieldError::Required));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_password_and_confirmation() {
        let empty = DeletionRequest {
            current_password: String::new(),
            confirm: false,
        };
        let fields: Vec<_> = empty.validate().iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["current_password", "confirm"]);
        let ok = DeletionRequest {
            current_password: "x".into(),
            confirm: true,
        };
        assert!(ok.validate().is_empty());
    }

    #[test]
    fn cooling_off_is_seven_days() {
        let at = DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(takes_effect(at).to_rfc3339(), "2026-12-10T10:00:00+00:00");
    }
}

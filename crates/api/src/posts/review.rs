//! The reviewers' side of posts: the queue of submitted revisions, one revision with what
//! the check found, and the decision on it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{compliance, PostKind, Question, RejectReason, REVIEW_NOTE_MAX};
use crate::validate::{self, check, FieldError, FieldErrors};

/// Who wrote a post, as the reviewer and the public page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Byline {
    pub name: String,
    /// 主任医师 and the like.
    pub title: String,
    pub hospital: String,
    pub department: String,
    pub verified: bool,
}

/// `GET /review/posts`: a submission waiting for a decision (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewPostRow {
    /// The revision to decide (`GET /review/posts/{id}`).
    pub id: i64,
    pub post_id: i64,
    pub kind: PostKind,
    pub title: String,
    pub doctor: String,
    #[serde(with = "crate::time::utc")]
    pub submitted_at: DateTime<Utc>,
    /// Warnings the doctor kept.
    pub kept: u32,
    /// A new revision of a post that is public already.
    pub replaces_published: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewPostList {
    pub items: Vec<ReviewPostRow>,
}

/// `GET /review/posts/{id}`: one submitted revision, rendered, with what the check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewPost {
    pub id: i64,
    pub post_id: i64,
    pub kind: PostKind,
    pub question: Option<Question>,
    pub title: String,
    /// The Markdown as written (findings point into it).
    pub body: String,
    /// Sanitised HTML, as the public page will show it.
    pub html: String,
    pub cover: Option<String>,
    pub ai_assisted: bool,
    pub doctor: Byline,
    /// Every finding of the server's check at submission (warnings only: errors block it).
    pub findings: Vec<compliance::Finding>,
    /// The keys of the findings the doctor chose to keep.
    pub kept_warnings: Vec<String>,
    #[serde(with = "crate::time::utc")]
    pub submitted_at: DateTime<Utc>,
    pub replaces_published: bool,
    /// Set once decided.
    pub decision: Option<PostDecision>,
}

/// `POST /review/posts/{id}/decision`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostDecision {
    pub approve: bool,
    /// Required to reject.
    #[serde(default)]
    pub reason: Option<RejectReason>,
    #[serde(default)]
    pub note: String,
}

impl PostDecision {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if !self.approve && self.reason.is_none() {
            errors.push(("reason", FieldError::ReasonRequired));
        }
        if self.reason == Some(RejectReason::Other) && self.note.trim().is_empty() {
            errors.push(("note", FieldError::ReasonRequired));
        }
        check(
            &mut errors,
            "note",
            validate::optional_text(&self.note, REVIEW_NOTE_MAX),
        );
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_needs_a_reason() {
        let decision = PostDecision {
            approve: false,
            reason: None,
            note: String::new(),
        };
        assert_eq!(decision.validate()[0].0, "reason");
        let other = PostDecision {
            approve: false,
            reason: Some(RejectReason::Other),
            note: " ".into(),
        };
        assert_eq!(other.validate()[0].0, "note");
    }
}

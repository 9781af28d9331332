//! The post editor: health-education articles, answers to patients' public questions and
//! announcements. A post has one working copy that the doctor edits (saved with the
//! version it was based on, so a stale save is refused) and, once the hospital approved a
//! revision, one published revision that stays public while a newer one is reviewed.
//!
//! The compliance check ([`compliance`]) runs live in the SPA and again, authoritatively,
//! on the server; its word lists are data the hospital edits ([`compliance::Rules`]).
//! Markdown is rendered and sanitised by the server only (the preview and the public page
//! share its rules), so the SPA carries no Markdown parser.

pub mod compliance;
mod review;
pub mod text;

pub use review::{Byline, PostDecision, ReviewPost, ReviewPostList, ReviewPostRow};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, check, FieldError, FieldErrors};

pub const TITLE_MAX: usize = 64;
pub const BODY_MAX: usize = 20_000;
pub const ALT_MAX: usize = 100;
pub const QUESTION_MAX: usize = 500;
pub const DEPARTMENT_MAX: usize = 20;
pub const REVIEW_NOTE_MAX: usize = 500;
pub const PAGE_MAX: u32 = 50;
/// Where post images are served (publicly: the public page shows them signed out). The
/// Markdown rules drop every image whose address does not start with this.
pub const IMAGE_PATH: &str = "/p/img/";
/// Where published posts are served, as plain HTML: `/p/{slug}`.
pub const PUBLIC_PATH: &str = "/p/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// 科普文章
    #[default]
    Article,
    /// An answer to a patient's public question.
    Answer,
    /// Clinic hours, leave and the like.
    Announcement,
}

impl PostKind {
    pub const ALL: [PostKind; 3] = [PostKind::Article, PostKind::Answer, PostKind::Announcement];

    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Article => "article",
            PostKind::Answer => "answer",
            PostKind::Announcement => "announcement",
        }
    }

    pub fn parse(s: &str) -> Option<PostKind> {
        PostKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where the working copy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PostStatus {
    /// Being written, or changed since it was last published.
    Draft,
    /// Submitted; the hospital has not decided yet. The working copy cannot change
    /// until the doctor withdraws it from review.
    InReview,
    /// The hospital refused the last submission (see `rejection`).
    Rejected,
    /// The working copy is what the public page shows.
    Published,
    /// The doctor took the post down: the public page answers 410.
    Withdrawn,
}

impl PostStatus {
    pub const ALL: [PostStatus; 5] = [
        PostStatus::Draft,
        PostStatus::InReview,
        PostStatus::Rejected,
        PostStatus::Published,
        PostStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PostStatus::Draft => "draft",
            PostStatus::InReview => "in_review",
            PostStatus::Rejected => "rejected",
            PostStatus::Published => "published",
            PostStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<PostStatus> {
        PostStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The tabs of "My posts". A published post whose newer revision is in review is in both
/// "published" and "in review".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PostTab {
    /// Status `draft` or `withdrawn`.
    #[default]
    Draft,
    /// Status `in_review`.
    InReview,
    /// Publicly visible now (whatever the working copy's status).
    Published,
    /// Status `rejected`.
    Rejected,
}

impl PostTab {
    pub const ALL: [PostTab; 4] = [
        PostTab::Draft,
        PostTab::InReview,
        PostTab::Published,
        PostTab::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PostTab::Draft => "draft",
            PostTab::InReview => "in_review",
            PostTab::Published => "published",
            PostTab::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<PostTab> {
        PostTab::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why the hospital refused a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// Names, numbers or details that identify a patient.
    PatientPrivacy,
    /// Efficacy promises, comparisons, drug or brand promotion (广告法 Art. 16).
    Advertising,
    /// Medically inaccurate or misleading.
    Inaccurate,
    /// Not health education, an answer or an announcement.
    OffTopic,
    /// Unclear, unfinished or badly formatted.
    Quality,
    /// AI-generated text not labelled as such.
    AiUnlabelled,
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 7] = [
        RejectReason::PatientPrivacy,
        RejectReason::Advertising,
        RejectReason::Inaccurate,
        RejectReason::OffTopic,
        RejectReason::Quality,
        RejectReason::AiUnlabelled,
        RejectReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::PatientPrivacy => "patient_privacy",
            RejectReason::Advertising => "advertising",
            RejectReason::Inaccurate => "inaccurate",
            RejectReason::OffTopic => "off_topic",
            RejectReason::Quality => "quality",
            RejectReason::AiUnlabelled => "ai_unlabelled",
            RejectReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<RejectReason> {
        RejectReason::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The hospital's refusal of the last submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejection {
    pub reason: RejectReason,
    /// The reviewer's own words (may be empty).
    pub note: String,
    #[serde(with = "crate::time::utc")]
    pub decided_at: DateTime<Utc>,
}

/// The public side of a post with an approved revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Publication {
    /// The public page's path: `/p/{slug}`.
    pub url: String,
    /// The title of the revision the public page shows (may differ from the working copy).
    pub title: String,
    /// When the post was first published.
    #[serde(with = "crate::time::utc")]
    pub published_at: DateTime<Utc>,
    /// When the revision shown was approved.
    #[serde(with = "crate::time::utc")]
    pub updated_at: DateTime<Utc>,
    pub views: u64,
}

/// A public question a post answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    pub id: i64,
    pub text: String,
    pub department: Option<String>,
    #[serde(with = "crate::time::utc")]
    pub asked_at: DateTime<Utc>,
    /// Published answers to it.
    pub answers: u32,
}

/// `GET /posts/{id}`: the working copy and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    pub id: i64,
    pub kind: PostKind,
    /// The question an answer answers.
    pub question: Option<Question>,
    pub title: String,
    /// Markdown (see `POST /posts/preview` for the rules).
    pub body: String,
    /// An image address under [`IMAGE_PATH`].
    pub cover: Option<String>,
    /// Written with the help of AI: the public page labels it.
    pub ai_assisted: bool,
    /// The warnings the doctor chose to keep ([`compliance::Finding::key`]).
    pub kept_warnings: Vec<String>,
    /// Goes up by one with each save; a save must name the version it was based on.
    pub version: u32,
    pub status: PostStatus,
    pub rejection: Option<Rejection>,
    /// Set while a revision is public.
    pub publication: Option<Publication>,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::time::utc")]
    pub updated_at: DateTime<Utc>,
}

/// A post in "My posts".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostRow {
    pub id: i64,
    pub kind: PostKind,
    pub title: String,
    pub status: PostStatus,
    pub rejection: Option<Rejection>,
    pub publication: Option<Publication>,
    #[serde(with = "crate::time::utc")]
    pub updated_at: DateTime<Utc>,
}

/// How many of my posts each tab holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostCounts {
    pub draft: u32,
    pub in_review: u32,
    pub published: u32,
    pub rejected: u32,
}

impl PostCounts {
    pub fn of(&self, tab: PostTab) -> u32 {
        match tab {
            PostTab::Draft => self.draft,
            PostTab::InReview => self.in_review,
            PostTab::Published => self.published,
            PostTab::Rejected => self.rejected,
        }
    }
}

/// `GET /posts?tab=…&cursor=…&limit=…`: newest change first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostPage {
    pub items: Vec<PostRow>,
    pub next_cursor: Option<String>,
    pub counts: PostCounts,
}

/// `POST /posts` (a new draft; `version` is ignored) and `PUT /posts/{id}` (`version`
/// required: the version the edit was based on; an older one is refused with 409
/// `conflict`). A draft may be incomplete: only lengths are checked on save, the rest on
/// submit ([`PostInput::validate_submit`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostInput {
    pub kind: PostKind,
    #[serde(default)]
    pub question_id: Option<i64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub cover: Option<String>,
    #[serde(default)]
    pub ai_assisted: bool,
    #[serde(default)]
    pub kept_warnings: Vec<String>,
    #[serde(default)]
    pub version: Option<u32>,
}

impl PostInput {
    /// What every save checks.
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "title",
            validate::optional_text(&self.title, TITLE_MAX),
        );
        check(
            &mut errors,
            "body",
            validate::optional_text(&self.body, BODY_MAX),
        );
        if let Some(cover) = &self.cover {
            if !is_image_address(cover) {
                errors.push(("cover", FieldError::OutOfRange));
            }
        }
        errors
    }

    /// What a submission checks besides [`PostInput::validate`]: a title and a body, and
    /// the question an answer answers.
    pub fn validate_submit(&self) -> FieldErrors {
        let mut errors = self.validate();
        if self.title.trim().is_empty() {
            errors.push(("title", FieldError::Required));
        }
        if self.body.trim().is_empty() {
            errors.push(("body", FieldError::Required));
        }
        if self.kind == PostKind::Answer && self.question_id.is_none() {
            errors.push(("question_id", FieldError::Required));
        }
        errors
    }
}

/// An address of one of our post images (`/p/img/{name}`, letters, digits, `.`, `-`, `_`).
pub fn is_image_address(url: &str) -> bool {
    url.strip_prefix(IMAGE_PATH).is_some_and(|name| {
        !name.is_empty()
            && !name.contains("..")
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    })
}

/// `POST /posts/{id}/images` (multipart `file`): an image stored for the post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostImage {
    /// Under [`IMAGE_PATH`]: what goes into `![alt](url)` or the cover.
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// `POST /posts/{id}/submit`: the body is optional. With `version`, the submission is
/// refused with 409 `conflict` unless the working copy is still at that version, so the
/// hospital reviews the text the doctor last saw (not one saved meanwhile elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitRequest {
    #[serde(default)]
    pub version: Option<u32>,
}

/// `POST /posts/{id}/withdraw`: what to take back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WithdrawFrom {
    /// The submission in review: the working copy becomes a draft again.
    Review,
    /// The public page: it answers 410 until a new revision is approved.
    Public,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawRequest {
    pub from: WithdrawFrom,
}

/// `POST /posts/preview`: the Markdown of a title and body as the public page renders it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewRequest {
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preview {
    /// Sanitised HTML: no raw HTML from the Markdown, only http(s) links, images only
    /// from [`IMAGE_PATH`].
    pub html: String,
}

/// `POST /posts/check`: the text to check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckRequest {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// `POST /posts/check`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckResult {
    pub findings: Vec<compliance::Finding>,
}

/// `GET /questions?q=&limit=`: open public questions, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionList {
    pub items: Vec<Question>,
}

/// `POST /patient/questions`: a patient's public question.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewQuestion {
    pub text: String,
    #[serde(default)]
    pub department: Option<String>,
}

impl NewQuestion {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "text",
            validate::text(&self.text, QUESTION_MAX),
        );
        if let Some(d) = &self.department {
            check(
                &mut errors,
                "department",
                validate::optional_text(d, DEPARTMENT_MAX),
            );
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_addresses_are_ours_only() {
        assert!(is_image_address("/p/img/a1b2c3.jpg"));
        for url in [
            "/p/img/",
            "/p/img/../secret",
            "https://evil.example/x.png",
            "/p/img/a b.png",
            "/p/img/x\".png",
            "javascript:alert(1)",
        ] {
            assert!(!is_image_address(url), "{url}");
        }
    }

    #[test]
    fn a_draft_may_be_empty_but_a_submission_may_not() {
        let input = PostInput {
            kind: PostKind::Answer,
            ..Default::default()
        };
        assert!(input.validate().is_empty());
        let fields: Vec<_> = input
            .validate_submit()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["title", "body", "question_id"]);
    }
}

//! Posts: a doctor's articles, answers to patients' public questions and announcements.
//! The working copy is saved with the version it was based on (a stale save is 409), a
//! submission snapshots it into a revision the hospital reviews, and the approved revision
//! is what the public page (`/p/{slug}`, plain HTML) shows, while a newer one is reviewed.
//!
//! Rules that hold in every handler here: another doctor's post answers 404 exactly like
//! one that does not exist (so does a deleted one); each change of state is one guarded
//! `UPDATE … WHERE <the state it leaves>`, so of two racing requests exactly one wins.

mod byline;
mod check;
pub mod demo;
mod drafts;
pub(crate) mod images;
mod list;
mod page;
mod public;
mod questions;
mod review;
pub mod rules;
mod submit;

use doctor_desk_api::{
    posts::{PostKind, PostStatus, Publication, Question, RejectReason, Rejection, PUBLIC_PATH},
    validate::FieldError,
    ErrorCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    files,
    state::AppState,
};

/// The doctor's side (`/posts…`, `/questions`), the patient's question and the reviewers'
/// queue, all under `/api/v1`.
pub fn router() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(images::upload))
        .layer(files::upload_body_limit());
    OpenApiRouter::new()
        .routes(routes!(list::list, drafts::create))
        .routes(routes!(drafts::get_one, drafts::save, drafts::delete))
        .routes(routes!(submit::submit))
        .routes(routes!(submit::withdraw))
        .merge(uploads)
        .routes(routes!(check::preview))
        .routes(routes!(check::check))
        .routes(routes!(check::rules))
        .routes(routes!(questions::list))
        .routes(routes!(questions::ask))
        .routes(routes!(review::queue))
        .routes(routes!(review::revision))
        .routes(routes!(review::decide))
}

/// The public pages, outside `/api/v1`: a published post and its images.
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public::page))
        .routes(routes!(images::serve))
}

/// A post as stored, with the title of its public revision.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stored {
    pub id: i64,
    pub doctor_id: i64,
    pub kind: String,
    pub question_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub cover: Option<String>,
    pub ai_assisted: bool,
    pub kept_warnings: String,
    pub version: i64,
    pub status: String,
    pub rejection_reason: Option<String>,
    pub rejection_note: String,
    pub rejected_at: Option<i64>,
    pub slug: Option<String>,
    pub published_revision_id: Option<i64>,
    pub published_at: Option<i64>,
    pub public_updated_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
    pub views: i64,
    pub public_title: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Selects [`Stored`] rows (`p` the post, `r` its public revision).
pub const SELECT: &str = "SELECT p.id, p.doctor_id, p.kind, p.question_id, p.title, p.body,
       p.cover, p.ai_assisted <> 0 AS ai_assisted, p.kept_warnings, p.version, p.status, p.rejection_reason,
       p.rejection_note, p.rejected_at, p.slug, p.published_revision_id, p.published_at,
       p.public_updated_at, p.withdrawn_at, p.views, r.title AS public_title, p.created_at,
       p.updated_at
     FROM posts p LEFT JOIN post_revisions r ON r.id = p.published_revision_id";

/// Posts that are public now, as SQL on `p`.
pub const IS_PUBLIC: &str =
    "(p.published_revision_id IS NOT NULL AND p.withdrawn_at IS NULL AND p.deleted_at IS NULL)";

impl Stored {
    pub fn kind(&self) -> PostKind {
        PostKind::parse(&self.kind).unwrap_or_default()
    }

    pub fn status(&self) -> PostStatus {
        PostStatus::parse(&self.status).unwrap_or(PostStatus::Draft)
    }

    pub fn kept_warnings(&self) -> Vec<String> {
        serde_json::from_str(&self.kept_warnings).unwrap_or_default()
    }

    pub fn rejection(&self) -> Option<Rejection> {
        Some(Rejection {
            reason: RejectReason::parse(self.rejection_reason.as_deref()?)
                .unwrap_or(RejectReason::Other),
            note: self.rejection_note.clone(),
            decided_at: from_unix(self.rejected_at?),
        })
    }

    pub fn publication(&self) -> Option<Publication> {
        if self.published_revision_id.is_none() || self.withdrawn_at.is_some() {
            return None;
        }
        Some(Publication {
            url: format!("{PUBLIC_PATH}{}", self.slug.as_deref()?),
            title: self.public_title.clone().unwrap_or_default(),
            published_at: from_unix(self.published_at?),
            updated_at: from_unix(self.public_updated_at?),
            views: self.views.max(0) as u64,
        })
    }
}

/// My post (not deleted), or 404: also another doctor's.
pub async fn mine<'e>(
    db: impl crate::db::Executor<'e>,
    doctor_id: i64,
    id: i64,
) -> AppResult<Stored> {
    crate::db::query_as(&format!(
        "{SELECT} WHERE p.id = ? AND p.doctor_id = ? AND p.deleted_at IS NULL"
    ))
    .bind(id)
    .bind(doctor_id)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::Code(ErrorCode::NotFound))
}

/// A question as doctors see it, with its published answers counted.
pub const SELECT_QUESTION: &str = "SELECT q.id, q.text, q.department, q.asked_at,
       (SELECT COUNT(*) FROM post_revisions r JOIN posts p ON p.published_revision_id = r.id
         WHERE r.question_id = q.id AND r.kind = 'answer'
           AND p.withdrawn_at IS NULL AND p.deleted_at IS NULL) AS answers
     FROM questions q";

#[derive(sqlx::FromRow)]
pub struct QuestionRow {
    id: i64,
    text: String,
    department: Option<String>,
    asked_at: i64,
    answers: i64,
}

impl From<QuestionRow> for Question {
    fn from(row: QuestionRow) -> Question {
        Question {
            id: row.id,
            text: row.text,
            department: row.department,
            asked_at: from_unix(row.asked_at),
            answers: row.answers.max(0) as u32,
        }
    }
}

/// The question `id`, open or not (a post keeps showing the question it answered).
pub async fn question<'e>(
    db: impl crate::db::Executor<'e>,
    id: i64,
) -> AppResult<Option<Question>> {
    let row: Option<QuestionRow> =
        crate::db::query_as(&format!("{SELECT_QUESTION} WHERE q.id = ?"))
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(Question::from))
}

/// 422 on `question_id` unless it names an open question.
pub async fn ensure_open_question<'e>(db: impl crate::db::Executor<'e>, id: i64) -> AppResult<()> {
    crate::db::query_scalar::<i64>("SELECT 1 FROM questions WHERE id = ? AND closed_at IS NULL")
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(|_| ())
        .ok_or(AppError::Validation(vec![(
            "question_id",
            FieldError::OutOfRange,
        )]))
}

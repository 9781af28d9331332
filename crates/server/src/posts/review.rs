//! The hospital's review of posts: the queue of submitted revisions (oldest first), one
//! revision with its findings and the doctor's "keep anyway" choices, and the decision.
//! Approving makes the revision the one the public page shows.

use axum::{
    extract::{Path, State},
    Json,
};
use doctor_desk_api::{
    posts::{PostDecision, PostKind, RejectReason, ReviewPost, ReviewPostList, ReviewPostRow},
    ErrorBody, ErrorCode,
};
use rand::Rng;

use super::{byline, question, IS_PUBLIC};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, Reviewer},
    state::AppState,
};

#[derive(sqlx::FromRow)]
struct QueueRow {
    id: i64,
    post_id: i64,
    kind: String,
    title: String,
    doctor: String,
    submitted_at: i64,
    kept: i64,
    replaces_published: bool,
}

/// Submissions waiting for a decision, oldest first; never the reviewer's own posts.
#[utoipa::path(get, path = "/review/posts", tag = "review",
    responses(
        (status = 200, body = ReviewPostList),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    reviewer: Reviewer,
) -> AppResult<Json<ReviewPostList>> {
    let rows: Vec<QueueRow> = crate::db::query_as(&format!(
        "SELECT r.id, r.post_id, r.kind, r.title,
                COALESCE(a.display_name, dp.real_name, '') AS doctor, r.submitted_at,
                json_array_length(r.kept_warnings) AS kept, {IS_PUBLIC} AS replaces_published
           FROM post_revisions r
           JOIN posts p ON p.id = r.post_id
           JOIN accounts a ON a.id = p.doctor_id
           LEFT JOIN doctor_profiles dp ON dp.account_id = p.doctor_id
          WHERE r.state = 'in_review' AND p.doctor_id != ?
          ORDER BY r.submitted_at, r.id"
    ))
    .bind(reviewer.account_id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(ReviewPostList {
        items: rows
            .into_iter()
            .map(|row| ReviewPostRow {
                id: row.id,
                post_id: row.post_id,
                kind: PostKind::parse(&row.kind).unwrap_or_default(),
                title: row.title,
                doctor: row.doctor,
                submitted_at: from_unix(row.submitted_at),
                kept: row.kept.max(0) as u32,
                replaces_published: row.replaces_published,
            })
            .collect(),
    }))
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    id: i64,
    post_id: i64,
    doctor_id: i64,
    kind: String,
    question_id: Option<i64>,
    title: String,
    body: String,
    html: String,
    cover: Option<String>,
    ai_assisted: bool,
    findings: String,
    kept_warnings: String,
    submitted_at: i64,
    state: String,
    reason: Option<String>,
    note: String,
    replaces_published: bool,
}

async fn load(state: &AppState, id: i64) -> AppResult<ReviewPost> {
    let row: RevisionRow = crate::db::query_as(&format!(
        "SELECT r.id, r.post_id, p.doctor_id, r.kind, r.question_id, r.title, r.body, r.html,
                r.cover, r.ai_assisted <> 0 AS ai_assisted, r.findings, r.kept_warnings, r.submitted_at, r.state,
                r.reason, r.note, {IS_PUBLIC} AS replaces_published
           FROM post_revisions r JOIN posts p ON p.id = r.post_id
          WHERE r.id = ?"
    ))
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let question = match row.question_id {
        Some(q) => question(&state.db, q).await?,
        None => None,
    };
    let decision = match row.state.as_str() {
        "approved" => Some(PostDecision {
            approve: true,
            reason: None,
            note: row.note.clone(),
        }),
        "rejected" => Some(PostDecision {
            approve: false,
            reason: row.reason.as_deref().and_then(RejectReason::parse),
            note: row.note.clone(),
        }),
        _ => None,
    };
    Ok(ReviewPost {
        id: row.id,
        post_id: row.post_id,
        kind: PostKind::parse(&row.kind).unwrap_or_default(),
        question,
        title: row.title,
        body: row.body,
        html: row.html,
        cover: row.cover,
        ai_assisted: row.ai_assisted,
        doctor: byline::of(state, row.doctor_id).await?,
        findings: serde_json::from_str(&row.findings).unwrap_or_default(),
        kept_warnings: serde_json::from_str(&row.kept_warnings).unwrap_or_default(),
        submitted_at: from_unix(row.submitted_at),
        replaces_published: row.replaces_published,
        decision,
    })
}

/// One submitted revision (`id` from the queue), rendered as the public page will show
/// it, with the findings of the server's check and the warnings the doctor kept; decided
/// ones too, with their decision.
#[utoipa::path(get, path = "/review/posts/{id}", tag = "review",
    params(("id" = i64, Path, description = "Revision id")),
    responses(
        (status = 200, body = ReviewPost),
        (status = 400, description = "An id that is not a number", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn revision(
    State(state): State<AppState>,
    _reviewer: Reviewer,
    Path(id): Path<i64>,
) -> AppResult<Json<ReviewPost>> {
    Ok(Json(load(&state, id).await?))
}

/// A random slug: 10 characters of lowercase base32 (50 bits), not guessable from the
/// post id and short enough to share.
pub(super) fn new_slug() -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut rng = rand::thread_rng();
    (0..10)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..32)]))
        .collect()
}

/// Approves the revision (it becomes what the public page shows; the first approval gives
/// the post its slug and publication date; a page the doctor had taken down is public
/// again) or rejects it with a reason (`note` required for `other`). Exactly one decision
/// wins (`already_decided` for the others, also once the doctor withdrew it), and nobody
/// decides their own post.
#[utoipa::path(post, path = "/review/posts/{id}/decision", tag = "review",
    params(("id" = i64, Path, description = "Revision id")),
    request_body = PostDecision,
    responses(
        (status = 200, body = ReviewPost),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer, or `own_submission`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`already_decided` (or withdrawn by the doctor)", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "A rejection without a reason, `other` without a note, or a note too long", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<i64>,
    AppJson(decision): AppJson<PostDecision>,
) -> AppResult<Json<ReviewPost>> {
    AppError::check(decision.validate())?;
    let (post_id, doctor_id, version): (i64, i64, i64) = crate::db::query_as(
        "SELECT r.post_id, p.doctor_id, r.version
           FROM post_revisions r JOIN posts p ON p.id = r.post_id WHERE r.id = ?",
    )
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::Code(ErrorCode::NotFound))?;
    if doctor_id == reviewer.account_id {
        return Err(AppError::Code(ErrorCode::OwnSubmission));
    }
    let now = state.clock.unix();
    let note = decision.note.trim();
    let reason = (!decision.approve)
        .then_some(decision.reason)
        .flatten()
        .map(|r| r.as_str());
    let mut tx = state.db.begin().await?;
    // The first statement writes, so it takes SQLite's write lock before reading: of
    // concurrent decisions (or a decision and the doctor's withdrawal), exactly one finds
    // the revision still in review.
    let claimed = crate::db::query(
        "UPDATE post_revisions SET state = ?, decided_at = ?, decided_by = ?, reason = ?, note = ?
          WHERE id = ? AND state = 'in_review'",
    )
    .bind(if decision.approve {
        "approved"
    } else {
        "rejected"
    })
    .bind(now)
    .bind(reviewer.account_id)
    .bind(reason)
    .bind(note)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Err(AppError::Code(ErrorCode::AlreadyDecided));
    }
    if decision.approve {
        // The working copy cannot change in review, so it is the approved text: published.
        crate::db::query(
            "UPDATE posts SET published_revision_id = ?1, slug = COALESCE(slug, ?2),
                    published_at = COALESCE(published_at, ?3), public_updated_at = ?3,
                    withdrawn_at = NULL,
                    status = CASE WHEN version = ?4 THEN 'published' ELSE 'draft' END
              WHERE id = ?5",
        )
        .bind(id)
        .bind(new_slug())
        .bind(now)
        .bind(version)
        .bind(post_id)
        .execute(&mut *tx)
        .await?;
    } else {
        crate::db::query(
            "UPDATE posts SET status = 'rejected', rejection_reason = ?, rejection_note = ?,
                    rejected_at = ?
              WHERE id = ?",
        )
        .bind(reason)
        .bind(note)
        .bind(now)
        .bind(post_id)
        .execute(&mut *tx)
        .await?;
    }
    let told = crate::account::notifications::New {
        kind: doctor_desk_api::account::notifications::NotificationKind::PostResult,
        subject_id: Some(post_id),
        detail: if decision.approve {
            "approved"
        } else {
            "rejected"
        },
        link: format!("/posts/{post_id}/edit"),
        once: None,
    };
    crate::account::notifications::add(&mut tx, doctor_id, told, now).await?;
    tx.commit().await?;
    state.hub.notify(doctor_id);
    tracing::info!(
        revision = id,
        post = post_id,
        reviewer = reviewer.account_id,
        approved = decision.approve,
        "post decided"
    );
    Ok(Json(load(&state, id).await?))
}

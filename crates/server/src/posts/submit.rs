//! `POST /posts/{id}/submit` and `POST /posts/{id}/withdraw`: the working copy goes to the
//! hospital as a revision, and comes back (from review, or off the public page).

use axum::{
    body::Bytes,
    extract::{Path, State},
    Json,
};
use doctor_desk_api::{
    posts::{
        compliance::Field, Post, PostInput, PostKind, PostStatus, SubmitRequest, WithdrawFrom,
        WithdrawRequest,
    },
    ErrorBody, ErrorCode,
};

use super::{drafts::view, ensure_open_question, mine, rules};
use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, Doctor},
    markdown,
    onboarding::verification,
    state::AppState,
};

/// An optional JSON body: none (or only whitespace) is the default.
fn optional_body(body: &Bytes) -> AppResult<SubmitRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(SubmitRequest::default());
    }
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| AppError::Code(ErrorCode::MalformedBody))?;
    crate::extractor::normalize_json(&mut value);
    // `null` is the optional body left out.
    if value.is_null() {
        return Ok(SubmitRequest::default());
    }
    serde_json::from_value(value).map_err(|_| AppError::Code(ErrorCode::MalformedBody))
}

/// Submits the working copy for review (at its current version, or at `version` if the
/// body names one). The server checks it again as a submission (422 with `fields`) and
/// runs the compliance check with its own lists: an error, or a warning the doctor did not
/// keep, refuses it (422 `compliance_blocked`, `fields` naming `title` and/or `body`).
/// Only a verified doctor submits. The revision is a snapshot of the working copy with its
/// rendered HTML and the findings; the working copy cannot change until it is decided or
/// withdrawn from review. A published post stays public meanwhile.
#[utoipa::path(post, path = "/posts/{id}/submit", tag = "posts",
    params(("id" = i64, Path, description = "Post id")),
    request_body(content = Option<SubmitRequest>, description = "Optional"),
    responses(
        (status = 200, body = Post),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `verification_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`under_review` (submitted already), `conflict` (`version` is stale) or `invalid_transition` (published and unchanged: nothing to review)", body = ErrorBody),
        (status = 422, description = "`validation_failed` (title, body, or the question of an answer) or `compliance_blocked`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    me: Doctor,
    Path(id): Path<i64>,
    body: Bytes,
) -> AppResult<Json<Post>> {
    let request = optional_body(&body)?;
    let stored = mine(&state.db, me.account_id, id).await?;
    verification::ensure_verified(&state, me.account_id).await?;
    match stored.status() {
        PostStatus::InReview => return Err(AppError::Code(ErrorCode::UnderReview)),
        PostStatus::Published => return Err(AppError::Code(ErrorCode::InvalidTransition)),
        _ => {}
    }
    if request
        .version
        .is_some_and(|v| i64::from(v) != stored.version)
    {
        return Err(AppError::Code(ErrorCode::Conflict));
    }
    let input = PostInput {
        kind: stored.kind(),
        question_id: stored.question_id,
        title: stored.title.clone(),
        body: stored.body.clone(),
        cover: stored.cover.clone(),
        ai_assisted: stored.ai_assisted,
        kept_warnings: stored.kept_warnings(),
        version: Some(stored.version as u32),
    };
    AppError::check(input.validate_submit())?;
    if let Some(question) = input.question_id.filter(|_| input.kind == PostKind::Answer) {
        ensure_open_question(&state.db, question).await?;
    }
    let findings = rules::findings(&state.rules, &input.title, &input.body);
    let blocking = rules::blocking(&findings, &input.kept_warnings);
    if !blocking.is_empty() {
        let mut fields = Vec::new();
        for finding in blocking {
            let field = match finding.field {
                Field::Title => "title",
                Field::Body => "body",
            };
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
        return Err(AppError::OnFields(ErrorCode::ComplianceBlocked, fields));
    }
    // What the reviewer sees kept: the choices that still match a finding.
    let kept: Vec<&String> = input
        .kept_warnings
        .iter()
        .filter(|k| findings.iter().any(|f| &f.key == *k))
        .collect();
    let html = markdown::render_post(&input.body);
    let now = state.clock.unix();

    let mut tx = state.db.begin().await?;
    // The first statement writes, so it takes SQLite's write lock before anything is read:
    // of two submissions at once, exactly one finds the post not yet in review.
    let claimed = crate::db::query(
        "UPDATE posts SET status = 'in_review', rejection_reason = NULL, rejection_note = '',
                rejected_at = NULL
          WHERE id = ? AND doctor_id = ? AND deleted_at IS NULL AND version = ?
            AND status NOT IN ('in_review', 'published')",
    )
    .bind(id)
    .bind(me.account_id)
    .bind(stored.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        drop(tx);
        let now = mine(&state.db, me.account_id, id).await?;
        return Err(AppError::Code(match now.status() {
            PostStatus::InReview => ErrorCode::UnderReview,
            _ if now.version != stored.version => ErrorCode::Conflict,
            _ => ErrorCode::InvalidTransition,
        }));
    }
    crate::db::query(
        "INSERT INTO post_revisions (post_id, version, kind, question_id, title, body, html,
                                     cover, ai_assisted, findings, kept_warnings, submitted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(stored.version)
    .bind(input.kind.as_str())
    .bind(input.question_id)
    .bind(&input.title)
    .bind(&input.body)
    .bind(&html)
    .bind(&input.cover)
    .bind(input.ai_assisted)
    .bind(serde_json::to_string(&findings).map_err(|e| AppError::Internal(e.into()))?)
    .bind(serde_json::json!(kept).to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(
        post = id,
        version = stored.version,
        "post submitted for review"
    );
    let mut conn = state.db.acquire().await?;
    let stored = mine(&mut *conn, me.account_id, id).await?;
    Ok(Json(view(&mut conn, stored).await?))
}

/// Takes a post back. `review`: the submission in review is withdrawn and the working copy
/// is a draft again (409 `invalid_transition` unless in review). `public`: the public page
/// answers 410 from now on and the status is `withdrawn` (a post in review stays in
/// review; approving that revision makes it public again); 409 `invalid_transition`
/// unless public.
#[utoipa::path(post, path = "/posts/{id}/withdraw", tag = "posts",
    params(("id" = i64, Path, description = "Post id")),
    request_body = WithdrawRequest,
    responses(
        (status = 200, body = Post),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invalid_transition`: not in review, or not public", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn withdraw(
    State(state): State<AppState>,
    me: Doctor,
    Path(id): Path<i64>,
    AppJson(request): AppJson<WithdrawRequest>,
) -> AppResult<Json<Post>> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let changed = match request.from {
        WithdrawFrom::Review => {
            let claimed = crate::db::query(
                "UPDATE posts SET status = 'draft'
                  WHERE id = ? AND doctor_id = ? AND deleted_at IS NULL AND status = 'in_review'",
            )
            .bind(id)
            .bind(me.account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 1 {
                crate::db::query(
                    "UPDATE post_revisions SET state = 'withdrawn', decided_at = ?
                      WHERE post_id = ? AND state = 'in_review'",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            claimed
        }
        WithdrawFrom::Public => crate::db::query(
            "UPDATE posts SET withdrawn_at = ?,
                    status = CASE WHEN status = 'in_review' THEN status ELSE 'withdrawn' END
              WHERE id = ? AND doctor_id = ? AND deleted_at IS NULL
                AND published_revision_id IS NOT NULL AND withdrawn_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(me.account_id)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    };
    tx.commit().await?;
    let mut conn = state.db.acquire().await?;
    let stored = mine(&mut *conn, me.account_id, id).await?;
    if changed == 0 {
        return Err(AppError::Code(ErrorCode::InvalidTransition));
    }
    tracing::info!(post = id, from = ?request.from, "post withdrawn");
    Ok(Json(view(&mut conn, stored).await?))
}

//! The working copy: `POST /posts` (a new draft), `GET/PUT/DELETE /posts/{id}`. A save
//! names the version it was based on and is one `UPDATE … WHERE version = ?`: of two
//! devices saving from the same version, exactly one wins and the other gets 409.

use crate::db::Conn;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    posts::{is_image_address, Post, PostInput, PostStatus},
    validate::FieldError,
    ErrorBody, ErrorCode,
};

use super::{ensure_open_question, mine, question, Stored};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, Doctor},
    state::AppState,
};

/// "Keep anyway" choices a save may carry, and the length of each: a finding key is a rule
/// name and the matched words.
const KEPT_MAX: usize = 100;
const KEY_MAX: usize = 200;

/// The post as the doctor sees it.
pub async fn view(conn: &mut Conn, stored: Stored) -> AppResult<Post> {
    let question = match stored.question_id {
        Some(id) => question(&mut *conn, id).await?,
        None => None,
    };
    Ok(Post {
        id: stored.id,
        kind: stored.kind(),
        question,
        kept_warnings: stored.kept_warnings(),
        version: stored.version.max(0) as u32,
        status: stored.status(),
        rejection: stored.rejection(),
        publication: stored.publication(),
        created_at: from_unix(stored.created_at),
        updated_at: from_unix(stored.updated_at),
        title: stored.title,
        body: stored.body,
        cover: stored.cover,
        ai_assisted: stored.ai_assisted,
    })
}

/// What every save checks beyond [`PostInput::validate`]: the question is open, the cover
/// is one of this post's images (`post_id` `None`: a new post has none yet), and the
/// "keep anyway" list is of a sane size.
async fn check_input(conn: &mut Conn, input: &PostInput, post_id: Option<i64>) -> AppResult<()> {
    AppError::check(input.validate())?;
    if input.kept_warnings.len() > KEPT_MAX
        || input
            .kept_warnings
            .iter()
            .any(|k| k.chars().count() > KEY_MAX)
    {
        return Err(AppError::Validation(vec![(
            "kept_warnings",
            FieldError::TooLong,
        )]));
    }
    if let Some(id) = input.question_id {
        ensure_open_question(&mut *conn, id).await?;
    }
    if let Some(cover) = &input.cover {
        let file_id = cover
            .strip_prefix(doctor_desk_api::posts::IMAGE_PATH)
            .filter(|_| is_image_address(cover));
        let ours: Option<i64> = match (file_id, post_id) {
            (Some(file_id), Some(post_id)) => {
                crate::db::query_scalar(
                    "SELECT 1 FROM post_images WHERE file_id = ? AND post_id = ?",
                )
                .bind(file_id)
                .bind(post_id)
                .fetch_optional(&mut *conn)
                .await?
            }
            _ => None,
        };
        if ours.is_none() {
            return Err(AppError::Validation(vec![(
                "cover",
                FieldError::OutOfRange,
            )]));
        }
    }
    Ok(())
}

fn kept_json(input: &PostInput) -> String {
    serde_json::json!(input.kept_warnings).to_string()
}

/// A new draft (version 1). Only lengths, the question and the cover are checked: a draft
/// may be incomplete. A new post has no images yet, so it has no cover either.
#[utoipa::path(post, path = "/posts", tag = "posts",
    request_body = PostInput,
    responses(
        (status = 201, body = Post),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "A field too long, `question_id` not an open question, or a `cover` (a new post has no images)", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    me: Doctor,
    AppJson(input): AppJson<PostInput>,
) -> AppResult<(StatusCode, Json<Post>)> {
    let mut conn = state.db.acquire().await?;
    check_input(&mut conn, &input, None).await?;
    let now = state.clock.unix();
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO posts (doctor_id, kind, question_id, title, body, ai_assisted,
                            kept_warnings, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(me.account_id)
    .bind(input.kind.as_str())
    .bind(input.question_id)
    .bind(&input.title)
    .bind(&input.body)
    .bind(input.ai_assisted)
    .bind(kept_json(&input))
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let stored = mine(&mut *conn, me.account_id, id).await?;
    Ok((StatusCode::CREATED, Json(view(&mut conn, stored).await?)))
}

/// My post: the working copy, where it stands, the last rejection and the public side.
#[utoipa::path(get, path = "/posts/{id}", tag = "posts",
    params(("id" = i64, Path, description = "Post id")),
    responses(
        (status = 200, body = Post),
        (status = 400, description = "An id that is not a number", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, description = "No such post of mine (also deleted)", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn get_one(
    State(state): State<AppState>,
    me: Doctor,
    Path(id): Path<i64>,
) -> AppResult<Json<Post>> {
    let mut conn = state.db.acquire().await?;
    let stored = mine(&mut *conn, me.account_id, id).await?;
    Ok(Json(view(&mut conn, stored).await?))
}

/// Saves the working copy edited from `version`; answers it at version + 1. A published
/// or withdrawn post becomes a draft (its public page keeps showing the approved revision
/// until a new one is approved); a draft or rejected post keeps its status.
#[utoipa::path(put, path = "/posts/{id}", tag = "posts",
    params(("id" = i64, Path, description = "Post id")),
    request_body = PostInput,
    responses(
        (status = 200, body = Post),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`conflict`: saved meanwhile from elsewhere (`version` is stale); `under_review`: withdraw it from review first", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "`version` missing, a field too long, `question_id` not an open question, or `cover` not an image of this post", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn save(
    State(state): State<AppState>,
    me: Doctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<PostInput>,
) -> AppResult<Json<Post>> {
    let Some(version) = input.version else {
        let mut errors = input.validate();
        errors.insert(0, ("version", FieldError::Required));
        return Err(AppError::Validation(errors));
    };
    let mut conn = state.db.acquire().await?;
    mine(&mut *conn, me.account_id, id).await?;
    check_input(&mut conn, &input, Some(id)).await?;
    let saved = crate::db::query(
        "UPDATE posts SET kind = ?, question_id = ?, title = ?, body = ?, cover = ?,
                ai_assisted = ?, kept_warnings = ?, version = version + 1, updated_at = ?,
                status = CASE WHEN status IN ('published', 'withdrawn') THEN 'draft'
                              ELSE status END
          WHERE id = ? AND doctor_id = ? AND deleted_at IS NULL AND version = ?
            AND status != 'in_review'",
    )
    .bind(input.kind.as_str())
    .bind(input.question_id)
    .bind(&input.title)
    .bind(&input.body)
    .bind(&input.cover)
    .bind(input.ai_assisted)
    .bind(kept_json(&input))
    .bind(state.clock.unix())
    .bind(id)
    .bind(me.account_id)
    .bind(version as i64)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let stored = mine(&mut *conn, me.account_id, id).await?;
    if saved == 0 {
        return Err(AppError::Code(if stored.status() == PostStatus::InReview {
            ErrorCode::UnderReview
        } else {
            ErrorCode::Conflict
        }));
    }
    Ok(Json(view(&mut conn, stored).await?))
}

/// Deletes my post: gone from my lists and every endpoint; a public page answers 410. Not
/// while the hospital reviews it (withdraw it from review first).
#[utoipa::path(delete, path = "/posts/{id}", tag = "posts",
    params(("id" = i64, Path, description = "Post id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "An id that is not a number", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`under_review`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    me: Doctor,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let deleted = crate::db::query(
        "UPDATE posts SET deleted_at = ?
          WHERE id = ? AND doctor_id = ? AND deleted_at IS NULL AND status != 'in_review'",
    )
    .bind(state.clock.unix())
    .bind(id)
    .bind(me.account_id)
    .execute(&state.db)
    .await?
    .rows_affected();
    if deleted == 0 {
        // Not mine (404), or in review.
        mine(&state.db, me.account_id, id).await?;
        return Err(AppError::Code(ErrorCode::UnderReview));
    }
    tracing::info!(post = id, doctor = me.account_id, "post deleted");
    Ok(StatusCode::NO_CONTENT)
}

//! A post's images: uploaded by its doctor (`POST /posts/{id}/images`), served to anyone
//! at `/p/img/{name}` (the public page shows them signed out). The name is the stored
//! file's random id, so an image of a draft is as good as private until it is shared.

pub(crate) mod size;

use axum::{
    extract::{Multipart, Path, State},
    http::StatusCode,
    response::Response,
    Json,
};
use doctor_desk_api::{
    posts::{PostImage, IMAGE_PATH},
    validate::FieldError,
    ErrorBody, ErrorCode,
};

use super::mine;
use crate::{
    error::{AppError, AppResult},
    extractor::Doctor,
    files::{self, Owner, Upload},
    state::AppState,
};

/// Wider or taller than this is refused: no article needs it, and a phone decoding it
/// runs out of memory.
pub const MAX_SIDE: u32 = 10_000;

/// Stores an image for my post: JPEG, PNG or WebP judged by the content (never the name
/// or the type the client claims), 10 MB at most, at most 10 000 px a side. Its `url`
/// goes into the Markdown (`![alt](url)`) or the cover.
#[utoipa::path(post, path = "/posts/{id}/images", tag = "posts",
    params(("id" = i64, Path, description = "Post id")),
    request_body(content_type = "multipart/form-data", description = "`file`"),
    responses(
        (status = 201, body = PostImage),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 413, description = "Larger than 10 MB", body = ErrorBody),
        (status = 415, description = "`unsupported_file_type`: not a JPEG, PNG or WebP image by its content (or its header is unreadable)", body = ErrorBody),
        (status = 422, description = "An empty file, or more than 10 000 px wide or tall (`fields.file`)", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    me: Doctor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<(StatusCode, Json<PostImage>)> {
    mine(&state.db, me.account_id, id).await?;
    let mut upload = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Code(ErrorCode::MalformedBody))?
    {
        if field.name() == Some("file") {
            upload = Some(Upload::receive(&state, field, files::IMAGES).await?);
        }
    }
    let upload = upload.ok_or(AppError::OnField(ErrorCode::EmptyFile, "file"))?;
    let bytes = tokio::fs::read(upload.path())
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let (width, height) = size::dimensions(upload.content_type, &bytes)
        .ok_or(AppError::OnField(ErrorCode::UnsupportedFileType, "file"))?;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(AppError::Validation(vec![("file", FieldError::OutOfRange)]));
    }
    let now = state.clock.unix();
    let file_id = upload.id.clone();
    let kept = upload.store(&state).await?;
    let mut tx = state.db.begin().await?;
    kept.record(&mut tx, Owner::Account(me.account_id), now)
        .await?;
    crate::db::query(
        "INSERT INTO post_images (file_id, post_id, width, height, created_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&file_id)
    .bind(id)
    .bind(width)
    .bind(height)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    kept.committed();
    Ok((
        StatusCode::CREATED,
        Json(PostImage {
            url: format!("{IMAGE_PATH}{file_id}"),
            width,
            height,
        }),
    ))
}

/// A post image, to anyone: with its sniffed content type, `nosniff`, and cacheable for a
/// year (it never changes). An image of a deleted post is gone (404).
#[utoipa::path(get, path = "/p/img/{name}", tag = "public",
    params(("name" = String, Path, description = "The image's name, from its `url`")),
    responses(
        (status = 200, description = "The image (JPEG, PNG or WebP)"),
        (status = 404, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn serve(State(state): State<AppState>, Path(name): Path<String>) -> AppResult<Response> {
    let content_type: String = crate::db::query_scalar(
        "SELECT f.content_type FROM post_images i
           JOIN files f ON f.id = i.file_id
           JOIN posts p ON p.id = i.post_id
          WHERE i.file_id = ? AND p.deleted_at IS NULL",
    )
    .bind(&name)
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::Code(ErrorCode::NotFound))?;
    files::send_public(&state, &name, &content_type).await
}

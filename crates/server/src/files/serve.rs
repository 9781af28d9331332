//! Serving a stored file: only to whoever may see it, and inert whatever it holds.

use axum::{
    extract::{Path as UrlPath, State},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use doctor_desk_api::{ErrorBody, ErrorCode};

use super::IMAGES;
use crate::{
    error::{AppError, AppResult},
    extractor::SignedIn,
    state::AppState,
};

/// A stored file, for its owner, or for a reviewer when it is a licence document or the
/// photo of an appeal; 404 for everyone else.
#[utoipa::path(get, path = "/files/{id}", tag = "files",
    params(("id" = String, Path, description = "File id")),
    responses(
        (status = 200, description = "The file, with its sniffed content type"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub(super) async fn download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    UrlPath(id): UrlPath<String>,
) -> AppResult<Response> {
    let not_found = AppError::Code(ErrorCode::NotFound);
    let reviewer = signed_in.reviewer;
    if !reviewer && signed_in.agreements_pending {
        // Owners are doctors: closed to them, like every doctor endpoint, until they accept.
        return Err(AppError::Code(ErrorCode::AgreementRequired));
    }
    let row: Option<(i64, String)> =
        crate::db::query_as("SELECT owner_id, content_type FROM files WHERE id = ?")
            .bind(&id)
            .fetch_optional(&state.db)
            .await?;
    // Reviewers verify licences: a photo a doctor sent in a consultation is care data and
    // none of theirs.
    let licence = match &row {
        Some((owner_id, _)) if reviewer => crate::db::query_scalar::<i64>(
            "SELECT 1 FROM documents WHERE account_id = ? AND file_id = ?",
        )
        .bind(owner_id)
        .bind(&id)
        .fetch_optional(&state.db)
        .await?
        .is_some(),
        _ => false,
    };
    let content_type = match row {
        Some((owner_id, content_type)) if licence || owner_id == signed_in.account_id => {
            content_type
        }
        Some(_) => return Err(not_found),
        None => {
            // The photo of an appeal: for reviewers, who compare it with the ID card.
            let photo = match reviewer {
                true => appeal_photo(&state, &id).await?,
                false => None,
            };
            match photo {
                Some(content_type) => content_type,
                // A patient's record or photo: only for the doctor of a consultation
                // showing it.
                None => crate::db::query_scalar(
                    "SELECT pf.content_type FROM patient_files pf
                     WHERE pf.id = ?1 AND (
                       EXISTS (SELECT 1 FROM consultation_files cf
                               JOIN consultations c ON c.id = cf.consultation_id
                               WHERE cf.file_id = pf.id AND c.doctor_id = ?2)
                       OR EXISTS (SELECT 1 FROM messages m
                                  JOIN consultations c ON c.id = m.consultation_id
                                  WHERE m.image_file_id = pf.id AND c.doctor_id = ?2))",
                )
                .bind(&id)
                .bind(signed_in.account_id)
                .fetch_optional(&state.db)
                .await?
                .ok_or(AppError::Code(ErrorCode::NotFound))?,
            }
        }
    };
    send(&state, &id, &content_type).await
}

async fn appeal_photo(state: &AppState, id: &str) -> AppResult<Option<String>> {
    Ok(
        crate::db::query_scalar("SELECT content_type FROM appeal_files WHERE id = ?")
            .bind(id)
            .fetch_optional(&state.db)
            .await?,
    )
}

/// The stored file `id` as a response, once the caller has checked who may read it.
pub(crate) async fn send(state: &AppState, id: &str, content_type: &str) -> AppResult<Response> {
    // Health records and licences: never kept by the browser or a shared cache.
    respond(state, id, content_type, "private, no-store").await
}

/// A public image (of a post) as a response: cached by anyone for a year, since its name
/// is random and its content never changes.
pub(crate) async fn send_public(
    state: &AppState,
    id: &str,
    content_type: &str,
) -> AppResult<Response> {
    respond(
        state,
        id,
        content_type,
        "public, max-age=31536000, immutable",
    )
    .await
}

async fn respond(
    state: &AppState,
    id: &str,
    content_type: &str,
    cache_control: &'static str,
) -> AppResult<Response> {
    let Some((body, size)) = state.files.get(id).await? else {
        // A row without its file: ours to investigate, but to the client the file simply
        // is not there.
        tracing::error!(id, "a stored file is missing");
        return Err(AppError::Code(ErrorCode::NotFound));
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Only images show inline (in <img>); a PDF opened on our origin could run its own
    // scripts in some viewers, so it downloads instead.
    let disposition = if IMAGES.contains(&content_type) {
        "inline"
    } else {
        "attachment"
    };
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static(disposition),
    );
    // Whatever a file holds, opened on its own it runs nothing and reaches nothing.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ),
    );
    Ok(response)
}

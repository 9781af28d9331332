//! What the editor asks while the doctor writes: the rendered preview, the server's
//! compliance findings, and the word lists the SPA runs the same check with live.

use axum::{extract::State, Json};
use doctor_desk_api::{
    posts::{
        compliance::Rules, CheckRequest, CheckResult, Preview, PreviewRequest, BODY_MAX, TITLE_MAX,
    },
    validate::{check as field, optional_text, FieldErrors},
    ErrorBody,
};

use super::rules;
use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, Doctor},
    markdown,
    state::AppState,
};

/// The body as the public page will show it: Markdown without raw HTML (shown as text),
/// links only to http(s) pages (others keep their text), images only from our post image
/// store (others keep their alt text).
#[utoipa::path(post, path = "/posts/preview", tag = "posts",
    request_body = PreviewRequest,
    responses(
        (status = 200, body = Preview),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "The body is too long", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn preview(
    _me: Doctor,
    AppJson(request): AppJson<PreviewRequest>,
) -> AppResult<Json<Preview>> {
    let mut errors = FieldErrors::new();
    field(&mut errors, "body", optional_text(&request.body, BODY_MAX));
    AppError::check(errors)?;
    Ok(Json(Preview {
        html: markdown::render_post(&request.body),
    }))
}

/// What the server's compliance check finds in a title and body (the one a submission
/// must pass).
#[utoipa::path(post, path = "/posts/check", tag = "posts",
    request_body = CheckRequest,
    responses(
        (status = 200, body = CheckResult),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "The title or body is too long", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn check(
    State(state): State<AppState>,
    _me: Doctor,
    AppJson(request): AppJson<CheckRequest>,
) -> AppResult<Json<CheckResult>> {
    let mut errors = FieldErrors::new();
    field(
        &mut errors,
        "title",
        optional_text(&request.title, TITLE_MAX),
    );
    field(&mut errors, "body", optional_text(&request.body, BODY_MAX));
    AppError::check(errors)?;
    Ok(Json(CheckResult {
        findings: rules::findings(&state.rules, &request.title, &request.body),
    }))
}

/// The hospital's word lists, as the server checks with them.
#[utoipa::path(get, path = "/posts/rules", tag = "posts",
    responses(
        (status = 200, body = Rules),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn rules(State(state): State<AppState>, _me: Doctor) -> Json<Rules> {
    Json(state.rules.as_ref().clone())
}

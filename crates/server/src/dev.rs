//! Development-only endpoints, mounted only with `--dev`.

use axum::{
    extract::{Query, State},
    Json,
};
use doctor_desk_api::{
    auth::{DevSmsMessage, DevSmsNotice},
    validate::normalize_phone,
    ErrorBody, ErrorCode,
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sms_outbox))
        .routes(routes!(sms_notices))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct OutboxQuery {
    phone: Option<String>,
}

/// The latest SMS code sent to a phone (dev servers only).
#[utoipa::path(get, path = "/dev/sms-outbox", tag = "dev", params(OutboxQuery),
    responses((status = 200, body = DevSmsMessage), (status = 404, body = ErrorBody)))]
async fn sms_outbox(
    State(state): State<AppState>,
    Query(q): Query<OutboxQuery>,
) -> AppResult<Json<DevSmsMessage>> {
    let phone = normalize_phone(q.phone.as_deref().unwrap_or(""));
    state
        .sms
        .latest(&phone)
        .map(Json)
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

/// The latest notice (a follow-up reminder, not a code) sent to a phone (dev servers only).
#[utoipa::path(get, path = "/dev/sms-notices", tag = "dev", params(OutboxQuery),
    responses((status = 200, body = DevSmsNotice), (status = 404, body = ErrorBody)))]
async fn sms_notices(
    State(state): State<AppState>,
    Query(q): Query<OutboxQuery>,
) -> AppResult<Json<DevSmsNotice>> {
    let phone = normalize_phone(q.phone.as_deref().unwrap_or(""));
    state
        .sms
        .latest_notice(&phone)
        .map(Json)
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

//! axum's own extractors (`Path`, `Query`, `Multipart`, `Bytes`) reject a request with a
//! plain-text body. Under /api/ that becomes our error shape, so a client always reads
//! `{"error":{...}}` whatever refused it.

use axum::{
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use doctor_desk_api::ErrorCode;

use crate::error::AppError;

pub async fn own_shape(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !api || !plain || !response.status().is_client_error() {
        return response;
    }
    let code = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        _ => ErrorCode::MalformedBody,
    };
    AppError::Code(code).into_response()
}

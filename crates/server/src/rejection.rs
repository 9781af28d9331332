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
    // The status axum chose stays (a client may act on 405 or 413); the code is the one
    // of ours that goes with it.
    let status = response.status();
    let code = match status {
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::CONFLICT => ErrorCode::Conflict,
        StatusCode::GONE => ErrorCode::Gone,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::UNPROCESSABLE_ENTITY => ErrorCode::ValidationFailed,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
        // 400, and statuses none of our codes has (408, 411, 414, 431...): the request
        // itself was unreadable.
        _ => ErrorCode::MalformedBody,
    };
    let mut ours = AppError::Code(code).into_response();
    *ours.status_mut() = status;
    ours
}

#[cfg(test)]
mod tests {
    use axum::{body::Body, routing::get, Router};
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_plain_rejection_keeps_its_status() {
        let app = Router::new()
            .route(
                "/api/{status}",
                get(
                    |axum::extract::Path(s): axum::extract::Path<u16>| async move {
                        (StatusCode::from_u16(s).unwrap(), "refused").into_response()
                    },
                ),
            )
            .layer(axum::middleware::from_fn(own_shape));
        for (status, code) in [
            (400, ErrorCode::MalformedBody),
            (405, ErrorCode::MethodNotAllowed),
            (408, ErrorCode::MalformedBody),
            (413, ErrorCode::PayloadTooLarge),
            (415, ErrorCode::UnsupportedMediaType),
            (422, ErrorCode::ValidationFailed),
            (429, ErrorCode::RateLimited),
        ] {
            let request = Request::get(format!("/api/{status}"))
                .body(Body::empty())
                .unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status().as_u16(), status);
            assert_eq!(
                crate::error::pending_code(&response),
                Some(code),
                "{status}"
            );
        }
    }
}

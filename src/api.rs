//! The one API client: a typed function per endpoint, using the types of `crates/api`.
//! The CSRF header and the language are added here, errors become one `ApiError`, and a
//! request still in flight when its view is cleaned up is aborted.

use std::collections::BTreeMap;

use doctor_desk_api::{
    auth::{LoginRequest, Me, PasswordResetRequest, RegisterRequest, SmsCodeRequest},
    ErrorBody, ErrorCode, API_PREFIX, CSRF_COOKIE, CSRF_HEADER,
};
use gloo_net::http::{Method, RequestBuilder};
use leptos::reactive::owner::Owner;
use send_wrapper::SendWrapper;
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsCast;

use crate::i18n::{current_lang, texts};

/// A failed call, ready to show: `message` is for the user, `fields` go under the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// 0 when the server was not reached.
    pub status: u16,
    pub code: Option<ErrorCode>,
    pub message: String,
    pub fields: BTreeMap<String, String>,
    /// Seconds to wait, from `Retry-After`.
    pub retry_after: Option<i64>,
}

impl ApiError {
    fn network() -> ApiError {
        ApiError {
            status: 0,
            code: None,
            message: texts(current_lang()).network_error.to_owned(),
            fields: BTreeMap::new(),
            retry_after: None,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

pub async fn me() -> ApiResult<Me> {
    call(Method::GET, "/me", None::<&()>).await
}

pub async fn send_sms_code(req: &SmsCodeRequest) -> ApiResult<()> {
    call(Method::POST, "/auth/sms-codes", Some(req)).await
}

pub async fn register(req: &RegisterRequest) -> ApiResult<Me> {
    call(Method::POST, "/auth/register", Some(req)).await
}

pub async fn login(req: &LoginRequest) -> ApiResult<Me> {
    call(Method::POST, "/auth/login", Some(req)).await
}

pub async fn logout() -> ApiResult<()> {
    call(Method::POST, "/auth/logout", None::<&()>).await
}

pub async fn reset_password(req: &PasswordResetRequest) -> ApiResult<()> {
    call(Method::POST, "/auth/password-reset", Some(req)).await
}

async fn call<T, B>(method: Method, path: &str, body: Option<&B>) -> ApiResult<T>
where
    T: DeserializeOwned,
    B: Serialize,
{
    let url = format!("{API_PREFIX}{path}");
    let body = match body {
        Some(b) => Some(serde_json::to_string(b).map_err(|_| ApiError::network())?),
        None => None,
    };
    SendWrapper::new(send(method, url, body)).await
}

async fn send<T: DeserializeOwned>(
    method: Method,
    url: String,
    body: Option<String>,
) -> ApiResult<T> {
    let abort = SendWrapper::new(web_sys::AbortController::new().ok());
    let signal = abort.as_ref().map(|a| a.signal());
    // Leaving the page that asked cancels the request.
    Owner::on_cleanup(move || {
        if let Some(a) = abort.take() {
            a.abort();
        }
    });

    let mutating = !matches!(method, Method::GET | Method::HEAD);
    let mut builder = RequestBuilder::new(&url)
        .method(method)
        .abort_signal(signal.as_ref())
        .header("Accept", "application/json")
        .header("Accept-Language", current_lang().tag());
    if mutating {
        let token = match csrf_token() {
            Some(t) => t,
            None => {
                // The cookie comes with any response; fetch one if this page never got it.
                let _ = RequestBuilder::new(&format!("{API_PREFIX}/health"))
                    .send()
                    .await;
                csrf_token().unwrap_or_default()
            }
        };
        builder = builder.header(CSRF_HEADER, &token);
    }
    let request = match body {
        Some(b) => builder
            .header("Content-Type", "application/json")
            .body(b)
            .map_err(|_| ApiError::network())?,
        None => builder.build().map_err(|_| ApiError::network())?,
    };
    let response = request.send().await.map_err(|_| ApiError::network())?;
    let status = response.status();
    if (200..300).contains(&status) {
        if status == 204 {
            return serde_json::from_str("null").map_err(|_| ApiError::network());
        }
        return response.json::<T>().await.map_err(|_| ApiError::network());
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.parse().ok());
    let body: Option<ErrorBody> = response.json().await.ok();
    Err(match body {
        Some(ErrorBody { error }) => ApiError {
            status,
            code: Some(error.code),
            message: error.message,
            fields: error.fields,
            retry_after,
        },
        None => ApiError {
            status,
            ..ApiError::network()
        },
    })
}

/// The CSRF token from its cookie (double-submit: only our own pages can read it).
fn csrf_token() -> Option<String> {
    let document = leptos::prelude::document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?;
    let cookies = document.cookie().ok()?;
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == CSRF_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

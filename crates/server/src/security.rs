//! Protections applied to every response: security headers and the CSRF double-submit
//! check on state-changing API calls.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use doctor_desk_api::{ErrorCode, CSRF_COOKIE, CSRF_HEADER};
use rand::RngCore;

use crate::{error::AppError, extractor::cookie_in, state::AppState};

/// Content-Security-Policy for the app. Inline scripts are allowed only by the hash of
/// each one in the built index.html (Trunk's loader); wasm compiles under
/// `wasm-unsafe-eval`, never `unsafe-eval`.
pub fn content_security_policy(inline_script_hashes: &[String]) -> String {
    let hashes: String = inline_script_hashes
        .iter()
        .map(|h| format!(" 'sha256-{h}'"))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; media-src 'self' blob:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// What `headers` adds: the app's CSP, and HSTS when served over https.
#[derive(Clone)]
pub struct Policy {
    pub csp: HeaderValue,
    /// Set with `--secure-cookies` (the app is behind https): browsers then refuse plain
    /// http to us for a year, so a network in between cannot strip TLS.
    pub hsts: bool,
}

/// Adds the security headers that every response carries. A response that set its own
/// CSP (a stored file, sandboxed) keeps it.
pub async fn headers(State(policy): State<Policy>, request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    // The API's answers are doctors' and patients' data, current at the moment asked: no
    // browser or proxy keeps a copy (a shared phone's cache), and no page is handed an old
    // one (WebKit may serve a GET without caching headers from its cache). A response that
    // says otherwise keeps its own.
    if is_api && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, policy.csp);
    }
    if policy.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=()"),
    );
    response
}

/// Double-submit CSRF: a state-changing API request must echo the `dd_csrf` cookie in the
/// `x-csrf-token` header. A page on another site can send our cookies but cannot read
/// them, so it cannot forge the header. Every response to a client without the cookie
/// hands one out.
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cookie = cookie_in(request.headers(), CSRF_COOKIE);
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let is_api = request.uri().path().starts_with("/api/");
    if is_api && !safe {
        let header = request
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok());
        let matches = match (&cookie, header) {
            (Some(c), Some(h)) => constant_time_eq(c.as_bytes(), h.as_bytes()),
            _ => false,
        };
        if !matches {
            return AppError::Code(ErrorCode::CsrfFailed).into_response();
        }
    }
    // The public pages of posts set no cookie at all: readers have no account here.
    let public = request
        .uri()
        .path()
        .starts_with(doctor_desk_api::posts::PUBLIC_PATH);
    let mut response = next.run(request).await;
    if cookie.is_none() && !public {
        let mut bytes = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut bytes);
        let mut value = format!(
            "{CSRF_COOKIE}={}; Path=/; SameSite=Strict",
            URL_SAFE_NO_PAD.encode(bytes)
        );
        if state.config.secure_cookies {
            value.push_str("; Secure");
        }
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

//! The one API client: a typed function per endpoint, using the types of `crates/api`.
//! The CSRF header and the language are added here, errors become one `ApiError`, and a
//! request still in flight when its view is cleaned up is aborted.

pub mod account;
mod early;
pub mod follow_ups;
pub mod patients;
pub mod posts;

pub use early::forget as forget_early_answers;

use std::collections::BTreeMap;

use std::{cell::Cell, rc::Rc};

use doctor_desk_api::{
    agreements::{
        Acceptance, AcceptanceRequest, AgreementDocument, AgreementKind, CurrentAgreement,
        PublishRequest, PublishedVersion,
    },
    auth::{LoginRequest, Me, PasswordResetRequest, RegisterRequest, SmsCodeRequest},
    inbox::{
        AcceptRequest, Advice, Consultation, ConsultationPage, ConsultationSettings, Decline,
        Message, QuickReply, QuickReplyInput, SendMessage, StatusCounts,
    },
    onboarding::{
        DecisionRequest, Document, ExpiryWarnings, Profile, ProfileUpdate, QueueItem,
        ReviewSubmission, Verification,
    },
    preload, ErrorBody, ErrorCode, Lang, API_PREFIX, CSRF_COOKIE, CSRF_HEADER,
};
use gloo_net::http::{Method, RequestBuilder};
use leptos::reactive::owner::Owner;
use send_wrapper::SendWrapper;
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::closure::Closure;
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
    pub fn network() -> ApiError {
        ApiError {
            status: 0,
            code: None,
            message: texts(current_lang()).network_error().to_owned(),
            fields: BTreeMap::new(),
            retry_after: None,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

pub async fn me() -> ApiResult<Me> {
    call(Method::GET, preload::ME, None::<&()>).await
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

/// The profile, or `None` before it was first saved.
pub async fn profile() -> ApiResult<Option<Profile>> {
    match call(Method::GET, "/me/profile", None::<&()>).await {
        Ok(p) => Ok(Some(p)),
        Err(e) if e.code == Some(ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn save_profile(update: &ProfileUpdate) -> ApiResult<Profile> {
    call(Method::PUT, "/me/profile", Some(update)).await
}

pub async fn documents() -> ApiResult<Vec<Document>> {
    call(Method::GET, "/me/documents", None::<&()>).await
}

pub async fn delete_document(id: i64) -> ApiResult<()> {
    call(Method::DELETE, &format!("/me/documents/{id}"), None::<&()>).await
}

pub async fn verification() -> ApiResult<Verification> {
    call(Method::GET, preload::VERIFICATION, None::<&()>).await
}

/// The same request as [`verification`], read for the home page's expiry warnings only.
pub async fn expiry_warnings() -> ApiResult<ExpiryWarnings> {
    call(Method::GET, preload::VERIFICATION, None::<&()>).await
}

pub async fn submit_verification() -> ApiResult<Verification> {
    call(Method::POST, "/me/verification", None::<&()>).await
}

pub async fn review_queue(status: &str) -> ApiResult<Vec<QueueItem>> {
    call(
        Method::GET,
        &format!("/review/submissions?status={status}"),
        None::<&()>,
    )
    .await
}

pub async fn review_submission(id: i64) -> ApiResult<ReviewSubmission> {
    call(
        Method::GET,
        &format!("/review/submissions/{id}"),
        None::<&()>,
    )
    .await
}

pub async fn decide(id: i64, decision: &DecisionRequest) -> ApiResult<ReviewSubmission> {
    call(
        Method::POST,
        &format!("/review/submissions/{id}/decision"),
        Some(decision),
    )
    .await
}

pub async fn current_agreements() -> ApiResult<Vec<CurrentAgreement>> {
    call(Method::GET, "/agreements/current", None::<&()>).await
}

/// One version in `lang`; with `since`, its clause changes since that version.
pub async fn agreement(
    kind: AgreementKind,
    version: &str,
    since: Option<&str>,
    lang: Lang,
) -> ApiResult<AgreementDocument> {
    let mut path = format!(
        "/agreements/{}/{}?lang={}",
        kind.as_str(),
        js_sys::encode_uri_component(version),
        lang.tag()
    );
    if let Some(since) = since {
        path.push_str("&since=");
        path.push_str(&String::from(js_sys::encode_uri_component(since)));
    }
    call(Method::GET, &path, None::<&()>).await
}

pub async fn accept_agreement(
    kind: AgreementKind,
    version: &str,
    req: &AcceptanceRequest,
) -> ApiResult<Acceptance> {
    let path = format!(
        "/agreements/{}/{}/acceptance",
        kind.as_str(),
        js_sys::encode_uri_component(version)
    );
    call(Method::POST, &path, Some(req)).await
}

pub async fn acceptances() -> ApiResult<Vec<Acceptance>> {
    call(Method::GET, "/me/acceptances", None::<&()>).await
}

pub async fn published_agreements() -> ApiResult<Vec<PublishedVersion>> {
    call(Method::GET, "/review/agreements", None::<&()>).await
}

pub async fn preview_agreement(req: &PublishRequest) -> ApiResult<Vec<AgreementDocument>> {
    call(Method::POST, "/review/agreements/preview", Some(req)).await
}

pub async fn publish_agreement(req: &PublishRequest) -> ApiResult<PublishedVersion> {
    call(Method::POST, "/review/agreements", Some(req)).await
}

pub async fn consultations(
    status: &str,
    q: &str,
    cursor: Option<&str>,
) -> ApiResult<ConsultationPage> {
    // The page every doctor page asks for first: exactly the request the page's boot
    // script made (`preload`).
    if (status, q, cursor) == ("new", "", None) {
        return call(Method::GET, preload::NEW_CONSULTATIONS, None::<&()>).await;
    }
    let mut path = format!(
        "/consultations?status={status}&limit=50&q={}",
        js_sys::encode_uri_component(q)
    );
    if let Some(c) = cursor {
        path.push_str("&cursor=");
        path.push_str(c);
    }
    call(Method::GET, &path, None::<&()>).await
}

pub async fn consultation(id: i64) -> ApiResult<Consultation> {
    call(Method::GET, &preload::consultation(id), None::<&()>).await
}

pub async fn messages(id: i64, after: i64) -> ApiResult<Vec<Message>> {
    // The whole thread is what the consultation page preloads.
    let path = if after == 0 {
        preload::thread(id)
    } else {
        format!("/consultations/{id}/messages?after={after}")
    };
    call(Method::GET, &path, None::<&()>).await
}

/// The doctor has seen the thread (clears its unread count); answers with the counts now.
pub async fn mark_read(id: i64) -> ApiResult<StatusCounts> {
    call(
        Method::POST,
        &format!("/consultations/{id}/read"),
        None::<&()>,
    )
    .await
}

pub async fn send_message(id: i64, req: &SendMessage) -> ApiResult<Message> {
    call(
        Method::POST,
        &format!("/consultations/{id}/messages"),
        Some(req),
    )
    .await
}

pub async fn accept_consultation(id: i64, req: &AcceptRequest) -> ApiResult<Consultation> {
    call(
        Method::POST,
        &format!("/consultations/{id}/accept"),
        Some(req),
    )
    .await
}

pub async fn ask_patient(id: i64, req: &SendMessage) -> ApiResult<Message> {
    call(Method::POST, &format!("/consultations/{id}/ask"), Some(req)).await
}

pub async fn decline_consultation(id: i64, req: &Decline) -> ApiResult<Consultation> {
    call(
        Method::POST,
        &format!("/consultations/{id}/decline"),
        Some(req),
    )
    .await
}

pub async fn close_consultation(id: i64, req: &Advice) -> ApiResult<Consultation> {
    call(
        Method::POST,
        &format!("/consultations/{id}/close"),
        Some(req),
    )
    .await
}

pub async fn consultation_settings() -> ApiResult<ConsultationSettings> {
    call(Method::GET, "/me/consultation-settings", None::<&()>).await
}

pub async fn save_consultation_settings(
    req: &ConsultationSettings,
) -> ApiResult<ConsultationSettings> {
    call(Method::PUT, "/me/consultation-settings", Some(req)).await
}

pub async fn quick_replies() -> ApiResult<Vec<QuickReply>> {
    call(Method::GET, "/me/quick-replies", None::<&()>).await
}

pub async fn add_quick_reply(req: &QuickReplyInput) -> ApiResult<Vec<QuickReply>> {
    call(Method::POST, "/me/quick-replies", Some(req)).await
}

pub async fn update_quick_reply(id: i64, req: &QuickReplyInput) -> ApiResult<Vec<QuickReply>> {
    call(Method::PUT, &format!("/me/quick-replies/{id}"), Some(req)).await
}

pub async fn delete_quick_reply(id: i64) -> ApiResult<Vec<QuickReply>> {
    call(
        Method::DELETE,
        &format!("/me/quick-replies/{id}"),
        None::<&()>,
    )
    .await
}

/// Where a stored file can be fetched (the session cookie authorises it).
pub fn file_url(file_id: &str) -> String {
    format!("{API_PREFIX}/files/{file_id}")
}

/// An upload in flight; `cancel` aborts it (its result is then `UploadError::Cancelled`).
pub struct UploadTask {
    xhr: web_sys::XmlHttpRequest,
    cancelled: Rc<Cell<bool>>,
}

impl UploadTask {
    pub fn cancel(&self) {
        self.cancelled.set(true);
        let _ = self.xhr.abort();
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    /// The doctor cancelled it.
    Cancelled,
    Failed(ApiError),
}

/// Uploads multipart `form` to `path` with XMLHttpRequest, which (unlike fetch) reports
/// upload progress: `on_progress` gets 0.0–1.0 as bytes leave the phone.
pub fn upload<T: DeserializeOwned + 'static>(
    path: &str,
    form: &web_sys::FormData,
    on_progress: impl Fn(f64) + 'static,
) -> Result<
    (
        UploadTask,
        impl std::future::Future<Output = Result<T, UploadError>>,
    ),
    ApiError,
> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| ApiError::network())?;
    xhr.open("POST", &format!("{API_PREFIX}{path}"))
        .map_err(|_| ApiError::network())?;
    let _ = xhr.set_request_header("Accept", "application/json");
    let _ = xhr.set_request_header("Accept-Language", current_lang().tag());
    let _ = xhr.set_request_header(CSRF_HEADER, &csrf_token().unwrap_or_default());
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                on_progress(e.loaded() / e.total());
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(wasm_bindgen::JsCast::unchecked_ref(progress.as_ref())));
    }
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        xhr.set_onloadend(Some(&resolve));
    });
    xhr.send_with_opt_form_data(Some(form))
        .map_err(|_| ApiError::network())?;
    let cancelled = Rc::new(Cell::new(false));
    let task = UploadTask {
        xhr: xhr.clone(),
        cancelled: cancelled.clone(),
    };
    let result = async move {
        let _ = wasm_bindgen_futures::JsFuture::from(done).await;
        drop(progress);
        if cancelled.get() {
            return Err(UploadError::Cancelled);
        }
        let status = xhr.status().unwrap_or(0);
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        if (200..300).contains(&status) {
            return crate::json::from_str(&text)
                .ok_or_else(|| UploadError::Failed(ApiError::network()));
        }
        if status == 0 {
            return Err(UploadError::Failed(ApiError::network()));
        }
        let retry_after = xhr
            .get_response_header("retry-after")
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok());
        Err(UploadError::Failed(error_from(
            status,
            crate::json::from_str(&text),
            retry_after,
        )))
    };
    Ok((task, result))
}

fn error_from(status: u16, body: Option<ErrorBody>, retry_after: Option<i64>) -> ApiError {
    match body {
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
    }
}

async fn call<T, B>(method: Method, path: &str, body: Option<&B>) -> ApiResult<T>
where
    T: DeserializeOwned,
    B: Serialize,
{
    let url = format!("{API_PREFIX}{path}");
    let body = match body {
        Some(b) => Some(crate::json::to_string(b).ok_or_else(ApiError::network)?),
        None => None,
    };
    let answer = SendWrapper::new(send(method, url, body)).await?;
    crate::json::from_value(answer).ok_or_else(ApiError::network)
}

/// A request and its answer's JSON body (null if it has none), or the error to show. Not
/// generic: made once for every request's type of answer, which only `call` reads.
async fn send(
    method: Method,
    url: String,
    body: Option<String>,
) -> ApiResult<wasm_bindgen::JsValue> {
    let abort = SendWrapper::new(web_sys::AbortController::new().ok());
    let signal = abort.as_ref().map(|a| a.signal());
    // Leaving the page that asked cancels the request.
    Owner::on_cleanup(move || {
        if let Some(a) = abort.take() {
            a.abort();
        }
    });

    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    if method == Method::GET {
        if let Some(answer) = early::take(&url) {
            let (status, retry_after, body) = answer.await.map_err(|_| ApiError::network())?;
            return answered(path, status, retry_after, body);
        }
    }

    let mutating = !matches!(method, Method::GET | Method::HEAD);
    // gloo-net appends "&" and its own (empty) query to a URL that already has one: give it
    // the query as parameters, so the browser asks for exactly our URL.
    let params: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                js_sys::decode_uri_component(s)
                    .map(String::from)
                    .unwrap_or_else(|_| s.to_owned())
            };
            (decode(name), decode(value))
        })
        .collect();
    let mut builder = RequestBuilder::new(path)
        .query(params.iter().map(|(n, v)| (n.as_str(), v.as_str())))
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
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.parse().ok());
    let body = if status == 204 {
        wasm_bindgen::JsValue::NULL
    } else {
        json_body(response).await
    };
    answered(path, status, retry_after, body)
}

/// What an answer means: its JSON body, or the error to show.
fn answered(
    path: &str,
    status: u16,
    retry_after: Option<i64>,
    body: wasm_bindgen::JsValue,
) -> ApiResult<wasm_bindgen::JsValue> {
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let error = error_from(status, crate::json::from_value(body), retry_after);
    if error.code == Some(ErrorCode::Unauthorized) && path != format!("{API_PREFIX}{}", preload::ME)
    {
        crate::session::check_still_signed_in();
    }
    Err(error)
}

/// The answer's JSON body, parsed by the browser (`crate::json`); null if it has none.
async fn json_body(response: gloo_net::http::Response) -> wasm_bindgen::JsValue {
    let Ok(promise) = web_sys::Response::from(response).json() else {
        return wasm_bindgen::JsValue::NULL;
    };
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .unwrap_or(wasm_bindgen::JsValue::NULL)
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

//! The account's own security: password, phone number, the devices signed in; the
//! health-data consent; deleting the account; recovering it by appeal when its phone is
//! lost, and the reviewers' side of those appeals.

use std::future::Future;

use doctor_desk_api::{
    account::{
        activity::ActivityPage,
        appeal::{
            AppealDecision, AppealDetail, AppealForm, AppealItem, AppealReceived, AppealStatus,
        },
        deletion::{DeletionRequest, DeletionStatus},
        notifications::{MarkRead, NotificationPage, Unread},
        HealthConsent, PasswordChange, PhoneChange, SessionInfo, SessionsEnded,
    },
    auth::Me,
    preload,
};
use gloo_net::http::Method;

use super::{call, upload, ApiError, ApiResult, UploadError, UploadTask};

pub async fn change_password(req: &PasswordChange) -> ApiResult<SessionsEnded> {
    call(Method::PUT, "/me/password", Some(req)).await
}

pub async fn change_phone(req: &PhoneChange) -> ApiResult<Me> {
    call(Method::PUT, "/me/phone", Some(req)).await
}

pub async fn sessions() -> ApiResult<Vec<SessionInfo>> {
    call(Method::GET, preload::SESSIONS, None::<&()>).await
}

pub async fn end_session(id: &str) -> ApiResult<()> {
    call(
        Method::DELETE,
        &format!("/me/sessions/{}", js_sys::encode_uri_component(id)),
        None::<&()>,
    )
    .await
}

pub async fn end_other_sessions() -> ApiResult<SessionsEnded> {
    call(Method::DELETE, "/me/sessions?except=current", None::<&()>).await
}

pub async fn withdraw_consent() -> ApiResult<HealthConsent> {
    call(Method::POST, "/me/consent-withdrawals", None::<&()>).await
}

pub async fn give_consent() -> ApiResult<HealthConsent> {
    call(Method::POST, "/me/consents", None::<&()>).await
}

pub async fn deletion() -> ApiResult<DeletionStatus> {
    call(Method::GET, preload::DELETION, None::<&()>).await
}

pub async fn request_deletion(req: &DeletionRequest) -> ApiResult<DeletionStatus> {
    call(Method::POST, preload::DELETION, Some(req)).await
}

pub async fn cancel_deletion() -> ApiResult<DeletionStatus> {
    call(Method::DELETE, preload::DELETION, None::<&()>).await
}

/// A page of my activity; `query` is empty for the first unfiltered page (preloaded).
pub async fn activity(query: &str) -> ApiResult<ActivityPage> {
    let path = if query.is_empty() {
        preload::ACTIVITY.to_owned()
    } else {
        format!("{}?{query}", preload::ACTIVITY)
    };
    call(Method::GET, &path, None::<&()>).await
}

/// A page of my notifications: the first (preloaded) or the one after `cursor`.
pub async fn notifications(cursor: Option<&str>) -> ApiResult<NotificationPage> {
    let path = match cursor {
        None => preload::NOTIFICATIONS.to_owned(),
        Some(c) => format!(
            "{}?cursor={}",
            preload::NOTIFICATIONS,
            js_sys::encode_uri_component(c)
        ),
    };
    call(Method::GET, &path, None::<&()>).await
}

pub async fn mark_notifications_read(req: &MarkRead) -> ApiResult<Unread> {
    call(Method::POST, "/me/notifications/read", Some(req)).await
}

/// Files an appeal (signed out): the form's fields and `photo`, the doctor holding the ID
/// card, as multipart with upload progress (0.0–1.0 to `on_progress`).
pub fn file_appeal(
    form: &AppealForm,
    photo: &web_sys::Blob,
    photo_name: &str,
    on_progress: impl Fn(f64) + 'static,
) -> Result<
    (
        UploadTask,
        impl Future<Output = Result<AppealReceived, UploadError>>,
    ),
    ApiError,
> {
    let body = web_sys::FormData::new().map_err(|_| ApiError::network())?;
    // The text first: the server reads the fields in order.
    for (name, value) in [
        ("real_name", &form.real_name),
        ("id_number", &form.id_number),
        ("old_phone", &form.old_phone),
        ("new_phone", &form.new_phone),
        ("sms_code", &form.sms_code),
        ("reason", &form.reason),
    ] {
        body.append_with_str(name, value)
            .map_err(|_| ApiError::network())?;
    }
    body.append_with_blob_and_filename("photo", photo, photo_name)
        .map_err(|_| ApiError::network())?;
    upload("/appeals", &body, on_progress)
}

pub async fn review_appeals(status: AppealStatus) -> ApiResult<Vec<AppealItem>> {
    call(
        Method::GET,
        &format!("/review/appeals?status={}", status.as_str()),
        None::<&()>,
    )
    .await
}

pub async fn review_appeal(id: i64) -> ApiResult<AppealDetail> {
    call(Method::GET, &format!("/review/appeals/{id}"), None::<&()>).await
}

pub async fn decide_appeal(id: i64, decision: &AppealDecision) -> ApiResult<AppealDetail> {
    call(
        Method::POST,
        &format!("/review/appeals/{id}/decision"),
        Some(decision),
    )
    .await
}

//! The signed-in account's own security (`/me/password`, `/me/phone`, `/me/sessions`)
//! the health-data consent (`/me/consent-withdrawals`, `/me/consents`) and deleting the
//! account (`/me/deletion`, carried out by the retention job), and recovering it by appeal
//! when the phone is lost (`/appeals`, decided under `/review/appeals`).
//! Every change of credentials ends the account's other sessions and their event streams,
//! and a wrong current password counts against the same lockout as sign-in.

pub mod activity;
pub mod appeal;
pub mod appeal_review;
pub mod consent;
pub mod deletion;
pub mod notifications;
pub mod retention;
pub mod sessions;

use axum::{extract::State, Json};
use doctor_desk_api::{
    account::{PasswordChange, PhoneChange, SessionsEnded},
    auth::Me,
    validate::{mask_phone, normalize_phone, FieldError},
    ErrorBody, ErrorCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::{
        account::{self, Account},
        lockout, password, session, sms_code,
    },
    error::{AppError, AppResult},
    extractor::{AppJson, Client, SignedIn},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_password))
        .routes(routes!(change_phone))
        .routes(routes!(sessions::list, sessions::end_others))
        .routes(routes!(sessions::end_one))
        .routes(routes!(consent::withdraw))
        .routes(routes!(consent::give))
        .routes(routes!(deletion::show, deletion::request, deletion::cancel))
        .routes(routes!(activity::list))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(appeal::file))
        .routes(routes!(appeal_review::list))
        .routes(routes!(appeal_review::detail))
        .routes(routes!(appeal_review::decide))
}

/// The two facts care depends on, as SQL columns for the account `account` (an SQL
/// expression): the latest health-data consent (given unless withdrawn) and whether a
/// deletion is pending. The session lookup reads them with the session, so a care request
/// costs no statement of its own.
pub(crate) fn care_columns(account: &str) -> String {
    format!(
        "COALESCE((SELECT given FROM health_consents WHERE account_id = {account}
                   ORDER BY id DESC LIMIT 1), 1) <> 0,
         EXISTS (SELECT 1 FROM account_deletions WHERE account_id = {account} AND {})",
        deletion::OPEN
    )
}

/// Why the doctor's care (consultations, patients, follow-ups, the event stream) is
/// paused, if it is: the account to be deleted, or the health-data consent withdrawn.
pub(crate) fn care_code(consent: bool, deleting: bool) -> Option<ErrorCode> {
    if deleting {
        Some(ErrorCode::DeletionPending)
    } else if !consent {
        Some(ErrorCode::ConsentWithdrawn)
    } else {
        None
    }
}

/// [`care_code`] read on its own (for a patient's view of a doctor).
pub async fn care_paused(state: &AppState, account_id: i64) -> AppResult<Option<ErrorCode>> {
    let (consent, deleting): (bool, bool) =
        crate::db::query_as(&format!("SELECT {}", care_columns("?1")))
            .bind(account_id)
            .fetch_one(&state.db)
            .await?;
    Ok(care_code(consent, deleting))
}

/// Closes the account's open event streams (they carry patients' names and messages) while
/// its sessions stay signed in.
pub async fn close_streams(state: &AppState, account_id: i64) -> AppResult<()> {
    let sessions: Vec<Vec<u8>> =
        crate::db::query_scalar("SELECT token_hash FROM sessions WHERE account_id = ?")
            .bind(account_id)
            .fetch_all(&state.db)
            .await?;
    for hash in &sessions {
        state.hub.session_ended(hash);
    }
    Ok(())
}

/// Checks the current password of the signed-in account, under the sign-in lockout: a
/// stolen session cannot be used to guess it.
async fn confirm_password(
    state: &AppState,
    signed_in: &SignedIn,
    client: &Client,
    given: &str,
) -> AppResult<Account> {
    let account = account::by_id(state, signed_in.account_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::Unauthorized))?;
    lockout::take_attempt(state, &account.phone, &client.ip).await?;
    if !password::verify(given.to_owned(), account.password_hash.clone()).await? {
        return Err(AppError::OnField(
            ErrorCode::WrongPassword,
            "current_password",
        ));
    }
    lockout::succeeded(state, &account.phone, &client.ip).await?;
    Ok(account)
}

/// Change the password; every other session of the account ends (this one stays).
#[utoipa::path(put, path = "/me/password", tag = "account",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; how many other sessions ended", body = SessionsEnded),
        (status = 401, body = ErrorBody),
        (status = 422, description = "Invalid new password, or the current one is wrong (`wrong_password`)", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords (`login_locked`); see Retry-After", body = ErrorBody),
    ))]
async fn change_password(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
    AppJson(req): AppJson<PasswordChange>,
) -> AppResult<Json<SessionsEnded>> {
    AppError::check(req.validate())?;
    let account = confirm_password(&state, &signed_in, &client, &req.current_password).await?;
    let hash = password::hash(req.new_password).await?;
    account::set_password(&state, account.id, &hash).await?;
    let ended = session::end_all_others(&state, account.id, Some(&signed_in.token_hash)).await?;
    lockout::clear(&state, &account.phone).await?;
    activity::record(
        &state,
        account.id,
        "password_changed",
        &ended.to_string(),
        &client,
    )
    .await;
    Ok(Json(SessionsEnded { ended }))
}

/// Move the account to a new phone number, proven by a code sent to it (purpose
/// `change_phone`) and the current password. The old number gets a notice; every other
/// session ends.
#[utoipa::path(put, path = "/me/phone", tag = "account",
    request_body = PhoneChange,
    responses(
        (status = 200, description = "Changed", body = Me),
        (status = 401, body = ErrorBody),
        (status = 409, description = "The new number belongs to another account (`phone_taken`)", body = ErrorBody),
        (status = 422, description = "Invalid fields, a wrong code, or a wrong current password (`wrong_password`)", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords (`login_locked`); see Retry-After", body = ErrorBody),
    ))]
async fn change_phone(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
    AppJson(mut req): AppJson<PhoneChange>,
) -> AppResult<Json<Me>> {
    req.new_phone = normalize_phone(&req.new_phone);
    AppError::check(req.validate())?;
    let account = confirm_password(&state, &signed_in, &client, &req.current_password).await?;
    if account.phone == req.new_phone {
        return Err(AppError::Validation(vec![(
            "new_phone",
            FieldError::SamePhone,
        )]));
    }
    let taken = AppError::OnField(ErrorCode::PhoneTaken, "new_phone");
    if account::by_phone(&state, &req.new_phone).await?.is_some() {
        return Err(taken);
    }
    sms_code::consume(
        &state,
        &req.new_phone,
        doctor_desk_api::auth::SmsPurpose::ChangePhone,
        &req.sms_code,
    )
    .await?;
    // The unique index decides between two accounts moving to one number at once.
    let moved = crate::db::query(
        "UPDATE accounts SET phone = ?1 WHERE id = ?2
            AND NOT EXISTS (SELECT 1 FROM accounts WHERE phone = ?1)",
    )
    .bind(&req.new_phone)
    .bind(account.id)
    .execute(&state.db)
    .await
    .map(|done| done.rows_affected())
    .or_else(crate::error::unless_unique_violation)?;
    if moved == 0 {
        return Err(taken);
    }
    session::end_all_others(&state, account.id, Some(&signed_in.token_hash)).await?;
    let masked = mask_phone(&req.new_phone);
    activity::record(&state, account.id, "phone_changed", &masked, &client).await;
    let notice = format!(
        "【医生工作台】您的账号已改绑至新手机号 {}。如非本人操作，请立即通过账号申诉找回账号。",
        mask_phone(&req.new_phone)
    );
    // The move is done; a notice that cannot be sent is logged, not a failed request.
    if let Err(e) = state
        .sms
        .send_notice(&account.phone, &notice, state.clock.now())
        .await
    {
        tracing::warn!(error = %e, "phone change notice to the old number not sent");
    }
    let account = account::by_id(&state, account.id)
        .await?
        .ok_or(AppError::Code(ErrorCode::Unauthorized))?;
    Ok(Json(account::me(&state, &account).await?))
}

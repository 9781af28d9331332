//! Sign-up, sign-in, sign-out, password reset and `GET /me`.

pub mod account;
pub mod lockout;
pub mod password;
pub mod session;
pub mod session_cache;
pub mod sms_code;

use axum::{
    extract::State,
    http::{header::SET_COOKIE, HeaderValue, StatusCode},
    Json,
};
use doctor_desk_api::{
    auth::{
        LoginRequest, Me, PasswordResetRequest, RegisterRequest, Role, SmsCodeRequest, SmsPurpose,
    },
    validate::normalize_phone,
    ErrorBody, ErrorCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, Client, SignedIn},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_sms_code))
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(reset_password))
        .routes(routes!(me))
}

type WithCookie<T> = ([(axum::http::HeaderName, HeaderValue); 1], T);

/// Send a one-time code to a phone.
#[utoipa::path(post, path = "/auth/sms-codes", tag = "auth",
    request_body = SmsCodeRequest,
    responses(
        (status = 204, description = "Code sent"),
        (status = 404, description = "Phone not registered (login, reset)", body = ErrorBody),
        (status = 401, description = "`change_phone` needs a signed-in account", body = ErrorBody),
        (status = 409, description = "Phone already registered (register, change_phone, appeal)", body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, description = "Limit reached; see Retry-After", body = ErrorBody),
    ))]
async fn send_sms_code(
    State(state): State<AppState>,
    signed_in: Option<SignedIn>,
    client: Client,
    AppJson(mut req): AppJson<SmsCodeRequest>,
) -> AppResult<StatusCode> {
    req.phone = normalize_phone(&req.phone);
    AppError::check(req.validate())?;
    // A number to move an account to is only asked for from inside the account.
    if req.purpose == SmsPurpose::ChangePhone && signed_in.is_none() {
        return Err(AppError::Code(ErrorCode::Unauthorized));
    }
    // The answer says whether a phone is registered (doctors need that message), so the
    // lookups themselves are limited per client.
    crate::rate_limit::take(
        &state,
        crate::rate_limit::Bucket {
            name: "sms_request_ip",
            limit: state.config.limits.sms_requests_per_ip_per_hour,
            window_secs: 3600,
        },
        &client.ip,
        ErrorCode::RateLimited,
    )
    .await?;
    let exists = account::by_phone(&state, &req.phone).await?.is_some();
    match (req.purpose, exists) {
        (SmsPurpose::Register | SmsPurpose::ChangePhone | SmsPurpose::Appeal, true) => {
            return Err(AppError::OnField(ErrorCode::PhoneTaken, "phone"))
        }
        (SmsPurpose::Login | SmsPurpose::Reset, false) => {
            return Err(AppError::OnField(ErrorCode::PhoneNotRegistered, "phone"))
        }
        _ => {}
    }
    sms_code::issue(&state, &req.phone, req.purpose, &client.ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create a doctor account with a phone verified by SMS code; signs the doctor in.
#[utoipa::path(post, path = "/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Signed up and signed in (session cookie set)", body = Me),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn register(
    State(state): State<AppState>,
    client: Client,
    AppJson(mut req): AppJson<RegisterRequest>,
) -> AppResult<(StatusCode, WithCookie<Json<Me>>)> {
    req.phone = normalize_phone(&req.phone);
    AppError::check(req.validate())?;
    let taken = AppError::OnField(ErrorCode::PhoneTaken, "phone");
    if account::by_phone(&state, &req.phone).await?.is_some() {
        return Err(taken);
    }
    sms_code::consume(&state, &req.phone, SmsPurpose::Register, &req.sms_code).await?;
    let hash = password::hash(req.password).await?;
    let id = account::create(&state, &req.phone, &hash, &[Role::Doctor])
        .await?
        .ok_or(taken)?;
    // A doctor who just proved the phone is theirs stays signed in on this device.
    let cookie = session::start(&state, id, true, &client).await?;
    let account = account::by_id(&state, id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let me = account::me(&state, &account).await?;
    crate::account::activity::record(&state, id, "sign_up", "", &client).await;
    Ok((StatusCode::CREATED, ([(SET_COOKIE, cookie)], Json(me))))
}

/// Sign in with a password or an SMS code.
#[utoipa::path(post, path = "/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in (session cookie set)", body = Me),
        (status = 401, description = "Wrong phone or password", body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, description = "Password sign-in locked after repeated failures from this client or for this phone (SMS-code sign-in still works); see Retry-After", body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    client: Client,
    AppJson(mut req): AppJson<LoginRequest>,
) -> AppResult<WithCookie<Json<Me>>> {
    req.phone = normalize_phone(&req.phone);
    AppError::check(req.validate())?;
    let by_password = req.password.is_some();
    if by_password {
        lockout::take_attempt(&state, &req.phone, &client.ip).await?;
    }
    let account = match prove_identity(&state, &req).await {
        Ok(account) => account,
        Err(e) => {
            // A wrong password for a real account belongs in that account's trail.
            if by_password {
                if let Some(account) = account::by_phone(&state, &req.phone).await? {
                    let record = crate::account::activity::record;
                    record(&state, account.id, "sign_in_failed", "password", &client).await;
                }
            }
            return Err(e);
        }
    };
    if by_password {
        lockout::succeeded(&state, &req.phone, &client.ip).await?;
    }
    let cookie = session::start(&state, account.id, req.remember, &client).await?;
    let method = if by_password { "password" } else { "sms_code" };
    crate::account::activity::record(&state, account.id, "sign_in", method, &client).await;
    Ok((
        [(SET_COOKIE, cookie)],
        Json(account::me(&state, &account).await?),
    ))
}

/// Checks the password or SMS code of a sign-in; a wrong one is an `OnField` error.
async fn prove_identity(state: &AppState, req: &LoginRequest) -> AppResult<account::Account> {
    let wrong_password = || AppError::OnField(ErrorCode::InvalidCredentials, "password");
    let found = account::by_phone(state, &req.phone).await?;
    match (&req.password, &req.sms_code) {
        (Some(pw), None) => {
            // An unknown phone costs the same hash as a known one: the answer's timing
            // must not tell which phones have accounts.
            let stored = match &found {
                Some(account) => account.password_hash.clone(),
                None => password::dummy_hash().to_owned(),
            };
            let matches = password::verify(pw.clone(), stored).await?;
            match found {
                Some(account) if matches => Ok(account),
                _ => Err(wrong_password()),
            }
        }
        (None, Some(code)) => {
            // Codes for login are only issued to registered phones, so a consumed code
            // always has an account; the fallback covers a deleted one.
            sms_code::consume(state, &req.phone, SmsPurpose::Login, code).await?;
            found.ok_or(AppError::OnField(ErrorCode::SmsCodeInvalid, "sms_code"))
        }
        _ => Err(wrong_password()),
    }
}

/// End this session.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out (cookie cleared)")))]
async fn logout(
    State(state): State<AppState>,
    signed_in: Option<SignedIn>,
    client: Client,
) -> AppResult<(StatusCode, [(axum::http::HeaderName, HeaderValue); 1])> {
    if let Some(s) = signed_in {
        session::end(&state, &s.token_hash).await?;
        crate::account::activity::record(&state, s.account_id, "sign_out", "", &client).await;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, session::clearing_cookie(&state))],
    ))
}

/// Set a new password with an SMS code; every other session of the account ends.
#[utoipa::path(post, path = "/auth/password-reset", tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 204, description = "Password changed"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn reset_password(
    State(state): State<AppState>,
    signed_in: Option<SignedIn>,
    client: Client,
    AppJson(mut req): AppJson<PasswordResetRequest>,
) -> AppResult<StatusCode> {
    req.phone = normalize_phone(&req.phone);
    AppError::check(req.validate())?;
    let account = account::by_phone(&state, &req.phone)
        .await?
        .ok_or(AppError::OnField(ErrorCode::PhoneNotRegistered, "phone"))?;
    sms_code::consume(&state, &req.phone, SmsPurpose::Reset, &req.sms_code).await?;
    let hash = password::hash(req.new_password).await?;
    account::set_password(&state, account.id, &hash).await?;
    let keep = signed_in
        .filter(|s| s.account_id == account.id)
        .map(|s| s.token_hash);
    let ended = session::end_all_others(&state, account.id, keep.as_deref()).await?;
    lockout::clear(&state, &req.phone).await?;
    let detail = ended.to_string();
    crate::account::activity::record(&state, account.id, "password_reset", &detail, &client).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in doctor.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(State(state): State<AppState>, signed_in: SignedIn) -> AppResult<Json<Me>> {
    let account = account::by_id(&state, signed_in.account_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::Unauthorized))?;
    Ok(Json(account::me(&state, &account).await?))
}

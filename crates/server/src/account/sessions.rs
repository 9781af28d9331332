//! Where the account is signed in: list, end one, end all but this one.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    account::{describe_device, mask_ip, SessionInfo, SessionsEnded},
    validate::FieldError,
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use crate::{
    auth::session,
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{Client, SignedIn},
    state::AppState,
};

/// The account's live sessions, this one first, then the most recently used.
#[utoipa::path(get, path = "/me/sessions", tag = "account",
    responses((status = 200, body = Vec<SessionInfo>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> AppResult<Json<Vec<SessionInfo>>> {
    let now = state.clock.unix();
    let rows: Vec<(String, Vec<u8>, String, String, i64, i64)> = crate::db::query_as(
        "SELECT public_id, token_hash, user_agent, ip, created_at, last_seen_at FROM sessions
          WHERE account_id = ? AND expires_at > ? AND last_seen_at > ?
          ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(signed_in.account_id)
    .bind(now)
    .bind(now - state.config.limits.session_idle_secs)
    .fetch_all(&state.db)
    .await?;
    let mut sessions: Vec<SessionInfo> = rows
        .into_iter()
        .map(|(id, hash, user_agent, ip, created_at, last_seen_at)| {
            let (device, device_name) = describe_device(&user_agent);
            let current = hash == signed_in.token_hash;
            SessionInfo {
                id,
                device,
                device_name,
                ip_masked: mask_ip(&ip),
                signed_in_at: from_unix(created_at),
                // This request is the latest use of this session, whatever was stored.
                last_seen_at: from_unix(if current { now } else { last_seen_at }),
                current,
            }
        })
        .collect();
    sessions.sort_by_key(|s| !s.current);
    Ok(Json(sessions))
}

/// Sign out one device. Its event streams close; its next request is signed out.
#[utoipa::path(delete, path = "/me/sessions/{id}", tag = "account",
    params(("id" = String, Path, description = "A session id from `GET /me/sessions`")),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such session of this account", body = ErrorBody),
    ))]
pub async fn end_one(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let found: Option<(Vec<u8>, String)> = crate::db::query_as(
        "SELECT token_hash, user_agent FROM sessions WHERE public_id = ? AND account_id = ?",
    )
    .bind(&id)
    .bind(signed_in.account_id)
    .fetch_optional(&state.db)
    .await?;
    let (hash, user_agent) = found.ok_or(AppError::Code(ErrorCode::NotFound))?;
    session::end(&state, &hash).await?;
    let device = describe_device(&user_agent).1;
    super::activity::record(
        &state,
        signed_in.account_id,
        "session_ended",
        &device,
        &client,
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct EndOthersQuery {
    /// Must be `current`: every session but the one making the request ends.
    except: Option<String>,
}

/// Sign out everywhere else.
#[utoipa::path(delete, path = "/me/sessions", tag = "account", params(EndOthersQuery),
    responses(
        (status = 200, description = "How many other sessions ended", body = SessionsEnded),
        (status = 401, body = ErrorBody),
        (status = 422, description = "`except` is not `current`", body = ErrorBody),
    ))]
pub async fn end_others(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
    Query(query): Query<EndOthersQuery>,
) -> AppResult<Json<SessionsEnded>> {
    if query.except.as_deref() != Some("current") {
        return Err(AppError::Validation(vec![("except", FieldError::Required)]));
    }
    let ended =
        session::end_all_others(&state, signed_in.account_id, Some(&signed_in.token_hash)).await?;
    let detail = ended.to_string();
    super::activity::record(
        &state,
        signed_in.account_id,
        "sessions_ended",
        &detail,
        &client,
    )
    .await;
    Ok(Json(SessionsEnded { ended }))
}

//! The separate consent to process health data (PIPL): withdrawn and given again from
//! 我的协议, each an append-only record (`health_consents`). While withdrawn, every
//! consultation, patient and follow-up endpoint answers 403 `consent_withdrawn`
//! (`extractor::CareDoctor`) and patients cannot ask the doctor.

use axum::{extract::State, http::StatusCode, Json};
use doctor_desk_api::{account::HealthConsent, ErrorBody, ErrorCode};

use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{Client, SignedIn},
    state::AppState,
};

/// Whether the account's consent holds: the latest record, or the privacy policy's
/// acceptance when there is none.
pub async fn holds(state: &AppState, account_id: i64) -> AppResult<bool> {
    Ok(current(state, account_id).await?.given)
}

pub async fn current(state: &AppState, account_id: i64) -> AppResult<HealthConsent> {
    let latest: Option<(bool, i64)> = crate::db::query_as(
        "SELECT given <> 0, at FROM health_consents WHERE account_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(account_id)
    .fetch_optional(&state.db)
    .await?;
    Ok(match latest {
        Some((given, at)) => HealthConsent {
            given,
            changed_at: Some(from_unix(at)),
        },
        None => HealthConsent {
            given: true,
            changed_at: None,
        },
    })
}

/// Records `given` unless it is already the account's state, in one statement with the
/// account's consents held (`Conn::lock_key`): two taps at once leave one record. Returns
/// whether a record was written.
async fn record(
    state: &AppState,
    signed_in: &SignedIn,
    client: &Client,
    given: bool,
) -> AppResult<bool> {
    if !signed_in.doctor {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let mut tx = state.db.begin_write().await?;
    tx.lock_key(&format!("consent {}", signed_in.account_id))
        .await?;
    let written: Option<i64> = crate::db::query_scalar(
        "INSERT INTO health_consents (account_id, given, at, client_ip, user_agent)
         SELECT ?1, ?2, ?3, ?4, ?5
          WHERE COALESCE((SELECT given FROM health_consents WHERE account_id = ?1
                           ORDER BY id DESC LIMIT 1), 1) != ?2
         RETURNING id",
    )
    .bind(signed_in.account_id)
    .bind(given)
    .bind(state.clock.unix())
    .bind(&client.ip)
    .bind(&client.user_agent)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(written.is_some())
}

/// 201 with the new state when a record was written, 200 with the unchanged one when not.
async fn answer(
    state: &AppState,
    account_id: i64,
    written: bool,
) -> AppResult<(StatusCode, Json<HealthConsent>)> {
    let status = if written {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(current(state, account_id).await?)))
}

/// Withdraw the consent to process health data. Consultations, patients and follow-ups
/// pause (403 `consent_withdrawn`) and the open event streams close.
#[utoipa::path(post, path = "/me/consent-withdrawals", tag = "account",
    responses(
        (status = 201, description = "Withdrawn (recorded)", body = HealthConsent),
        (status = 200, description = "Already withdrawn: nothing recorded", body = HealthConsent),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor", body = ErrorBody),
    ))]
pub async fn withdraw(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
) -> AppResult<(StatusCode, Json<HealthConsent>)> {
    let written = record(&state, &signed_in, &client, false).await?;
    if written {
        // A stream must not outlive the consent.
        super::close_streams(&state, signed_in.account_id).await?;
    }
    answer(&state, signed_in.account_id, written).await
}

/// Give the consent to process health data again.
#[utoipa::path(post, path = "/me/consents", tag = "account",
    responses(
        (status = 201, description = "Given again (recorded)", body = HealthConsent),
        (status = 200, description = "It holds already: nothing recorded", body = HealthConsent),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor", body = ErrorBody),
    ))]
pub async fn give(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
) -> AppResult<(StatusCode, Json<HealthConsent>)> {
    let written = record(&state, &signed_in, &client, true).await?;
    answer(&state, signed_in.account_id, written).await
}

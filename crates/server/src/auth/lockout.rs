//! Password sign-in failures. Five from one client IP for one phone within 15 minutes lock
//! that pair; twenty for one phone from anywhere lock password sign-in for the phone. A
//! stranger can therefore not lock the doctor out: another network still works, and
//! sign-in with an SMS code (limited on its own) works throughout.
//!
//! Every password attempt takes a slot before the password is checked, atomically
//! (`rate_limit::take`); a correct password gives the slots back. So 40 guesses at once
//! get 5 answers and 35 × 429, never 40 checks.

use doctor_desk_api::ErrorCode;

use crate::{
    error::AppResult,
    rate_limit::{self, Bucket},
    state::AppState,
};

fn per_client(state: &AppState) -> Bucket {
    let limits = &state.config.limits;
    Bucket {
        name: "login_client",
        limit: limits.login_failures_before_lock,
        window_secs: limits.login_lock_secs,
    }
}

fn per_phone(state: &AppState) -> Bucket {
    let limits = &state.config.limits;
    Bucket {
        name: "login_phone",
        limit: limits.login_failures_per_phone,
        window_secs: limits.login_lock_secs,
    }
}

fn client_key(phone: &str, ip: &str) -> String {
    format!("{phone} {ip}")
}

/// Counts a password attempt, or refuses it (429 `login_locked`) while locked.
pub async fn take_attempt(state: &AppState, phone: &str, ip: &str) -> AppResult<()> {
    rate_limit::take(
        state,
        per_client(state),
        &client_key(phone, ip),
        ErrorCode::LoginLocked,
    )
    .await?;
    rate_limit::take(state, per_phone(state), phone, ErrorCode::LoginLocked).await
}

/// A correct password: this client's attempts no longer count, nor the phone's.
pub async fn succeeded(state: &AppState, phone: &str, ip: &str) -> AppResult<()> {
    rate_limit::clear(state, per_client(state), &client_key(phone, ip)).await?;
    rate_limit::clear(state, per_phone(state), phone).await
}

/// A new password (reset by SMS code): every count of the phone starts again.
pub async fn clear(state: &AppState, phone: &str) -> AppResult<()> {
    crate::db::query(
        "DELETE FROM rate_hits WHERE (bucket = ?1 AND key = ?3) OR (bucket = ?2 AND key LIKE ?4)",
    )
    .bind(per_phone(state).name)
    .bind(per_client(state).name)
    .bind(phone)
    .bind(format!("{phone} %"))
    .execute(&state.db)
    .await?;
    Ok(())
}

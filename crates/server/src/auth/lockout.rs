//! After too many failed sign-ins a phone is locked for a while, whatever the secret.

use doctor_desk_api::ErrorCode;

use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

pub async fn ensure_unlocked(state: &AppState, phone: &str) -> AppResult<()> {
    let limits = &state.config.limits;
    let now = state.clock.unix();
    let (latest,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(at) FROM login_failures WHERE phone = ?")
            .bind(phone)
            .fetch_one(&state.db)
            .await?;
    let Some(latest) = latest else {
        return Ok(());
    };
    let unlocks_at = latest + limits.login_lock_secs;
    if now >= unlocks_at {
        return Ok(());
    }
    // Locked when the limit was reached within one lock window ending at the latest
    // failure; the lock then runs a full window from that failure.
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE phone = ? AND at > ?")
            .bind(phone)
            .bind(latest - limits.login_lock_secs)
            .fetch_one(&state.db)
            .await?;
    if count >= limits.login_failures_before_lock {
        return Err(AppError::TooMany {
            code: ErrorCode::LoginLocked,
            retry_after_secs: unlocks_at - now,
        });
    }
    Ok(())
}

pub async fn record_failure(state: &AppState, phone: &str) -> AppResult<()> {
    sqlx::query("INSERT INTO login_failures (phone, at) VALUES (?, ?)")
        .bind(phone)
        .bind(state.clock.unix())
        .execute(&state.db)
        .await?;
    Ok(())
}

pub async fn clear(state: &AppState, phone: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE phone = ?")
        .bind(phone)
        .execute(&state.db)
        .await?;
    Ok(())
}

//! One-time SMS codes: issued under per-phone and per-IP limits, valid for a few minutes,
//! used once, burnt after a few wrong guesses.

use doctor_desk_api::{auth::SmsPurpose, ErrorCode};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

fn code_hash(phone: &str, purpose: SmsPurpose, code: &str) -> Vec<u8> {
    Sha256::digest(format!("{phone}:{}:{code}", purpose.as_str()).as_bytes()).to_vec()
}

fn too_many(retry_after_secs: i64) -> AppError {
    AppError::TooMany {
        code: ErrorCode::RateLimited,
        retry_after_secs,
    }
}

/// Sends a fresh code, unless a limit says no.
pub async fn issue(state: &AppState, phone: &str, purpose: SmsPurpose, ip: &str) -> AppResult<()> {
    let now = state.clock.unix();
    let limits = &state.config.limits;

    let (last,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(created_at) FROM sms_codes WHERE phone = ?")
            .bind(phone)
            .fetch_one(&state.db)
            .await?;
    if let Some(last) = last {
        if now - last < limits.sms_phone_interval_secs {
            return Err(too_many(last + limits.sms_phone_interval_secs - now));
        }
    }
    let day = 24 * 3600;
    let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM sms_codes WHERE phone = ? AND created_at > ?",
    )
    .bind(phone)
    .bind(now - day)
    .fetch_one(&state.db)
    .await?;
    if count >= limits.sms_phone_per_day {
        return Err(too_many(oldest.unwrap_or(now) + day - now));
    }
    let hour = 3600;
    let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM sms_codes WHERE ip = ? AND created_at > ?",
    )
    .bind(ip)
    .bind(now - hour)
    .fetch_one(&state.db)
    .await?;
    if count >= limits.sms_ip_per_hour {
        return Err(too_many(oldest.unwrap_or(now) + hour - now));
    }

    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sms_codes (phone, purpose, code_hash, ip, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(phone)
    .bind(purpose.as_str())
    .bind(code_hash(phone, purpose, &code))
    .bind(ip)
    .bind(now)
    .bind(now + limits.sms_code_ttl_secs)
    .fetch_one(&state.db)
    .await?;

    if let Err(e) = state
        .sms
        .send_code(phone, purpose, &code, state.clock.now())
        .await
    {
        // An undelivered code must not count against the doctor's limits.
        sqlx::query("DELETE FROM sms_codes WHERE id = ?")
            .bind(id)
            .execute(&state.db)
            .await?;
        return Err(AppError::Internal(e));
    }
    Ok(())
}

/// Uses up the latest code sent to `phone` for `purpose`, if `code` matches it.
pub async fn consume(
    state: &AppState,
    phone: &str,
    purpose: SmsPurpose,
    code: &str,
) -> AppResult<()> {
    let invalid = AppError::OnField(ErrorCode::SmsCodeInvalid, "sms_code");
    let now = state.clock.unix();
    let row: Option<(i64, Vec<u8>, i64)> = sqlx::query_as(
        "SELECT id, code_hash, failed_attempts FROM sms_codes
         WHERE phone = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(phone)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(&state.db)
    .await?;
    let Some((id, stored, failed)) = row else {
        return Err(invalid);
    };
    if failed >= state.config.limits.sms_code_max_attempts {
        return Err(invalid);
    }
    if stored != code_hash(phone, purpose, code) {
        sqlx::query("UPDATE sms_codes SET failed_attempts = failed_attempts + 1 WHERE id = ?")
            .bind(id)
            .execute(&state.db)
            .await?;
        return Err(invalid);
    }
    // The `used_at IS NULL` guard makes two concurrent uses of one code succeed once.
    let used = sqlx::query("UPDATE sms_codes SET used_at = ? WHERE id = ? AND used_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&state.db)
        .await?;
    if used.rows_affected() == 1 {
        Ok(())
    } else {
        Err(invalid)
    }
}

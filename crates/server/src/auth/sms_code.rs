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

/// Sends a fresh code, unless a limit says no. The limits are checked by the statement
/// that records the code, so concurrent requests cannot all pass one check.
pub async fn issue(state: &AppState, phone: &str, purpose: SmsPurpose, ip: &str) -> AppResult<()> {
    let now = state.clock.unix();
    let limits = &state.config.limits;
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    // The phone's and the client's counts, each held (phone first, always: no cycle).
    let mut tx = state.db.begin_write().await?;
    tx.lock_key(&format!("sms phone {phone}")).await?;
    tx.lock_key(&format!("sms ip {ip}")).await?;
    let id: Option<i64> = crate::db::query_scalar(
        "INSERT INTO sms_codes (phone, purpose, code_hash, ip, created_at, expires_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6
          WHERE NOT EXISTS (SELECT 1 FROM sms_codes WHERE phone = ?1 AND created_at > ?5 - ?7)
            AND (SELECT COUNT(*) FROM sms_codes WHERE phone = ?1 AND created_at > ?5 - 86400) < ?8
            AND (SELECT COUNT(*) FROM sms_codes WHERE ip = ?4 AND created_at > ?5 - 3600) < ?9
         RETURNING id",
    )
    .bind(phone)
    .bind(purpose.as_str())
    .bind(code_hash(phone, purpose, &code))
    .bind(ip)
    .bind(now)
    .bind(now + limits.sms_code_ttl_secs)
    .bind(limits.sms_phone_interval_secs)
    .bind(limits.sms_phone_per_day)
    .bind(limits.sms_ip_per_hour)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(id) = id else {
        return Err(refusal(state, phone, ip).await?);
    };

    if let Err(e) = state
        .sms
        .send_code(phone, purpose, &code, state.clock.now())
        .await
    {
        // An undelivered code must not count against the doctor's limits.
        crate::db::query("DELETE FROM sms_codes WHERE id = ?")
            .bind(id)
            .execute(&state.db)
            .await?;
        return Err(AppError::Internal(e));
    }
    Ok(())
}

/// Which limit refused a code, as a 429 with the wait until it lifts.
async fn refusal(state: &AppState, phone: &str, ip: &str) -> AppResult<AppError> {
    let now = state.clock.unix();
    let limits = &state.config.limits;
    let (last,): (Option<i64>,) =
        crate::db::query_as("SELECT MAX(created_at) FROM sms_codes WHERE phone = ?")
            .bind(phone)
            .fetch_one(&state.db)
            .await?;
    if let Some(last) = last {
        if now - last < limits.sms_phone_interval_secs {
            return Ok(too_many(last + limits.sms_phone_interval_secs - now));
        }
    }
    let day = 24 * 3600;
    let (count, oldest): (i64, Option<i64>) = crate::db::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM sms_codes WHERE phone = ? AND created_at > ?",
    )
    .bind(phone)
    .bind(now - day)
    .fetch_one(&state.db)
    .await?;
    if count >= limits.sms_phone_per_day {
        return Ok(too_many(oldest.unwrap_or(now) + day - now));
    }
    let hour = 3600;
    let oldest: Option<i64> = crate::db::query_scalar(
        "SELECT MIN(created_at) FROM sms_codes WHERE ip = ? AND created_at > ?",
    )
    .bind(ip)
    .bind(now - hour)
    .fetch_one(&state.db)
    .await?;
    Ok(too_many((oldest.unwrap_or(now) + hour - now).max(1)))
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
    // Each guess takes one of the code's attempts before it is compared, in one
    // statement: 40 guesses at once get `sms_code_max_attempts` comparisons, not 40.
    let row: Option<(i64, Vec<u8>)> = crate::db::query_as(
        "UPDATE sms_codes SET failed_attempts = failed_attempts + 1
          WHERE id = (SELECT id FROM sms_codes
                       WHERE phone = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
                       ORDER BY created_at DESC, id DESC LIMIT 1)
            AND failed_attempts < ?
         RETURNING id, code_hash",
    )
    .bind(phone)
    .bind(purpose.as_str())
    .bind(now)
    .bind(state.config.limits.sms_code_max_attempts)
    .fetch_optional(&state.db)
    .await?;
    let Some((id, stored)) = row else {
        return Err(invalid);
    };
    if stored != code_hash(phone, purpose, code) {
        return Err(invalid);
    }
    // The right code: it was no failed attempt. `used_at IS NULL` makes two concurrent
    // uses of one code succeed once.
    let used = crate::db::query(
        "UPDATE sms_codes SET used_at = ?, failed_attempts = failed_attempts - 1
          WHERE id = ? AND used_at IS NULL",
    )
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

/// Removes codes sent more than a day ago (no limit looks further back); the daily purge.
pub async fn purge(state: &AppState) -> AppResult<u64> {
    let done = crate::db::query("DELETE FROM sms_codes WHERE created_at < ?")
        .bind(state.clock.unix() - 24 * 3600)
        .execute(&state.db)
        .await?;
    Ok(done.rows_affected())
}

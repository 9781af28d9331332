//! Counters that hold under concurrent requests. A hit is counted and recorded by one
//! `INSERT … SELECT … WHERE count < limit`, in a transaction that holds the bucket's key
//! (`Conn::lock_key`: SQLite's write lock, a PostgreSQL advisory lock), so of 40 requests
//! at once exactly `limit` get a slot. Reading the count first and writing afterwards
//! (what this replaced) let all 40 through.

use doctor_desk_api::ErrorCode;

use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

/// A limit: at most `limit` hits per key within `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    pub name: &'static str,
    pub limit: i64,
    pub window_secs: i64,
}

/// Takes a slot in `bucket` for `key`, or answers 429 with `code` and a `Retry-After`
/// that says when the oldest hit that still counts leaves the window.
pub async fn take(state: &AppState, bucket: Bucket, key: &str, code: ErrorCode) -> AppResult<()> {
    let now = state.clock.unix();
    let mut tx = state.db.begin_write().await?;
    tx.lock_key(&format!("rate {} {key}", bucket.name)).await?;
    let taken: Option<i64> = crate::db::query_scalar(
        "INSERT INTO rate_hits (bucket, key, at)
         SELECT ?1, ?2, ?3
          WHERE (SELECT COUNT(*) FROM rate_hits WHERE bucket = ?1 AND key = ?2 AND at > ?3 - ?4) < ?5
         RETURNING id",
    )
    .bind(bucket.name)
    .bind(key)
    .bind(now)
    .bind(bucket.window_secs)
    .bind(bucket.limit)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    if taken.is_some() {
        return Ok(());
    }
    // The limit-th newest hit in the window: once it leaves, a slot is free again.
    let blocking: Option<i64> = crate::db::query_scalar(
        "SELECT at FROM rate_hits WHERE bucket = ? AND key = ? AND at > ?
         ORDER BY at DESC LIMIT 1 OFFSET ?",
    )
    .bind(bucket.name)
    .bind(key)
    .bind(now - bucket.window_secs)
    .bind(bucket.limit - 1)
    .fetch_optional(&state.db)
    .await?;
    Err(AppError::TooMany {
        code,
        retry_after_secs: (blocking.unwrap_or(now) + bucket.window_secs - now).max(1),
    })
}

/// Forgets every hit of `key` (a sign-in that succeeded clears its failures).
pub async fn clear(state: &AppState, bucket: Bucket, key: &str) -> AppResult<()> {
    crate::db::query("DELETE FROM rate_hits WHERE bucket = ? AND key = ?")
        .bind(bucket.name)
        .bind(key)
        .execute(&state.db)
        .await?;
    Ok(())
}

/// Drops hits older than a day (no bucket looks further back); run by the daily purge.
pub async fn purge(state: &AppState) -> AppResult<u64> {
    let done = crate::db::query("DELETE FROM rate_hits WHERE at < ?")
        .bind(state.clock.unix() - 24 * 3600)
        .execute(&state.db)
        .await?;
    Ok(done.rows_affected())
}

/// Too many of one kind of request from one client.
pub fn rate_limited(retry_after_secs: i64) -> AppError {
    AppError::TooMany {
        code: ErrorCode::RateLimited,
        retry_after_secs,
    }
}

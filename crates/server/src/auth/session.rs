//! Sessions: a random 256-bit token in an HttpOnly cookie; only its SHA-256 is stored.

use axum::http::HeaderValue;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{
    error::AppResult,
    extractor::{Client, SignedIn},
    state::AppState,
};

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The id a session is shown and ended by; unrelated to its token.
fn new_public_id() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Starts a session and returns the `Set-Cookie` value that carries it.
pub async fn start(
    state: &AppState,
    account_id: i64,
    remember: bool,
    client: &Client,
) -> AppResult<HeaderValue> {
    let token = new_token();
    let now = state.clock.unix();
    let limits = &state.config.limits;
    let lifetime = if remember {
        limits.session_remember_secs
    } else {
        limits.session_browser_secs
    };
    crate::db::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, ip, user_agent, last_seen_at, public_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(account_id)
    .bind(now)
    .bind(now + lifetime)
    .bind(&client.ip)
    .bind(&client.user_agent)
    .bind(now)
    .bind(new_public_id())
    .execute(&state.db)
    .await?;
    // Without "remember" the cookie has no Max-Age, so it ends with the browser session.
    let max_age = remember.then_some(lifetime);
    Ok(cookie_header(state, &token, max_age))
}

/// How often `last_seen_at` is written: often enough for the idle timeout, rarely enough
/// that reading a page is not a database write.
const LAST_SEEN_RESOLUTION_SECS: i64 = 300;

/// The session behind a token, if it is still live: not expired and used within the idle
/// timeout. Also says which roles the account has, so extractors need no second query.
pub async fn lookup(state: &AppState, token: &str) -> AppResult<Option<SignedIn>> {
    lookup_hash(state, token_hash(token)).await
}

/// One statement for everything the extractors ask of every request: the session, the
/// roles, the one-time password, the agreements still to accept and whether care is
/// paused. Kept in [`super::session_cache`] until a commit changes one of the tables it reads,
/// so a sign-out, a new agreement version or a withdrawn consent takes effect on the very
/// next request.
static LOOKUP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT s.account_id, s.expires_at, s.last_seen_at,
                EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = s.account_id AND r.role = 'doctor'),
                EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = s.account_id AND r.role = 'reviewer'),
                a.password_must_change <> 0, {}, {}
           FROM sessions s JOIN accounts a ON a.id = s.account_id
          WHERE s.token_hash = ? AND s.expires_at > ?",
        crate::agreements::pending_sql("s.account_id"),
        crate::account::care_columns("s.account_id"),
    )
});

/// The tables [`LOOKUP`] reads: a commit that changes one of them empties the cache.
pub fn tables_read() -> Vec<String> {
    tables_in(&LOOKUP)
}

/// The names after each `FROM` and `JOIN` of a statement (not subqueries in parentheses).
fn tables_in(sql: &str) -> Vec<String> {
    let spaced = sql
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace(',', " , ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut tables: Vec<String> = words
        .windows(2)
        .filter(|w| w[0].eq_ignore_ascii_case("FROM") || w[0].eq_ignore_ascii_case("JOIN"))
        .map(|w| w[1])
        .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_owned)
        .collect();
    tables.sort();
    tables.dedup();
    tables
}

pub async fn lookup_hash(state: &AppState, hash: Vec<u8>) -> AppResult<Option<SignedIn>> {
    let now = state.clock.unix();
    // Before reading, so a change committed while we read keeps the result out of the cache.
    let settled = state.sessions.settled();
    if let Some(cached) = state.sessions.get(&hash, now) {
        return Ok(Some(cached));
    }
    type Row = (i64, i64, i64, bool, bool, bool, bool, bool, bool);
    let row: Option<Row> = crate::db::query_as(&LOOKUP)
        .bind(&hash)
        .bind(now)
        .fetch_optional(&state.db)
        .await?;
    let Some((
        account_id,
        expires_at,
        last_seen_at,
        doctor,
        reviewer,
        password_must_change,
        agreements_pending,
        consent,
        deleting,
    )) = row
    else {
        return Ok(None);
    };
    let idle_secs = state.config.limits.session_idle_secs;
    if last_seen_at <= now - idle_secs {
        end(state, &hash).await?;
        return Ok(None);
    }
    let signed_in = SignedIn {
        account_id,
        token_hash: hash,
        doctor,
        reviewer,
        password_must_change,
        agreements_pending,
        care_paused: crate::account::care_code(consent, deleting),
    };
    if last_seen_at <= now - LAST_SEEN_RESOLUTION_SECS {
        // A write to `sessions`: the next request reads again, and may then be cached.
        crate::db::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
            .bind(now)
            .bind(&signed_in.token_hash)
            .execute(&state.db)
            .await?;
    } else {
        let until = expires_at
            .min(last_seen_at + idle_secs)
            .min(last_seen_at + LAST_SEEN_RESOLUTION_SECS);
        if let Some(commits) = settled {
            state.sessions.put(commits, &signed_in, until);
        }
    }
    Ok(Some(signed_in))
}

/// Ends one session, and with it every event stream it holds open.
pub async fn end(state: &AppState, token_hash: &[u8]) -> AppResult<()> {
    crate::db::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash)
        .execute(&state.db)
        .await?;
    state.hub.session_ended(token_hash);
    Ok(())
}

/// Ends every session of an account except `keep` (the one making the request, if any),
/// and the event streams they hold open; says how many ended.
pub async fn end_all_others(
    state: &AppState,
    account_id: i64,
    keep: Option<&[u8]>,
) -> AppResult<u32> {
    let ended: Vec<Vec<u8>> = crate::db::query_scalar(
        "DELETE FROM sessions WHERE account_id = ? AND token_hash IS DISTINCT FROM ? RETURNING token_hash",
    )
    .bind(account_id)
    .bind(keep)
    .fetch_all(&state.db)
    .await?;
    for hash in &ended {
        state.hub.session_ended(hash);
    }
    Ok(ended.len() as u32)
}

/// Removes sessions (doctors' and patients') that expired or went idle; the daily purge.
pub async fn purge(state: &AppState) -> AppResult<u64> {
    let now = state.clock.unix();
    let doctors =
        crate::db::query("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?")
            .bind(now)
            .bind(now - state.config.limits.session_idle_secs)
            .execute(&state.db)
            .await?;
    let patients = crate::db::query("DELETE FROM patient_sessions WHERE expires_at <= ?")
        .bind(now)
        .execute(&state.db)
        .await?;
    Ok(doctors.rows_affected() + patients.rows_affected())
}

/// `Set-Cookie` that removes the session cookie.
pub fn clearing_cookie(state: &AppState) -> HeaderValue {
    cookie_header(state, "", Some(0))
}

fn cookie_header(state: &AppState, token: &str, max_age: Option<i64>) -> HeaderValue {
    let mut value = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax",
        doctor_desk_api::SESSION_COOKIE
    );
    if let Some(secs) = max_age {
        value.push_str(&format!("; Max-Age={secs}"));
    }
    if state.config.secure_cookies {
        value.push_str("; Secure");
    }
    HeaderValue::from_str(&value).expect("cookie is ASCII")
}

#[cfg(test)]
mod tests {
    /// The cache is emptied by changes to exactly what the check reads; a table added to
    /// the statement is watched without anyone remembering to.
    #[test]
    fn the_cache_watches_every_table_the_check_reads() {
        assert_eq!(
            super::tables_read(),
            [
                "account_deletions",
                "account_roles",
                "accounts",
                "agreement_acceptances",
                "agreement_versions",
                "health_consents",
                "sessions",
            ]
        );
    }
}

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
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(account_id)
    .bind(now)
    .bind(now + lifetime)
    .bind(&client.ip)
    .bind(&client.user_agent)
    .execute(&state.db)
    .await?;
    // Without "remember" the cookie has no Max-Age, so it ends with the browser session.
    let max_age = remember.then_some(lifetime);
    Ok(cookie_header(state, &token, max_age))
}

/// The session behind a token, if it is still live.
pub async fn lookup(state: &AppState, token: &str) -> AppResult<Option<SignedIn>> {
    let hash = token_hash(token);
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT account_id FROM sessions WHERE token_hash = ? AND expires_at > ?")
            .bind(&hash)
            .bind(state.clock.unix())
            .fetch_optional(&state.db)
            .await?;
    Ok(row.map(|(account_id,)| SignedIn {
        account_id,
        token_hash: hash,
    }))
}

pub async fn end(state: &AppState, token_hash: &[u8]) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash)
        .execute(&state.db)
        .await?;
    Ok(())
}

/// Ends every session of an account except `keep` (the one making the request, if any).
pub async fn end_all_others(
    state: &AppState,
    account_id: i64,
    keep: Option<&[u8]>,
) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE account_id = ? AND token_hash IS NOT ?")
        .bind(account_id)
        .bind(keep)
        .execute(&state.db)
        .await?;
    Ok(())
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

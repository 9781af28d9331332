//! Extractors that give handlers what they need in our own error shape: the JSON body,
//! the signed-in account, and where the request came from.

use std::net::SocketAddr;

use axum::{
    extract::{
        rejection::JsonRejection, ConnectInfo, FromRef, FromRequest, FromRequestParts,
        OptionalFromRequestParts, Request,
    },
    http::{header, request::Parts},
};
use doctor_desk_api::{ErrorCode, Lang};
use serde::de::DeserializeOwned;

use crate::{auth::session, error::AppError, state::AppState};

/// `Json<T>` whose rejections are `AppError`s, so a bad body gets the usual error JSON.
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(mut value)) => {
                normalize_json(&mut value);
                serde_json::from_value(value).map(AppJson).map_err(|e| {
                    tracing::debug!(%e, "rejected body");
                    AppError::Code(ErrorCode::MalformedBody)
                })
            }
            Err(rejection) => {
                tracing::debug!(%rejection, "rejected body");
                Err(AppError::Code(match rejection {
                    JsonRejection::MissingJsonContentType(_) => ErrorCode::UnsupportedMediaType,
                    r if r.status().as_u16() == 413 => ErrorCode::PayloadTooLarge,
                    _ => ErrorCode::MalformedBody,
                }))
            }
        }
    }
}

/// JSON has one number type: `2.0` is the integer 2 to JSON Schema and to clients that
/// print every number as a float, but serde refuses it for an integer field. A whole
/// number is read as an integer (a float field still takes it). Strings lose U+0000.
pub fn normalize_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64() {
                // Within ±2^53 a float is exactly the integer it spells.
                if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 {
                    *value = Value::from(f as i64);
                }
            }
        }
        // U+0000: PostgreSQL's text cannot hold it and no text of ours needs it. Dropped
        // here, before anything reads the text (a hash of an agreement, a length), on both
        // stores alike.
        Value::String(s) if s.contains('\0') => s.retain(|c| c != '\0'),
        Value::Array(items) => items.iter_mut().for_each(normalize_json),
        Value::Object(map) => map.values_mut().for_each(normalize_json),
        _ => {}
    }
}

/// The account behind the session cookie; `401 unauthorized` without a live session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account_id: i64,
    pub token_hash: Vec<u8>,
    /// The account has the doctor role (every signed-up doctor; not reviewer-only staff).
    pub doctor: bool,
    pub reviewer: bool,
    /// Signed in with a one-time password not yet replaced (a new reviewer).
    pub password_must_change: bool,
    /// A doctor with a current agreement version not yet accepted.
    pub agreements_pending: bool,
    /// Why the doctor's care is paused (consent withdrawn, deletion pending), if it is.
    pub care_paused: Option<ErrorCode>,
}

impl<S> FromRequestParts<S> for SignedIn
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = cookie(parts, doctor_desk_api::SESSION_COOKIE)
            .ok_or(AppError::Code(ErrorCode::Unauthorized))?;
        session::lookup(&state, &token)
            .await?
            .ok_or(AppError::Code(ErrorCode::Unauthorized))
    }
}

/// A signed-in doctor who has accepted the current agreements. Every doctor endpoint
/// takes this, so nothing but sign-in, `/me` and the agreements themselves can be reached
/// before acceptance: 401 when signed out, 403 for staff without the doctor role, 403
/// `agreement_required` until accepted.
#[derive(Debug, Clone)]
pub struct Doctor {
    pub account_id: i64,
    /// The session it came with: a long-lived event stream ends when this session does.
    pub token_hash: Vec<u8>,
    /// Read with the session, for [`CareDoctor`].
    care_paused: Option<ErrorCode>,
}

impl<S> FromRequestParts<S> for Doctor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let signed_in = <SignedIn as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        if !signed_in.doctor {
            return Err(AppError::Code(ErrorCode::Forbidden));
        }
        if signed_in.agreements_pending {
            return Err(AppError::Code(ErrorCode::AgreementRequired));
        }
        Ok(Doctor {
            account_id: signed_in.account_id,
            token_hash: signed_in.token_hash,
            care_paused: signed_in.care_paused,
        })
    }
}

/// A doctor (as [`Doctor`]) whose care is not paused: consultations, patients and
/// follow-ups take this, and answer 403 `consent_withdrawn` until the health-data consent
/// is given again, or 403 `deletion_pending` until a requested deletion is cancelled.
#[derive(Debug, Clone)]
pub struct CareDoctor {
    pub account_id: i64,
    pub token_hash: Vec<u8>,
}

impl<S> FromRequestParts<S> for CareDoctor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let doctor = <Doctor as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        if let Some(paused) = doctor.care_paused {
            return Err(AppError::Code(paused));
        }
        Ok(CareDoctor {
            account_id: doctor.account_id,
            token_hash: doctor.token_hash,
        })
    }
}

/// A signed-in reviewer: 401 when signed out, 403 for everyone else, and 403
/// `password_change_required` until a one-time password is replaced (`PUT /me/password`).
#[derive(Debug, Clone)]
pub struct Reviewer {
    pub account_id: i64,
}

impl<S> FromRequestParts<S> for Reviewer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let signed_in = <SignedIn as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        if signed_in.reviewer && signed_in.password_must_change {
            Err(AppError::Code(ErrorCode::PasswordChangeRequired))
        } else if signed_in.reviewer {
            Ok(Reviewer {
                account_id: signed_in.account_id,
            })
        } else {
            Err(AppError::Code(ErrorCode::Forbidden))
        }
    }
}

/// `Option<SignedIn>`: `None` when signed out, for endpoints that work either way.
impl<S> OptionalFromRequestParts<S> for SignedIn
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let state = AppState::from_ref(state);
        match cookie(parts, doctor_desk_api::SESSION_COOKIE) {
            Some(token) => session::lookup(&state, &token).await,
            None => Ok(None),
        }
    }
}

/// The language the client asked for (`Accept-Language`), zh-CN by default.
#[derive(Debug, Clone, Copy)]
pub struct AcceptLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for AcceptLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(AcceptLang(
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
                .unwrap_or_default(),
        ))
    }
}

/// Who is calling, as far as we can tell: recorded with sessions and used by rate limits.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

impl<S> FromRequestParts<S> for Client
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let forwarded = state
            .config
            .trust_proxy
            .then(|| {
                let header: Vec<&str> = parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .collect();
                forwarded_client(&header.join(","), state.config.trusted_proxies)
            })
            .flatten();
        let ip = forwarded.unwrap_or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
                .unwrap_or_else(|| "unknown".to_owned())
        });
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(512)
            .collect();
        Ok(Client { ip, user_agent })
    }
}

/// The client's address in `X-Forwarded-For` behind `proxies` proxies of ours. Each proxy
/// appends the address it was reached from, so the trustworthy entry is the one the
/// outermost of ours appended: `proxies`-th from the right. Everything left of it the
/// client may have written itself. `None` when the header is too short or not an address.
pub fn forwarded_client(header: &str, proxies: usize) -> Option<String> {
    let entries: Vec<&str> = header
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    if proxies == 0 || entries.len() < proxies {
        return None;
    }
    let entry = entries[entries.len() - proxies];
    entry
        .parse::<std::net::IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_string())
}

/// Value of one cookie of the request.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    cookie_in(&parts.headers, name)
}

pub fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::forwarded_client;

    #[test]
    fn the_client_cannot_choose_its_forwarded_address() {
        // One proxy of ours: it appended the real peer; the rest is the client's own text.
        assert_eq!(
            forwarded_client("6.6.6.6, 203.0.113.7", 1).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            forwarded_client("203.0.113.7", 1).as_deref(),
            Some("203.0.113.7")
        );
        // Two proxies: the outer one appended the client, the inner one the outer proxy.
        assert_eq!(
            forwarded_client("6.6.6.6, 203.0.113.7, 10.0.0.2", 2).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            forwarded_client("10.0.0.2", 2),
            None,
            "too short: not via both"
        );
        assert_eq!(forwarded_client("", 1), None);
        assert_eq!(forwarded_client("junk", 1), None);
        assert_eq!(
            forwarded_client("[2001:db8::1]:443", 1).as_deref(),
            Some("2001:db8::1")
        );
    }
}

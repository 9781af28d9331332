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
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(AppJson(value)),
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

/// The account behind the session cookie; `401 unauthorized` without a live session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account_id: i64,
    pub token_hash: Vec<u8>,
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

/// A signed-in account that has accepted the current agreements. Every doctor endpoint
/// takes this, so nothing but sign-in, `/me` and the agreements themselves can be reached
/// before acceptance: 401 when signed out, 403 `agreement_required` until accepted.
#[derive(Debug, Clone)]
pub struct Doctor {
    pub account_id: i64,
}

impl<S> FromRequestParts<S> for Doctor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let signed_in = <SignedIn as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        crate::agreements::ensure_accepted(&AppState::from_ref(state), signed_in.account_id)
            .await?;
        Ok(Doctor {
            account_id: signed_in.account_id,
        })
    }
}

/// A signed-in reviewer: 401 when signed out, 403 for everyone else.
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
        let state = AppState::from_ref(state);
        if crate::auth::account::has_role(
            &state,
            signed_in.account_id,
            doctor_desk_api::auth::Role::Reviewer,
        )
        .await?
        {
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
                parts
                    .headers
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split(',').next())
                    .map(|v| v.trim().to_owned())
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

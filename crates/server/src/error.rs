//! The one error type of the server. Handlers return `AppError`; the `render` middleware
//! turns it into `{"error":{"code","message","fields"}}` in the language of the request,
//! so every error (ours, a bad JSON body, an unknown route) has the same shape.

use std::collections::BTreeMap;

use axum::{
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use doctor_desk_api::{
    validate::FieldError, validate::FieldErrors, ErrorBody, ErrorCode, ErrorDetail, Lang,
};
use tracing::Instrument;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0:?}")]
    Code(ErrorCode),
    /// A code that belongs to one field of the form (e.g. a wrong SMS code).
    #[error("{0:?} on {1}")]
    OnField(ErrorCode, &'static str),
    /// A code that belongs to several fields at once (compliance findings in the title
    /// and the body).
    #[error("{0:?} on {1:?}")]
    OnFields(ErrorCode, Vec<&'static str>),
    #[error("validation failed: {0:?}")]
    Validation(FieldErrors),
    #[error("{code:?}, retry after {retry_after_secs} s")]
    TooMany {
        code: ErrorCode,
        retry_after_secs: i64,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(e.into())
    }
}

/// What a client is told to wait after a 503 `busy`: a long writer is usually done by then.
pub const BUSY_RETRY_AFTER_SECS: i64 = 2;

/// A failure of the machine rather than of our code: the client gets a code it can act on
/// (retry later) instead of a bare 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// The database is locked by another writer, or no connection came free in time, or
    /// the object store cannot be reached.
    Busy,
    /// The disk (or quota) is full: for our files or for SQLite itself.
    Full,
}

// SQLite's result codes. Only these mean "another writer holds the lock, try again": a
// BUSY_SNAPSHOT (517, a deferred transaction that read and then wanted to write) or
// SQLITE_LOCKED (6, a conflict inside one connection) is a bug of ours and stays a 500.
const SQLITE_BUSY: i32 = 5;
const SQLITE_BUSY_RECOVERY: i32 = 5 | (1 << 8);
const SQLITE_BUSY_TIMEOUT: i32 = 5 | (3 << 8);
// The primary code (low byte): every kind of full disk.
const SQLITE_FULL: i32 = 13;

fn sqlx_fault(e: &sqlx::Error) -> Option<Fault> {
    match e {
        sqlx::Error::PoolTimedOut => Some(Fault::Busy),
        sqlx::Error::Io(io) => io_fault(io),
        sqlx::Error::Database(db) => match db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        {
            Some(pg) => postgres_fault(pg.code()),
            None => sqlite_fault(db.code()?.parse().ok()?),
        },
        _ => None,
    }
}

/// The fault a PostgreSQL SQLSTATE stands for: a row held past `lock_timeout`, a deadlock
/// or a serialization failure (the other transaction wins; this one may be retried), no
/// connection slot, a lost connection; a full disk.
fn postgres_fault(state: &str) -> Option<Fault> {
    match state {
        "55P03" | "40P01" | "40001" | "57014" | "53300" => Some(Fault::Busy),
        _ if state.starts_with("08") => Some(Fault::Busy),
        "53100" => Some(Fault::Full),
        _ => None,
    }
}

/// For a write whose unique index decides a race: losing it is "nothing written". (In
/// PostgreSQL the transaction is then aborted: return at once, as every caller does.)
pub fn unless_unique_violation(e: sqlx::Error) -> sqlx::Result<u64> {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Ok(0),
        e => Err(e),
    }
}

/// The fault an SQLite (extended) result code stands for.
fn sqlite_fault(code: i32) -> Option<Fault> {
    match code {
        SQLITE_BUSY | SQLITE_BUSY_RECOVERY | SQLITE_BUSY_TIMEOUT => Some(Fault::Busy),
        _ if code & 0xff == SQLITE_FULL => Some(Fault::Full),
        _ => None,
    }
}

fn io_fault(e: &std::io::Error) -> Option<Fault> {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Some(Fault::Full),
        // The file store did not answer in time (`files::store`).
        ErrorKind::TimedOut => Some(Fault::Busy),
        _ => None,
    }
}

/// The fault anywhere in the chain of causes: errors reach us wrapped in context.
fn fault_of(e: &anyhow::Error) -> Option<Fault> {
    e.chain().find_map(|cause| {
        if let Some(e) = cause.downcast_ref::<sqlx::Error>() {
            sqlx_fault(e)
        } else if let Some(rusqlite::Error::SqliteFailure(e, _)) = cause.downcast_ref() {
            sqlite_fault(e.extended_code)
        } else if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            io_fault(e)
        } else if let Some(e) = cause.downcast_ref::<object_store::client::HttpError>() {
            // The object store is out of reach for now, like a database held by a writer.
            use object_store::client::HttpErrorKind::{Connect, Interrupted, Timeout};
            matches!(e.kind(), Connect | Timeout | Interrupted).then_some(Fault::Busy)
        } else {
            None
        }
    })
}

impl AppError {
    /// Turns the error list of a shared validator into a result.
    pub fn check(errors: FieldErrors) -> AppResult<()> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// What an error response carries until `render` knows the request's language.
#[derive(Clone, Debug)]
struct PendingError {
    code: ErrorCode,
    fields: Vec<(&'static str, FieldMessage)>,
}

#[derive(Clone, Copy, Debug)]
enum FieldMessage {
    Rule(FieldError),
    Code(ErrorCode),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (code, fields, retry_after) = match self {
            AppError::Code(code) => (
                code,
                vec![],
                (code == ErrorCode::Busy).then_some(BUSY_RETRY_AFTER_SECS),
            ),
            AppError::OnField(code, field) => (code, vec![(field, FieldMessage::Code(code))], None),
            AppError::OnFields(code, fields) => (
                code,
                fields
                    .into_iter()
                    .map(|f| (f, FieldMessage::Code(code)))
                    .collect(),
                None,
            ),
            AppError::Validation(errors) => (
                ErrorCode::ValidationFailed,
                errors
                    .into_iter()
                    .map(|(f, e)| (f, FieldMessage::Rule(e)))
                    .collect(),
                None,
            ),
            AppError::TooMany {
                code,
                retry_after_secs,
            } => (code, vec![], Some(retry_after_secs.max(1))),
            // Logged inside the request's span, which carries the request id.
            AppError::Internal(e) => match fault_of(&e) {
                Some(Fault::Busy) => {
                    // The database held by a writer, or the file store out of reach: the
                    // error says which.
                    tracing::warn!(error = %e, "busy");
                    (ErrorCode::Busy, vec![], Some(BUSY_RETRY_AFTER_SECS))
                }
                Some(Fault::Full) => {
                    tracing::error!(error = %e, "storage full");
                    (ErrorCode::StorageFull, vec![], None)
                }
                None => {
                    tracing::error!(error = ?e, "internal error");
                    (ErrorCode::Internal, vec![], None)
                }
            },
        };
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
            .extensions_mut()
            .insert(PendingError { code, fields });
        response
    }
}

/// The code of an error response not rendered yet (for tests of middleware before `render`).
#[cfg(test)]
pub(crate) fn pending_code(response: &Response) -> Option<ErrorCode> {
    response.extensions().get::<PendingError>().map(|p| p.code)
}

/// Middleware: gives each request an id (logged and returned in `x-request-id`) and
/// renders pending errors in the language the client asked for.
pub async fn render(request: Request, next: Next) -> Response {
    let lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default();
    let request_id = format!("{:016x}", rand::random::<u64>());
    let span = tracing::info_span!("request", id = %request_id, method = %request.method(), path = %request.uri().path());
    let started = std::time::Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "served"
        )
    });

    if let Some(pending) = response.extensions_mut().remove::<PendingError>() {
        let mut message = pending.code.message(lang).to_owned();
        if pending.code == ErrorCode::Internal {
            message.push_str(&format!(" ({request_id})"));
        }
        let fields: BTreeMap<String, String> = pending
            .fields
            .into_iter()
            .map(|(f, m)| {
                let text = match m {
                    FieldMessage::Rule(e) => e.message(lang),
                    FieldMessage::Code(c) => c.message(lang),
                };
                (f.to_owned(), text.to_owned())
            })
            .collect();
        let body = ErrorBody {
            error: ErrorDetail {
                code: pending.code,
                message,
                fields,
            },
        };
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        let json = Json(body).into_response();
        let (json_parts, json_body) = json.into_parts();
        parts.headers.extend(json_parts.headers);
        response = Response::from_parts(parts, json_body);
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// Fallback for unknown API routes: the usual error shape instead of an empty 404.
pub async fn api_not_found() -> AppError {
    AppError::Code(ErrorCode::NotFound)
}

/// Fallback for a known route called with the wrong method.
pub async fn method_not_allowed() -> AppError {
    AppError::Code(ErrorCode::MethodNotAllowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lock_held_elsewhere_is_busy() {
        assert_eq!(sqlite_fault(5), Some(Fault::Busy), "SQLITE_BUSY");
        assert_eq!(sqlite_fault(261), Some(Fault::Busy), "SQLITE_BUSY_RECOVERY");
        assert_eq!(sqlite_fault(773), Some(Fault::Busy), "SQLITE_BUSY_TIMEOUT");
        assert_eq!(sqlite_fault(517), None, "SQLITE_BUSY_SNAPSHOT is our bug");
        assert_eq!(sqlite_fault(6), None, "SQLITE_LOCKED is our bug");
        assert_eq!(sqlite_fault(262), None, "SQLITE_LOCKED_SHAREDCACHE");
        assert_eq!(sqlite_fault(13), Some(Fault::Full), "SQLITE_FULL");
        assert_eq!(sqlite_fault(19), None, "a constraint");
    }
}

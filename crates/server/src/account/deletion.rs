//! Deleting one's own account (注销, `/me/deletion`). A request checks that nothing is left
//! open (consultations, follow-up visits, posts in review, fees), then waits out 7 days of
//! cooling-off: care pauses (403 `deletion_pending`), patients cannot ask, and signing in
//! offers to cancel. After that the retention job (`retention.rs`) carries it out.

use crate::db::Conn;
use axum::{extract::State, http::StatusCode, Json};
use doctor_desk_api::{
    account::deletion::{
        takes_effect, DeletionBlocker, DeletionBlockerKind, DeletionRequest, DeletionStatus,
        PendingDeletion,
    },
    ErrorBody, ErrorCode,
};

use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, Client, SignedIn},
    state::AppState,
};

/// The open request's condition, in every query that reads it.
pub const OPEN: &str = "cancelled_at IS NULL AND completed_at IS NULL";

/// The account's deletion waiting out its cooling-off, if any.
pub async fn pending(state: &AppState, account_id: i64) -> AppResult<Option<PendingDeletion>> {
    let mut conn = state.db.acquire().await?;
    pending_in(&mut conn, account_id).await
}

/// `pending`, inside a transaction (the patient's request checks it where it inserts).
pub async fn pending_in(conn: &mut Conn, account_id: i64) -> AppResult<Option<PendingDeletion>> {
    let requested: Option<i64> = crate::db::query_scalar(&format!(
        "SELECT requested_at FROM account_deletions WHERE account_id = ? AND {OPEN}"
    ))
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(requested.map(|at| PendingDeletion {
        requested_at: from_unix(at),
        takes_effect_at: takes_effect(from_unix(at)),
    }))
}

/// What must be finished first, each with its count (only those with some).
pub async fn blockers(conn: &mut Conn, account_id: i64) -> AppResult<Vec<DeletionBlocker>> {
    let (open, fees, visits, in_review): (i64, i64, i64, i64) = crate::db::query_as(
        "SELECT
           (SELECT COUNT(*) FROM consultations WHERE doctor_id = ?1 AND status IN ('new', 'ongoing')),
           (SELECT CAST(COALESCE(SUM(price_fen), 0) AS BIGINT) FROM consultations
             WHERE doctor_id = ?1 AND status IN ('new', 'ongoing') AND refunded = 0),
           (SELECT COUNT(*) FROM follow_ups WHERE doctor_id = ?1 AND state IN ('planned', 'reminded')),
           (SELECT COUNT(*) FROM posts WHERE doctor_id = ?1 AND status = 'in_review'
              AND deleted_at IS NULL)",
    )
    .bind(account_id)
    .fetch_one(&mut *conn)
    .await?;
    let paid: i64 = if fees > 0 {
        crate::db::query_scalar(
            "SELECT COUNT(*) FROM consultations WHERE doctor_id = ? AND price_fen > 0
               AND status IN ('new', 'ongoing') AND refunded = 0",
        )
        .bind(account_id)
        .fetch_one(&mut *conn)
        .await?
    } else {
        0
    };
    let blocker = |kind, count: i64, amount_fen| {
        (count > 0).then_some(DeletionBlocker {
            kind,
            count: count as u32,
            amount_fen,
        })
    };
    Ok([
        blocker(DeletionBlockerKind::OpenConsultations, open, None),
        blocker(DeletionBlockerKind::PlannedFollowUps, visits, None),
        blocker(DeletionBlockerKind::PostsInReview, in_review, None),
        blocker(DeletionBlockerKind::PendingFees, paid, Some(fees)),
    ]
    .into_iter()
    .flatten()
    .collect())
}

/// Only a doctor deletes their own account here; hospital staff accounts are the
/// hospital's to close.
fn ensure_doctor(signed_in: &SignedIn) -> AppResult<()> {
    if signed_in.doctor && !signed_in.reviewer {
        Ok(())
    } else {
        Err(AppError::Code(ErrorCode::Forbidden))
    }
}

async fn status(state: &AppState, account_id: i64) -> AppResult<DeletionStatus> {
    let mut conn = state.db.acquire().await?;
    Ok(DeletionStatus {
        pending: pending_in(&mut conn, account_id).await?,
        blockers: blockers(&mut conn, account_id).await?,
    })
}

/// What blocks deleting the account now, and the deletion waiting out its cooling-off.
#[utoipa::path(get, path = "/me/deletion", tag = "account",
    responses(
        (status = 200, body = DeletionStatus),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor (staff accounts are closed by the hospital)", body = ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> AppResult<Json<DeletionStatus>> {
    ensure_doctor(&signed_in)?;
    Ok(Json(status(&state, signed_in.account_id).await?))
}

/// Ask for the account to be deleted after 7 days of cooling-off. Refused while something
/// is left open; the blockers are checked and the request written in one transaction, so
/// a consultation arriving at the same moment either blocks it or is refused.
#[utoipa::path(post, path = "/me/deletion", tag = "account",
    request_body = DeletionRequest,
    responses(
        (status = 201, description = "Requested: the cooling-off runs", body = DeletionStatus),
        (status = 200, description = "Already requested: nothing changed", body = DeletionStatus),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor", body = ErrorBody),
        (status = 409, description = "Something is left open (`deletion_blocked`); `GET /me/deletion` lists it", body = ErrorBody),
        (status = 422, description = "Not confirmed, or the current password is wrong (`wrong_password`)", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords (`login_locked`); see Retry-After", body = ErrorBody),
    ))]
pub async fn request(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
    AppJson(req): AppJson<DeletionRequest>,
) -> AppResult<(StatusCode, Json<DeletionStatus>)> {
    ensure_doctor(&signed_in)?;
    AppError::check(req.validate())?;
    super::confirm_password(&state, &signed_in, &client, &req.current_password).await?;
    let id = signed_in.account_id;
    let mut tx = state.begin_write().await?;
    // A patient's request arriving meanwhile waits, then finds the deletion pending.
    tx.lock_key(&crate::inbox::patients::intake_key(id)).await?;
    if !blockers(&mut tx, id).await?.is_empty() {
        return Err(AppError::Code(ErrorCode::DeletionBlocked));
    }
    let now = state.clock.unix();
    let written = crate::db::query(
        "INSERT INTO account_deletions
           (account_id, requested_at, effective_at, client_ip, user_agent)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(now)
    .bind(takes_effect(from_unix(now)).timestamp())
    .bind(&client.ip)
    .bind(&client.user_agent)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    if !written {
        return Ok((StatusCode::OK, Json(status(&state, id).await?)));
    }
    super::activity::record(&state, id, "deletion_requested", "", &client).await;
    // Care pauses now: the other devices sign out, and no stream keeps showing patients.
    crate::auth::session::end_all_others(&state, id, Some(&signed_in.token_hash)).await?;
    super::close_streams(&state, id).await?;
    Ok((StatusCode::CREATED, Json(status(&state, id).await?)))
}

/// Cancel the deletion during its cooling-off: everything works again at once.
#[utoipa::path(delete, path = "/me/deletion", tag = "account",
    responses(
        (status = 200, description = "Cancelled, or there was nothing to cancel", body = DeletionStatus),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor", body = ErrorBody),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
) -> AppResult<Json<DeletionStatus>> {
    ensure_doctor(&signed_in)?;
    // Once the cooling-off is over the deletion stands, even before the job carries it out.
    let cancelled = crate::db::query(&format!(
        "UPDATE account_deletions SET cancelled_at = ?1
          WHERE account_id = ?2 AND {OPEN} AND effective_at > ?1"
    ))
    .bind(state.clock.unix())
    .bind(signed_in.account_id)
    .execute(&state.db)
    .await?;
    if cancelled.rows_affected() > 0 {
        let record = super::activity::record;
        record(
            &state,
            signed_in.account_id,
            "deletion_cancelled",
            "",
            &client,
        )
        .await;
    }
    Ok(Json(status(&state, signed_in.account_id).await?))
}

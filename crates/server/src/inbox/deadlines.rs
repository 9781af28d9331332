//! Deadlines: a new request not accepted within 24 h, or an ongoing consultation without a
//! doctor reply within 48 h, is closed and refunded by the server. `sweep` runs before the
//! inbox is read (so what a doctor sees is never stale) and every 30 s in the background.

use doctor_desk_api::inbox::{CloseReason, ConsultationStatus, EventKind};

use super::{audit, close_reason_name, events, load_in, messages::system_note, state_machine};
use crate::{error::AppResult, state::AppState};

pub async fn sweep(state: &AppState) -> AppResult<()> {
    let now = state.clock.unix();
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM consultations WHERE deadline_at <= ? AND status IN ('new', 'ongoing')
         ORDER BY deadline_at LIMIT 1000",
    )
    .bind(now)
    .fetch_all(&state.db)
    .await?;
    for id in due {
        expire(state, id, now).await?;
    }
    Ok(())
}

async fn expire(state: &AppState, id: i64, now: i64) -> AppResult<()> {
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;
    let row = load_in(&mut tx, id).await?;
    // Someone acted meanwhile: nothing to do.
    if row.deadline_at.is_none_or(|d| d > now) {
        return Ok(());
    }
    let reason = match row.status() {
        ConsultationStatus::New => CloseReason::NotAccepted,
        _ => CloseReason::NoReply,
    };
    let Ok(status) = state_machine::next(row.status(), None, state_machine::Step::Expire, 0, false)
    else {
        return Ok(());
    };
    sqlx::query(
        "UPDATE consultations SET status = ?, close_reason = ?, refunded = 1, closed_at = ?,
           deadline_at = NULL, follow_ups_left = 0, last_activity_at = ?
         WHERE id = ?",
    )
    .bind(status.as_str())
    .bind(close_reason_name(reason))
    .bind(now)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let note = system_note(&mut tx, id, close_reason_name(reason), now).await?;
    events::record(
        &mut tx,
        row.doctor_id,
        id,
        EventKind::StatusChanged,
        status,
        Some(note),
        now,
    )
    .await?;
    audit(
        &mut tx,
        id,
        "system",
        "expire",
        close_reason_name(reason),
        now,
    )
    .await?;
    tx.commit().await?;
    state.hub.notify(row.doctor_id);
    tracing::info!(
        consultation = id,
        reason = close_reason_name(reason),
        "closed at deadline"
    );
    Ok(())
}

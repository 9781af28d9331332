//! Deadlines: a new request not accepted within 24 h, or an ongoing consultation without a
//! doctor reply within 48 h, is closed and refunded by the server. `sweep` runs before the
//! inbox is read (so what a doctor sees is never stale) and every 30 s in the background,
//! which also warns the doctor 2 h before (`warn_close`).

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use doctor_desk_api::{
    account::notifications::{NotificationKind, DEADLINE_WARNING_HOURS},
    inbox::{CloseReason, ConsultationStatus, EventKind},
};

use super::{audit, close_reason_name, events, load_in, messages::system_note, state_machine};
use crate::{account::notifications, error::AppResult, state::AppState};

/// When the next deadline falls, so that reads skip the sweep's query until then (the
/// inbox list is read far more often than a deadline passes). `0` means "not known": the
/// next sweep asks the database. Every write of a deadline reports it after its commit,
/// and a sweep only keeps the minimum it read if no deadline was written meanwhile.
#[derive(Default)]
pub struct NextDeadline {
    at: AtomicI64,
    writes: AtomicU64,
}

impl NextDeadline {
    /// A deadline `at` was committed: the next sweep falls no later than it.
    pub fn written(&self, at: Option<i64>) {
        if let Some(at) = at {
            // Counted before lowered: a sweep that missed the row sees the count change.
            self.writes.fetch_add(1, Ordering::SeqCst);
            self.at.fetch_min(at, Ordering::SeqCst);
        }
    }
}

/// Closes every consultation whose deadline has passed; no statement at all while the
/// earliest deadline is still ahead.
pub async fn sweep(state: &AppState) -> AppResult<()> {
    let now = state.clock.unix();
    let next = &state.next_deadline;
    if now < next.at.load(Ordering::SeqCst) {
        return Ok(());
    }
    let writes = next.writes.load(Ordering::SeqCst);
    expire_due(state, now).await?;
    let earliest: Option<i64> = crate::db::query_scalar(
        "SELECT deadline_at FROM consultations
          WHERE deadline_at IS NOT NULL AND status IN ('new', 'ongoing')
          ORDER BY deadline_at LIMIT 1",
    )
    .fetch_optional(&state.db)
    .await?;
    next.at
        .store(earliest.unwrap_or(i64::MAX), Ordering::SeqCst);
    if next.writes.load(Ordering::SeqCst) != writes {
        // A deadline written while we read may be earlier than what we read.
        next.at.store(0, Ordering::SeqCst);
    }
    Ok(())
}

async fn expire_due(state: &AppState, now: i64) -> AppResult<()> {
    let due: Vec<i64> = crate::db::query_scalar(
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
    let mut tx = state.begin_write().await?;
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
    crate::db::query(
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

/// Tells each doctor once per deadline when a consultation of theirs will be closed within
/// `DEADLINE_WARNING_HOURS` (a notification, live on the stream); how many were told. Run
/// by the 30-second sweep; the notification's unique key makes a repeat, or two sweeps at
/// once, write nothing.
pub async fn warn_close(state: &AppState) -> AppResult<u64> {
    let now = state.clock.unix();
    let soon = now + DEADLINE_WARNING_HOURS * 3600;
    let close: Vec<(i64, i64, String, i64)> = crate::db::query_as(
        "SELECT c.id, c.doctor_id, c.status, c.deadline_at FROM consultations c
          WHERE c.deadline_at > ? AND c.deadline_at <= ? AND c.status IN ('new', 'ongoing')
            AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.account_id = c.doctor_id
                             AND n.once = 'deadline:' || c.id || ':' || c.deadline_at)
          ORDER BY c.deadline_at LIMIT 1000",
    )
    .bind(now)
    .bind(soon)
    .fetch_all(&state.db)
    .await?;
    let mut told = 0;
    for (id, doctor_id, status, deadline_at) in close {
        let mut tx = state.db.begin().await?;
        let new = notifications::New {
            kind: NotificationKind::DeadlineClose,
            subject_id: Some(id),
            detail: &status,
            link: format!("/inbox/{id}"),
            once: Some(format!("deadline:{id}:{deadline_at}")),
        };
        let added = notifications::add(&mut tx, doctor_id, new, now).await?;
        tx.commit().await?;
        if added {
            state.hub.notify(doctor_id);
            told += 1;
        }
    }
    Ok(told)
}

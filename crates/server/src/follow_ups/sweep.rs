//! A visit still planned or reminded `MISSED_AFTER_DAYS` days after its due date is missed
//! by itself. `sweep` runs before every read of the follow-up lists, a patient's plans or
//! timeline and the doctor's "today" (so nobody sees a stale state), before every change
//! of a visit, and daily in the housekeeping.

use chrono::{Duration, FixedOffset};
use doctor_desk_api::follow_ups::MISSED_AFTER_DAYS;
use serde_json::json;

use super::{parse_date, OPEN};
use crate::{error::AppResult, onboarding::today, patients::audit, state::AppState};

const BATCH: usize = 500;

/// Marks the forgotten visits missed; returns how many.
pub async fn sweep(state: &AppState) -> AppResult<u64> {
    // Due on or before this day: 7 days have passed since.
    let cutoff = (today(state) - Duration::days(MISSED_AFTER_DAYS)).to_string();
    let mut missed = 0;
    loop {
        let due: Vec<(i64, i64, i64, i64, String)> = crate::db::query_as(&format!(
            "SELECT id, plan_id, doctor_id, patient_id, due_on FROM follow_ups
             WHERE state IN {OPEN} AND due_on <= ? ORDER BY due_on, id LIMIT ?"
        ))
        .bind(&cutoff)
        .bind(BATCH as i64)
        .fetch_all(&state.db)
        .await?;
        if due.is_empty() {
            return Ok(missed);
        }
        let now = state.clock.unix();
        let mut tx = state.begin_write().await?;
        // Each patient's lock before any visit's row, in one order whatever the batch:
        // two sweeps, or a sweep and a doctor's tap, then never wait on each other in a
        // circle (PostgreSQL).
        let patients: std::collections::BTreeSet<(i64, i64)> =
            due.iter().map(|(_, _, d, p, _)| (*d, *p)).collect();
        for (doctor_id, patient_id) in patients {
            tx.lock_key(&super::visits_key(doctor_id, patient_id))
                .await?;
        }
        for (id, plan_id, doctor_id, patient_id, due_on) in &due {
            // Missed from the start of the 7th day after the due date, China time, however
            // late the sweep comes by.
            let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is valid");
            let at = (parse_date(due_on) + Duration::days(MISSED_AFTER_DAYS))
                .and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(china).single())
                .map(|t| t.timestamp())
                .unwrap_or(now)
                .min(now);
            // Someone may have finished it meanwhile: only an open visit turns missed.
            let changed = crate::db::query(&format!(
                "UPDATE follow_ups SET state = 'missed', finished_at = ?
                 WHERE id = ? AND state IN {OPEN}"
            ))
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                missed += 1;
                audit(
                    &mut tx,
                    *doctor_id,
                    Some(*patient_id),
                    "follow_up_missed",
                    json!({ "follow_up_id": id, "plan_id": plan_id, "due_on": due_on,
                            "by": "system" }),
                    now,
                )
                .await?;
            }
        }
        tx.commit().await?;
        tracing::info!(
            count = due.len(),
            "follow-up visits missed 7 days after their due date"
        );
        if due.len() < BATCH {
            return Ok(missed);
        }
    }
}

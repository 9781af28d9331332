//! `GET /me/today`: what waits for the doctor today, in one small answer for the home page.

use axum::{extract::State, Json};
use doctor_desk_api::{follow_ups::Today, ErrorBody};

use super::{counts, sweep};
use crate::{
    error::AppResult, extractor::CareDoctor, inbox::deadlines, onboarding, state::AppState,
};

/// New requests; consultations where the patient waits for my message; visits due today
/// and overdue; licence documents expiring within 30 days (or expired). Deadlines and
/// missed visits are applied first.
///
/// A consultation waits for my answer when I may still write in it and the patient wrote
/// last: ongoing with the newest non-system message the patient's (or none yet: the
/// complaint waits for the first answer), or ended with advice and a follow-up question
/// after the end that I have not answered. Read or not does not matter (the inbox's
/// `unread` counts unopened messages instead).
#[utoipa::path(get, path = "/me/today", tag = "follow-ups",
    responses(
        (status = 200, body = Today),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn today(State(state): State<AppState>, me: CareDoctor) -> AppResult<Json<Today>> {
    deadlines::sweep(&state).await?;
    sweep(&state).await?;
    let (new_consultations, answers_due): (i64, i64) = crate::db::query_as(
        "SELECT
           (SELECT COUNT(*) FROM consultations WHERE doctor_id = ?1 AND status = 'new'),
           (SELECT COUNT(*) FROM consultations c
            WHERE c.doctor_id = ?1 AND c.status = 'ongoing'
              AND COALESCE((SELECT m.sender FROM messages m
                            WHERE m.consultation_id = c.id AND m.sender != 'system'
                            ORDER BY m.id DESC LIMIT 1), 'patient') = 'patient')
         + (SELECT COUNT(*) FROM consultations c
            WHERE c.doctor_id = ?1 AND c.status = 'closed' AND c.close_reason = 'advice'
              AND (SELECT m.sender FROM messages m
                   WHERE m.consultation_id = c.id AND m.sender != 'system'
                   ORDER BY m.id DESC LIMIT 1) = 'patient'
              -- asked after the end: after the closing note, the newest system note
              AND (SELECT MAX(m.id) FROM messages m
                   WHERE m.consultation_id = c.id AND m.sender = 'patient')
                > (SELECT MAX(m.id) FROM messages m
                   WHERE m.consultation_id = c.id AND m.sender = 'system'))",
    )
    .bind(me.account_id)
    .fetch_one(&state.db)
    .await?;
    let follow_ups = counts(&state.db, me.account_id, onboarding::today(&state)).await?;
    let documents_expiring =
        onboarding::verification::expiring_count(&state, me.account_id).await?;
    Ok(Json(Today {
        new_consultations: new_consultations as u32,
        answers_due: answers_due as u32,
        follow_ups_today: follow_ups.today,
        follow_ups_overdue: follow_ups.overdue,
        documents_expiring: documents_expiring as u32,
    }))
}

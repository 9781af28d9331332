//! What the doctor does with one visit: remind the patient (again, while it is open),
//! mark it done (with an optional note) or missed. Each change is one conditional
//! `UPDATE … WHERE state IN ('planned', 'reminded')`, so of concurrent requests exactly one
//! finishes a visit and the others get 409 `invalid_transition`.

use crate::db::Conn;
use axum::{
    extract::{Path, State},
    Json,
};
use doctor_desk_api::{
    follow_ups::{FollowUp, FollowUpState, Outcome},
    ErrorBody, ErrorCode,
};
use serde_json::json;

use super::{
    load_one,
    reminders::{deliver, doctor_name, sms_text},
    sweep, OPEN,
};
use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, CareDoctor},
    onboarding::today,
    patients::audit,
    state::AppState,
};

/// The visit's plan and patient if it is mine, else 404.
async fn owner(conn: &mut Conn, doctor_id: i64, id: i64) -> AppResult<(i64, i64)> {
    crate::db::query_as("SELECT plan_id, patient_id FROM follow_ups WHERE id = ? AND doctor_id = ?")
        .bind(id)
        .bind(doctor_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

/// Reminds the patient of this visit: a reminder in the patient app and an SMS (when the
/// SMS fails the reminder still stands; the failure is logged). Allowed while the visit is
/// open, also again: each reminder counts (`reminder_count`) and the SPA should say so
/// before sending another.
#[utoipa::path(post, path = "/follow-ups/{id}/remind", tag = "follow-ups",
    params(("id" = i64, Path, description = "Follow-up (visit) id")),
    responses(
        (status = 200, description = "Reminded (state `reminded`)", body = FollowUp),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my visit", body = ErrorBody),
        (status = 409, description = "`invalid_transition`: already done or missed", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn remind(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
) -> AppResult<Json<FollowUp>> {
    sweep(&state).await?;
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    let (plan_id, patient_id) = owner(&mut tx, me.account_id, id).await?;
    tx.lock_key(&super::visits_key(me.account_id, patient_id))
        .await?;
    let changed = crate::db::query(&format!(
        "UPDATE follow_ups SET state = 'reminded', reminded_at = ?,
           reminder_count = reminder_count + 1
         WHERE id = ? AND doctor_id = ? AND state IN {OPEN}"
    ))
    .bind(now)
    .bind(id)
    .bind(me.account_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::Code(ErrorCode::InvalidTransition));
    }
    let visit = load_one(&mut tx, me.account_id, id, today(&state)).await?;
    let reminder_id: i64 = crate::db::query_scalar(
        "INSERT INTO patient_reminders (patient_id, doctor_id, follow_up_id, message, due_on,
           sent_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(patient_id)
    .bind(me.account_id)
    .bind(id)
    .bind(&visit.message)
    .bind(visit.due_on.to_string())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit(
        &mut tx,
        me.account_id,
        Some(patient_id),
        "follow_up_reminded",
        json!({ "follow_up_id": id, "plan_id": plan_id, "reminder_id": reminder_id,
                "reminder_count": visit.reminder_count }),
        now,
    )
    .await?;
    let text = sms_text(
        &doctor_name(&mut tx, me.account_id).await?,
        &visit.message,
        Some(visit.due_on),
    );
    tx.commit().await?;
    deliver(&state, &[(reminder_id, patient_id, text)]).await;
    Ok(Json(visit))
}

/// Finishes an open visit as done (with the outcome note) or missed.
async fn finish(
    state: &AppState,
    doctor_id: i64,
    id: i64,
    to: FollowUpState,
    note: &str,
) -> AppResult<FollowUp> {
    sweep(state).await?;
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    let (plan_id, patient_id) = owner(&mut tx, doctor_id, id).await?;
    tx.lock_key(&super::visits_key(doctor_id, patient_id))
        .await?;
    let changed = crate::db::query(&format!(
        "UPDATE follow_ups SET state = ?, finished_at = ?, outcome_note = ?
         WHERE id = ? AND doctor_id = ? AND state IN {OPEN}"
    ))
    .bind(to.as_str())
    .bind(now)
    .bind(note)
    .bind(id)
    .bind(doctor_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::Code(ErrorCode::InvalidTransition));
    }
    let action = match to {
        FollowUpState::Done => "follow_up_done",
        _ => "follow_up_missed",
    };
    // The note is clinical text: the audit names the visit, it does not copy the note.
    audit(
        &mut tx,
        doctor_id,
        Some(patient_id),
        action,
        json!({ "follow_up_id": id, "plan_id": plan_id, "by": "doctor",
                "with_note": !note.is_empty() }),
        now,
    )
    .await?;
    let visit = load_one(&mut tx, doctor_id, id, today(state)).await?;
    tx.commit().await?;
    Ok(visit)
}

/// Marks an open visit done, with an optional outcome note (never shown to the patient).
#[utoipa::path(post, path = "/follow-ups/{id}/done", tag = "follow-ups",
    params(("id" = i64, Path, description = "Follow-up (visit) id")),
    request_body = Outcome,
    responses(
        (status = 200, description = "Done", body = FollowUp),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my visit", body = ErrorBody),
        (status = 409, description = "`invalid_transition`: already done or missed", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "The note is longer than 500", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn done(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<Outcome>,
) -> AppResult<Json<FollowUp>> {
    {
        let mut conn = state.db.acquire().await?;
        owner(&mut conn, me.account_id, id).await?;
    }
    AppError::check(input.validate())?;
    Ok(Json(
        finish(
            &state,
            me.account_id,
            id,
            FollowUpState::Done,
            input.note.trim(),
        )
        .await?,
    ))
}

/// Marks an open visit missed (失访) before the server would (7 days after its due date).
#[utoipa::path(post, path = "/follow-ups/{id}/missed", tag = "follow-ups",
    params(("id" = i64, Path, description = "Follow-up (visit) id")),
    responses(
        (status = 200, description = "Missed", body = FollowUp),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my visit", body = ErrorBody),
        (status = 409, description = "`invalid_transition`: already done or missed", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn missed(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
) -> AppResult<Json<FollowUp>> {
    Ok(Json(
        finish(&state, me.account_id, id, FollowUpState::Missed, "").await?,
    ))
}

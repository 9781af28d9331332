//! The doctor's side of consultations (the list is `list.rs`): one consultation, and the steps
//! that change its status (accept, ask, decline, close), each through the state machine,
//! each recorded as an event and in the audit log.

use axum::{
    extract::{Path, State},
    Json,
};
use doctor_desk_api::{
    inbox::{
        AcceptRequest, Advice, Consultation, ConsultationStatus, Decline, EventKind, Message,
        SendMessage, REPLY_DEADLINE_HOURS,
    },
    ErrorBody, ErrorCode,
};

use super::{
    audit, deadlines, decline_reason_name, events, load_for_doctor, load_for_verified_doctor,
    load_in,
    messages::{self, system_note, Author},
    settings, state_machine,
    state_machine::Step,
    view, Row,
};
use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, CareDoctor},
    state::AppState,
};

/// One consultation: complaint, prior diagnosis, evidence, status, deadline, advice.
#[utoipa::path(get, path = "/consultations/{id}", tag = "inbox",
    params(("id" = i64, Path, description = "Consultation id")),
    responses(
        (status = 200, body = Consultation),
        (status = 404, description = "Not this doctor's", body = ErrorBody),
    ))]
pub async fn detail(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
) -> AppResult<Json<Consultation>> {
    deadlines::sweep(&state).await?;
    let row = load_for_doctor(&state, me.account_id, id).await?;
    Ok(Json(view(&state, &row).await?))
}

/// Runs one status step in a transaction: checks it with the state machine on the current
/// row, lets `apply` write the change, adds a system note, the event and the audit entry.
async fn step<F>(
    state: &AppState,
    doctor_id: i64,
    id: i64,
    step: Step,
    note: &str,
    audit_detail: &str,
    apply: F,
) -> AppResult<Row>
where
    F: for<'c> FnOnce(
        &'c mut crate::db::Conn,
        ConsultationStatus,
        i64,
    ) -> futures_util::future::BoxFuture<'c, AppResult<()>>,
{
    deadlines::sweep(state).await?;
    load_for_doctor(state, doctor_id, id).await?;
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    let row = load_in(&mut tx, id).await?;
    let status = state_machine::next(row.status(), row.close_reason(), step, 0, false)?;
    apply(&mut tx, status, now).await?;
    let note_id = system_note(&mut tx, id, note, now).await?;
    events::record(
        &mut tx,
        doctor_id,
        id,
        EventKind::StatusChanged,
        status,
        Some(note_id),
        now,
    )
    .await?;
    let action = match step {
        Step::Accept => "accept",
        Step::Decline => "decline",
        _ => "close",
    };
    audit(
        &mut tx,
        id,
        &format!("doctor:{doctor_id}"),
        action,
        audit_detail,
        now,
    )
    .await?;
    tx.commit().await?;
    state.hub.notify(doctor_id);
    let row = load_for_doctor(state, doctor_id, id).await?;
    state.next_deadline.written(row.deadline_at);
    Ok(row)
}

/// Accepts a new request. The doctor must confirm it is a follow-up of the offline
/// diagnosis shown, and the patient must have given its records.
#[utoipa::path(post, path = "/consultations/{id}/accept", tag = "inbox",
    params(("id" = i64, Path, description = "Consultation id")),
    request_body = AcceptRequest,
    responses(
        (status = 200, body = Consultation),
        (status = 403, description = "`verification_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invalid_transition` or `evidence_missing`", body = ErrorBody),
        (status = 422, description = "`follow_up_unconfirmed`", body = ErrorBody),
    ))]
pub async fn accept(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(request): AppJson<AcceptRequest>,
) -> AppResult<Json<Consultation>> {
    load_for_verified_doctor(&state, me.account_id, id).await?;
    if !request.follow_up_confirmed {
        return Err(AppError::OnField(
            ErrorCode::FollowUpUnconfirmed,
            "follow_up_confirmed",
        ));
    }
    let evidence: i64 = crate::db::query_scalar(
        "SELECT COUNT(*) FROM consultation_files WHERE consultation_id = ? AND kind != 'image'",
    )
    .bind(id)
    .fetch_one(&state.db)
    .await?;
    if evidence == 0 {
        return Err(AppError::Code(ErrorCode::EvidenceMissing));
    }
    let row = step(
        &state,
        me.account_id,
        id,
        Step::Accept,
        "accepted",
        "follow-up of the offline diagnosis confirmed",
        |tx, status, now| {
            Box::pin(async move {
                crate::db::query(
                    "UPDATE consultations SET status = ?, accepted_at = ?, deadline_at = ?,
                       last_activity_at = ? WHERE id = ?",
                )
                .bind(status.as_str())
                .bind(now)
                .bind(now + REPLY_DEADLINE_HOURS * 3600)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                Ok(())
            })
        },
    )
    .await?;
    // The greeting goes out as the doctor's first message.
    let greeting = settings::load(&state, me.account_id).await?.greeting;
    if !greeting.trim().is_empty() {
        let request = SendMessage {
            client_id: format!("greeting-{id}"),
            text: Some(greeting),
            image_file_id: None,
        };
        messages::post(&state, id, Author::Doctor(me.account_id), &request).await?;
    }
    Ok(Json(view(&state, &row).await?))
}

/// Asks the patient for more information; the request stays new.
#[utoipa::path(post, path = "/consultations/{id}/ask", tag = "inbox",
    params(("id" = i64, Path, description = "Consultation id")),
    request_body = SendMessage,
    responses(
        (status = 201, body = Message),
        (status = 200, description = "Already sent with this client id", body = Message),
        (status = 403, description = "`verification_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invalid_transition`: not a new request", body = ErrorBody),
        (status = 422, description = "`client_id` or `text` missing or too long", body = ErrorBody),
    ))]
pub async fn ask(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(request): AppJson<SendMessage>,
) -> AppResult<(axum::http::StatusCode, Json<Message>)> {
    deadlines::sweep(&state).await?;
    load_for_verified_doctor(&state, me.account_id, id).await?;
    let (message, created) =
        messages::post(&state, id, Author::DoctorAsking(me.account_id), &request).await?;
    let status = if created {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(message)))
}

/// Declines a new request with a reason; the patient is refunded.
#[utoipa::path(post, path = "/consultations/{id}/decline", tag = "inbox",
    params(("id" = i64, Path, description = "Consultation id")),
    request_body = Decline,
    responses(
        (status = 200, body = Consultation),
        (status = 403, description = "`verification_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invalid_transition`", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn decline(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(request): AppJson<Decline>,
) -> AppResult<Json<Consultation>> {
    // Declining is a medical judgement (not a follow-up, out of scope): verified doctors only.
    load_for_verified_doctor(&state, me.account_id, id).await?;
    AppError::check(request.validate())?;
    let reason = decline_reason_name(request.reason);
    let text = request.text.trim().to_owned();
    let row = step(
        &state,
        me.account_id,
        id,
        Step::Decline,
        "declined",
        reason,
        |tx, status, now| {
            Box::pin(async move {
                crate::db::query(
                    "UPDATE consultations SET status = ?, decline_reason = ?, decline_text = ?,
                       refunded = 1, closed_at = ?, deadline_at = NULL, last_activity_at = ?
                     WHERE id = ?",
                )
                .bind(status.as_str())
                .bind(reason)
                .bind(text)
                .bind(now)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                Ok(())
            })
        },
    )
    .await?;
    Ok(Json(view(&state, &row).await?))
}

/// Ends an ongoing consultation with structured advice. The patient may still send the
/// number of follow-up questions the doctor's settings allow.
#[utoipa::path(post, path = "/consultations/{id}/close", tag = "inbox",
    params(("id" = i64, Path, description = "Consultation id")),
    request_body = Advice,
    responses(
        (status = 200, body = Consultation),
        (status = 403, description = "`verification_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invalid_transition`", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn close(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(request): AppJson<Advice>,
) -> AppResult<Json<Consultation>> {
    // Advice is medical work: verified doctors only, like accepting.
    load_for_verified_doctor(&state, me.account_id, id).await?;
    AppError::check(request.validate())?;
    let follow_ups = settings::load(&state, me.account_id)
        .await?
        .follow_up_questions;
    let advice = serde_json::to_string(&request).map_err(|e| AppError::Internal(e.into()))?;
    let row = step(
        &state,
        me.account_id,
        id,
        Step::Close,
        "closed",
        "advice given",
        |tx, status, now| {
            Box::pin(async move {
                crate::db::query(
                    "UPDATE consultations SET status = ?, close_reason = 'advice', advice = ?,
                       closed_at = ?, deadline_at = NULL, follow_ups_left = ?,
                       last_activity_at = ?
                     WHERE id = ?",
                )
                .bind(status.as_str())
                .bind(advice)
                .bind(now)
                .bind(follow_ups as i64)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                Ok(())
            })
        },
    )
    .await?;
    Ok(Json(view(&state, &row).await?))
}

//! The doctor's side of consultations: the inbox list, one consultation, and the steps
//! that change its status (accept, ask, decline, close), each through the state machine,
//! each recorded as an event and in the audit log.

use axum::{
    extract::{Path, Query, State},
    Json,
};
use doctor_desk_api::{
    inbox::{
        AcceptRequest, Advice, Consultation, ConsultationPage, ConsultationRow, ConsultationStatus,
        Decline, EventKind, Message, SendMessage, StatusCounts, PAGE_MAX, REPLY_DEADLINE_HOURS,
    },
    ErrorBody, ErrorCode,
};
use rusqlite::types::Value;
use serde::Deserialize;

use super::{
    audit, deadlines, decline_reason_name, events, load_for_doctor, load_for_verified_doctor,
    load_in,
    messages::{self, system_note, Author},
    settings, state_machine,
    state_machine::Step,
    summary, view, Row,
};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, CareDoctor},
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `new` (default), `ongoing` or `closed` (closed and declined).
    status: Option<String>,
    /// Part of the patient's name.
    q: Option<String>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Rows per page, at most 100 (default 30).
    limit: Option<u32>,
}

/// The inbox: one tab's consultations, newest activity first, with the count of each tab.
#[utoipa::path(get, path = "/consultations", tag = "inbox", params(ListQuery),
    responses(
        (status = 200, body = ConsultationPage),
        (status = 401, body = ErrorBody),
        (status = 404, description = "`status` is not one of the lists, or `cursor` not one this server gave", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    me: CareDoctor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<ConsultationPage>> {
    deadlines::sweep(&state).await?;
    let statuses = match q.status.as_deref().unwrap_or("new") {
        "new" => "('new')",
        "ongoing" => "('ongoing')",
        "closed" => "('closed', 'declined')",
        _ => return Err(AppError::Code(ErrorCode::NotFound)),
    };
    let limit = q.limit.unwrap_or(30).clamp(1, PAGE_MAX);
    let cursor = q
        .cursor
        .as_deref()
        .map(|c| {
            c.split_once('_')
                .and_then(|(at, id)| Some((at.parse::<i64>().ok()?, id.parse::<i64>().ok()?)))
                .ok_or(AppError::Code(ErrorCode::NotFound))
        })
        .transpose()?;
    let name = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let mut sql = format!(
        "SELECT c.id, c.status, c.complaint, c.deadline_at, c.doctor_unread, c.last_activity_at,
                p.name, p.sex, p.birth_date
         FROM consultations c JOIN patients p ON p.id = c.patient_id
         WHERE c.doctor_id = ? AND c.status IN {statuses}"
    );
    let mut args = vec![Value::Integer(me.account_id)];
    if let Some(name) = name {
        sql.push_str(" AND instr(p.name, ?) > 0");
        args.push(Value::Text(name.to_owned()));
    }
    if let Some((at, id)) = cursor {
        sql.push_str(" AND (c.last_activity_at, c.id) < (?, ?)");
        args.extend([Value::Integer(at), Value::Integer(id)]);
    }
    sql.push_str(" ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?");
    args.push(Value::Integer(limit as i64 + 1));
    let doctor_id = me.account_id;
    // The counts, the newest event and the page come from one snapshot: a stream that
    // starts from that event replays exactly what happened after the page.
    let searching = name.is_some();
    let read = move |conn: &rusqlite::Connection| {
        let header = counts_and_last_event_in(conn, doctor_id)?;
        let mut page = conn.prepare_cached(&sql)?;
        let rows = page
            .query_map(rusqlite::params_from_iter(&args), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((header, rows))
    };
    // A name is looked for in every row of the tab until the page is full: that may scan.
    let ((counts, last_event_id), rows) = if searching {
        state.reads.run_blocking(read).await?
    } else {
        state.reads.run(read)?
    };
    let today = crate::onboarding::today(&state);
    let more = rows.len() > limit as usize;
    let items: Vec<ConsultationRow> = rows
        .into_iter()
        .take(limit as usize)
        .map(
            |(id, status, complaint, deadline, unread, activity, pname, sex, birth)| {
                ConsultationRow {
                    id,
                    patient: summary(&pname, &sex, &birth, today),
                    status: ConsultationStatus::parse(&status).unwrap_or(ConsultationStatus::New),
                    complaint_preview: complaint
                        .lines()
                        .next()
                        .unwrap_or("")
                        .chars()
                        .take(60)
                        .collect(),
                    deadline_at: deadline.map(from_unix),
                    unread: unread.max(0) as u32,
                    last_activity_at: from_unix(activity),
                }
            },
        )
        .collect();
    let next_cursor = more
        .then(|| items.last())
        .flatten()
        .map(|last| format!("{}_{}", last.last_activity_at.timestamp(), last.id));
    Ok(Json(ConsultationPage {
        items,
        next_cursor,
        counts,
        last_event_id,
    }))
}

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
        &'c mut sqlx::SqliteConnection,
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
    let evidence: i64 = sqlx::query_scalar(
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
                sqlx::query(
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
                sqlx::query(
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
                sqlx::query(
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

/// How many consultations the doctor has in each tab, and the unread messages that need
/// an answer (what the tab bar badge shows).
pub async fn status_counts(state: &AppState, doctor_id: i64) -> AppResult<StatusCounts> {
    let (counts, _) = state
        .reads
        .run(|conn| counts_and_last_event_in(conn, doctor_id))?;
    Ok(counts)
}

/// The tab counts and the newest event of the doctor's inbox, in one statement: the counts
/// are one row (`inbox_counts`, kept by triggers), and the unread sum reads just the few
/// rows the partial index holds.
fn counts_and_last_event_in(
    conn: &rusqlite::Connection,
    doctor_id: i64,
) -> rusqlite::Result<(StatusCounts, i64)> {
    let (new, ongoing, closed, unread, last_event_id) = conn
        .prepare_cached(
            "SELECT IFNULL(n.new, 0), IFNULL(n.ongoing, 0), IFNULL(n.closed, 0),
                    (SELECT SUM(doctor_unread) FROM consultations
                      WHERE doctor_id = ?1 AND doctor_unread > 0
                        AND (status = 'ongoing' OR (status = 'closed' AND close_reason = 'advice'))),
                    (SELECT MAX(id) FROM inbox_events WHERE doctor_id = ?1)
               FROM (SELECT 1) LEFT JOIN inbox_counts n ON n.doctor_id = ?1",
        )?
        .query_row([doctor_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
    let counts = StatusCounts {
        new: new as u32,
        ongoing: ongoing as u32,
        closed: closed as u32,
        unread: unread.unwrap_or(0).max(0) as u32,
    };
    Ok((counts, last_event_id.unwrap_or(0)))
}

//! Messages of a consultation: the doctor's reading and sending, and `post`, the one way
//! any message (doctor, patient, or the doctor's question before accepting) is written.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    inbox::{ConsultationStatus, EventKind, Message, SendMessage, Sender, REPLY_DEADLINE_HOURS},
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use super::{
    events, load_for_doctor, load_for_verified_doctor, state_machine, state_machine::Step,
};
use crate::{
    clock::from_unix,
    db::{run_sync, FromSqlite, OnSqlite, OnStore, Sql, Statements},
    error::{AppError, AppResult},
    extractor::{AppJson, CareDoctor},
    state::AppState,
};

pub(super) type MessageRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

const MESSAGE: &str =
    "SELECT id, consultation_id, sender, client_id, text, image_file_id, created_at FROM messages";

pub(super) fn message_view(row: MessageRow) -> Message {
    let (id, consultation_id, sender, client_id, text, image_file_id, at) = row;
    Message {
        id,
        consultation_id,
        sender: match sender.as_str() {
            "doctor" => Sender::Doctor,
            "patient" => Sender::Patient,
            _ => Sender::System,
        },
        client_id,
        text,
        image_file_id,
        created_at: from_unix(at),
    }
}

fn sender_name(sender: Sender) -> &'static str {
    match sender {
        Sender::Doctor => "doctor",
        Sender::Patient => "patient",
        Sender::System => "system",
    }
}

pub async fn message_by_id(state: &AppState, id: i64) -> AppResult<Option<Message>> {
    let row: Option<MessageRow> = crate::db::query_as(&format!("{MESSAGE} WHERE id = ?"))
        .bind(id)
        .fetch_optional(&state.db)
        .await?;
    Ok(row.map(message_view))
}

/// Messages of a consultation after message `after`, oldest first (at most 500).
pub async fn after(state: &AppState, consultation_id: i64, after: i64) -> AppResult<Vec<Message>> {
    let rows: Vec<MessageRow> = crate::db::query_as(&format!(
        "{MESSAGE} WHERE consultation_id = ? AND id > ? ORDER BY id LIMIT 500"
    ))
    .bind(consultation_id)
    .bind(after)
    .fetch_all(&state.db)
    .await?;
    Ok(rows.into_iter().map(message_view).collect())
}

/// Who writes: the doctor (or their question before accepting) or the patient.
#[derive(Debug, Clone, Copy)]
pub enum Author {
    Doctor(i64),
    DoctorAsking(i64),
    Patient(i64),
}

/// Writes a message unless one with the same client id exists (then returns that one and
/// `false`): a retry after a lost answer never makes a second message.
pub async fn post(
    state: &AppState,
    consultation_id: i64,
    author: Author,
    request: &SendMessage,
) -> AppResult<(Message, bool)> {
    AppError::check(request.validate())?;
    let (sender, step, actor) = match author {
        Author::Doctor(id) => (Sender::Doctor, Step::DoctorMessage, format!("doctor:{id}")),
        Author::DoctorAsking(id) => (Sender::Doctor, Step::Ask, format!("doctor:{id}")),
        Author::Patient(id) => (
            Sender::Patient,
            Step::PatientMessage,
            format!("patient:{id}"),
        ),
    };
    let now = state.clock.unix();
    let written = if state.writes.is_some() {
        let request = request.clone();
        state
            .quick_write(move |conn| {
                run_sync(write(
                    &mut OnSqlite(conn),
                    consultation_id,
                    author,
                    (sender, step, &actor),
                    &request,
                    now,
                ))
            })
            .await?
    } else {
        let mut tx = state.begin_write().await?;
        let written = write(
            &mut OnStore(&mut tx),
            consultation_id,
            author,
            (sender, step, &actor),
            request,
            now,
        )
        .await?;
        tx.commit().await?;
        written
    };
    let (id, doctor_id, deadline, deadline_before) = match written {
        Written::New {
            id,
            doctor_id,
            deadline,
            deadline_before,
        } => (id, doctor_id, deadline, deadline_before),
        Written::Retry(existing) => {
            let message = message_by_id(state, existing)
                .await?
                .ok_or(AppError::Code(ErrorCode::NotFound))?;
            return Ok((message, false));
        }
    };
    if deadline != deadline_before {
        state.next_deadline.written(deadline);
    }
    state.hub.notify(doctor_id);
    // What was just written, as it was written: no need to read it back.
    let message = message_view((
        id,
        consultation_id,
        sender_name(sender).to_owned(),
        Some(request.client_id.clone()),
        request.text.as_deref().map(|t| t.trim().to_owned()),
        request.image_file_id.clone(),
        now,
    ));
    Ok((message, true))
}

/// What [`write`] did.
enum Written {
    /// A retry: the message sent before with this client id.
    Retry(i64),
    New {
        id: i64,
        doctor_id: i64,
        deadline: Option<i64>,
        deadline_before: Option<i64>,
    },
}

/// The send's write, inside the transaction [`AppState::quick_write`] holds (or, on
/// PostgreSQL, with the consultation's row locked): the consultation's state read under
/// that lock, then the message and what it changes.
async fn write(
    db: &mut impl Statements,
    consultation_id: i64,
    author: Author,
    (sender, step, actor): (Sender, Step, &str),
    request: &SendMessage,
    now: i64,
) -> AppResult<Written> {
    db.lock("consultations", consultation_id).await?;
    let mut sql = Sql::new(LOAD_FOR_SEND);
    sql.bind(sender_name(sender))
        .bind(request.client_id.as_str())
        .bind(consultation_id);
    let Some(found) = db.optional::<ForSend>(&sql).await? else {
        return Err(AppError::Code(ErrorCode::NotFound));
    };
    if let Some(existing) = found.existing {
        return Ok(Written::Retry(existing));
    }
    let (row, last_sender) = (&found.row, found.last_sender.as_deref());
    let answering = last_sender == Some("patient");
    let status = state_machine::next(
        row.status(),
        row.close_reason(),
        step,
        row.follow_ups_left.max(0) as u32,
        answering,
    )?;
    if let Some(file) = &request.image_file_id {
        let (text, owner) = match author {
            Author::Patient(p) => (
                "SELECT 1 FROM patient_files WHERE id = ? AND patient_id = ?",
                p,
            ),
            Author::Doctor(d) | Author::DoctorAsking(d) => {
                ("SELECT 1 FROM files WHERE id = ? AND owner_id = ?", d)
            }
        };
        let mut sql = Sql::new(text);
        sql.bind(file.as_str()).bind(owner);
        if db.optional::<(i64,)>(&sql).await?.is_none() {
            return Err(AppError::OnField(ErrorCode::NotFound, "image_file_id"));
        }
    }
    let from_patient = matches!(author, Author::Patient(_));
    let after_end = row.status() == ConsultationStatus::Closed;
    // A doctor's reply in an ongoing consultation restarts the 48-hour reply deadline.
    let deadline = match (status, from_patient) {
        (ConsultationStatus::Ongoing, false) => Some(now + REPLY_DEADLINE_HOURS * 3600),
        _ => row.deadline_at,
    };
    let mut sql = Sql::new(
        "INSERT INTO messages (consultation_id, sender, client_id, text, image_file_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    );
    sql.bind(consultation_id)
        .bind(sender_name(sender))
        .bind(request.client_id.as_str())
        .bind(request.text.as_deref().map(str::trim))
        .bind(request.image_file_id.as_deref())
        .bind(now);
    let (id,): (i64,) = db
        .optional(&sql)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("INSERT … RETURNING gave no row")))?;
    let mut sql = Sql::new(
        "UPDATE consultations SET last_activity_at = ?, deadline_at = ?,
           doctor_unread = doctor_unread + ?, follow_ups_left = follow_ups_left - ?
         WHERE id = ?",
    );
    sql.bind(now)
        .bind(deadline)
        .bind(from_patient as i64)
        .bind((from_patient && after_end) as i64)
        .bind(consultation_id);
    db.execute(&sql).await?;
    let mut sql = Sql::new(events::RECORD);
    sql.bind(row.doctor_id)
        .bind(consultation_id)
        .bind(events::kind_name(EventKind::Message))
        .bind(status.as_str())
        .bind(id)
        .bind(now);
    db.execute(&sql).await?;
    let action = if step == Step::Ask { "ask" } else { "message" };
    let mut sql = Sql::new(super::AUDIT);
    sql.bind(consultation_id)
        .bind(actor)
        .bind(action)
        .bind(format!("message {id}"))
        .bind(now);
    db.execute(&sql).await?;
    Ok(Written::New {
        id,
        doctor_id: row.doctor_id,
        deadline,
        deadline_before: row.deadline_at,
    })
}

/// What a send reads before it writes, in one statement: the consultation, the message
/// already sent with this client id (a retry), and who wrote last (a doctor's message
/// answers a patient's).
#[derive(sqlx::FromRow)]
struct ForSend {
    #[sqlx(flatten)]
    row: super::Row,
    existing: Option<i64>,
    last_sender: Option<String>,
}

impl FromSqlite for ForSend {
    fn from_sqlite(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(ForSend {
            row: super::Row::from_sqlite(r)?,
            existing: r.get("existing")?,
            last_sender: r.get("last_sender")?,
        })
    }
}

/// Binds: sender, client id, consultation id.
const LOAD_FOR_SEND: &str = "SELECT c.*,
        (SELECT m.id FROM messages m
          WHERE m.consultation_id = c.id AND m.sender = ? AND m.client_id = ?) AS existing,
        (SELECT m.sender FROM messages m
          WHERE m.consultation_id = c.id AND m.sender != 'system'
          ORDER BY m.id DESC LIMIT 1) AS last_sender
     FROM consultations c WHERE c.id = ?";

/// Writes a note from the server (accepted, declined, closed) in the caller's transaction.
pub async fn system_note(
    tx: &mut crate::db::Conn,
    consultation_id: i64,
    text: &str,
    now: i64,
) -> AppResult<i64> {
    Ok(crate::db::query_scalar(
        "INSERT INTO messages (consultation_id, sender, text, created_at)
         VALUES (?, 'system', ?, ?) RETURNING id",
    )
    .bind(consultation_id)
    .bind(text)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AfterQuery {
    /// Only messages with a larger id (what the client has already).
    after: Option<i64>,
}

impl AfterQuery {
    pub fn after(&self) -> i64 {
        self.after.unwrap_or(0)
    }
}

/// The thread, oldest first. Reading changes nothing: the client says when the doctor
/// has seen it (`POST …/read`).
#[utoipa::path(get, path = "/consultations/{id}/messages", tag = "inbox",
    params(("id" = i64, Path, description = "Consultation id"), AfterQuery),
    responses(
        (status = 200, body = Vec<Message>),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "Not this doctor's", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    Query(q): Query<AfterQuery>,
) -> AppResult<Json<Vec<Message>>> {
    load_for_doctor(&state, me.account_id, id).await?;
    Ok(Json(after(&state, id, q.after.unwrap_or(0)).await?))
}

/// The doctor has seen the thread: its unread count goes to zero. Answers with the new
/// counts, so the tab bar badge needs no second request.
#[utoipa::path(post, path = "/consultations/{id}/read", tag = "inbox",
    params(("id" = i64, Path, description = "Consultation id")),
    responses(
        (status = 200, description = "Marked read; the counts now", body = doctor_desk_api::inbox::StatusCounts),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "Not this doctor's", body = ErrorBody),
    ))]
pub async fn mark_read(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
) -> AppResult<Json<doctor_desk_api::inbox::StatusCounts>> {
    let row = load_for_doctor(&state, me.account_id, id).await?;
    if row.doctor_unread > 0 {
        crate::db::query("UPDATE consultations SET doctor_unread = 0 WHERE id = ?")
            .bind(id)
            .execute(&state.db)
            .await?;
    }
    Ok(Json(
        super::list::status_counts(&state, me.account_id).await?,
    ))
}

/// Sends a text or an image. The same `client_id` twice makes one message (200 the
/// second time).
#[utoipa::path(post, path = "/consultations/{id}/messages", tag = "inbox",
    params(("id" = i64, Path, description = "Consultation id")),
    request_body = SendMessage,
    responses(
        (status = 201, body = Message),
        (status = 200, description = "Already sent with this client id", body = Message),
        (status = 403, description = "`verification_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invalid_transition`: the thread is closed", body = ErrorBody),
        (status = 422, description = "`client_id` missing, or neither `text` nor an image, or too long", body = ErrorBody),
    ))]
pub async fn send(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(request): AppJson<SendMessage>,
) -> AppResult<(StatusCode, Json<Message>)> {
    super::deadlines::sweep(&state).await?;
    load_for_verified_doctor(&state, me.account_id, id).await?;
    let (message, created) = post(&state, id, Author::Doctor(me.account_id), &request).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(message)))
}

//! Private notes on a patient: never shown to the patient. Every text a note ever had is
//! kept in `note_versions` (the current one included), so a note's history is its versions
//! but the current one, and an edit is one new version.

use std::collections::HashMap;

use crate::db::{Conn, Statements};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    patients::{Note, NoteInput, NoteVersion},
    ErrorBody, ErrorCode,
};
use serde_json::json;

use super::{audit, ensure_mine, id_list};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, CareDoctor},
    state::AppState,
};

/// The name of the doctor who wrote a version `v`.
const WRITER: &str = "COALESCE(wp.real_name, wa.display_name, '')";
const WRITER_JOIN: &str = "JOIN accounts wa ON wa.id = v.written_by
     LEFT JOIN doctor_profiles wp ON wp.account_id = v.written_by";

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: i64,
    text: String,
    version: i64,
    created_at: i64,
    updated_at: i64,
    written_by: String,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    note_id: i64,
    version: i64,
    text: String,
    written_at: i64,
    written_by: String,
}

/// My notes on the patient, newest first, each with its earlier texts; `only` some ids.
pub async fn load(
    conn: &mut Conn,
    doctor_id: i64,
    patient_id: i64,
    only: Option<&[i64]>,
) -> AppResult<Vec<Note>> {
    let notes: Vec<NoteRow> = crate::db::query_as(&format!(
        "SELECT n.id, n.text, n.version, n.created_at, n.updated_at, {WRITER} AS written_by
         FROM patient_notes n
         JOIN note_versions v ON v.note_id = n.id AND v.version = n.version
         {WRITER_JOIN}
         WHERE n.doctor_id = ?1 AND n.patient_id = ?2
           AND (?3 IS NULL OR n.id IN (SELECT value FROM json_each(?3)))
         ORDER BY n.created_at DESC, n.id DESC"
    ))
    .bind(doctor_id)
    .bind(patient_id)
    .bind(only.map(id_list))
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
    let versions: Vec<VersionRow> = crate::db::query_as(&format!(
        "SELECT v.note_id, v.version, v.text, v.written_at, {WRITER} AS written_by
         FROM note_versions v {WRITER_JOIN}
         WHERE v.note_id IN (SELECT value FROM json_each(?))
         ORDER BY v.note_id, v.version DESC"
    ))
    .bind(id_list(&ids))
    .fetch_all(&mut *conn)
    .await?;
    let mut history: HashMap<i64, Vec<NoteVersion>> = HashMap::new();
    for v in versions {
        history.entry(v.note_id).or_default().push(NoteVersion {
            version: v.version as u32,
            text: v.text,
            written_at: from_unix(v.written_at),
            written_by: v.written_by,
        });
    }
    Ok(notes
        .into_iter()
        .map(|n| {
            let mut history = history.remove(&n.id).unwrap_or_default();
            history.retain(|v| i64::from(v.version) != n.version);
            Note {
                id: n.id,
                text: n.text,
                version: n.version as u32,
                created_at: from_unix(n.created_at),
                updated_at: from_unix(n.updated_at),
                written_by: n.written_by,
                history,
            }
        })
        .collect())
}

/// One note of mine on this patient, or 404 (another patient's, another doctor's).
async fn load_one(conn: &mut Conn, doctor_id: i64, patient_id: i64, id: i64) -> AppResult<Note> {
    load(conn, doctor_id, patient_id, Some(&[id]))
        .await?
        .pop()
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

/// Keeps one text of a note as written.
async fn keep_version(
    tx: &mut Conn,
    note_id: i64,
    version: i64,
    text: &str,
    doctor_id: i64,
    at: i64,
) -> AppResult<()> {
    crate::db::query(
        "INSERT INTO note_versions (note_id, version, text, written_at, written_by)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(note_id)
    .bind(version)
    .bind(text)
    .bind(at)
    .bind(doctor_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// My notes on the patient, newest first, each with its earlier texts (newest first).
#[utoipa::path(get, path = "/patients/{id}/notes", tag = "patients",
    params(("id" = i64, Path, description = "Patient id")),
    responses(
        (status = 200, body = Vec<Note>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, description = "Not my patient", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<Note>>> {
    let mut conn = state.db.acquire().await?;
    ensure_mine(&mut *conn, me.account_id, id).await?;
    Ok(Json(load(&mut conn, me.account_id, id, None).await?))
}

/// Adds a private note (version 1).
#[utoipa::path(post, path = "/patients/{id}/notes", tag = "patients",
    params(("id" = i64, Path, description = "Patient id")),
    request_body = NoteInput,
    responses(
        (status = 201, body = Note),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my patient", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn add(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<NoteInput>,
) -> AppResult<(StatusCode, Json<Note>)> {
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    ensure_mine(&mut *tx, me.account_id, id).await?;
    AppError::check(input.validate())?;
    let text = input.text.trim();
    let note_id: i64 = crate::db::query_scalar(
        "INSERT INTO patient_notes (doctor_id, patient_id, text, version, created_at, updated_at)
         VALUES (?, ?, ?, 1, ?, ?) RETURNING id",
    )
    .bind(me.account_id)
    .bind(id)
    .bind(text)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    keep_version(&mut tx, note_id, 1, text, me.account_id, now).await?;
    audit(
        &mut tx,
        me.account_id,
        Some(id),
        "note_added",
        json!({ "note_id": note_id }),
        now,
    )
    .await?;
    let note = load_one(&mut tx, me.account_id, id, note_id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// Replaces a note's text; the earlier one is kept. With `version`, an edit of a text that
/// changed meanwhile is refused (409 `conflict`).
#[utoipa::path(put, path = "/patients/{id}/notes/{note_id}", tag = "patients",
    params(
        ("id" = i64, Path, description = "Patient id"),
        ("note_id" = i64, Path, description = "Note id"),
    ),
    request_body = NoteInput,
    responses(
        (status = 200, body = Note),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my patient, or not my note on them", body = ErrorBody),
        (status = 409, description = "`conflict`: `version` is not the current one", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn edit(
    State(state): State<AppState>,
    me: CareDoctor,
    Path((id, note_id)): Path<(i64, i64)>,
    AppJson(input): AppJson<NoteInput>,
) -> AppResult<Json<Note>> {
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    ensure_mine(&mut *tx, me.account_id, id).await?;
    // Two edits at once: the second reads the first's version, then answers 409.
    crate::db::OnStore(&mut tx)
        .lock("patient_notes", note_id)
        .await?;
    let current: i64 = crate::db::query_scalar(
        "SELECT version FROM patient_notes WHERE id = ? AND doctor_id = ? AND patient_id = ?",
    )
    .bind(note_id)
    .bind(me.account_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::Code(ErrorCode::NotFound))?;
    AppError::check(input.validate())?;
    if input.version.is_some_and(|v| i64::from(v) != current) {
        return Err(AppError::Code(ErrorCode::Conflict));
    }
    let text = input.text.trim();
    let version = current + 1;
    crate::db::query("UPDATE patient_notes SET text = ?, version = ?, updated_at = ? WHERE id = ?")
        .bind(text)
        .bind(version)
        .bind(now)
        .bind(note_id)
        .execute(&mut *tx)
        .await?;
    keep_version(&mut tx, note_id, version, text, me.account_id, now).await?;
    audit(
        &mut tx,
        me.account_id,
        Some(id),
        "note_edited",
        json!({ "note_id": note_id, "version": version }),
        now,
    )
    .await?;
    let note = load_one(&mut tx, me.account_id, id, note_id).await?;
    tx.commit().await?;
    Ok(Json(note))
}

//! Patient management: a doctor's own patients (from the first consultation they
//! accepted; `doctor_patients` is kept by triggers on consultations), the doctor's tags on
//! them, private notes with every earlier text kept, clinical facts, and one timeline.
//!
//! Two rules hold in every handler here: a patient who is not mine answers 404 exactly
//! like one that does not exist, and every change appends to `patient_audit` in the same
//! transaction as the change.

pub mod demo;
mod list;
mod notes;
mod record;
mod tags;
mod timeline;

use std::collections::HashMap;

use doctor_desk_api::{
    patients::{TagChip, TagColor},
    ErrorCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    db::{Conn, OnSqlite, OnStore, Sql, Statements},
    error::{AppError, AppResult},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list::list))
        .routes(routes!(record::detail))
        .routes(routes!(record::reveal_phone))
        .routes(routes!(record::put_clinical))
        .routes(routes!(tags::set_patient_tags))
        .routes(routes!(notes::list, notes::add))
        .routes(routes!(notes::edit))
        .routes(routes!(timeline::timeline))
        .routes(routes!(tags::list, tags::create))
        .routes(routes!(tags::update, tags::delete))
        .routes(routes!(tags::bulk_add))
}

/// My patient as `doctor_patients` has them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyPatient {
    pub since: i64,
    pub last_consultation_at: i64,
    pub conditions: String,
    pub allergies: String,
}

/// The patient if they are this doctor's, else 404 (the same answer as for no patient).
pub async fn ensure_mine<'e>(
    db: impl crate::db::Executor<'e>,
    doctor_id: i64,
    patient_id: i64,
) -> AppResult<MyPatient> {
    crate::db::query_as(
        "SELECT since, last_consultation_at, conditions, allergies
         FROM doctor_patients WHERE doctor_id = ? AND patient_id = ?",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::Code(ErrorCode::NotFound))
}

/// Who did what to a patient's file (`patient_id` `None` for the doctor's own lists, such
/// as tags), appended in the caller's transaction. `detail` names things by id; it never
/// copies a note's or a clinical field's text.
pub async fn audit(
    tx: &mut Conn,
    doctor_id: i64,
    patient_id: Option<i64>,
    action: &str,
    detail: serde_json::Value,
    at: i64,
) -> AppResult<()> {
    crate::db::query(
        "INSERT INTO patient_audit (doctor_id, patient_id, action, detail, at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .bind(action)
    .bind(detail.to_string())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A list of ids as one bound parameter, read in SQL with `json_each(?)`.
pub fn id_list(ids: &[i64]) -> String {
    serde_json::json!(ids).to_string()
}

/// The tags of each of these patients (mine only), in name order: one query for a page.
pub async fn chips(
    db: &mut impl Statements,
    doctor_id: i64,
    patient_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<TagChip>>> {
    let mut by_patient: HashMap<i64, Vec<TagChip>> = HashMap::new();
    if patient_ids.is_empty() {
        return Ok(by_patient);
    }
    let mut sql = Sql::new(
        "SELECT pt.patient_id, t.id, t.name, t.color
         FROM patient_tags pt JOIN tags t ON t.id = pt.tag_id
         WHERE pt.doctor_id = ",
    );
    sql.push_bind(doctor_id)
        .push(" AND pt.patient_id IN (SELECT value FROM json_each(")
        .push_bind(id_list(patient_ids))
        .push(")) ORDER BY t.name, t.id");
    let rows: Vec<(i64, i64, String, String)> = db.all(&sql).await?;
    for (patient_id, id, name, color) in rows {
        by_patient.entry(patient_id).or_default().push(TagChip {
            id,
            name,
            color: TagColor::parse(&color),
        });
    }
    Ok(by_patient)
}

/// One patient's tags, read on whichever way in the store has.
pub async fn chips_of(
    state: &AppState,
    doctor_id: i64,
    patient_id: i64,
) -> AppResult<Vec<TagChip>> {
    let mut tags = match &state.reads {
        Some(reads) => reads.run(|conn| {
            crate::db::run_sync(chips(&mut OnSqlite(conn), doctor_id, &[patient_id]))
        })?,
        None => {
            let mut conn = state.db.acquire().await?;
            chips(&mut OnStore(&mut conn), doctor_id, &[patient_id]).await?
        }
    };
    Ok(tags.remove(&patient_id).unwrap_or_default())
}

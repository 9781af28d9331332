//! The doctor's tags (`/tags`: at most `TAGS_MAX`, names unique per doctor) and which of
//! my patients carry them: one patient's whole set, or one tag added to many at once.

use std::collections::BTreeSet;

use crate::db::Conn;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    patients::{BulkTag, BulkTagged, PatientTags, Tag, TagChip, TagColor, TagInput, TAGS_MAX},
    ErrorBody, ErrorCode,
};
use serde_json::json;

use super::{audit, ensure_mine, id_list};
use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, CareDoctor},
    state::AppState,
};

#[derive(sqlx::FromRow)]
struct TagRow {
    id: i64,
    name: String,
    color: String,
    patient_count: i64,
}

impl From<TagRow> for Tag {
    fn from(row: TagRow) -> Tag {
        Tag {
            id: row.id,
            name: row.name,
            color: TagColor::parse(&row.color),
            patient_count: row.patient_count as u32,
        }
    }
}

/// My tags (or one of them) with the number of patients carrying each, in name order.
/// Every `patient_tags` row is one of my patients: each write checks it.
async fn load(conn: &mut Conn, doctor_id: i64, only: Option<i64>) -> AppResult<Vec<Tag>> {
    let rows: Vec<TagRow> = crate::db::query_as(
        "SELECT t.id, t.name, t.color, t.patients AS patient_count
         FROM tags t WHERE t.doctor_id = ?1 AND (?2 IS NULL OR t.id = ?2)
         ORDER BY t.name, t.id",
    )
    .bind(doctor_id)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Tag::from).collect())
}

/// One of my tags, or 404 (also for another doctor's).
async fn load_one(conn: &mut Conn, doctor_id: i64, id: i64) -> AppResult<Tag> {
    load(conn, doctor_id, Some(id))
        .await?
        .pop()
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

/// A second tag of the same name is a 409 on the name field; any other error stays one.
fn name_taken(e: sqlx::Error) -> AppError {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::OnField(ErrorCode::NameTaken, "name")
        }
        e => e.into(),
    }
}

/// What every change to a doctor's tags (or to which patients have them) holds until it
/// commits: the cap, the counts and the replace-all of a patient's tags then see no
/// change half done by another request or instance (PostgreSQL; SQLite's writer holds
/// everything already).
fn tags_key(doctor_id: i64) -> String {
    format!("tags {doctor_id}")
}

#[utoipa::path(get, path = "/tags", tag = "patients",
    responses(
        (status = 200, description = "In name order", body = Vec<Tag>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn list(State(state): State<AppState>, me: CareDoctor) -> AppResult<Json<Vec<Tag>>> {
    let mut conn = state.db.acquire().await?;
    Ok(Json(load(&mut conn, me.account_id, None).await?))
}

/// Adds a tag: at most `TAGS_MAX` per doctor, each name once.
#[utoipa::path(post, path = "/tags", tag = "patients",
    request_body = TagInput,
    responses(
        (status = 201, body = Tag),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 409, description = "`limit_reached` (50 tags already) or `name_taken`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    me: CareDoctor,
    AppJson(input): AppJson<TagInput>,
) -> AppResult<(StatusCode, Json<Tag>)> {
    AppError::check(input.validate())?;
    let name = input.name.trim();
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    // The count and the insert are one statement, with the doctor's tags held: concurrent
    // adds cannot pass the cap.
    tx.lock_key(&tags_key(me.account_id)).await?;
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO tags (doctor_id, name, color, created_at)
         SELECT ?1, ?2, ?3, ?4 WHERE (SELECT COUNT(*) FROM tags WHERE doctor_id = ?1) < ?5
         RETURNING id",
    )
    .bind(me.account_id)
    .bind(name)
    .bind(input.color.as_str())
    .bind(now)
    .bind(TAGS_MAX as i64)
    .fetch_optional(&mut *tx)
    .await
    .map_err(name_taken)?
    .ok_or(AppError::Code(ErrorCode::LimitReached))?;
    audit(
        &mut tx,
        me.account_id,
        None,
        "tag_created",
        json!({ "tag_id": id, "name": name, "color": input.color.as_str() }),
        now,
    )
    .await?;
    let tag = load_one(&mut tx, me.account_id, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(tag)))
}

/// Renames or recolours one of my tags (the same name rules as adding one).
#[utoipa::path(put, path = "/tags/{id}", tag = "patients",
    params(("id" = i64, Path, description = "Tag id")),
    request_body = TagInput,
    responses(
        (status = 200, body = Tag),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my tag", body = ErrorBody),
        (status = 409, description = "`name_taken`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<TagInput>,
) -> AppResult<Json<Tag>> {
    let mut tx = state.begin_write().await?;
    tx.lock_key(&tags_key(me.account_id)).await?;
    let before = load_one(&mut tx, me.account_id, id).await?;
    AppError::check(input.validate())?;
    let name = input.name.trim();
    crate::db::query("UPDATE tags SET name = ?, color = ? WHERE id = ? AND doctor_id = ?")
        .bind(name)
        .bind(input.color.as_str())
        .bind(id)
        .bind(me.account_id)
        .execute(&mut *tx)
        .await
        .map_err(name_taken)?;
    audit(
        &mut tx,
        me.account_id,
        None,
        "tag_updated",
        json!({
            "tag_id": id,
            "name": name, "color": input.color.as_str(),
            "was": { "name": before.name, "color": before.color.as_str() },
        }),
        state.clock.unix(),
    )
    .await?;
    let tag = load_one(&mut tx, me.account_id, id).await?;
    tx.commit().await?;
    Ok(Json(tag))
}

/// Deletes one of my tags and takes it off every patient (their other tags stay).
#[utoipa::path(delete, path = "/tags/{id}", tag = "patients",
    params(("id" = i64, Path, description = "Tag id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my tag", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let mut tx = state.begin_write().await?;
    tx.lock_key(&tags_key(me.account_id)).await?;
    let tag = load_one(&mut tx, me.account_id, id).await?;
    let patient_ids: Vec<i64> =
        crate::db::query_scalar("DELETE FROM patient_tags WHERE tag_id = ? RETURNING patient_id")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    crate::db::query("DELETE FROM tags WHERE id = ? AND doctor_id = ?")
        .bind(id)
        .bind(me.account_id)
        .execute(&mut *tx)
        .await?;
    audit(
        &mut tx,
        me.account_id,
        None,
        "tag_deleted",
        json!({ "tag_id": id, "name": tag.name, "patient_ids": patient_ids }),
        state.clock.unix(),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many of `ids` are among `mine` (a query of this doctor's tag or patient ids).
async fn count_mine(
    conn: &mut Conn,
    doctor_id: i64,
    ids: &BTreeSet<i64>,
    mine: &str,
) -> AppResult<usize> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    let n: i64 = crate::db::query_scalar(&format!(
        "SELECT COUNT(*) FROM json_each(?) WHERE value IN ({mine})"
    ))
    .bind(id_list(&ids))
    .bind(doctor_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n as usize)
}

const MY_TAGS: &str = "SELECT id FROM tags WHERE doctor_id = ?";
const MY_PATIENTS: &str = "SELECT patient_id FROM doctor_patients WHERE doctor_id = ?";

/// Replaces the patient's tags with these (each one of mine; repeats count once).
#[utoipa::path(put, path = "/patients/{id}/tags", tag = "patients",
    params(("id" = i64, Path, description = "Patient id")),
    request_body = PatientTags,
    responses(
        (status = 200, description = "The patient's tags now, in name order", body = Vec<TagChip>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my patient, or a tag not mine (nothing changed)", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn set_patient_tags(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<PatientTags>,
) -> AppResult<Json<Vec<TagChip>>> {
    let tag_ids: BTreeSet<i64> = input.tag_ids.into_iter().collect();
    let mut tx = state.begin_write().await?;
    tx.lock_key(&tags_key(me.account_id)).await?;
    ensure_mine(&mut *tx, me.account_id, id).await?;
    if count_mine(&mut tx, me.account_id, &tag_ids, MY_TAGS).await? != tag_ids.len() {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    crate::db::query("DELETE FROM patient_tags WHERE doctor_id = ? AND patient_id = ?")
        .bind(me.account_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for tag_id in &tag_ids {
        crate::db::query(
            "INSERT INTO patient_tags (tag_id, doctor_id, patient_id) VALUES (?, ?, ?)",
        )
        .bind(tag_id)
        .bind(me.account_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    audit(
        &mut tx,
        me.account_id,
        Some(id),
        "tags_set",
        json!({ "tag_ids": tag_ids }),
        state.clock.unix(),
    )
    .await?;
    tx.commit().await?;
    let tags = super::chips_of(&state, me.account_id, id).await?;
    Ok(Json(tags))
}

/// Adds one of my tags to many of my patients at once (all or nothing). `added` counts
/// the patients who did not carry it before; each of them gets a `tag_bulk_add` audit row.
#[utoipa::path(post, path = "/tags/{id}/patients", tag = "patients",
    params(("id" = i64, Path, description = "Tag id")),
    request_body = BulkTag,
    responses(
        (status = 200, body = BulkTagged),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my tag, or a patient not mine (nothing changed)", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "No patients, or more than 500", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn bulk_add(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<BulkTag>,
) -> AppResult<Json<BulkTagged>> {
    let now = state.clock.unix();
    // Concurrent requests queue for the doctor's tags, so each patient is counted as added
    // by exactly one of them.
    let mut tx = state.begin_write().await?;
    tx.lock_key(&tags_key(me.account_id)).await?;
    let tag = load_one(&mut tx, me.account_id, id).await?;
    AppError::check(input.validate())?;
    let patient_ids: BTreeSet<i64> = input.patient_ids.into_iter().collect();
    if count_mine(&mut tx, me.account_id, &patient_ids, MY_PATIENTS).await? != patient_ids.len() {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    let mut added = 0;
    for patient_id in &patient_ids {
        let inserted = crate::db::query(
            "INSERT INTO patient_tags (tag_id, doctor_id, patient_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(me.account_id)
        .bind(patient_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted > 0 {
            added += 1;
            audit(
                &mut tx,
                me.account_id,
                Some(*patient_id),
                "tag_bulk_add",
                json!({ "tag_id": id, "name": tag.name }),
                now,
            )
            .await?;
        }
    }
    let patient_count: i64 = crate::db::query_scalar("SELECT patients FROM tags WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(BulkTagged {
        added,
        patient_count: patient_count as u32,
    }))
}

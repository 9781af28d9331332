//! One patient's record as their doctor sees it: who they are, their tags and clinical
//! facts, since when they are mine; the phone stays masked until revealed (audited).

use axum::{
    extract::{Path, State},
    Json,
};
use chrono::NaiveDate;
use doctor_desk_api::{
    patients::{Clinical, PatientDetail, RevealedPhone},
    validate::mask_phone,
    ErrorBody, ErrorCode,
};
use serde_json::json;

use super::{audit, ensure_mine};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, CareDoctor},
    inbox::summary,
    state::AppState,
};

#[derive(sqlx::FromRow)]
struct RecordRow {
    name: String,
    sex: String,
    birth_date: String,
    phone: String,
    since: i64,
    last_consultation_at: i64,
    conditions: String,
    allergies: String,
    consultation_count: i64,
}

/// The patient's record: full name, birth date, masked phone, tags, clinical facts.
#[utoipa::path(get, path = "/patients/{id}", tag = "patients",
    params(("id" = i64, Path, description = "Patient id")),
    responses(
        (status = 200, body = PatientDetail),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, description = "Not my patient", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn detail(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
) -> AppResult<Json<PatientDetail>> {
    let row: RecordRow = crate::db::query_as(
        "SELECT p.name, p.sex, p.birth_date, p.phone, dp.since, dp.last_consultation_at,
                dp.conditions, dp.allergies,
                (SELECT COUNT(*) FROM consultations c
                 WHERE c.doctor_id = dp.doctor_id AND c.patient_id = dp.patient_id)
                  AS consultation_count
         FROM doctor_patients dp JOIN patients p ON p.id = dp.patient_id
         WHERE dp.doctor_id = ? AND dp.patient_id = ?",
    )
    .bind(me.account_id)
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let patient = summary(
        &row.name,
        &row.sex,
        &row.birth_date,
        crate::onboarding::today(&state),
    );
    let tags = super::chips_of(&state, me.account_id, id).await?;
    Ok(Json(PatientDetail {
        id,
        name: row.name,
        sex: patient.sex,
        age: patient.age,
        birth_date: NaiveDate::parse_from_str(&row.birth_date, "%Y-%m-%d").unwrap_or_default(),
        masked_phone: mask_phone(&row.phone),
        tags,
        clinical: Clinical {
            conditions: row.conditions,
            allergies: row.allergies,
        },
        since: from_unix(row.since),
        last_consultation_at: from_unix(row.last_consultation_at),
        consultation_count: row.consultation_count as u32,
    }))
}

/// The full phone number, to call the patient. Every reveal is recorded.
#[utoipa::path(post, path = "/patients/{id}/reveal-phone", tag = "patients",
    params(("id" = i64, Path, description = "Patient id")),
    responses(
        (status = 200, body = RevealedPhone),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my patient", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn reveal_phone(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
) -> AppResult<Json<RevealedPhone>> {
    let mut tx = state.begin_write().await?;
    ensure_mine(&mut *tx, me.account_id, id).await?;
    let phone: String = crate::db::query_scalar("SELECT phone FROM patients WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    audit(
        &mut tx,
        me.account_id,
        Some(id),
        "reveal_phone",
        json!({}),
        state.clock.unix(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(RevealedPhone { phone }))
}

/// Replaces what the doctor records of the patient's health (conditions, allergies).
#[utoipa::path(put, path = "/patients/{id}/clinical", tag = "patients",
    params(("id" = i64, Path, description = "Patient id")),
    request_body = Clinical,
    responses(
        (status = 200, body = Clinical),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my patient", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "A field too long", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn put_clinical(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<Clinical>,
) -> AppResult<Json<Clinical>> {
    ensure_mine(&state.db, me.account_id, id).await?;
    AppError::check(input.validate())?;
    let clinical = Clinical {
        conditions: input.conditions.trim().to_owned(),
        allergies: input.allergies.trim().to_owned(),
    };
    let mut tx = state.begin_write().await?;
    let before = ensure_mine(&mut *tx, me.account_id, id).await?;
    crate::db::query(
        "UPDATE doctor_patients SET conditions = ?, allergies = ?
         WHERE doctor_id = ? AND patient_id = ?",
    )
    .bind(&clinical.conditions)
    .bind(&clinical.allergies)
    .bind(me.account_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    // Which fields changed, never their text: the audit log is not a second record.
    let changed: Vec<&str> = [
        ("conditions", before.conditions != clinical.conditions),
        ("allergies", before.allergies != clinical.allergies),
    ]
    .into_iter()
    .filter_map(|(field, changed)| changed.then_some(field))
    .collect();
    audit(
        &mut tx,
        me.account_id,
        Some(id),
        "clinical_updated",
        json!({ "changed": changed }),
        state.clock.unix(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(clinical))
}

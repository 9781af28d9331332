//! A patient's follow-up plans (`/patients/{id}/follow-up-plans`): made from a template
//! (built-in or mine) or by hand, each with its visits.

use std::collections::HashMap;

use crate::db::Conn;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    follow_ups::{FollowUp, FollowUpPlan, NewPlan},
    ErrorBody, ErrorCode,
};
use serde_json::json;

use super::{sweep, templates, Row, SELECT};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, CareDoctor},
    onboarding::today,
    patients::{audit, ensure_mine},
    state::AppState,
};

/// My plans for the patient, newest first (`only` one), each with its visits in due order.
async fn load(
    conn: &mut Conn,
    doctor_id: i64,
    patient_id: i64,
    only: Option<i64>,
    today: chrono::NaiveDate,
) -> AppResult<Vec<FollowUpPlan>> {
    let plans: Vec<(i64, Option<i64>, String, i64)> = crate::db::query_as(
        "SELECT id, template_id, name, created_at FROM follow_up_plans
         WHERE doctor_id = ?1 AND patient_id = ?2 AND (?3 IS NULL OR id = ?3)
         ORDER BY created_at DESC, id DESC",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "{SELECT} WHERE f.doctor_id = ?1 AND f.patient_id = ?2 AND (?3 IS NULL OR f.plan_id = ?3)
         ORDER BY f.due_on, f.id"
    ))
    .bind(doctor_id)
    .bind(patient_id)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    let mut visits: HashMap<i64, Vec<FollowUp>> = HashMap::new();
    for row in rows {
        let visit = row.view(today);
        visits.entry(visit.plan_id).or_default().push(visit);
    }
    Ok(plans
        .into_iter()
        .map(|(id, template_id, name, created_at)| FollowUpPlan {
            id,
            patient_id,
            template_id,
            name,
            created_at: from_unix(created_at),
            visits: visits.remove(&id).unwrap_or_default(),
        })
        .collect())
}

#[utoipa::path(get, path = "/patients/{id}/follow-up-plans", tag = "follow-ups",
    params(("id" = i64, Path, description = "Patient id")),
    responses(
        (status = 200, description = "Newest first, each with its visits in due order", body = Vec<FollowUpPlan>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, description = "Not my patient", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<FollowUpPlan>>> {
    ensure_mine(&state.db, me.account_id, id).await?;
    sweep(&state).await?;
    let mut conn = state.db.acquire().await?;
    Ok(Json(
        load(&mut conn, me.account_id, id, None, today(&state)).await?,
    ))
}

/// Plans follow-up visits for my patient: from a template (built-in or mine; dates from
/// `start`, default today, each visit with the template's message) or by hand (a name and
/// 1–12 visits). Every visit must be due today or later.
#[utoipa::path(post, path = "/patients/{id}/follow-up-plans", tag = "follow-ups",
    params(("id" = i64, Path, description = "Patient id")),
    request_body = NewPlan,
    responses(
        (status = 201, body = FollowUpPlan),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my patient, or a template neither built-in nor mine", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "See `fields`: `name`, `start`, `visits`, `visits.due_on`, `visits.message`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<NewPlan>,
) -> AppResult<(StatusCode, Json<FollowUpPlan>)> {
    let today = today(&state);
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    ensure_mine(&mut *tx, me.account_id, id).await?;
    let template = match input.template_id {
        Some(template_id) => Some(templates::load_one(&mut tx, me.account_id, template_id).await?),
        None => None,
    };
    AppError::check(input.validate(template.as_ref(), today))?;
    // By hand the name is required (validated); from a template it may replace its name.
    let name = match (&input.name, &template) {
        (Some(name), _) => name.trim().to_owned(),
        (None, Some(t)) => t.name.clone(),
        (None, None) => String::new(),
    };
    let plan_id: i64 = crate::db::query_scalar(
        "INSERT INTO follow_up_plans (doctor_id, patient_id, template_id, name, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(me.account_id)
    .bind(id)
    .bind(input.template_id)
    .bind(&name)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let mut visits = Vec::new();
    for visit in input.planned(template.as_ref(), today) {
        let visit_id: i64 = crate::db::query_scalar(
            "INSERT INTO follow_ups (plan_id, doctor_id, patient_id, due_on, message)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(plan_id)
        .bind(me.account_id)
        .bind(id)
        .bind(visit.due_on.to_string())
        .bind(&visit.message)
        .fetch_one(&mut *tx)
        .await?;
        visits.push(json!({ "follow_up_id": visit_id, "due_on": visit.due_on }));
    }
    audit(
        &mut tx,
        me.account_id,
        Some(id),
        "follow_up_plan_created",
        json!({ "plan_id": plan_id, "template_id": input.template_id, "visits": visits }),
        now,
    )
    .await?;
    let plan = load(&mut tx, me.account_id, id, Some(plan_id), today)
        .await?
        .pop()
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

//! Plan templates (`/follow-up-templates`): the built-in ones every doctor sees and at most
//! `TEMPLATES_MAX` of the doctor's own.

use crate::db::Conn;
use axum::{extract::State, http::StatusCode, Json};
use doctor_desk_api::{
    follow_ups::{IntervalUnit, Template, TemplateInput, TEMPLATES_MAX},
    ErrorBody, ErrorCode,
};
use serde_json::json;

use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, Doctor},
    patients::audit,
    state::AppState,
};

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: i64,
    name: String,
    every: i64,
    unit: String,
    visits: i64,
    message: String,
    builtin: bool,
}

impl From<TemplateRow> for Template {
    fn from(row: TemplateRow) -> Template {
        Template {
            id: row.id,
            name: row.name,
            every: row.every as u32,
            unit: IntervalUnit::parse(&row.unit).unwrap_or(IntervalUnit::Weeks),
            visits: row.visits as u32,
            message: row.message,
            builtin: row.builtin,
        }
    }
}

/// The built-in templates, then mine, oldest first; `only` one of them.
async fn load(conn: &mut Conn, doctor_id: i64, only: Option<i64>) -> AppResult<Vec<Template>> {
    let rows: Vec<TemplateRow> = crate::db::query_as(
        "SELECT id, name, every, unit, visits, message, doctor_id IS NULL AS builtin
         FROM follow_up_templates
         WHERE (doctor_id IS NULL OR doctor_id = ?1) AND (?2 IS NULL OR id = ?2)
         ORDER BY doctor_id IS NOT NULL, id",
    )
    .bind(doctor_id)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Template::from).collect())
}

/// A built-in template or one of mine, else 404 (also another doctor's).
pub async fn load_one(conn: &mut Conn, doctor_id: i64, id: i64) -> AppResult<Template> {
    load(conn, doctor_id, Some(id))
        .await?
        .pop()
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

#[utoipa::path(get, path = "/follow-up-templates", tag = "follow-ups",
    responses(
        (status = 200, description = "The built-in templates, then mine, oldest first", body = Vec<Template>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn list(State(state): State<AppState>, me: Doctor) -> AppResult<Json<Vec<Template>>> {
    let mut conn = state.db.acquire().await?;
    Ok(Json(load(&mut conn, me.account_id, None).await?))
}

/// Adds a template of my own (at most 30; names need not be unique).
#[utoipa::path(post, path = "/follow-up-templates", tag = "follow-ups",
    request_body = TemplateInput,
    responses(
        (status = 201, body = Template),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 409, description = "`limit_reached`: 30 templates of my own already", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    me: Doctor,
    AppJson(input): AppJson<TemplateInput>,
) -> AppResult<(StatusCode, Json<Template>)> {
    AppError::check(input.validate())?;
    let name = input.name.trim();
    let message = input.message.trim();
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    // The count and the insert are one statement, with the doctor's templates held:
    // concurrent adds cannot pass the cap.
    tx.lock_key(&format!("templates {}", me.account_id)).await?;
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO follow_up_templates (doctor_id, name, every, unit, visits, message,
           created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
         WHERE (SELECT COUNT(*) FROM follow_up_templates WHERE doctor_id = ?1) < ?8
         RETURNING id",
    )
    .bind(me.account_id)
    .bind(name)
    .bind(input.every as i64)
    .bind(input.unit.as_str())
    .bind(input.visits as i64)
    .bind(message)
    .bind(now)
    .bind(TEMPLATES_MAX as i64)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::Code(ErrorCode::LimitReached))?;
    audit(
        &mut tx,
        me.account_id,
        None,
        "follow_up_template_created",
        json!({ "template_id": id, "name": name, "every": input.every,
                "unit": input.unit.as_str(), "visits": input.visits }),
        now,
    )
    .await?;
    let template = load_one(&mut tx, me.account_id, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(template)))
}

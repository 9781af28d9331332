//! Patients' public questions: asked in the patient app (`POST /patient/questions`),
//! listed for doctors to answer with a post (`GET /questions`).

use axum::{
    extract::{Query, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    posts::{NewQuestion, Question, QuestionList, PAGE_MAX},
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use super::{question, QuestionRow, SELECT_QUESTION};
use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, Doctor},
    inbox::patients::Patient,
    rate_limit::{self, Bucket},
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Part of the question's text or department.
    q: Option<String>,
    /// At most 50 (default 20).
    limit: Option<u32>,
}

/// Open questions, newest first.
#[utoipa::path(get, path = "/questions", tag = "posts", params(ListQuery),
    responses(
        (status = 200, body = QuestionList),
        (status = 400, description = "A query parameter of the wrong type", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _me: Doctor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<QuestionList>> {
    let search =
        q.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
    let limit = q.limit.unwrap_or(20).clamp(1, PAGE_MAX);
    let rows: Vec<QuestionRow> = crate::db::query_as(&format!(
        "{SELECT_QUESTION} WHERE q.closed_at IS NULL
           AND (?1 IS NULL OR instr(q.text, ?1) > 0 OR instr(COALESCE(q.department, ''), ?1) > 0)
         ORDER BY q.asked_at DESC, q.id DESC LIMIT ?2"
    ))
    .bind(search)
    .bind(limit as i64)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(QuestionList {
        items: rows.into_iter().map(Question::from).collect(),
    }))
}

/// A patient asks a public question (text, optional department); doctors may answer it
/// with a post. A few an hour per patient.
#[utoipa::path(post, path = "/patient/questions", tag = "patient",
    request_body = NewQuestion,
    responses(
        (status = 201, body = Question),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, description = "Too many questions; see Retry-After", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn ask(
    State(state): State<AppState>,
    me: Patient,
    AppJson(request): AppJson<NewQuestion>,
) -> AppResult<(StatusCode, Json<Question>)> {
    AppError::check(request.validate())?;
    rate_limit::take(
        &state,
        Bucket {
            name: "patient_question",
            limit: state.config.limits.questions_per_patient_per_hour,
            window_secs: 3600,
        },
        &me.id.to_string(),
        ErrorCode::RateLimited,
    )
    .await?;
    let department = request
        .department
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO questions (patient_id, text, department, asked_at) VALUES (?, ?, ?, ?)
         RETURNING id",
    )
    .bind(me.id)
    .bind(request.text.trim())
    .bind(department)
    .bind(state.clock.unix())
    .fetch_one(&state.db)
    .await?;
    let asked = question(&state.db, id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    Ok((StatusCode::CREATED, Json(asked)))
}

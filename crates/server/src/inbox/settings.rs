//! The doctor's service settings (图文问诊 on/off, price, daily limit, greeting, follow-up
//! questions) and quick replies (add, edit, reorder, delete).

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    inbox::{ConsultationSettings, QuickReply, QuickReplyInput},
    ErrorBody, ErrorCode,
};

use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, Doctor},
    state::AppState,
};

/// The settings, or the defaults (service off) before the first save.
pub async fn load(state: &AppState, doctor_id: i64) -> AppResult<ConsultationSettings> {
    let row: Option<(bool, i64, i64, String, i64)> = crate::db::query_as(
        "SELECT enabled <> 0, price_fen, daily_limit, greeting, follow_up_questions
         FROM consultation_settings WHERE doctor_id = ?",
    )
    .bind(doctor_id)
    .fetch_optional(&state.db)
    .await?;
    Ok(match row {
        Some((enabled, price, limit, greeting, follow_ups)) => ConsultationSettings {
            enabled,
            price_fen: price as u32,
            daily_limit: limit as u32,
            greeting,
            follow_up_questions: follow_ups as u32,
        },
        None => ConsultationSettings::default(),
    })
}

pub async fn save(state: &AppState, doctor_id: i64, s: &ConsultationSettings) -> AppResult<()> {
    crate::db::query(
        "INSERT INTO consultation_settings
           (doctor_id, enabled, price_fen, daily_limit, greeting, follow_up_questions)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (doctor_id) DO UPDATE SET enabled = excluded.enabled,
           price_fen = excluded.price_fen, daily_limit = excluded.daily_limit,
           greeting = excluded.greeting, follow_up_questions = excluded.follow_up_questions",
    )
    .bind(doctor_id)
    .bind(s.enabled)
    .bind(s.price_fen as i64)
    .bind(s.daily_limit as i64)
    .bind(s.greeting.trim())
    .bind(s.follow_up_questions as i64)
    .execute(&state.db)
    .await?;
    Ok(())
}

#[utoipa::path(get, path = "/me/consultation-settings", tag = "inbox",
    responses((status = 200, body = ConsultationSettings), (status = 401, body = ErrorBody)))]
pub async fn get_settings(
    State(state): State<AppState>,
    me: Doctor,
) -> AppResult<Json<ConsultationSettings>> {
    Ok(Json(load(&state, me.account_id).await?))
}

/// Saves the settings. Turning the service on needs a verified doctor.
#[utoipa::path(put, path = "/me/consultation-settings", tag = "inbox",
    request_body = ConsultationSettings,
    responses(
        (status = 200, body = ConsultationSettings),
        (status = 403, description = "`verification_required` to turn it on", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn put_settings(
    State(state): State<AppState>,
    me: Doctor,
    AppJson(settings): AppJson<ConsultationSettings>,
) -> AppResult<Json<ConsultationSettings>> {
    AppError::check(settings.validate())?;
    if settings.enabled {
        crate::onboarding::verification::ensure_verified(&state, me.account_id).await?;
    }
    save(&state, me.account_id, &settings).await?;
    Ok(Json(load(&state, me.account_id).await?))
}

async fn replies(state: &AppState, doctor_id: i64) -> AppResult<Vec<QuickReply>> {
    let rows: Vec<(i64, String, String, i64)> = crate::db::query_as(
        "SELECT id, title, text, position FROM quick_replies WHERE doctor_id = ?
         ORDER BY position, id",
    )
    .bind(doctor_id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, text, position)| QuickReply {
            id,
            title,
            text,
            position,
        })
        .collect())
}

/// What every change to a doctor's quick replies holds until it commits: the cap and the
/// renumbering then never see another change half done (PostgreSQL; SQLite's writer holds
/// everything already).
fn replies_key(doctor_id: i64) -> String {
    format!("quick replies {doctor_id}")
}

/// Puts `moved` at `position` (clamped) and numbers the doctor's replies 0, 1, 2, ….
async fn renumber(
    tx: &mut crate::db::Conn,
    doctor_id: i64,
    moved: Option<(i64, i64)>,
) -> AppResult<()> {
    let mut ids: Vec<i64> = crate::db::query_scalar(
        "SELECT id FROM quick_replies WHERE doctor_id = ? ORDER BY position, id",
    )
    .bind(doctor_id)
    .fetch_all(&mut *tx)
    .await?;
    if let Some((id, position)) = moved {
        ids.retain(|i| *i != id);
        let at = (position.max(0) as usize).min(ids.len());
        ids.insert(at, id);
    }
    for (position, id) in ids.iter().enumerate() {
        crate::db::query("UPDATE quick_replies SET position = ? WHERE id = ?")
            .bind(position as i64)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

#[utoipa::path(get, path = "/me/quick-replies", tag = "inbox",
    responses((status = 200, body = Vec<QuickReply>), (status = 401, body = ErrorBody)))]
pub async fn list_replies(
    State(state): State<AppState>,
    me: Doctor,
) -> AppResult<Json<Vec<QuickReply>>> {
    Ok(Json(replies(&state, me.account_id).await?))
}

/// Adds a quick reply (last, or at `position`); answers with all of them in order.
#[utoipa::path(post, path = "/me/quick-replies", tag = "inbox",
    request_body = QuickReplyInput,
    responses(
        (status = 201, body = Vec<QuickReply>),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "`limit_reached`: 50 quick replies already", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn create_reply(
    State(state): State<AppState>,
    me: Doctor,
    AppJson(input): AppJson<QuickReplyInput>,
) -> AppResult<(StatusCode, Json<Vec<QuickReply>>)> {
    AppError::check(input.validate())?;
    // The count and the insert hold the doctor's replies together, so concurrent adds
    // cannot pass the cap.
    let mut tx = state.begin_write().await?;
    tx.lock_key(&replies_key(me.account_id)).await?;
    let count: i64 =
        crate::db::query_scalar("SELECT COUNT(*) FROM quick_replies WHERE doctor_id = ?")
            .bind(me.account_id)
            .fetch_one(&mut *tx)
            .await?;
    if count >= state.config.limits.quick_replies_max {
        return Err(AppError::Code(ErrorCode::LimitReached));
    }
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO quick_replies (doctor_id, title, text, position)
         VALUES (?, ?, ?, (SELECT COALESCE(MAX(position) + 1, 0) FROM quick_replies WHERE doctor_id = ?))
         RETURNING id",
    )
    .bind(me.account_id)
    .bind(input.title.trim())
    .bind(input.text.trim())
    .bind(me.account_id)
    .fetch_one(&mut *tx)
    .await?;
    renumber(&mut tx, me.account_id, input.position.map(|p| (id, p))).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(replies(&state, me.account_id).await?),
    ))
}

/// Edits a quick reply and, with `position`, moves it; answers with all of them in order.
#[utoipa::path(put, path = "/me/quick-replies/{id}", tag = "inbox",
    params(("id" = i64, Path, description = "Quick reply id")),
    request_body = QuickReplyInput,
    responses(
        (status = 200, body = Vec<QuickReply>),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn update_reply(
    State(state): State<AppState>,
    me: Doctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<QuickReplyInput>,
) -> AppResult<Json<Vec<QuickReply>>> {
    AppError::check(input.validate())?;
    let mut tx = state.begin_write().await?;
    tx.lock_key(&replies_key(me.account_id)).await?;
    let updated = crate::db::query(
        "UPDATE quick_replies SET title = ?, text = ? WHERE id = ? AND doctor_id = ?",
    )
    .bind(input.title.trim())
    .bind(input.text.trim())
    .bind(id)
    .bind(me.account_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    renumber(&mut tx, me.account_id, input.position.map(|p| (id, p))).await?;
    tx.commit().await?;
    Ok(Json(replies(&state, me.account_id).await?))
}

#[utoipa::path(delete, path = "/me/quick-replies/{id}", tag = "inbox",
    params(("id" = i64, Path, description = "Quick reply id")),
    responses((status = 200, body = Vec<QuickReply>), (status = 404, body = ErrorBody)))]
pub async fn delete_reply(
    State(state): State<AppState>,
    me: Doctor,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<QuickReply>>> {
    let mut tx = state.begin_write().await?;
    tx.lock_key(&replies_key(me.account_id)).await?;
    let deleted = crate::db::query("DELETE FROM quick_replies WHERE id = ? AND doctor_id = ?")
        .bind(id)
        .bind(me.account_id)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    renumber(&mut tx, me.account_id, None).await?;
    tx.commit().await?;
    Ok(Json(replies(&state, me.account_id).await?))
}

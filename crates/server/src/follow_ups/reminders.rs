//! Reminders to patients: a row the patient app shows (`GET /patient/reminders`) and an
//! SMS. The row is written with the change that caused it; the SMS goes out after the
//! commit, and when it fails the reminder stands (the app shows it) and the failure is
//! logged. `POST /tags/{id}/remind` reminds everyone of mine carrying one of my tags.

use crate::db::Conn;
use axum::{
    extract::{Path, State},
    Json,
};
use chrono::NaiveDate;
use doctor_desk_api::{
    follow_ups::{PatientReminder, RemindersSent, TagReminder},
    ErrorBody, ErrorCode,
};
use serde_json::json;

use super::parse_date;
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, CareDoctor},
    inbox::patients::Patient,
    patients::{audit, id_list},
    state::AppState,
};

/// The doctor's name as patients know it.
const DOCTOR_NAME: &str = "COALESCE(dp.real_name, a.display_name, '')";

pub async fn doctor_name(conn: &mut Conn, doctor_id: i64) -> AppResult<String> {
    Ok(crate::db::query_scalar(&format!(
        "SELECT {DOCTOR_NAME} FROM accounts a
         LEFT JOIN doctor_profiles dp ON dp.account_id = a.id WHERE a.id = ?"
    ))
    .bind(doctor_id)
    .fetch_optional(&mut *conn)
    .await?
    .unwrap_or_default())
}

/// The SMS of a reminder.
pub fn sms_text(doctor_name: &str, message: &str, due_on: Option<NaiveDate>) -> String {
    let mut text = format!("【医生工作台】{doctor_name}医生提醒您：{message}");
    if let Some(due_on) = due_on {
        text.push_str(&format!("（复诊日期 {due_on}）"));
    }
    text
}

/// Sends the SMS of reminders already committed: `(reminder id, patient id, text)`.
/// A failure is logged and leaves `sms_sent_at` empty; the reminder stands either way.
pub async fn deliver(state: &AppState, reminders: &[(i64, i64, String)]) {
    let patient_ids: Vec<i64> = reminders.iter().map(|r| r.1).collect();
    let phones: Vec<(i64, String)> = match crate::db::query_as(
        "SELECT id, phone FROM patients WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(id_list(&patient_ids))
    .fetch_all(&state.db)
    .await
    {
        Ok(phones) => phones,
        Err(e) => {
            tracing::warn!(error = %e, "reminder SMS not sent: cannot read the phones");
            return;
        }
    };
    let phones: std::collections::HashMap<i64, String> = phones.into_iter().collect();
    for (reminder_id, patient_id, text) in reminders {
        let Some(phone) = phones.get(patient_id) else {
            continue;
        };
        match state.sms.send_notice(phone, text, state.clock.now()).await {
            Ok(()) => {
                let stored =
                    crate::db::query("UPDATE patient_reminders SET sms_sent_at = ? WHERE id = ?")
                        .bind(state.clock.unix())
                        .bind(reminder_id)
                        .execute(&state.db)
                        .await;
                if let Err(e) = stored {
                    tracing::warn!(reminder = reminder_id, error = %e, "reminder SMS sent, not recorded");
                }
            }
            Err(e) => tracing::warn!(
                reminder = reminder_id,
                error = %e,
                "reminder SMS failed; the patient app shows the reminder anyway"
            ),
        }
    }
}

/// Sends one reminder (the patient app and an SMS) to every patient of mine carrying this
/// tag of mine; `sent` is how many, exactly (the tag's `patient_count` in `GET /tags`
/// when nobody changed the tag meanwhile). Each patient gets one, and a `tag_reminder`
/// audit entry.
#[utoipa::path(post, path = "/tags/{id}/remind", tag = "follow-ups",
    params(("id" = i64, Path, description = "Tag id")),
    request_body = TagReminder,
    responses(
        (status = 200, body = RemindersSent),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, `agreement_required` or `csrf_failed`", body = ErrorBody),
        (status = 404, description = "Not my tag", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "No message, or longer than 200", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn remind_tag(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    AppJson(input): AppJson<TagReminder>,
) -> AppResult<Json<RemindersSent>> {
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    let mine: Option<i64> =
        crate::db::query_scalar("SELECT 1 FROM tags WHERE id = ? AND doctor_id = ?")
            .bind(id)
            .bind(me.account_id)
            .fetch_optional(&mut *tx)
            .await?;
    if mine.is_none() {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    AppError::check(input.validate())?;
    let message = input.message.trim();
    let sent: Vec<(i64, i64)> = crate::db::query_as(
        "INSERT INTO patient_reminders (patient_id, doctor_id, tag_id, message, sent_at)
         SELECT pt.patient_id, ?1, ?2, ?3, ?4 FROM patient_tags pt
         JOIN doctor_patients dp ON dp.doctor_id = pt.doctor_id AND dp.patient_id = pt.patient_id
         WHERE pt.tag_id = ?2 AND pt.doctor_id = ?1
         ORDER BY pt.patient_id
         RETURNING id, patient_id",
    )
    .bind(me.account_id)
    .bind(id)
    .bind(message)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    for (reminder_id, patient_id) in &sent {
        audit(
            &mut tx,
            me.account_id,
            Some(*patient_id),
            "tag_reminder",
            json!({ "tag_id": id, "reminder_id": reminder_id }),
            now,
        )
        .await?;
    }
    let text = sms_text(&doctor_name(&mut tx, me.account_id).await?, message, None);
    tx.commit().await?;
    let reminders: Vec<(i64, i64, String)> = sent
        .iter()
        .map(|(reminder_id, patient_id)| (*reminder_id, *patient_id, text.clone()))
        .collect();
    deliver(&state, &reminders).await;
    Ok(Json(RemindersSent {
        sent: sent.len() as u32,
    }))
}

#[derive(sqlx::FromRow)]
struct ReminderRow {
    id: i64,
    doctor_name: String,
    message: String,
    due_on: Option<String>,
    sent_at: i64,
}

/// The patient's reminders from their doctors, newest first (the latest 100).
#[utoipa::path(get, path = "/patient/reminders", tag = "patient",
    responses(
        (status = 200, body = Vec<PatientReminder>),
        (status = 401, description = "No patient session", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn for_patient(
    State(state): State<AppState>,
    me: Patient,
) -> AppResult<Json<Vec<PatientReminder>>> {
    let rows: Vec<ReminderRow> = crate::db::query_as(&format!(
        "SELECT r.id, {DOCTOR_NAME} AS doctor_name, r.message, r.due_on, r.sent_at
         FROM patient_reminders r
         JOIN accounts a ON a.id = r.doctor_id
         LEFT JOIN doctor_profiles dp ON dp.account_id = r.doctor_id
         WHERE r.patient_id = ?
         ORDER BY r.sent_at DESC, r.id DESC LIMIT 100"
    ))
    .bind(me.id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| PatientReminder {
                id: row.id,
                doctor_name: row.doctor_name,
                message: row.message,
                due_on: row.due_on.as_deref().map(parse_date),
                sent_at: from_unix(row.sent_at),
            })
            .collect(),
    ))
}

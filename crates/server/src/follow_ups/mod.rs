//! Follow-up care after a consultation (诊后随访): plan templates, a patient's plans and
//! their visits, the doctor's lists of visits (today, overdue, upcoming, done), reminders
//! to patients (one visit's, or everyone with a tag) by the patient app and SMS, the
//! doctor's "today" counts, and the sweep that marks forgotten visits missed.
//!
//! The rules of patient management hold here too: another doctor's patient, plan, visit
//! or template answers 404 like one that does not exist, and every change appends to
//! `patient_audit` in the same transaction as the change.

pub mod demo;
mod lists;
mod plans;
mod reminders;
pub mod sweep;
mod templates;
mod today;
mod visits;

use std::collections::HashMap;

use crate::db::Conn;
use chrono::NaiveDate;
use doctor_desk_api::{
    follow_ups::{FollowUp, FollowUpState},
    ErrorCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub use lists::counts;
pub use sweep::sweep;

use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    inbox::summary,
    patients::id_list,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(templates::list, templates::create))
        .routes(routes!(plans::list, plans::create))
        .routes(routes!(lists::list))
        .routes(routes!(visits::remind))
        .routes(routes!(visits::done))
        .routes(routes!(visits::missed))
        .routes(routes!(reminders::remind_tag))
        .routes(routes!(today::today))
        .routes(routes!(reminders::for_patient))
}

/// The lock a patient's visits change under on PostgreSQL: migration 0024's trigger takes
/// it (the same text, hashed the same way) for every written visit, after the row's lock.
/// A writer that takes it first, before touching any visit, never holds a visit's row
/// while waiting for it, so it cannot deadlock with another writer of those visits.
pub(crate) fn visits_key(doctor_id: i64, patient_id: i64) -> String {
    format!("visits {doctor_id} {patient_id}")
}
/// States a visit may still leave (reminded again, done, missed), as SQL.
pub const OPEN: &str = "('planned', 'reminded')";
/// States of the done list, as SQL.
pub const FINISHED: &str = "('done', 'missed')";

/// A visit as the doctor sees it, with its patient and plan.
pub const SELECT: &str = "SELECT f.id, f.plan_id, f.patient_id, p.name, p.sex, p.birth_date,
       pl.name AS plan_name, f.due_on, f.message, f.state, f.reminded_at, f.reminder_count,
       f.finished_at, f.outcome_note
     FROM follow_ups f
     JOIN follow_up_plans pl ON pl.id = f.plan_id
     JOIN patients p ON p.id = f.patient_id";

#[derive(sqlx::FromRow)]
pub struct Row {
    id: i64,
    plan_id: i64,
    patient_id: i64,
    name: String,
    sex: String,
    birth_date: String,
    plan_name: String,
    due_on: String,
    message: String,
    state: String,
    reminded_at: Option<i64>,
    reminder_count: i64,
    finished_at: Option<i64>,
    outcome_note: String,
}

impl Row {
    /// `today` (China) dates the patient's age.
    pub fn view(self, today: NaiveDate) -> FollowUp {
        FollowUp {
            id: self.id,
            plan_id: self.plan_id,
            patient_id: self.patient_id,
            patient: summary(&self.name, &self.sex, &self.birth_date, today),
            plan_name: self.plan_name,
            due_on: parse_date(&self.due_on),
            message: self.message,
            state: FollowUpState::parse(&self.state).unwrap_or(FollowUpState::Planned),
            reminded_at: self.reminded_at.map(from_unix),
            reminder_count: self.reminder_count.max(0) as u32,
            finished_at: self.finished_at.map(from_unix),
            outcome_note: self.outcome_note,
        }
    }
}

/// A stored `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// These visits of mine, by id.
pub async fn load_many(
    conn: &mut Conn,
    doctor_id: i64,
    ids: &[i64],
    today: NaiveDate,
) -> AppResult<HashMap<i64, FollowUp>> {
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "{SELECT} WHERE f.doctor_id = ? AND f.id IN (SELECT value FROM json_each(?))"
    ))
    .bind(doctor_id)
    .bind(id_list(ids))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.view(today)))
        .collect())
}

/// One visit of mine, or 404 (also another doctor's).
pub async fn load_one(
    conn: &mut Conn,
    doctor_id: i64,
    id: i64,
    today: NaiveDate,
) -> AppResult<FollowUp> {
    load_many(conn, doctor_id, &[id], today)
        .await?
        .remove(&id)
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

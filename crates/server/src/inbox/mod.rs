//! The consultation inbox: patients' follow-up 图文 consultations as doctors see and
//! handle them, their messages, the service settings and quick replies, real-time events,
//! deadlines, and the patient side that feeds it (`patients`).

pub mod consultations;
pub mod deadlines;
pub mod demo;
pub mod events;
pub mod list;
pub mod messages;
pub mod patients;
pub mod relay;
pub mod settings;
pub mod state_machine;

use std::collections::HashMap;

use crate::db::Conn;
use chrono::{Datelike, NaiveDate};
use doctor_desk_api::{
    inbox::{
        mask_name, Advice, CloseReason, Consultation, ConsultationStatus, Decline, DeclineReason,
        Evidence, EvidenceKind, PatientSummary, PriorDiagnosis,
    },
    onboarding::Gender,
    ErrorCode,
};
use rusqlite::OptionalExtension;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    onboarding::verification,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list::list))
        .routes(routes!(consultations::detail))
        .routes(routes!(consultations::accept))
        .routes(routes!(consultations::ask))
        .routes(routes!(consultations::decline))
        .routes(routes!(consultations::close))
        .routes(routes!(messages::list, messages::send))
        .routes(routes!(messages::mark_read))
        .routes(routes!(settings::get_settings, settings::put_settings))
        .routes(routes!(settings::list_replies, settings::create_reply))
        .routes(routes!(settings::update_reply, settings::delete_reply))
        .routes(routes!(events::stream))
        .merge(patients::router())
}

/// A consultation as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub doctor_id: i64,
    pub patient_id: i64,
    pub status: String,
    pub complaint: String,
    pub prior_hospital: String,
    pub prior_diagnosis: String,
    pub prior_visited_on: String,
    pub price_fen: i64,
    pub created_at: i64,
    pub accepted_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub deadline_at: Option<i64>,
    pub close_reason: Option<String>,
    pub decline_reason: Option<String>,
    pub decline_text: Option<String>,
    /// 0 or 1, as stored (a flag reads the same from both stores as a number).
    pub refunded: i64,
    pub advice: Option<String>,
    pub follow_ups_left: i64,
    pub last_activity_at: i64,
    pub doctor_unread: i64,
}

impl Row {
    /// The same row read through [`crate::db::Reads`].
    pub(super) fn from_sqlite(r: &rusqlite::Row) -> rusqlite::Result<Row> {
        Ok(Row {
            id: r.get("id")?,
            doctor_id: r.get("doctor_id")?,
            patient_id: r.get("patient_id")?,
            status: r.get("status")?,
            complaint: r.get("complaint")?,
            prior_hospital: r.get("prior_hospital")?,
            prior_diagnosis: r.get("prior_diagnosis")?,
            prior_visited_on: r.get("prior_visited_on")?,
            price_fen: r.get("price_fen")?,
            created_at: r.get("created_at")?,
            accepted_at: r.get("accepted_at")?,
            closed_at: r.get("closed_at")?,
            deadline_at: r.get("deadline_at")?,
            close_reason: r.get("close_reason")?,
            decline_reason: r.get("decline_reason")?,
            decline_text: r.get("decline_text")?,
            refunded: r.get("refunded")?,
            advice: r.get("advice")?,
            follow_ups_left: r.get("follow_ups_left")?,
            last_activity_at: r.get("last_activity_at")?,
            doctor_unread: r.get("doctor_unread")?,
        })
    }

    pub fn status(&self) -> ConsultationStatus {
        ConsultationStatus::parse(&self.status).unwrap_or(ConsultationStatus::New)
    }

    pub fn close_reason(&self) -> Option<CloseReason> {
        self.close_reason.as_deref().and_then(parse_close_reason)
    }

    /// The offline diagnosis this consultation follows up.
    pub fn prior_diagnosis(&self) -> PriorDiagnosis {
        PriorDiagnosis {
            hospital: self.prior_hospital.clone(),
            diagnosis: self.prior_diagnosis.clone(),
            visited_on: NaiveDate::parse_from_str(&self.prior_visited_on, "%Y-%m-%d")
                .unwrap_or_default(),
        }
    }

    /// The structured advice it ended with, if any.
    pub fn advice(&self) -> Option<Advice> {
        self.advice
            .as_deref()
            .and_then(|json| serde_json::from_str::<Advice>(json).ok())
    }
}

pub fn close_reason_name(reason: CloseReason) -> &'static str {
    match reason {
        CloseReason::Advice => "advice",
        CloseReason::NotAccepted => "not_accepted",
        CloseReason::NoReply => "no_reply",
    }
}

fn parse_close_reason(name: &str) -> Option<CloseReason> {
    match name {
        "advice" => Some(CloseReason::Advice),
        "not_accepted" => Some(CloseReason::NotAccepted),
        "no_reply" => Some(CloseReason::NoReply),
        _ => None,
    }
}

pub fn decline_reason_name(reason: DeclineReason) -> &'static str {
    match reason {
        DeclineReason::FirstVisit => "first_visit",
        DeclineReason::OutOfScope => "out_of_scope",
        DeclineReason::NeedsOfflineVisit => "needs_offline_visit",
        DeclineReason::Other => "other",
    }
}

fn parse_decline_reason(name: &str) -> DeclineReason {
    match name {
        "first_visit" => DeclineReason::FirstVisit,
        "out_of_scope" => DeclineReason::OutOfScope,
        "needs_offline_visit" => DeclineReason::NeedsOfflineVisit,
        _ => DeclineReason::Other,
    }
}

pub fn evidence_kind_name(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::OutpatientRecord => "outpatient_record",
        EvidenceKind::DischargeSummary => "discharge_summary",
        EvidenceKind::DiagnosisCertificate => "diagnosis_certificate",
    }
}

fn parse_evidence_kind(name: &str) -> Option<EvidenceKind> {
    match name {
        "outpatient_record" => Some(EvidenceKind::OutpatientRecord),
        "discharge_summary" => Some(EvidenceKind::DischargeSummary),
        "diagnosis_certificate" => Some(EvidenceKind::DiagnosisCertificate),
        _ => None,
    }
}

/// A consultation of this doctor, or 404 (also when it is another doctor's).
pub async fn load_for_doctor(state: &AppState, doctor_id: i64, id: i64) -> AppResult<Row> {
    crate::db::query_as("SELECT * FROM consultations WHERE id = ? AND doctor_id = ?")
        .bind(id)
        .bind(doctor_id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

/// A consultation of this doctor (404 otherwise, as [`load_for_doctor`]) for medical work:
/// then 403 `verification_required` unless the doctor is verified (as
/// `verification::ensure_verified`). One statement, as a send asks it every time.
pub async fn load_for_verified_doctor(state: &AppState, doctor_id: i64, id: i64) -> AppResult<Row> {
    static FOUND: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT c.*, {} AS expired
               FROM consultations c JOIN accounts a ON a.id = c.doctor_id
              WHERE c.id = ? AND c.doctor_id = ?",
            *verification::STATUS_COLUMNS
        )
    });
    #[derive(sqlx::FromRow)]
    struct Found {
        #[sqlx(flatten)]
        row: Row,
        verification_status: String,
        expired: bool,
    }
    let today = crate::onboarding::today(state).to_string();
    let found = match &state.reads {
        Some(reads) => reads.run(|conn| {
            conn.prepare_cached(&FOUND)?
                .query_row(rusqlite::params![today, id, doctor_id], |r| {
                    Ok(Found {
                        row: Row::from_sqlite(r)?,
                        verification_status: r.get("verification_status")?,
                        expired: r.get("expired")?,
                    })
                })
                .optional()
        })?,
        None => {
            crate::db::query_as(&FOUND)
                .bind(today)
                .bind(id)
                .bind(doctor_id)
                .fetch_optional(&state.db)
                .await?
        }
    };
    let Found {
        row,
        verification_status,
        expired,
    } = found.ok_or(AppError::Code(ErrorCode::NotFound))?;
    let status = verification::settle(state, doctor_id, &verification_status, expired).await?;
    verification::require(status)?;
    Ok(row)
}

/// Re-reads a consultation inside a transaction, to act on its current state, and holds
/// it until the transaction ends (PostgreSQL locks the row): a step and the deadline
/// sweep, or two steps, never both act on what they read.
pub async fn load_in(tx: &mut Conn, id: i64) -> AppResult<Row> {
    use crate::db::Statements;
    crate::db::OnStore(&mut *tx)
        .lock("consultations", id)
        .await?;
    crate::db::query_as("SELECT * FROM consultations WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

/// Binds: consultation id, actor, action, detail, at.
pub const AUDIT: &str =
    "INSERT INTO consultation_audit (consultation_id, actor, action, detail, at)
     VALUES (?, ?, ?, ?, ?)";

/// Who did what, appended in the caller's transaction; never updated or deleted.
pub async fn audit(
    tx: &mut Conn,
    consultation_id: i64,
    actor: &str,
    action: &str,
    detail: &str,
    at: i64,
) -> AppResult<()> {
    crate::db::query(AUDIT)
        .bind(consultation_id)
        .bind(actor)
        .bind(action)
        .bind(detail)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Age in whole years on `today`.
pub fn age(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

pub async fn patient_summary(state: &AppState, patient_id: i64) -> AppResult<PatientSummary> {
    let (name, sex, birth): (String, String, String) =
        crate::db::query_as("SELECT name, sex, birth_date FROM patients WHERE id = ?")
            .bind(patient_id)
            .fetch_one(&state.db)
            .await?;
    Ok(summary(
        &name,
        &sex,
        &birth,
        crate::onboarding::today(state),
    ))
}

pub fn summary(name: &str, sex: &str, birth: &str, today: NaiveDate) -> PatientSummary {
    PatientSummary {
        masked_name: mask_name(name),
        sex: if sex == "male" {
            Gender::Male
        } else {
            Gender::Female
        },
        age: NaiveDate::parse_from_str(birth, "%Y-%m-%d")
            .map(|b| age(b, today))
            .unwrap_or(0),
    }
}

/// The evidence of the offline diagnosis and the other photos of consultations, in the
/// order the patient gave them: one query for any number of consultations.
pub async fn attachments(
    state: &AppState,
    ids: &[i64],
) -> AppResult<HashMap<i64, (Vec<Evidence>, Vec<String>)>> {
    let files: Vec<(i64, String, String, String)> = crate::db::query_as(
        "SELECT cf.consultation_id, cf.kind, cf.file_id, pf.content_type
         FROM consultation_files cf JOIN patient_files pf ON pf.id = cf.file_id
         WHERE cf.consultation_id IN (SELECT value FROM json_each(?))
         ORDER BY cf.consultation_id, cf.position",
    )
    .bind(serde_json::json!(ids).to_string())
    .fetch_all(&state.db)
    .await?;
    let mut by_consultation: HashMap<i64, (Vec<Evidence>, Vec<String>)> = HashMap::new();
    for (consultation_id, kind, file_id, content_type) in files {
        let (evidence, images) = by_consultation.entry(consultation_id).or_default();
        if kind == "image" {
            images.push(file_id);
        } else if let Some(kind) = parse_evidence_kind(&kind) {
            evidence.push(Evidence {
                kind,
                file_id,
                content_type,
            });
        }
    }
    Ok(by_consultation)
}

/// The doctor's full view of one consultation.
pub async fn view(state: &AppState, row: &Row) -> AppResult<Consultation> {
    let (evidence, images) = attachments(state, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    // Their patient from the first consultation the doctor accepted (kept by triggers).
    let patient_id: Option<i64> = crate::db::query_scalar(
        "SELECT patient_id FROM doctor_patients WHERE doctor_id = ? AND patient_id = ?",
    )
    .bind(row.doctor_id)
    .bind(row.patient_id)
    .fetch_optional(&state.db)
    .await?;
    Ok(Consultation {
        id: row.id,
        patient: patient_summary(state, row.patient_id).await?,
        status: row.status(),
        complaint: row.complaint.clone(),
        prior_diagnosis: row.prior_diagnosis(),
        evidence,
        images,
        price_fen: row.price_fen as u32,
        created_at: from_unix(row.created_at),
        accepted_at: row.accepted_at.map(from_unix),
        closed_at: row.closed_at.map(from_unix),
        deadline_at: row.deadline_at.map(from_unix),
        close_reason: row.close_reason(),
        decline: row.decline_reason.as_deref().map(|r| Decline {
            reason: parse_decline_reason(r),
            text: row.decline_text.clone().unwrap_or_default(),
        }),
        refunded: row.refunded != 0,
        advice: row.advice(),
        follow_ups_left: row.follow_ups_left.max(0) as u32,
        patient_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(age(d(1980, 6, 15), d(2026, 6, 14)), 45);
        assert_eq!(age(d(1980, 6, 15), d(2026, 6, 15)), 46);
    }
}

//! Consultation inbox: follow-up 图文 consultations from patients, their messages, the
//! doctor's service settings and quick replies (`/consultations/*`, `/me/consultation-settings`,
//! `/me/quick-replies`, `/events`), and the patient side that feeds it (`/patient/*`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    onboarding::Gender,
    validate::{self, check, FieldError, FieldErrors},
};

/// A new request not accepted within this many hours is closed and refunded.
pub const ACCEPT_DEADLINE_HOURS: i64 = 24;
/// An ongoing consultation without a doctor reply for this many hours is closed and refunded.
pub const REPLY_DEADLINE_HOURS: i64 = 48;
pub const COMPLAINT_MAX: usize = 1_000;
pub const MESSAGE_MAX: usize = 2_000;
pub const PAGE_MAX: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsultationStatus {
    /// 待接诊
    New,
    /// 进行中
    Ongoing,
    /// 已结束 (with advice, or automatically at a deadline)
    Closed,
    /// 已拒绝 (refunded)
    Declined,
}

impl ConsultationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsultationStatus::New => "new",
            ConsultationStatus::Ongoing => "ongoing",
            ConsultationStatus::Closed => "closed",
            ConsultationStatus::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<ConsultationStatus> {
        [
            ConsultationStatus::New,
            ConsultationStatus::Ongoing,
            ConsultationStatus::Closed,
            ConsultationStatus::Declined,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// Why a consultation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// The doctor ended it with advice.
    Advice,
    /// Not accepted within 24 h: closed and refunded by the server.
    NotAccepted,
    /// No doctor reply within 48 h: closed and refunded by the server.
    NoReply,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// 初诊不宜线上
    FirstVisit,
    /// 超出执业范围
    OutOfScope,
    /// 需线下就诊
    NeedsOfflineVisit,
    /// 其他 (with text)
    Other,
}

/// The offline records a patient shows to prove a follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// 门诊病历
    OutpatientRecord,
    /// 出院小结
    DischargeSummary,
    /// 诊断证明
    DiagnosisCertificate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub file_id: String,
    /// `image/jpeg`, `image/png`, `image/webp` or `application/pdf` (sniffed on upload).
    #[serde(default)]
    pub content_type: String,
}

/// The earlier offline diagnosis this consultation follows up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriorDiagnosis {
    pub hospital: String,
    pub diagnosis: String,
    #[serde(with = "crate::time::date")]
    pub visited_on: NaiveDate,
}

/// What the doctor sees of a patient in lists: masked name (张*), sex and age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientSummary {
    pub masked_name: String,
    pub sex: Gender,
    pub age: u32,
}

/// 张三 → 张*, 欧阳娜娜 → 欧***: the surname's first character and one star per other one.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// One row of the inbox list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationRow {
    pub id: i64,
    pub patient: PatientSummary,
    pub status: ConsultationStatus,
    /// The first line of the complaint, at most 60 characters.
    pub complaint_preview: String,
    /// When the server closes it if nobody acts (new: accept; ongoing: reply).
    #[serde(default, with = "crate::time::utc_option")]
    pub deadline_at: Option<DateTime<Utc>>,
    /// Patient messages the doctor has not opened yet.
    pub unread: u32,
    #[serde(with = "crate::time::utc")]
    pub last_activity_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCounts {
    pub new: u32,
    pub ongoing: u32,
    /// Closed and declined.
    pub closed: u32,
    /// Patient messages the doctor has not opened yet where an answer is due: ongoing
    /// consultations and follow-up questions after advice (a new request counts once, in
    /// `new`; closed-without-advice and declined ones need nothing more).
    #[serde(default)]
    pub unread: u32,
}

/// `GET /consultations`: newest activity first, one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationPage {
    pub items: Vec<ConsultationRow>,
    /// Pass as `cursor` for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
    pub counts: StatusCounts,
    /// The doctor's newest event when this page was read: an event stream opened with
    /// `last_event_id` = this misses nothing that happened after the page.
    #[serde(default)]
    pub last_event_id: i64,
}

/// Structured advice that ends a consultation (also the body of `POST …/close`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Advice {
    /// 病情评估
    pub assessment: String,
    /// 处理建议
    pub advice: String,
    /// Whether the patient should see a doctor offline.
    pub offline_visit: bool,
    /// Which department, when `offline_visit`.
    #[serde(default)]
    pub department: String,
    /// 复诊建议
    #[serde(default)]
    pub follow_up: String,
}

impl Advice {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "assessment",
            validate::text(&self.assessment, MESSAGE_MAX),
        );
        check(
            &mut errors,
            "advice",
            validate::text(&self.advice, MESSAGE_MAX),
        );
        if self.offline_visit {
            check(
                &mut errors,
                "department",
                validate::text(&self.department, 50),
            );
        }
        check(
            &mut errors,
            "follow_up",
            validate::optional_text(&self.follow_up, MESSAGE_MAX),
        );
        errors
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decline {
    pub reason: DeclineReason,
    /// Required with `other`.
    #[serde(default)]
    pub text: String,
}

impl Decline {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.reason == DeclineReason::Other {
            check(&mut errors, "text", validate::text(&self.text, 500));
        } else {
            check(
                &mut errors,
                "text",
                validate::optional_text(&self.text, 500),
            );
        }
        errors
    }
}

/// `GET /consultations/{id}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consultation {
    pub id: i64,
    pub patient: PatientSummary,
    pub status: ConsultationStatus,
    pub complaint: String,
    pub prior_diagnosis: PriorDiagnosis,
    pub evidence: Vec<Evidence>,
    /// Other photos the patient attached (file ids).
    pub images: Vec<String>,
    pub price_fen: u32,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(default, with = "crate::time::utc_option")]
    pub accepted_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::time::utc_option")]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::time::utc_option")]
    pub deadline_at: Option<DateTime<Utc>>,
    pub close_reason: Option<CloseReason>,
    pub decline: Option<Decline>,
    pub refunded: bool,
    pub advice: Option<Advice>,
    /// Questions the patient may still send after the end.
    pub follow_ups_left: u32,
    /// The patient's page (`/patients/{id}`) once they are the doctor's patient (from the
    /// first consultation the doctor accepted); `None` before that.
    #[serde(default)]
    pub patient_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    Doctor,
    Patient,
    /// Status notes written by the server (accepted, closed, …).
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    pub consultation_id: i64,
    pub sender: Sender,
    /// The sender's idempotency key (a UUID), echoed back.
    pub client_id: Option<String>,
    pub text: Option<String>,
    pub image_file_id: Option<String>,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
}

/// `POST /consultations/{id}/messages` (and the patient's): text or one image. Sending
/// the same `client_id` again returns the first message instead of a second one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendMessage {
    pub client_id: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub image_file_id: Option<String>,
}

impl SendMessage {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if !is_client_id(&self.client_id) {
            errors.push(("client_id", FieldError::Required));
        }
        match (&self.text, &self.image_file_id) {
            (Some(text), None) => check(&mut errors, "text", validate::text(text, MESSAGE_MAX)),
            (None, Some(_)) => {}
            _ => errors.push(("text", FieldError::Required)),
        }
        errors
    }
}

/// A client id: 8–64 letters, digits and dashes (a UUID fits).
pub fn is_client_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `POST /consultations/{id}/accept`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptRequest {
    /// The doctor confirms this is a follow-up of the offline diagnosis shown.
    pub follow_up_confirmed: bool,
}

/// `GET/PUT /me/consultation-settings`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationSettings {
    /// 图文问诊 on/off.
    pub enabled: bool,
    /// Price in fen (0 = free).
    pub price_fen: u32,
    /// New consultations accepted per day (China time).
    pub daily_limit: u32,
    /// Sent automatically when the doctor accepts (empty: none).
    pub greeting: String,
    /// Questions a patient may still send after the end.
    pub follow_up_questions: u32,
}

impl Default for ConsultationSettings {
    fn default() -> Self {
        ConsultationSettings {
            enabled: false,
            price_fen: 0,
            daily_limit: 20,
            greeting: String::new(),
            follow_up_questions: 2,
        }
    }
}

impl ConsultationSettings {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.price_fen > 100_000 {
            errors.push(("price_fen", FieldError::OutOfRange));
        }
        if !(1..=200).contains(&self.daily_limit) {
            errors.push(("daily_limit", FieldError::OutOfRange));
        }
        if self.follow_up_questions > 10 {
            errors.push(("follow_up_questions", FieldError::OutOfRange));
        }
        check(
            &mut errors,
            "greeting",
            validate::optional_text(&self.greeting, 500),
        );
        errors
    }
}

/// A canned reply, one tap away in the composer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuickReply {
    pub id: i64,
    pub title: String,
    pub text: String,
    pub position: i64,
}

/// `POST /me/quick-replies`, `PUT /me/quick-replies/{id}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuickReplyInput {
    pub title: String,
    pub text: String,
    /// Where to put it (0 = first); unchanged / last when absent.
    #[serde(default)]
    pub position: Option<i64>,
}

impl QuickReplyInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(&mut errors, "title", validate::text(&self.title, 20));
        check(&mut errors, "text", validate::text(&self.text, MESSAGE_MAX));
        errors
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A patient asked for a consultation.
    ConsultationNew,
    /// A message arrived (from either side).
    Message,
    /// Accepted, declined, closed (by the doctor or a deadline).
    StatusChanged,
    /// A notification for the doctor (`GET /me/notifications`); `consultation_id` is 0.
    Notification,
}

/// One Server-Sent Event of `GET /events` (`id:` is `id`, `data:` is this JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxEvent {
    pub id: i64,
    pub kind: EventKind,
    pub consultation_id: i64,
    pub status: ConsultationStatus,
    pub message: Option<Message>,
    #[serde(with = "crate::time::utc")]
    pub at: DateTime<Utc>,
}

/// `POST /patient/auth/login`: SMS-code sign-in; the first one creates the patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientLogin {
    pub phone: String,
    pub sms_code: String,
    /// Needed the first time.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sex: Option<Gender>,
    #[serde(default)]
    #[serde(with = "crate::time::date_option")]
    pub birth_date: Option<NaiveDate>,
}

/// The signed-in patient (`POST /patient/auth/login`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientMe {
    pub id: i64,
    pub name: String,
}

impl PatientLogin {
    /// `first_time`: the phone has no patient yet, so the profile fields are needed.
    pub fn validate(&self, first_time: bool) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(&mut errors, "phone", validate::phone(&self.phone));
        check(&mut errors, "sms_code", validate::sms_code(&self.sms_code));
        if first_time {
            match &self.name {
                Some(name) => check(&mut errors, "name", validate::person_name(name)),
                None => errors.push(("name", FieldError::Required)),
            }
            if self.sex.is_none() {
                errors.push(("sex", FieldError::Required));
            }
            if self.birth_date.is_none() {
                errors.push(("birth_date", FieldError::Required));
            }
        }
        errors
    }
}

/// `POST /patient/consultations`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewConsultation {
    pub doctor_id: i64,
    pub complaint: String,
    pub prior_diagnosis: PriorDiagnosis,
    pub evidence: Vec<Evidence>,
    #[serde(default)]
    pub images: Vec<String>,
}

impl NewConsultation {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "complaint",
            validate::text(&self.complaint, COMPLAINT_MAX),
        );
        check(
            &mut errors,
            "hospital",
            validate::text(&self.prior_diagnosis.hospital, 100),
        );
        check(
            &mut errors,
            "diagnosis",
            validate::text(&self.prior_diagnosis.diagnosis, 200),
        );
        if self.evidence.is_empty() {
            errors.push(("evidence", FieldError::Required));
        }
        if self.evidence.len() + self.images.len() > 9 {
            errors.push(("images", FieldError::OutOfRange));
        }
        errors
    }
}

/// The patient's view of their consultation (`/patient/consultations/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientConsultation {
    pub id: i64,
    pub doctor_id: i64,
    pub status: ConsultationStatus,
    pub close_reason: Option<CloseReason>,
    pub refunded: bool,
    pub advice: Option<Advice>,
    pub follow_ups_left: u32,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked_after_the_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name(" 李 "), "李");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn a_message_is_text_or_an_image() {
        let base = SendMessage {
            client_id: "3f0c2a7e-9b1d-4c55-8d2e-1a2b3c4d5e6f".into(),
            text: Some("您好".into()),
            image_file_id: None,
        };
        assert!(base.validate().is_empty());
        let both = SendMessage {
            image_file_id: Some("f".into()),
            ..base.clone()
        };
        assert_eq!(both.validate(), vec![("text", FieldError::Required)]);
        let bad_id = SendMessage {
            client_id: "x".into(),
            ..base
        };
        assert_eq!(bad_id.validate(), vec![("client_id", FieldError::Required)]);
    }

    #[test]
    fn evidence_is_required() {
        let c = NewConsultation {
            doctor_id: 1,
            complaint: "血糖控制不佳".into(),
            prior_diagnosis: PriorDiagnosis {
                hospital: "杭州市第一人民医院".into(),
                diagnosis: "2 型糖尿病".into(),
                visited_on: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            },
            evidence: vec![],
            images: vec![],
        };
        assert_eq!(c.validate(), vec![("evidence", FieldError::Required)]);
    }
}

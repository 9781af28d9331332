//! Onboarding: the doctor's profile, licence documents, submission for review and the
//! hospital's decision (`/me/profile`, `/me/documents`, `/me/verification`, `/review/*`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    auth::VerificationStatus,
    validate::{self, check, FieldError, FieldErrors},
};

/// Years of independent practice required to see patients online.
pub const MIN_YEARS_OF_PRACTICE: u32 = 3;
/// Largest upload the server accepts, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Documents expiring within this many days are flagged on the home page.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// Professional title (职称).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Title {
    /// 主任医师
    ChiefPhysician,
    /// 副主任医师
    AssociateChiefPhysician,
    /// 主治医师
    AttendingPhysician,
    /// 住院医师
    ResidentPhysician,
}

impl Title {
    pub const ALL: [Title; 4] = [
        Title::ChiefPhysician,
        Title::AssociateChiefPhysician,
        Title::AttendingPhysician,
        Title::ResidentPhysician,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Title::ChiefPhysician => "chief_physician",
            Title::AssociateChiefPhysician => "associate_chief_physician",
            Title::AttendingPhysician => "attending_physician",
            Title::ResidentPhysician => "resident_physician",
        }
    }

    pub fn parse(s: &str) -> Option<Title> {
        Title::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The doctor's profile as stored (`GET /me/profile`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub real_name: String,
    /// The display name actually given: unique, so it may carry a suffix like `张伟(2)`.
    pub display_name: String,
    pub gender: Gender,
    /// Masked, e.g. `3301**********1234`: the full number never leaves the server.
    pub id_number_masked: String,
    pub hospital: String,
    pub department: String,
    pub title: Title,
    /// 执业类别, e.g. 临床
    pub practice_category: String,
    /// 执业范围, e.g. 内科专业
    pub practice_scope: String,
    pub years_of_practice: u32,
    /// 擅长
    pub specialties: String,
    pub bio: String,
    /// `GET /files/{id}` of the avatar.
    pub avatar_file_id: Option<String>,
    /// Verified once: real name, sex and ID number can no longer change, and the practice
    /// fields change only through a reviewer (`pending_change`).
    #[serde(default)]
    pub identity_locked: bool,
    /// Practice fields the doctor asked to change, waiting for a reviewer; the fields above
    /// keep the approved values until then.
    #[serde(default)]
    pub pending_change: Option<PracticeFields>,
}

impl Profile {
    pub fn practice(&self) -> PracticeFields {
        PracticeFields {
            hospital: self.hospital.clone(),
            department: self.department.clone(),
            title: self.title,
            practice_category: self.practice_category.clone(),
            practice_scope: self.practice_scope.clone(),
            years_of_practice: self.years_of_practice,
        }
    }
}

/// Where and how the doctor practises (执业信息): after verification these change only
/// when a reviewer approves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PracticeFields {
    pub hospital: String,
    pub department: String,
    pub title: Title,
    pub practice_category: String,
    pub practice_scope: String,
    pub years_of_practice: u32,
}

/// A verified doctor's request to change the practice fields, and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileChange {
    /// The approved values when the change was asked for.
    pub before: PracticeFields,
    pub after: PracticeFields,
    /// `None` until decided.
    pub approved: Option<bool>,
    pub rejection: Option<Rejection>,
}

/// `PUT /me/profile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileUpdate {
    pub real_name: String,
    /// Empty or absent: the real name.
    #[serde(default)]
    pub display_name: Option<String>,
    pub gender: Gender,
    /// 18 characters. Absent or empty keeps the stored number (the client only sees it masked).
    #[serde(default)]
    pub id_number: Option<String>,
    pub hospital: String,
    pub department: String,
    pub title: Title,
    pub practice_category: String,
    pub practice_scope: String,
    pub years_of_practice: u32,
    #[serde(default)]
    pub specialties: String,
    #[serde(default)]
    pub bio: String,
}

impl ProfileUpdate {
    /// `has_id_number`: whether one is stored already (then it may be left out).
    pub fn validate(&self, has_id_number: bool) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "real_name",
            validate::person_name(&self.real_name),
        );
        if let Some(d) = self
            .display_name
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        {
            check(&mut errors, "display_name", validate::text(d, 20));
        }
        match self
            .id_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(id) => check(&mut errors, "id_number", validate::id_number(id)),
            None if !has_id_number => errors.push(("id_number", FieldError::Required)),
            None => {}
        }
        check(&mut errors, "hospital", validate::text(&self.hospital, 60));
        check(
            &mut errors,
            "department",
            validate::text(&self.department, 30),
        );
        check(
            &mut errors,
            "practice_category",
            validate::text(&self.practice_category, 30),
        );
        check(
            &mut errors,
            "practice_scope",
            validate::text(&self.practice_scope, 60),
        );
        if self.years_of_practice < MIN_YEARS_OF_PRACTICE {
            errors.push(("years_of_practice", FieldError::TooFewYears));
        } else if self.years_of_practice > 70 {
            errors.push(("years_of_practice", FieldError::OutOfRange));
        }
        check(
            &mut errors,
            "specialties",
            validate::optional_text(&self.specialties, 200),
        );
        check(&mut errors, "bio", validate::optional_text(&self.bio, 1000));
        errors
    }

    /// The practice fields asked for, trimmed as they are stored.
    pub fn practice(&self) -> PracticeFields {
        PracticeFields {
            hospital: self.hospital.trim().to_owned(),
            department: self.department.trim().to_owned(),
            title: self.title,
            practice_category: self.practice_category.trim().to_owned(),
            practice_scope: self.practice_scope.trim().to_owned(),
            years_of_practice: self.years_of_practice,
        }
    }
}

/// The kinds of document the hospital asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    IdCardFront,
    IdCardBack,
    /// 医师资格证
    Qualification,
    /// 医师执业证
    Practice,
    /// 专业技术资格证
    ProfessionalTitle,
    /// Anything else the hospital asks for, with a caption.
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::IdCardFront,
        DocumentKind::IdCardBack,
        DocumentKind::Qualification,
        DocumentKind::Practice,
        DocumentKind::ProfessionalTitle,
        DocumentKind::Other,
    ];
    /// Needed before a submission.
    pub const REQUIRED: [DocumentKind; 5] = [
        DocumentKind::IdCardFront,
        DocumentKind::IdCardBack,
        DocumentKind::Qualification,
        DocumentKind::Practice,
        DocumentKind::ProfessionalTitle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::IdCardFront => "id_card_front",
            DocumentKind::IdCardBack => "id_card_back",
            DocumentKind::Qualification => "qualification",
            DocumentKind::Practice => "practice",
            DocumentKind::ProfessionalTitle => "professional_title",
            DocumentKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Certificates carry their number.
    pub fn needs_number(self) -> bool {
        matches!(
            self,
            DocumentKind::Qualification | DocumentKind::Practice | DocumentKind::ProfessionalTitle
        )
    }

    pub fn is_required(self) -> bool {
        self != DocumentKind::Other
    }
}

/// Fields sent with an upload (`POST /me/documents`, multipart beside `file`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentFields {
    pub kind: Option<DocumentKind>,
    pub number: Option<String>,
    pub expires_on: Option<NaiveDate>,
    pub caption: Option<String>,
}

impl DocumentFields {
    pub fn validate(&self, today: NaiveDate) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let Some(kind) = self.kind else {
            errors.push(("kind", FieldError::Required));
            return errors;
        };
        let number = self.number.as_deref().map(str::trim).unwrap_or("");
        // Certificates need their number; any number given must be well formed.
        if kind.needs_number() || !number.is_empty() {
            check(&mut errors, "number", validate::certificate_number(number));
        }
        if let Some(date) = self.expires_on {
            if date <= today {
                errors.push(("expires_on", FieldError::AlreadyExpired));
            }
        }
        let caption = self.caption.as_deref().map(str::trim).unwrap_or("");
        if kind == DocumentKind::Other {
            check(&mut errors, "caption", validate::text(caption, 40));
        } else {
            check(&mut errors, "caption", validate::optional_text(caption, 40));
        }
        errors
    }
}

/// Where one document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Uploaded, not yet part of a submission.
    Uploaded,
    /// In a submission waiting for review.
    Submitted,
    Approved,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: i64,
    pub kind: DocumentKind,
    pub number: Option<String>,
    pub expires_on: Option<NaiveDate>,
    pub caption: Option<String>,
    pub file_id: String,
    pub content_type: String,
    pub size: u64,
    pub status: DocumentStatus,
    /// The reviewer's reason when rejected.
    pub rejection: Option<Rejection>,
    #[serde(with = "crate::time::utc")]
    pub uploaded_at: DateTime<Utc>,
    /// A renewal: the approved document this one replaces once a reviewer approves it
    /// (the old one stays in force until then, or until it expires).
    #[serde(default)]
    pub replaces: Option<i64>,
}

/// Why a reviewer turned a document down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    /// 图片模糊
    Blurry,
    /// 信息不完整
    Incomplete,
    /// 证件已过期
    Expired,
    /// 与填写信息不符
    Mismatch,
    /// 非本人证件
    NotOwn,
    Other,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 6] = [
        RejectionReason::Blurry,
        RejectionReason::Incomplete,
        RejectionReason::Expired,
        RejectionReason::Mismatch,
        RejectionReason::NotOwn,
        RejectionReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectionReason::Blurry => "blurry",
            RejectionReason::Incomplete => "incomplete",
            RejectionReason::Expired => "expired",
            RejectionReason::Mismatch => "mismatch",
            RejectionReason::NotOwn => "not_own",
            RejectionReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<RejectionReason> {
        RejectionReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejection {
    pub reason: RejectionReason,
    /// The reviewer's words; may be empty unless the reason is `other`.
    pub note: String,
}

/// Which step of onboarding the doctor is on (derived from what the server holds, so any
/// device resumes at the same place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnboardingStep {
    Profile,
    Documents,
    Submit,
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Pending,
    Approved,
    Rejected,
}

/// What a submission asks the reviewer to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionKind {
    /// The profile and every document, to become (or be again) verified.
    #[default]
    Full,
    /// A verified doctor replaces one document before it expires.
    Renewal,
    /// A verified doctor changes the practice fields of the profile.
    ProfileChange,
}

impl SubmissionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionKind::Full => "full",
            SubmissionKind::Renewal => "renewal",
            SubmissionKind::ProfileChange => "profile_change",
        }
    }

    pub fn parse(s: &str) -> Option<SubmissionKind> {
        [
            SubmissionKind::Full,
            SubmissionKind::Renewal,
            SubmissionKind::ProfileChange,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One document's outcome inside a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmittedDocument {
    pub document: Document,
    /// `None` until decided.
    pub approved: Option<bool>,
    pub rejection: Option<Rejection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    pub id: i64,
    #[serde(default)]
    pub kind: SubmissionKind,
    pub status: SubmissionStatus,
    #[serde(with = "crate::time::utc")]
    pub submitted_at: DateTime<Utc>,
    #[serde(default, with = "crate::time::utc_option")]
    pub decided_at: Option<DateTime<Utc>>,
    pub documents: Vec<SubmittedDocument>,
    /// A `profile_change` submission: the fields asked for, beside the approved ones.
    #[serde(default)]
    pub profile_change: Option<ProfileChange>,
}

/// `GET /me/verification`: status, the step to show, warnings and history (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    pub status: VerificationStatus,
    pub step: OnboardingStep,
    /// Required kinds still missing.
    pub missing: Vec<DocumentKind>,
    /// Current documents expiring within 30 days (or already expired).
    pub expiring: Vec<Document>,
    /// Replacements of approved documents: under review, or rejected (with the reason)
    /// until the doctor uploads another one. The replaced document stays in force meanwhile.
    #[serde(default)]
    pub renewals: Vec<Document>,
    pub submissions: Vec<Submission>,
}

/// The part of `GET /me/verification` the home page reads (its expiry warnings): a
/// narrower reading of the same answer, so the first screen's wasm carries no
/// deserialiser for the whole file (submissions, renewals, every document field).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExpiryWarnings {
    pub expiring: Vec<ExpiringDocument>,
}

/// One document of [`Verification::expiring`], as [`ExpiryWarnings`] reads it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExpiringDocument {
    pub kind: DocumentKind,
    #[serde(default, with = "crate::time::date_option")]
    pub expires_on: Option<NaiveDate>,
}

/// A stored upload (`POST /me/avatar`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredFile {
    pub file_id: String,
    pub content_type: String,
    pub size: u64,
}

/// A pending submission in the reviewer's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    pub id: i64,
    #[serde(default)]
    pub kind: SubmissionKind,
    pub doctor_name: String,
    pub hospital: String,
    pub title: Title,
    #[serde(with = "crate::time::utc")]
    pub submitted_at: DateTime<Utc>,
    pub status: SubmissionStatus,
}

/// `GET /review/submissions/{id}`: everything a reviewer needs to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewSubmission {
    pub submission: Submission,
    pub profile: Profile,
    /// Full ID number: reviewers must compare it with the ID card.
    pub id_number: String,
    pub phone_masked: String,
    /// The reviewer's own submission (an account that is doctor and reviewer): it may be
    /// seen but never decided by them.
    #[serde(default)]
    pub own: bool,
}

/// One reviewer decision about one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentDecision {
    pub document_id: i64,
    pub approve: bool,
    #[serde(default)]
    pub reason: Option<RejectionReason>,
    #[serde(default)]
    pub note: String,
}

/// `POST /review/submissions/{id}/decision`: a decision for every document; the
/// submission is approved when all are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionRequest {
    #[serde(default)]
    pub documents: Vec<DocumentDecision>,
    /// Required for a `profile_change` submission, refused for the others.
    #[serde(default)]
    pub profile_change: Option<ChangeDecision>,
}

/// The reviewer's decision about a change of the practice fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeDecision {
    pub approve: bool,
    #[serde(default)]
    pub reason: Option<RejectionReason>,
    #[serde(default)]
    pub note: String,
}

impl DecisionRequest {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.documents.is_empty() && self.profile_change.is_none() {
            errors.push(("documents", FieldError::Required));
        }
        if let Some(c) = &self.profile_change {
            if !c.approve {
                match c.reason {
                    None => errors.push(("profile_change", FieldError::ReasonRequired)),
                    Some(RejectionReason::Other) if c.note.trim().is_empty() => {
                        errors.push(("profile_change", FieldError::ReasonRequired))
                    }
                    _ => {}
                }
            }
            if c.note.chars().count() > 200 {
                errors.push(("profile_change", FieldError::TooLong));
            }
        }
        for d in &self.documents {
            if !d.approve {
                match d.reason {
                    None => errors.push(("documents", FieldError::ReasonRequired)),
                    Some(RejectionReason::Other) if d.note.trim().is_empty() => {
                        errors.push(("documents", FieldError::ReasonRequired))
                    }
                    _ => {}
                }
            }
            if d.note.chars().count() > 200 {
                errors.push(("documents", FieldError::TooLong));
            }
        }
        errors.dedup();
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update() -> ProfileUpdate {
        ProfileUpdate {
            real_name: "张伟".into(),
            display_name: None,
            gender: Gender::Male,
            id_number: Some("11010519491231002X".into()),
            hospital: "杭州市第一人民医院".into(),
            department: "心内科".into(),
            title: Title::AttendingPhysician,
            practice_category: "临床".into(),
            practice_scope: "内科专业".into(),
            years_of_practice: 8,
            specialties: "高血压".into(),
            bio: String::new(),
        }
    }

    #[test]
    fn a_complete_profile_passes() {
        assert_eq!(update().validate(false), vec![]);
    }

    #[test]
    fn profile_rules() {
        let p = ProfileUpdate {
            years_of_practice: 2,
            id_number: Some("110105194912310021".into()),
            real_name: " ".into(),
            ..update()
        };
        let fields: Vec<_> = p.validate(false).into_iter().collect();
        assert!(fields.contains(&("years_of_practice", FieldError::TooFewYears)));
        assert!(fields.contains(&("id_number", FieldError::IdNumberInvalid)));
        assert!(fields.contains(&("real_name", FieldError::Required)));
        // The stored number may be kept by leaving it out.
        let keep = ProfileUpdate {
            id_number: None,
            ..update()
        };
        assert_eq!(keep.validate(true), vec![]);
        assert_eq!(
            keep.validate(false),
            vec![("id_number", FieldError::Required)]
        );
    }

    #[test]
    fn document_rules() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let cert = DocumentFields {
            kind: Some(DocumentKind::Practice),
            number: None,
            expires_on: Some(today),
            caption: None,
        };
        assert_eq!(
            cert.validate(today),
            vec![
                ("number", FieldError::Required),
                ("expires_on", FieldError::AlreadyExpired)
            ]
        );
        let other = DocumentFields {
            kind: Some(DocumentKind::Other),
            ..Default::default()
        };
        assert_eq!(
            other.validate(today),
            vec![("caption", FieldError::Required)]
        );
        let id = DocumentFields {
            kind: Some(DocumentKind::IdCardFront),
            expires_on: today.succ_opt(),
            ..Default::default()
        };
        assert_eq!(id.validate(today), vec![]);
    }

    #[test]
    fn rejections_need_a_reason() {
        let d = |approve, reason, note: &str| DocumentDecision {
            document_id: 1,
            approve,
            reason,
            note: note.into(),
        };
        let ok = DecisionRequest {
            documents: vec![
                d(true, None, ""),
                d(false, Some(RejectionReason::Blurry), ""),
            ],
            profile_change: None,
        };
        assert!(ok.validate().is_empty());
        let missing = DecisionRequest {
            documents: vec![d(false, None, "")],
            profile_change: None,
        };
        assert_eq!(
            missing.validate(),
            vec![("documents", FieldError::ReasonRequired)]
        );
        let other = DecisionRequest {
            documents: vec![d(false, Some(RejectionReason::Other), " ")],
            profile_change: None,
        };
        assert_eq!(
            other.validate(),
            vec![("documents", FieldError::ReasonRequired)]
        );
    }
}

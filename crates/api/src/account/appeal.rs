//! Recovering an account by appeal (账号申诉, `/appeal`) when the phone it is tied to is
//! lost: the doctor proves who they are (name, ID number, a photo holding the ID card) and
//! that the new phone is theirs (an SMS code); a reviewer compares it with the account's
//! verified documents and moves the account to the new phone, or says why not.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    onboarding::{Document, Profile},
    validate::{self, check, FieldError, FieldErrors},
};

/// The longest reason a doctor may give, and a reviewer's rejection note.
pub const REASON_MAX: usize = 500;
/// A reason shorter than this tells the reviewer nothing.
pub const REASON_MIN: usize = 10;

/// The text fields of `POST /appeals` (multipart/form-data; the photo of the doctor holding
/// the ID card is the `photo` field: JPEG, PNG or WebP, by content).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealForm {
    pub real_name: String,
    pub id_number: String,
    /// The number the account is tied to now (lost).
    pub old_phone: String,
    /// The number to move it to: not registered yet, proven by `sms_code` (purpose `appeal`).
    pub new_phone: String,
    pub sms_code: String,
    pub reason: String,
}

impl AppealForm {
    /// Trims and normalises what people type (spaces, a lower-case x in the ID number).
    pub fn normalize(&mut self) {
        self.real_name = self.real_name.trim().to_owned();
        self.id_number = self.id_number.trim().to_ascii_uppercase();
        self.old_phone = validate::normalize_phone(&self.old_phone);
        self.new_phone = validate::normalize_phone(&self.new_phone);
        self.sms_code = self.sms_code.trim().to_owned();
        self.reason = self.reason.trim().to_owned();
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "real_name",
            validate::person_name(&self.real_name),
        );
        check(
            &mut errors,
            "id_number",
            validate::id_number(&self.id_number),
        );
        check(&mut errors, "old_phone", validate::phone(&self.old_phone));
        check(&mut errors, "new_phone", validate::phone(&self.new_phone));
        if errors.iter().all(|(f, _)| *f != "new_phone") && self.new_phone == self.old_phone {
            errors.push(("new_phone", FieldError::SamePhone));
        }
        check(&mut errors, "sms_code", validate::sms_code(&self.sms_code));
        check(&mut errors, "reason", reason(&self.reason));
        errors
    }
}

fn reason(value: &str) -> Result<(), FieldError> {
    validate::text(value, REASON_MAX)?;
    if value.trim().chars().count() < REASON_MIN {
        return Err(FieldError::TooShort);
    }
    Ok(())
}

/// `201` of `POST /appeals`. The answer is the same whether or not the details match an
/// account: who has an account is not told to whoever asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealReceived {
    /// Where the result will be sent, masked.
    pub new_phone_masked: String,
    #[serde(with = "crate::time::utc")]
    pub submitted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    Pending,
    Approved,
    Rejected,
}

impl AppealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Pending => "pending",
            AppealStatus::Approved => "approved",
            AppealStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<AppealStatus> {
        match s {
            "pending" => Some(AppealStatus::Pending),
            "approved" => Some(AppealStatus::Approved),
            "rejected" => Some(AppealStatus::Rejected),
            _ => None,
        }
    }
}

/// One appeal in the reviewers' list (`GET /review/appeals?status=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealItem {
    pub id: i64,
    pub real_name: String,
    pub old_phone_masked: String,
    pub new_phone_masked: String,
    #[serde(with = "crate::time::utc")]
    pub submitted_at: DateTime<Utc>,
    pub status: AppealStatus,
    /// The name and ID number belong to an account (the one it would move).
    pub matched: bool,
}

/// One appeal with what the reviewer compares it against (`GET /review/appeals/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealDetail {
    pub item: AppealItem,
    /// In full: the reviewer compares it with the card in the photo.
    pub id_number: String,
    pub reason: String,
    /// `GET /files/{id}` of the photo holding the ID card (reviewers only).
    pub photo_file_id: String,
    /// The account the details match, with its verified profile and documents; `None` when
    /// nothing matches (then it can only be rejected).
    pub account: Option<AppealAccount>,
    #[serde(default, with = "crate::time::utc_option")]
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_note: Option<String>,
    /// The reviewer's own account: they may see it but never decide it.
    #[serde(default)]
    pub own: bool,
}

/// The account an appeal would move, as the hospital verified it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealAccount {
    pub profile: Profile,
    /// The documents in force (approved, not removed), ID card first.
    pub documents: Vec<Document>,
    /// The account's phone now, masked.
    pub phone_masked: String,
    /// The old phone given in the appeal is the account's phone.
    pub old_phone_matches: bool,
    #[serde(with = "crate::time::utc")]
    pub signed_up_at: DateTime<Utc>,
}

/// `POST /review/appeals/{id}/decision`: approve (move the account to the new phone and
/// end its sessions) or reject with a note the doctor receives by SMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealDecision {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

impl AppealDecision {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.approve {
            check(
                &mut errors,
                "note",
                validate::optional_text(&self.note, REASON_MAX),
            );
        } else {
            check(&mut errors, "note", validate::text(&self.note, REASON_MAX));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AppealForm {
        AppealForm {
            real_name: "张伟".into(),
            id_number: "11010519491231002X".into(),
            old_phone: "13800138000".into(),
            new_phone: "13900139000".into(),
            sms_code: "123456".into(),
            reason: "旧手机丢失，号码已注销无法补办".into(),
        }
    }

    #[test]
    fn a_complete_appeal_passes() {
        assert!(form().validate().is_empty());
    }

    #[test]
    fn each_field_is_checked() {
        let mut f = form();
        f.new_phone = f.old_phone.clone();
        f.reason = "丢了".into();
        f.id_number = "110105194912310021".into();
        let errors = f.validate();
        assert!(errors.contains(&("new_phone", FieldError::SamePhone)));
        assert!(errors.contains(&("reason", FieldError::TooShort)));
        assert!(errors.contains(&("id_number", FieldError::IdNumberInvalid)));
    }

    #[test]
    fn normalising_upper_cases_the_check_character() {
        let mut f = form();
        f.id_number = " 11010519491231002x ".into();
        f.normalize();
        assert_eq!(f.id_number, "11010519491231002X");
    }

    #[test]
    fn a_rejection_needs_a_note() {
        let reject = AppealDecision {
            approve: false,
            note: " ".into(),
        };
        assert_eq!(reject.validate(), vec![("note", FieldError::Required)]);
        let approve = AppealDecision {
            approve: true,
            note: String::new(),
        };
        assert!(approve.validate().is_empty());
    }
}

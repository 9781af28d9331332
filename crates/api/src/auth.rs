//! Sign-up, sign-in, password reset and the signed-in doctor (`/auth/*`, `/me`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, check, FieldErrors};

/// What an SMS code will be used for; a code only works for its own purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SmsPurpose {
    Register,
    Login,
    Reset,
    /// A patient signing in to the patient side (`/patient/auth/login`).
    PatientLogin,
    /// A signed-in doctor proving a new phone number is theirs (`PUT /me/phone`): sent to
    /// the new number, which must not belong to an account yet.
    ChangePhone,
    /// A signed-out doctor appealing to move their account to a new number (`POST
    /// /appeals`): sent to the new number, which must not belong to an account yet.
    Appeal,
}

impl SmsPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            SmsPurpose::Register => "register",
            SmsPurpose::Login => "login",
            SmsPurpose::Reset => "reset",
            SmsPurpose::PatientLogin => "patient_login",
            SmsPurpose::ChangePhone => "change_phone",
            SmsPurpose::Appeal => "appeal",
        }
    }
}

/// `POST /auth/sms-codes`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsCodeRequest {
    pub phone: String,
    pub purpose: SmsPurpose,
}

impl SmsCodeRequest {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(&mut errors, "phone", validate::phone(&self.phone));
        errors
    }
}

/// `POST /auth/register`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    pub phone: String,
    pub sms_code: String,
    pub password: String,
}

impl RegisterRequest {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(&mut errors, "phone", validate::phone(&self.phone));
        check(&mut errors, "sms_code", validate::sms_code(&self.sms_code));
        check(&mut errors, "password", validate::password(&self.password));
        errors
    }
}

/// `POST /auth/login` with either a password or an SMS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_code: Option<String>,
    /// Keep the session for 30 days instead of until the browser closes.
    #[serde(default)]
    pub remember: bool,
}

impl LoginRequest {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(&mut errors, "phone", validate::phone(&self.phone));
        match (&self.password, &self.sms_code) {
            // A wrong-shaped password can still be the stored one of an old account, so
            // only emptiness is checked here; the hash decides the rest.
            (Some(p), None) if p.is_empty() => {
                errors.push(("password", validate::FieldError::Required))
            }
            (Some(_), None) => {}
            (None, Some(code)) => check(&mut errors, "sms_code", validate::sms_code(code)),
            _ => errors.push(("password", validate::FieldError::Required)),
        }
        errors
    }
}

/// `POST /auth/password-reset`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    pub phone: String,
    pub sms_code: String,
    pub new_password: String,
}

impl PasswordResetRequest {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(&mut errors, "phone", validate::phone(&self.phone));
        check(&mut errors, "sms_code", validate::sms_code(&self.sms_code));
        check(
            &mut errors,
            "new_password",
            validate::password(&self.new_password),
        );
        errors
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Doctor,
    Reviewer,
}

/// Where the hospital's review of the doctor's identity and licences stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// Nothing submitted yet.
    Unverified,
    Pending,
    Verified,
    Rejected,
    /// A required document expired after approval.
    NeedsReverification,
}

/// `GET /me`: the signed-in doctor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    /// Masked for display, e.g. `138****8000`.
    pub phone_masked: String,
    /// Unset until the doctor fills in the profile.
    pub display_name: Option<String>,
    pub roles: Vec<Role>,
    pub verification_status: VerificationStatus,
    /// Agreement kinds whose current version the doctor has not accepted yet.
    pub pending_agreements: Vec<crate::agreements::AgreementKind>,
    /// The separate consent to process health data holds (false once withdrawn, until
    /// given again): consultations, patients and follow-ups need it.
    pub health_data_consent: bool,
    /// Set while a deletion of the account waits out its cooling-off: when it takes effect.
    /// Until then consultations, patients and follow-ups are paused and the doctor can
    /// cancel it (`DELETE /me/deletion`).
    #[serde(default, with = "crate::time::utc_option")]
    pub deletion_takes_effect_at: Option<DateTime<Utc>>,
    /// Notifications not read yet (the badge in the shell).
    pub unread_notifications: u32,
    /// Signed in with a one-time password (a reviewer created by the hospital's
    /// administrator): the console stays closed until a password of one's own is set.
    #[serde(default)]
    pub password_must_change: bool,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
}

/// `GET /dev/sms-outbox?phone=` (dev servers only): the latest code sent to a phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevSmsMessage {
    pub phone: String,
    pub purpose: SmsPurpose,
    pub code: String,
    #[serde(with = "crate::time::utc")]
    pub sent_at: DateTime<Utc>,
}

/// `GET /dev/sms-notices?phone=` (dev servers only): the latest notice (not a code, e.g.
/// a follow-up reminder) sent to a phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevSmsNotice {
    pub phone: String,
    pub text: String,
    #[serde(with = "crate::time::utc")]
    pub sent_at: DateTime<Utc>,
}

/// `GET /health`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::FieldError;

    #[test]
    fn login_needs_exactly_one_secret() {
        let base = LoginRequest {
            phone: "13800138000".into(),
            password: None,
            sms_code: None,
            remember: false,
        };
        assert_eq!(base.validate(), vec![("password", FieldError::Required)]);
        let both = LoginRequest {
            password: Some("abcd1234".into()),
            sms_code: Some("123456".into()),
            ..base.clone()
        };
        assert_eq!(both.validate(), vec![("password", FieldError::Required)]);
        let pw = LoginRequest {
            password: Some("x".into()),
            ..base.clone()
        };
        assert!(pw.validate().is_empty());
        let code = LoginRequest {
            sms_code: Some("12".into()),
            ..base
        };
        assert_eq!(
            code.validate(),
            vec![("sms_code", FieldError::SmsCodeInvalid)]
        );
    }

    #[test]
    fn register_reports_every_field() {
        let r = RegisterRequest {
            phone: "123".into(),
            sms_code: "".into(),
            password: "short".into(),
        };
        let fields: Vec<_> = r.validate().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["phone", "sms_code", "password"]);
    }

    #[test]
    fn login_request_json_omits_unused_secret() {
        let json = r#"{"phone":"13800138000","sms_code":"123456"}"#;
        let r: LoginRequest = serde_json::from_str(json).unwrap();
        assert_eq!(r.sms_code.as_deref(), Some("123456"));
        assert!(!r.remember);
    }
}

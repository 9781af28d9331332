//! My activity (`GET /me/activity`): the doctor's own audit trail — sign-ins, security
//! changes, acceptances and consent records, consultation decisions, phone reveals —
//! newest first, filtered by kind and China dates, also as CSV.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Lang;

/// The filter groups of the trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Signing up, in and out, and wrong passwords given for the account.
    SignIn,
    /// Password, phone number, devices signed out, deletion asked for or cancelled.
    Security,
    /// Agreement versions accepted, the health-data consent withdrawn or given again.
    Agreements,
    /// Consultations accepted, declined, asked for more, ended with advice.
    Consultations,
    /// Patients' phone numbers revealed.
    Patients,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::SignIn,
        ActivityKind::Security,
        ActivityKind::Agreements,
        ActivityKind::Consultations,
        ActivityKind::Patients,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::SignIn => "sign_in",
            ActivityKind::Security => "security",
            ActivityKind::Agreements => "agreements",
            ActivityKind::Consultations => "consultations",
            ActivityKind::Patients => "patients",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ActivityKind::SignIn => lang.pick("登录", "Sign-ins"),
            ActivityKind::Security => lang.pick("账号安全", "Security"),
            ActivityKind::Agreements => lang.pick("协议与授权", "Agreements and consent"),
            ActivityKind::Consultations => lang.pick("问诊", "Consultations"),
            ActivityKind::Patients => lang.pick("患者", "Patients"),
        }
    }
}

/// What happened, in words, by its `action` key (the same words on the page and in the
/// CSV); an unknown key reads as itself.
pub fn action_label(action: &str, lang: Lang) -> &str {
    let (zh, en) = match action {
        "sign_up" => ("注册账号", "Signed up"),
        "sign_in" => ("登录", "Signed in"),
        "sign_in_failed" => ("密码错误的登录尝试", "Sign-in with a wrong password"),
        "sign_out" => ("退出登录", "Signed out"),
        "password_changed" => ("修改密码", "Changed the password"),
        "password_reset" => ("通过验证码重设密码", "Reset the password by SMS code"),
        "phone_changed" => ("更换手机号", "Changed the mobile number"),
        "session_ended" => ("退出了一台设备", "Signed a device out"),
        "sessions_ended" => ("退出了其他所有设备", "Signed all other devices out"),
        "deletion_requested" => ("申请注销账号", "Asked to delete the account"),
        "deletion_cancelled" => ("撤销注销", "Cancelled the deletion"),
        "appeal_filed" => ("有人申诉改绑手机号", "Someone appealed to move the account"),
        "appeal_approved" => (
            "申诉通过，已改绑手机号",
            "Appeal approved: the account moved",
        ),
        "appeal_rejected" => ("申诉未通过", "Appeal rejected"),
        "accepted" => ("同意协议", "Accepted an agreement"),
        "consent_withdrawn" => ("撤回健康数据处理授权", "Withdrew the health-data consent"),
        "consent_given" => ("重新授权健康数据处理", "Gave the health-data consent again"),
        "accept" => ("接诊", "Accepted a consultation"),
        "decline" => ("拒绝问诊", "Declined a consultation"),
        "ask" => ("请患者补充资料", "Asked the patient for more"),
        "close" => ("结束问诊并给出建议", "Ended a consultation with advice"),
        "reveal_phone" => ("查看患者手机号", "Revealed a patient's number"),
        other => return other,
    };
    lang.pick(zh, en)
}

/// One thing the doctor (or someone with the account's password) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityEntry {
    /// Unique in the trail (source and row).
    pub id: String,
    pub kind: ActivityKind,
    /// The key `action_label` reads, e.g. `sign_in`, `accepted`, `close`.
    pub action: String,
    /// `action` in words, in the language the request asked for (`Accept-Language`): the
    /// words live on the server, not in the app's first download.
    pub label: String,
    /// What it concerned, without personal data: the sign-in method, the agreement and
    /// version, the masked new number, how many devices.
    pub detail: String,
    pub consultation_id: Option<i64>,
    pub patient_id: Option<i64>,
    #[serde(with = "crate::time::utc")]
    pub at: DateTime<Utc>,
    /// Where it came from (the network only), when known.
    pub ip_masked: Option<String>,
    /// "browser · system" read off the user agent, when known.
    pub device_name: Option<String>,
}

/// `GET /me/activity`: a page, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityPage {
    pub items: Vec<ActivityEntry>,
    /// Pass as `cursor` for the next page; unset on the last.
    pub next_cursor: Option<String>,
}

/// A CSV field as a spreadsheet should read it: quoted when needed, and never a formula
/// (a user agent is anyone's text).
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("登录"), "登录");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }

    #[test]
    fn kinds_and_actions_read_in_both_languages() {
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(kind.as_str()), Some(kind));
            assert_ne!(kind.label(Lang::Zh), kind.label(Lang::En));
        }
        assert_eq!(action_label("sign_in", Lang::Zh), "登录");
        assert_eq!(action_label("unknown_key", Lang::En), "unknown_key");
    }
}

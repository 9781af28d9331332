//! The doctor's own account: password, phone number and the devices signed in
//! (`/me/password`, `/me/phone`, `/me/sessions`), and deleting it (`deletion`).

pub mod activity;
pub mod appeal;
pub mod deletion;
pub mod notifications;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{self, check, FieldError, FieldErrors};

/// `PUT /me/password`: the current password proves it is the doctor at the keyboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

impl PasswordChange {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.current_password.is_empty() {
            errors.push(("current_password", FieldError::Required));
        }
        check(
            &mut errors,
            "new_password",
            validate::password(&self.new_password),
        );
        if errors.is_empty() && self.new_password == self.current_password {
            errors.push(("new_password", FieldError::SameAsCurrent));
        }
        errors
    }
}

/// `PUT /me/phone`: a code sent to the new number (purpose `change_phone`) and the
/// current password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneChange {
    pub new_phone: String,
    pub sms_code: String,
    pub current_password: String,
}

impl PhoneChange {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(&mut errors, "new_phone", validate::phone(&self.new_phone));
        check(&mut errors, "sms_code", validate::sms_code(&self.sms_code));
        if self.current_password.is_empty() {
            errors.push(("current_password", FieldError::Required));
        }
        errors
    }
}

/// What ending sessions left: how many other devices were signed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsEnded {
    pub ended: u32,
}

/// Where the health-data consent stands (`POST /me/consent-withdrawals`, `POST /me/consents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthConsent {
    pub given: bool,
    /// When it was last withdrawn or given again; unset while only the privacy policy's
    /// acceptance gave it.
    #[serde(default, with = "crate::time::utc_option")]
    pub changed_at: Option<DateTime<Utc>>,
}

/// The kind of device a session was started from, read off its user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Phone,
    Tablet,
    Computer,
    Unknown,
}

/// One place the doctor is signed in (`GET /me/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// Opaque; what `DELETE /me/sessions/{id}` takes.
    pub id: String,
    pub device: DeviceKind,
    /// Browser and system, e.g. "微信 · iPhone" / "Chrome · Windows".
    pub device_name: String,
    /// Only the network part, e.g. `203.0.113.*`.
    pub ip_masked: String,
    #[serde(with = "crate::time::utc")]
    pub signed_in_at: DateTime<Utc>,
    #[serde(with = "crate::time::utc")]
    pub last_seen_at: DateTime<Utc>,
    /// The session making this request.
    pub current: bool,
}

/// Reads a user agent as a device kind and a short "browser · system" name; WeChat's
/// in-app browser first, since that is where most doctors are.
pub fn describe_device(user_agent: &str) -> (DeviceKind, String) {
    let ua = user_agent;
    let has = |s: &str| ua.contains(s);
    let system = if has("iPhone") {
        "iPhone"
    } else if has("iPad") {
        "iPad"
    } else if has("Android") {
        "Android"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "macOS"
    } else if has("HarmonyOS") || has("OpenHarmony") {
        "HarmonyOS"
    } else if has("Linux") {
        "Linux"
    } else {
        ""
    };
    let browser = if has("MicroMessenger") {
        "微信"
    } else if has("Edg/") {
        "Edge"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") || has("CriOS/") {
        "Chrome"
    } else if has("Safari/") || has("AppleWebKit") {
        "Safari"
    } else {
        ""
    };
    let kind = match system {
        "iPhone" => DeviceKind::Phone,
        "iPad" => DeviceKind::Tablet,
        "Android" if has("Mobile") => DeviceKind::Phone,
        "Android" => DeviceKind::Tablet,
        "Windows" | "macOS" | "Linux" => DeviceKind::Computer,
        _ if has("Mobile") => DeviceKind::Phone,
        _ => DeviceKind::Unknown,
    };
    let name = match (browser, system) {
        ("", "") => String::new(),
        (b, "") => b.to_owned(),
        ("", s) => s.to_owned(),
        (b, s) => format!("{b} · {s}"),
    };
    (kind, name)
}

/// Hides the host part of an address: `203.0.113.7` → `203.0.113.*`,
/// `2001:db8:1:2::5` → `2001:db8:1:*`.
pub fn mask_ip(ip: &str) -> String {
    if let Some((net, _)) = ip.rsplit_once('.').filter(|_| !ip.contains(':')) {
        return format!("{net}.*");
    }
    if ip.contains(':') {
        let groups: Vec<&str> = ip.split(':').filter(|g| !g.is_empty()).take(3).collect();
        return format!("{}:*", groups.join(":"));
    }
    "*".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_must_differ_and_be_strong() {
        let same = PasswordChange {
            current_password: "doctor2026".into(),
            new_password: "doctor2026".into(),
        };
        assert_eq!(
            same.validate(),
            vec![("new_password", FieldError::SameAsCurrent)]
        );
        let weak = PasswordChange {
            current_password: "".into(),
            new_password: "short".into(),
        };
        let fields: Vec<_> = weak.validate().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["current_password", "new_password"]);
    }

    #[test]
    fn devices_are_named_from_their_user_agent() {
        let wechat_iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47";
        assert_eq!(
            describe_device(wechat_iphone),
            (DeviceKind::Phone, "微信 · iPhone".into())
        );
        let chrome_windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
        assert_eq!(
            describe_device(chrome_windows),
            (DeviceKind::Computer, "Chrome · Windows".into())
        );
        assert_eq!(describe_device(""), (DeviceKind::Unknown, String::new()));
        assert_eq!(
            describe_device("curl/8.0"),
            (DeviceKind::Unknown, String::new())
        );
    }

    #[test]
    fn addresses_keep_only_their_network() {
        assert_eq!(mask_ip("203.0.113.7"), "203.0.113.*");
        assert_eq!(mask_ip("2001:db8:1:2::5"), "2001:db8:1:*");
        assert_eq!(mask_ip("unknown"), "*");
    }
}

//! Notifications (`/me/notifications`): one place for everything the platform tells the
//! doctor — new consultations and deadlines close, review results, documents about to
//! expire, follow-up visits due, agreement updates — each linking to where to act; kept
//! 90 days.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Lang;

/// How long a notification is kept.
pub const KEPT_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A patient asked for a consultation (`subject_id`: the consultation).
    NewConsultation,
    /// The hospital decided the verification (`detail`: `approved` or `rejected`).
    VerificationResult,
    /// The hospital decided a post (`subject_id`: the post; `detail`: `approved` or
    /// `rejected`).
    PostResult,
    /// A licence expires soon (`subject_id`: the document; `detail`: days left, 30/7/1).
    DocumentExpiring,
    /// Follow-up visits are due today (`detail`: how many).
    FollowUpsDue,
    /// A new version of an agreement waits to be accepted (`detail`: `kind version`).
    AgreementUpdate,
    /// The hospital decided an appeal to move the account to a new number (`subject_id`:
    /// the appeal; `detail`: `approved` or `rejected`).
    AppealResult,
    /// A consultation's deadline is less than `DEADLINE_WARNING_HOURS` away (`subject_id`:
    /// the consultation; `detail`: `new`, to accept by then, or `ongoing`, to reply by
    /// then), after which the server closes and refunds it.
    DeadlineClose,
}

/// How long before a consultation's deadline the doctor is told.
pub const DEADLINE_WARNING_HOURS: i64 = 2;

/// What a notification says, in `lang`. Written by the server into each notification it
/// sends, so the app's first download carries none of these words.
pub fn words(kind: NotificationKind, detail: &str, lang: Lang) -> String {
    let d = detail;
    let fixed = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_owned();
    match kind {
        NotificationKind::NewConsultation => {
            fixed("有新的问诊申请", "A patient asked for a consultation")
        }
        NotificationKind::VerificationResult if d == "approved" => {
            fixed("您的资质审核已通过", "Your verification was approved")
        }
        NotificationKind::VerificationResult => fixed(
            "您的资质审核未通过，请查看原因并重新提交",
            "Your verification was not approved: see why and submit again",
        ),
        NotificationKind::PostResult if d == "approved" => fixed(
            "您的文章已通过审核并发布",
            "Your post was approved and published",
        ),
        NotificationKind::PostResult => fixed(
            "您的文章未通过审核，请查看原因",
            "Your post was not approved: see why",
        ),
        NotificationKind::DocumentExpiring => match lang {
            Lang::Zh => format!("您的证件将在 {d} 天后到期，请及时更新"),
            Lang::En => format!("A licence of yours expires in {d} days: renew it in time"),
        },
        NotificationKind::FollowUpsDue => match lang {
            Lang::Zh => format!("今天有 {d} 个随访到期"),
            Lang::En => format!("{d} follow-up visits are due today"),
        },
        NotificationKind::AgreementUpdate => match lang {
            Lang::Zh => format!("协议有新版本（{d}），请阅读并同意"),
            Lang::En => format!("A new agreement version ({d}) waits for you to read and accept"),
        },
        NotificationKind::AppealResult if d == "approved" => fixed(
            "账号申诉已通过，账号已改绑新手机号",
            "Your appeal was approved: the account moved to the new number",
        ),
        NotificationKind::AppealResult => fixed(
            "有一份改绑您账号手机号的申诉未通过",
            "An appeal to move your account to another number was rejected",
        ),
        NotificationKind::DeadlineClose if d == "new" => fixed(
            "一个问诊申请将在 2 小时内超时，请尽快接诊，超时将自动退款",
            "A consultation request times out within 2 hours: accept it soon, or it is refunded",
        ),
        NotificationKind::DeadlineClose => fixed(
            "一个问诊将在 2 小时内因未回复自动结束，请尽快回复",
            "A consultation ends within 2 hours without your reply: answer it soon",
        ),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub subject_id: Option<i64>,
    pub detail: String,
    /// What it says, in the language the request asked for (`Accept-Language`).
    pub text: String,
    /// Where to act, a path of the app.
    pub link: String,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// `GET /me/notifications`: newest first, with the unread count for the badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub unread: u32,
    pub next_cursor: Option<String>,
}

/// `POST /me/notifications/read`: these, or all.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkRead {
    #[serde(default)]
    pub ids: Vec<i64>,
    #[serde(default)]
    pub all: bool,
}

/// What is left unread after marking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unread {
    pub unread: u32,
}

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Lang;

/// The one error shape of the API: `{"error":{"code","message","fields"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// A sentence for the user, in the language the request asked for.
    pub message: String,
    /// Per-field messages, keyed by the JSON field name of the request.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// Machine-readable error codes. Clients branch on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// One or more fields are invalid; see `fields`.
    ValidationFailed,
    /// The body is not valid JSON or not the expected shape.
    MalformedBody,
    /// No valid session.
    Unauthorized,
    /// The CSRF header is missing or does not match the cookie.
    CsrfFailed,
    Forbidden,
    /// The hospital has not (or no longer) verified this doctor.
    VerificationRequired,
    /// The doctor has not accepted the current service agreement or privacy policy.
    AgreementRequired,
    /// The agreement version is no longer (or not yet) the current one.
    AgreementOutdated,
    NotFound,
    /// The route exists but not with this HTTP method.
    MethodNotAllowed,
    /// The phone number already has an account.
    PhoneTaken,
    /// The phone number has no account.
    PhoneNotRegistered,
    /// Phone and password (or code) do not match.
    InvalidCredentials,
    /// The SMS code is wrong, expired or already used.
    SmsCodeInvalid,
    /// Too many requests; see `Retry-After`.
    RateLimited,
    /// Too many failed sign-ins for this phone; see `Retry-After`.
    LoginLocked,
    PayloadTooLarge,
    UnsupportedMediaType,
    /// The uploaded file is not a JPEG, PNG, WebP or PDF (judged by its content).
    UnsupportedFileType,
    /// The uploaded file has no content.
    EmptyFile,
    Conflict,
    /// The change is not allowed while the hospital reviews the submission (credentials or a
    /// post).
    UnderReview,
    /// An approved document cannot be changed.
    DocumentLocked,
    /// A required document is missing, or the profile is not filled in.
    Incomplete,
    /// The consultation or post is not in a state that allows this (e.g. accepting a closed
    /// consultation, withdrawing a post that is not public).
    InvalidTransition,
    /// Accepting needs the doctor's confirmation that this is a follow-up.
    FollowUpUnconfirmed,
    /// The patient gave no record of the offline diagnosis: not a follow-up to accept.
    EvidenceMissing,
    /// The doctor does not take 图文 consultations now (service off or not verified).
    ServiceUnavailable,
    /// The doctor's daily limit of new consultations is reached.
    DailyLimitReached,
    /// After verification the identity fields (real name, sex, ID number) cannot change.
    ProfileLocked,
    /// A reviewer never decides their own submission.
    OwnSubmission,
    /// Nothing in the submission is left for a reviewer to decide.
    NothingToReview,
    /// Someone decided this already (another reviewer, or a double submit).
    AlreadyDecided,
    /// A list is full (e.g. 50 quick replies): remove one first.
    LimitReached,
    /// Another item of the list already has this name (e.g. a tag).
    NameTaken,
    /// The post has compliance errors, or warnings the doctor did not keep; see `fields`.
    ComplianceBlocked,
    /// The post is gone from public view (withdrawn or deleted).
    Gone,
    /// The database is busy with a long write: try again after `Retry-After` seconds.
    Busy,
    /// The server's disk is full: nothing was stored, try again later.
    StorageFull,
    /// The doctor withdrew the consent to process health data: consultations, patients and
    /// follow-ups wait until it is given again (我的协议).
    ConsentWithdrawn,
    /// The current password given to confirm a change is wrong (`fields` names it).
    WrongPassword,
    /// The account is to be deleted after its cooling-off: consultations, patients and
    /// follow-ups are paused until the deletion is cancelled (`DELETE /me/deletion`).
    DeletionPending,
    /// Something must be finished before the account can be deleted
    /// (`GET /me/deletion` lists it).
    DeletionBlocked,
    /// Signed in with a one-time password: set one of your own first (`PUT /me/password`).
    PasswordChangeRequired,
    /// An appeal for this ID number is already waiting for a reviewer.
    AppealPending,
    /// The appeal's name and ID number match no account: it can only be rejected.
    AppealUnmatched,
    /// Something broke on our side; the log has the details under the request id.
    Internal,
}

impl ErrorCode {
    /// HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::ValidationFailed => 422,
            ErrorCode::MalformedBody => 400,
            ErrorCode::Unauthorized | ErrorCode::InvalidCredentials => 401,
            ErrorCode::CsrfFailed
            | ErrorCode::Forbidden
            | ErrorCode::VerificationRequired
            | ErrorCode::AgreementRequired => 403,
            ErrorCode::NotFound | ErrorCode::PhoneNotRegistered => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::PhoneTaken
            | ErrorCode::Conflict
            | ErrorCode::UnderReview
            | ErrorCode::DocumentLocked
            | ErrorCode::Incomplete
            | ErrorCode::AgreementOutdated
            | ErrorCode::InvalidTransition
            | ErrorCode::EvidenceMissing
            | ErrorCode::ServiceUnavailable
            | ErrorCode::DailyLimitReached
            | ErrorCode::ProfileLocked
            | ErrorCode::NothingToReview
            | ErrorCode::AlreadyDecided
            | ErrorCode::LimitReached
            | ErrorCode::NameTaken
            | ErrorCode::DeletionBlocked
            | ErrorCode::AppealPending
            | ErrorCode::AppealUnmatched => 409,
            ErrorCode::OwnSubmission
            | ErrorCode::ConsentWithdrawn
            | ErrorCode::DeletionPending
            | ErrorCode::PasswordChangeRequired => 403,
            ErrorCode::FollowUpUnconfirmed | ErrorCode::ComplianceBlocked => 422,
            ErrorCode::Gone => 410,
            ErrorCode::Busy => 503,
            ErrorCode::StorageFull => 507,
            ErrorCode::SmsCodeInvalid | ErrorCode::EmptyFile | ErrorCode::WrongPassword => 422,
            ErrorCode::RateLimited | ErrorCode::LoginLocked => 429,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType | ErrorCode::UnsupportedFileType => 415,
            ErrorCode::Internal => 500,
        }
    }

    /// Default user-facing message.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            ErrorCode::ValidationFailed => {
                lang.pick("请检查标记的内容", "Please check the highlighted fields")
            }
            ErrorCode::MalformedBody => lang.pick("请求格式不正确", "The request is malformed"),
            ErrorCode::Unauthorized => lang.pick("请先登录", "Please sign in first"),
            ErrorCode::CsrfFailed => lang.pick(
                "页面已过期，请刷新后重试",
                "This page has expired; reload it and try again",
            ),
            ErrorCode::Forbidden => lang.pick("没有权限执行此操作", "You may not do that"),
            ErrorCode::VerificationRequired => lang.pick(
                "请先完成资质认证（或更新已过期的证件）",
                "Get your credentials verified first (or renew expired documents)",
            ),
            ErrorCode::AgreementRequired => lang.pick(
                "请先阅读并同意最新的服务协议和隐私政策",
                "Read and accept the current service agreement and privacy policy first",
            ),
            ErrorCode::AgreementOutdated => lang.pick(
                "协议已更新，请阅读最新版本后再同意",
                "The agreement has been updated; read the current version before accepting",
            ),
            ErrorCode::NotFound => lang.pick("内容不存在", "Not found"),
            ErrorCode::MethodNotAllowed => {
                lang.pick("不支持该请求方式", "This method is not allowed here")
            }
            ErrorCode::PhoneTaken => lang.pick(
                "该手机号已注册，请直接登录",
                "This phone number is already registered; please sign in",
            ),
            ErrorCode::PhoneNotRegistered => {
                lang.pick("该手机号尚未注册", "This phone number is not registered")
            }
            ErrorCode::InvalidCredentials => {
                lang.pick("手机号或密码不正确", "Wrong phone number or password")
            }
            ErrorCode::SmsCodeInvalid => lang.pick(
                "验证码错误或已失效，请重新获取",
                "The code is wrong or has expired; request a new one",
            ),
            ErrorCode::RateLimited => lang.pick(
                "操作过于频繁，请稍后再试",
                "Too many requests; try again later",
            ),
            ErrorCode::LoginLocked => lang.pick(
                "登录失败次数过多，请 15 分钟后再试或使用验证码登录",
                "Too many failed sign-ins; try again in 15 minutes",
            ),
            ErrorCode::PayloadTooLarge => lang.pick(
                "文件过大（不超过 10 MB）",
                "The file is too large (10 MB at most)",
            ),
            ErrorCode::EmptyFile => lang.pick("文件是空的", "The file is empty"),
            ErrorCode::UnsupportedMediaType => {
                lang.pick("不支持的请求内容类型", "This content type is not supported")
            }
            ErrorCode::UnsupportedFileType => lang.pick(
                "仅支持 JPG、PNG、WebP 图片或 PDF 文件",
                "Only JPG, PNG or WebP photos and PDF files are accepted",
            ),
            ErrorCode::Conflict => lang.pick(
                "内容已被修改，请刷新后重试",
                "This changed meanwhile; reload and try again",
            ),
            ErrorCode::UnderReview => lang.pick(
                "审核中，暂不能修改",
                "This is under review; changes must wait",
            ),
            ErrorCode::DocumentLocked => lang.pick(
                "已审核通过的证件不能修改",
                "An approved document cannot be changed",
            ),
            ErrorCode::Incomplete => lang.pick(
                "请先完善个人资料并上传全部必需证件",
                "Complete the profile and upload every required document first",
            ),
            ErrorCode::InvalidTransition => lang.pick(
                "状态已变化，无法执行此操作，请刷新",
                "This has changed and the action is no longer possible; reload it",
            ),
            ErrorCode::FollowUpUnconfirmed => lang.pick(
                "请确认这是对所示线下诊断的复诊",
                "Confirm that this is a follow-up of the offline diagnosis shown",
            ),
            ErrorCode::EvidenceMissing => lang.pick(
                "患者未提供线下诊断资料，不能按复诊接诊",
                "The patient gave no record of an offline diagnosis: this cannot be accepted as a follow-up",
            ),
            ErrorCode::ServiceUnavailable => lang.pick(
                "该医生暂不接受图文问诊",
                "This doctor does not take consultations at the moment",
            ),
            ErrorCode::DailyLimitReached => lang.pick(
                "该医生今日问诊已满，请明天再试",
                "This doctor takes no more consultations today; try again tomorrow",
            ),
            ErrorCode::ProfileLocked => lang.pick(
                "认证通过后，姓名、性别和身份证号不能修改",
                "After verification your name, sex and ID number cannot be changed",
            ),
            ErrorCode::OwnSubmission => lang.pick(
                "不能审核自己提交的内容",
                "You cannot review your own submission",
            ),
            ErrorCode::NothingToReview => lang.pick(
                "没有需要审核的内容",
                "There is nothing to review",
            ),
            ErrorCode::AlreadyDecided => lang.pick(
                "已有审核结果，请刷新",
                "This has been decided already; reload",
            ),
            ErrorCode::LimitReached => lang.pick(
                "已达数量上限，请先删除一些再添加",
                "The list is full; remove an item before adding another",
            ),
            ErrorCode::NameTaken => lang.pick(
                "已有同名标签，请换一个名称",
                "A tag with this name exists; choose another name",
            ),
            ErrorCode::ComplianceBlocked => lang.pick(
                "内容未通过合规检查：请修改标出的问题，或确认保留提示项",
                "The post fails the compliance check: fix what is marked, or keep the warnings explicitly",
            ),
            ErrorCode::Gone => lang.pick("内容已下架", "This post has been taken down"),
            ErrorCode::Busy => lang.pick("系统繁忙，请稍后重试", "The system is busy: please try again shortly"),
            ErrorCode::StorageFull => lang.pick(
                "服务器存储空间不足，未能保存，请稍后重试",
                "The server is out of storage: nothing was saved, please try again later",
            ),
            ErrorCode::ConsentWithdrawn => lang.pick(
                "您已撤回健康数据处理授权，问诊、患者和随访已暂停。可在“我的协议”中重新授权。",
                "You withdrew consent to process health data: consultations, patients and follow-ups are paused. Give it again under My agreements.",
            ),
            ErrorCode::WrongPassword => lang.pick(
                "当前密码不正确",
                "The current password is wrong",
            ),
            ErrorCode::DeletionPending => lang.pick(
                "账号正在注销冷静期，问诊、患者和随访已暂停。可在“注销账号”中撤销注销。",
                "Your account is due to be deleted: consultations, patients and follow-ups are paused. Cancel the deletion under Delete account to go on.",
            ),
            ErrorCode::DeletionBlocked => lang.pick(
                "还有未完成的事项，暂不能注销账号。请先处理页面上列出的事项。",
                "Some things must be finished before the account can be deleted: see the list on the page.",
            ),
            ErrorCode::PasswordChangeRequired => lang.pick(
                "您正在使用一次性密码，请先在“账号与安全”中设置自己的密码。",
                "You signed in with a one-time password: set a password of your own under Security first.",
            ),
            ErrorCode::AppealPending => lang.pick(
                "该身份证号已有一份申诉正在审核，结果会以短信通知，请勿重复提交。",
                "An appeal for this ID number is already being reviewed; the result will come by SMS.",
            ),
            ErrorCode::AppealUnmatched => lang.pick(
                "申诉信息与任何账号都不匹配，只能驳回。",
                "The appeal matches no account; it can only be rejected.",
            ),
            ErrorCode::Internal => lang.pick(
                "服务器开小差了，请稍后再试",
                "Something went wrong on our side; please try again",
            ),
        }
    }
}

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
    Conflict,
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
            ErrorCode::CsrfFailed | ErrorCode::Forbidden => 403,
            ErrorCode::NotFound | ErrorCode::PhoneNotRegistered => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::PhoneTaken | ErrorCode::Conflict => 409,
            ErrorCode::SmsCodeInvalid => 422,
            ErrorCode::RateLimited | ErrorCode::LoginLocked => 429,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
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
            ErrorCode::PayloadTooLarge => lang.pick("文件过大", "The file is too large"),
            ErrorCode::UnsupportedMediaType => {
                lang.pick("不支持的文件类型", "This file type is not supported")
            }
            ErrorCode::Conflict => lang.pick(
                "内容已被修改，请刷新后重试",
                "This changed meanwhile; reload and try again",
            ),
            ErrorCode::Internal => lang.pick(
                "服务器开小差了，请稍后再试",
                "Something went wrong on our side; please try again",
            ),
        }
    }
}

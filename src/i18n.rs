//! Every string of the SPA, in zh-CN (default) and en. A missing translation is a compile
//! error: both catalogs are values of one struct.

use std::cell::Cell;

use doctor_desk_api::Lang;
use leptos::prelude::*;

const STORAGE_KEY: &str = "dd_lang";

pub struct Texts {
    pub app_name: &'static str,
    pub skip_to_content: &'static str,
    pub switch_language: &'static str,
    pub switch_language_label: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub sign_out: &'static str,
    pub signed_out: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub network_error: &'static str,
    pub load_failed: &'static str,

    pub phone: &'static str,
    pub phone_placeholder: &'static str,
    pub password: &'static str,
    pub new_password: &'static str,
    pub password_hint: &'static str,
    pub show_password: &'static str,
    pub hide_password: &'static str,
    pub sms_code: &'static str,
    pub sms_code_placeholder: &'static str,
    pub send_code: &'static str,
    pub resend_in: fn(i64) -> String,
    pub code_sent: &'static str,

    pub login_title: &'static str,
    pub login_subtitle: &'static str,
    pub login_tabs_label: &'static str,
    pub tab_password: &'static str,
    pub tab_sms: &'static str,
    pub remember_me: &'static str,
    pub login_submit: &'static str,
    pub login_pending: &'static str,
    pub no_account: &'static str,
    pub go_register: &'static str,
    pub forgot_password: &'static str,

    pub register_title: &'static str,
    pub register_subtitle: &'static str,
    pub register_submit: &'static str,
    pub register_pending: &'static str,
    pub have_account: &'static str,
    pub go_login: &'static str,

    pub reset_title: &'static str,
    pub reset_subtitle: &'static str,
    pub reset_submit: &'static str,
    pub reset_pending: &'static str,
    pub reset_done: &'static str,
    pub back_to_login: &'static str,

    pub greeting: fn(&str) -> String,
    pub greeting_anonymous: &'static str,
    pub account_phone: &'static str,
    pub verification_title: &'static str,
    pub verification_unverified: &'static str,
    pub verification_pending: &'static str,
    pub verification_verified: &'static str,
    pub verification_rejected: &'static str,
    pub verification_needs_reverification: &'static str,
    pub verification_hint_unverified: &'static str,
    pub verification_hint_pending: &'static str,
    pub verification_hint_verified: &'static str,
    pub verification_hint_rejected: &'static str,
    pub verification_hint_needs_reverification: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub go_home: &'static str,
    pub dismiss: &'static str,
}

pub static ZH: Texts = Texts {
    app_name: "医生工作台",
    skip_to_content: "跳到主要内容",
    switch_language: "English",
    switch_language_label: "Switch to English",
    nav_label: "主导航",
    nav_home: "工作台",
    sign_out: "退出登录",
    signed_out: "已退出登录",
    loading: "加载中…",
    retry: "重试",
    network_error: "网络连接失败，请检查网络后重试",
    load_failed: "加载失败",

    phone: "手机号",
    phone_placeholder: "请输入 11 位手机号",
    password: "密码",
    new_password: "新密码",
    password_hint: "至少 8 位，需同时包含字母和数字",
    show_password: "显示密码",
    hide_password: "隐藏密码",
    sms_code: "验证码",
    sms_code_placeholder: "6 位数字",
    send_code: "获取验证码",
    resend_in: |n| format!("{n} 秒后重发"),
    code_sent: "验证码已发送，5 分钟内有效",

    login_title: "登录医生工作台",
    login_subtitle: "使用注册时的手机号登录",
    login_tabs_label: "登录方式",
    tab_password: "密码登录",
    tab_sms: "验证码登录",
    remember_me: "30 天内保持登录",
    login_submit: "登录",
    login_pending: "正在登录…",
    no_account: "还没有账号？",
    go_register: "注册",
    forgot_password: "忘记密码？",

    register_title: "注册医生账号",
    register_subtitle: "注册后需完成资质认证方可接诊",
    register_submit: "注册",
    register_pending: "正在注册…",
    have_account: "已有账号？",
    go_login: "登录",

    reset_title: "重置密码",
    reset_subtitle: "通过手机验证码设置新密码，其他设备将退出登录",
    reset_submit: "重置密码",
    reset_pending: "正在提交…",
    reset_done: "密码已重置，请使用新密码登录",
    back_to_login: "返回登录",

    greeting: |name| format!("{name}，您好"),
    greeting_anonymous: "医生，您好",
    account_phone: "登录手机号",
    verification_title: "资质认证",
    verification_unverified: "未认证",
    verification_pending: "审核中",
    verification_verified: "已认证",
    verification_rejected: "未通过",
    verification_needs_reverification: "需重新认证",
    verification_hint_unverified: "完成身份与执业资质认证后，才能接诊患者。",
    verification_hint_pending: "资料已提交，医院正在审核。",
    verification_hint_verified: "资质已通过医院审核。",
    verification_hint_rejected: "审核未通过，请按意见修改后重新提交。",
    verification_hint_needs_reverification: "有证件已过期，请更新后重新认证。",

    not_found_title: "页面不存在",
    not_found_body: "您访问的页面不存在或已被移除。",
    go_home: "返回工作台",
    dismiss: "关闭",
};

pub static EN: Texts = Texts {
    app_name: "Doctor Desk",
    skip_to_content: "Skip to main content",
    switch_language: "中文",
    switch_language_label: "切换到中文",
    nav_label: "Main navigation",
    nav_home: "Home",
    sign_out: "Sign out",
    signed_out: "You are signed out",
    loading: "Loading…",
    retry: "Retry",
    network_error: "Network error; check your connection and try again",
    load_failed: "Could not load",

    phone: "Mobile number",
    phone_placeholder: "11-digit mobile number",
    password: "Password",
    new_password: "New password",
    password_hint: "At least 8 characters with letters and digits",
    show_password: "Show password",
    hide_password: "Hide password",
    sms_code: "Verification code",
    sms_code_placeholder: "6 digits",
    send_code: "Get code",
    resend_in: |n| format!("Resend in {n} s"),
    code_sent: "Code sent; valid for 5 minutes",

    login_title: "Sign in to Doctor Desk",
    login_subtitle: "Use the mobile number you registered with",
    login_tabs_label: "Sign-in method",
    tab_password: "Password",
    tab_sms: "SMS code",
    remember_me: "Keep me signed in for 30 days",
    login_submit: "Sign in",
    login_pending: "Signing in…",
    no_account: "No account yet?",
    go_register: "Sign up",
    forgot_password: "Forgot password?",

    register_title: "Create a doctor account",
    register_subtitle: "You can see patients once your credentials are verified",
    register_submit: "Sign up",
    register_pending: "Signing up…",
    have_account: "Already registered?",
    go_login: "Sign in",

    reset_title: "Reset password",
    reset_subtitle: "Set a new password with an SMS code; other devices will be signed out",
    reset_submit: "Reset password",
    reset_pending: "Submitting…",
    reset_done: "Password reset; sign in with the new password",
    back_to_login: "Back to sign in",

    greeting: |name| format!("Hello, {name}"),
    greeting_anonymous: "Hello, doctor",
    account_phone: "Sign-in number",
    verification_title: "Credential verification",
    verification_unverified: "Not verified",
    verification_pending: "Under review",
    verification_verified: "Verified",
    verification_rejected: "Rejected",
    verification_needs_reverification: "Re-verification needed",
    verification_hint_unverified: "Verify your identity and licences before seeing patients.",
    verification_hint_pending: "Submitted; the hospital is reviewing it.",
    verification_hint_verified: "The hospital has verified your credentials.",
    verification_hint_rejected: "Not approved; fix what the reviewer asked and resubmit.",
    verification_hint_needs_reverification: "A document has expired; update it to verify again.",

    not_found_title: "Page not found",
    not_found_body: "The page you asked for does not exist or was removed.",
    go_home: "Back to home",
    dismiss: "Dismiss",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

thread_local! {
    // Mirrors the reactive language for code outside the reactive tree (the API client).
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::Zh) };
}

/// The language in force right now, for non-reactive code.
pub fn current_lang() -> Lang {
    CURRENT.with(Cell::get)
}

/// The language context: the current language, switchable, remembered in localStorage.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn texts(&self) -> &'static Texts {
        texts(self.lang.get())
    }

    pub fn toggle(&self) {
        self.lang.update(|l| {
            *l = match l {
                Lang::Zh => Lang::En,
                Lang::En => Lang::Zh,
            }
        });
    }
}

/// Creates the language context; call once at the root.
pub fn provide_i18n() -> I18n {
    let stored = local_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .map(|tag| Lang::from_accept_language(&tag))
        .unwrap_or_default();
    let i18n = I18n {
        lang: RwSignal::new(stored),
    };
    Effect::new(move || {
        let lang = i18n.lang.get();
        CURRENT.with(|c| c.set(lang));
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(STORAGE_KEY, lang.tag());
        }
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
        document().set_title(texts(lang).app_name);
    });
    CURRENT.with(|c| c.set(stored));
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Reactive access to the catalog: `let t = use_texts(); view! { {move || t().login_title} }`.
pub fn use_texts() -> impl Fn() -> &'static Texts + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.texts()
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

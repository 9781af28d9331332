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

    pub nav_onboarding: &'static str,
    pub avatar: &'static str,
    pub avatar_upload: &'static str,
    pub avatar_saved: &'static str,
    pub nav_review: &'static str,
    pub onboarding_title: &'static str,
    pub steps_label: &'static str,
    pub step_profile: &'static str,
    pub step_documents: &'static str,
    pub step_submit: &'static str,
    pub step_status: &'static str,
    pub choose: &'static str,
    pub real_name: &'static str,
    pub display_name: &'static str,
    pub display_name_hint: &'static str,
    pub gender: &'static str,
    pub gender_male: &'static str,
    pub gender_female: &'static str,
    pub id_number: &'static str,
    pub id_number_hint: &'static str,
    pub hospital: &'static str,
    pub department: &'static str,
    pub title: &'static str,
    pub title_chief: &'static str,
    pub title_associate: &'static str,
    pub title_attending: &'static str,
    pub title_resident: &'static str,
    pub practice_category: &'static str,
    pub practice_category_placeholder: &'static str,
    pub practice_scope: &'static str,
    pub practice_scope_placeholder: &'static str,
    pub years_of_practice: &'static str,
    pub years_hint: &'static str,
    pub specialties: &'static str,
    pub bio: &'static str,
    pub save_and_continue: &'static str,
    pub saving: &'static str,
    pub doc_id_card_front: &'static str,
    pub doc_id_card_back: &'static str,
    pub doc_qualification: &'static str,
    pub doc_practice: &'static str,
    pub doc_professional_title: &'static str,
    pub doc_other: &'static str,
    pub doc_number: &'static str,
    pub doc_expires_on: &'static str,
    pub doc_expires_hint: &'static str,
    pub doc_caption: &'static str,
    pub doc_caption_placeholder: &'static str,
    pub choose_file: &'static str,
    pub choose_again: &'static str,
    pub upload: &'static str,
    pub cancel: &'static str,
    pub delete: &'static str,
    pub replace: &'static str,
    pub preparing: &'static str,
    pub upload_progress_label: &'static str,
    pub unreadable_photo: &'static str,
    pub unsupported_file: &'static str,
    pub view_file: &'static str,
    pub preview_alt: &'static str,
    pub doc_uploaded: &'static str,
    pub doc_submitted: &'static str,
    pub doc_approved: &'static str,
    pub doc_rejected: &'static str,
    pub doc_missing: &'static str,
    pub add_other: &'static str,
    pub next_step: &'static str,
    pub previous_step: &'static str,
    pub submit_title: &'static str,
    pub submit_hint: &'static str,
    pub submit_button: &'static str,
    pub submitting: &'static str,
    pub submitted_toast: &'static str,
    pub status_pending_hint: &'static str,
    pub status_verified_hint: &'static str,
    pub status_rejected_hint: &'static str,
    pub fix_documents: &'static str,
    pub history_title: &'static str,
    pub reason_blurry: &'static str,
    pub reason_incomplete: &'static str,
    pub reason_expired: &'static str,
    pub reason_mismatch: &'static str,
    pub reason_not_own: &'static str,
    pub reason_other: &'static str,
    pub go_onboarding: &'static str,
    pub review_title: &'static str,
    pub queue_empty: &'static str,
    pub open_review: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub rejection_reason: &'static str,
    pub rejection_note: &'static str,
    pub decision_submit: &'static str,
    pub decision_done: &'static str,
    pub decided_before: &'static str,
    pub decision_missing: &'static str,
    pub back_to_queue: &'static str,
    pub phone_label: &'static str,
    pub open_original: &'static str,
    pub step_of: fn(usize, usize) -> String,
    pub uploading_pct: fn(u32) -> String,
    pub compressed: fn(&str, &str) -> String,
    pub missing_count: fn(usize) -> String,
    pub display_name_given: fn(&str) -> String,
    pub id_number_saved: fn(&str) -> String,
    pub expiring_soon: fn(&str, &str) -> String,
    pub expired_on: fn(&str, &str) -> String,
    pub submitted_at: fn(&str) -> String,
    pub decided_at: fn(&str) -> String,
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

    nav_onboarding: "资质认证",
    avatar: "头像",
    avatar_upload: "上传头像",
    avatar_saved: "头像已更新",
    nav_review: "资质审核",
    onboarding_title: "资质认证",
    steps_label: "认证步骤",
    step_profile: "个人资料",
    step_documents: "上传证件",
    step_submit: "提交审核",
    step_status: "审核结果",
    choose: "请选择",
    real_name: "真实姓名",
    display_name: "展示名称",
    display_name_hint: "患者看到的名称，默认与真实姓名相同；重名时系统会自动加上编号",
    gender: "性别",
    gender_male: "男",
    gender_female: "女",
    id_number: "身份证号",
    id_number_hint: "18 位居民身份证号码",
    hospital: "第一执业机构",
    department: "科室",
    title: "职称",
    title_chief: "主任医师",
    title_associate: "副主任医师",
    title_attending: "主治医师",
    title_resident: "住院医师",
    practice_category: "执业类别",
    practice_category_placeholder: "如：临床",
    practice_scope: "执业范围",
    practice_scope_placeholder: "如：内科专业",
    years_of_practice: "独立执业年限",
    years_hint: "开展互联网诊疗需独立执业满 3 年",
    specialties: "擅长",
    bio: "个人简介",
    save_and_continue: "保存并继续",
    saving: "正在保存…",
    doc_id_card_front: "身份证人像面",
    doc_id_card_back: "身份证国徽面",
    doc_qualification: "医师资格证",
    doc_practice: "医师执业证",
    doc_professional_title: "专业技术资格证",
    doc_other: "其他证明材料",
    doc_number: "证书编号",
    doc_expires_on: "有效期至",
    doc_expires_hint: "长期有效可不填",
    doc_caption: "材料名称",
    doc_caption_placeholder: "如：多机构备案表",
    choose_file: "拍照或选择文件",
    choose_again: "重新选择",
    upload: "上传",
    cancel: "取消",
    delete: "删除",
    replace: "更换",
    preparing: "正在处理照片…",
    upload_progress_label: "上传进度",
    unreadable_photo: "无法读取该图片，请换一张 JPG 或 PNG 照片",
    unsupported_file: "请选择照片或 PDF 文件",
    view_file: "查看文件",
    preview_alt: "证件预览",
    doc_uploaded: "待提交",
    doc_submitted: "审核中",
    doc_approved: "已通过",
    doc_rejected: "未通过",
    doc_missing: "未上传",
    add_other: "添加其他材料",
    next_step: "下一步",
    previous_step: "上一步",
    submit_title: "确认并提交审核",
    submit_hint: "提交后医院将审核您的资料，审核期间资料不能修改。",
    submit_button: "提交审核",
    submitting: "正在提交…",
    submitted_toast: "已提交，请等待医院审核",
    status_pending_hint: "医院正在审核您的资料，通常 1–3 个工作日内完成。",
    status_verified_hint: "您的资质已通过审核，可以开展在线复诊。",
    status_rejected_hint: "部分证件未通过审核，请根据原因重新上传后再次提交。",
    fix_documents: "重新上传被驳回的证件",
    history_title: "提交记录",
    reason_blurry: "图片模糊，无法辨认",
    reason_incomplete: "信息不完整",
    reason_expired: "证件已过期",
    reason_mismatch: "与填写的信息不符",
    reason_not_own: "非本人证件",
    reason_other: "其他原因",
    go_onboarding: "去认证",
    review_title: "资质审核",
    queue_empty: "暂无待审核的申请",
    open_review: "审核",
    approve: "通过",
    reject: "驳回",
    rejection_reason: "驳回原因",
    rejection_note: "补充说明",
    decision_submit: "提交审核结果",
    decision_done: "已提交审核结果",
    decided_before: "此前已通过",
    decision_missing: "请为每份证件选择通过或驳回",
    back_to_queue: "返回列表",
    phone_label: "手机号",
    open_original: "查看原图",
    step_of: |n, total| format!("第 {n} 步，共 {total} 步"),
    uploading_pct: |p| format!("正在上传 {p}%"),
    compressed: |a, b| format!("已压缩：{a} → {b}"),
    missing_count: |n| format!("还缺 {n} 项必需证件"),
    display_name_given: |n| format!("已保存。展示名称：{n}"),
    id_number_saved: |m| format!("已保存 {m}；如需修改请重新输入"),
    expiring_soon: |doc, date| format!("{doc}将于 {date} 到期，请及时更新"),
    expired_on: |doc, date| format!("{doc}已于 {date} 过期，请重新上传"),
    submitted_at: |t| format!("提交于 {t}"),
    decided_at: |t| format!("审核于 {t}"),
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

    nav_onboarding: "Verification",
    avatar: "Photo",
    avatar_upload: "Upload a photo",
    avatar_saved: "Photo updated",
    nav_review: "Review",
    onboarding_title: "Credential verification",
    steps_label: "Verification steps",
    step_profile: "Profile",
    step_documents: "Documents",
    step_submit: "Submit",
    step_status: "Result",
    choose: "Please choose",
    real_name: "Legal name",
    display_name: "Display name",
    display_name_hint:
        "What patients see; defaults to your legal name, and gets a number if the name is taken",
    gender: "Sex",
    gender_male: "Male",
    gender_female: "Female",
    id_number: "ID card number",
    id_number_hint: "18-character resident ID number",
    hospital: "Main practice institution",
    department: "Department",
    title: "Title",
    title_chief: "Chief physician",
    title_associate: "Associate chief physician",
    title_attending: "Attending physician",
    title_resident: "Resident physician",
    practice_category: "Practice category",
    practice_category_placeholder: "e.g. Clinical",
    practice_scope: "Practice scope",
    practice_scope_placeholder: "e.g. Internal medicine",
    years_of_practice: "Years of independent practice",
    years_hint: "Online practice needs at least 3 years",
    specialties: "Specialties",
    bio: "Biography",
    save_and_continue: "Save and continue",
    saving: "Saving…",
    doc_id_card_front: "ID card (photo side)",
    doc_id_card_back: "ID card (emblem side)",
    doc_qualification: "Physician qualification certificate",
    doc_practice: "Physician practising certificate",
    doc_professional_title: "Professional title certificate",
    doc_other: "Other document",
    doc_number: "Certificate number",
    doc_expires_on: "Valid until",
    doc_expires_hint: "Leave empty if it does not expire",
    doc_caption: "What it is",
    doc_caption_placeholder: "e.g. Multi-institution filing",
    choose_file: "Take a photo or choose a file",
    choose_again: "Choose another",
    upload: "Upload",
    cancel: "Cancel",
    delete: "Delete",
    replace: "Replace",
    preparing: "Preparing the photo…",
    upload_progress_label: "Upload progress",
    unreadable_photo: "This photo cannot be read; choose a JPG or PNG",
    unsupported_file: "Choose a photo or a PDF file",
    view_file: "Open file",
    preview_alt: "Document preview",
    doc_uploaded: "Not submitted",
    doc_submitted: "Under review",
    doc_approved: "Approved",
    doc_rejected: "Rejected",
    doc_missing: "Not uploaded",
    add_other: "Add another document",
    next_step: "Next",
    previous_step: "Back",
    submit_title: "Confirm and submit",
    submit_hint: "The hospital will review your details; nothing can be changed meanwhile.",
    submit_button: "Submit for review",
    submitting: "Submitting…",
    submitted_toast: "Submitted; the hospital will review it",
    status_pending_hint: "The hospital is reviewing your details, usually within 1–3 working days.",
    status_verified_hint: "You are verified and may see follow-up patients online.",
    status_rejected_hint: "Some documents were rejected; upload them again as asked and resubmit.",
    fix_documents: "Replace the rejected documents",
    history_title: "Submission history",
    reason_blurry: "Blurry or unreadable",
    reason_incomplete: "Information incomplete",
    reason_expired: "Document expired",
    reason_mismatch: "Does not match the profile",
    reason_not_own: "Not the doctor's own document",
    reason_other: "Other reason",
    go_onboarding: "Get verified",
    review_title: "Credential review",
    queue_empty: "Nothing waiting for review",
    open_review: "Review",
    approve: "Approve",
    reject: "Reject",
    rejection_reason: "Reason",
    rejection_note: "Note",
    decision_submit: "Submit decision",
    decision_done: "Decision recorded",
    decided_before: "Approved before",
    decision_missing: "Decide on every document",
    back_to_queue: "Back to the list",
    phone_label: "Phone",
    open_original: "Open full size",
    step_of: |n, total| format!("Step {n} of {total}"),
    uploading_pct: |p| format!("Uploading {p}%"),
    compressed: |a, b| format!("Compressed: {a} → {b}"),
    missing_count: |n| format!("{n} required documents missing"),
    display_name_given: |n| format!("Saved. Display name: {n}"),
    id_number_saved: |m| format!("Saved as {m}; type it again to change it"),
    expiring_soon: |doc, date| format!("{doc} expires on {date}; renew it in time"),
    expired_on: |doc, date| format!("{doc} expired on {date}; upload a new one"),
    submitted_at: |t| format!("Submitted {t}"),
    decided_at: |t| format!("Decided {t}"),
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

/// Reactive access to the catalog: `let t = use_texts(); view! { {tr(|t| t.login_title)} }`.
pub fn use_texts() -> impl Fn() -> &'static Texts + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.texts()
}

/// Text that follows the language, for `view!`: `{tr(|t| t.login_title)}`. Every call
/// returns the same closure type, so the wasm holds one copy of the code that renders
/// text instead of one per string (a `tr(|t| t.x)` closure is a new type each time).
pub fn tr(
    pick: fn(&'static Texts) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || pick(i18n.texts())
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Labels for values of the API.
impl Texts {
    pub fn document_kind(&self, kind: doctor_desk_api::onboarding::DocumentKind) -> &'static str {
        use doctor_desk_api::onboarding::DocumentKind::*;
        match kind {
            IdCardFront => self.doc_id_card_front,
            IdCardBack => self.doc_id_card_back,
            Qualification => self.doc_qualification,
            Practice => self.doc_practice,
            ProfessionalTitle => self.doc_professional_title,
            Other => self.doc_other,
        }
    }

    pub fn document_status(
        &self,
        status: doctor_desk_api::onboarding::DocumentStatus,
    ) -> &'static str {
        use doctor_desk_api::onboarding::DocumentStatus::*;
        match status {
            Uploaded => self.doc_uploaded,
            Submitted => self.doc_submitted,
            Approved => self.doc_approved,
            Rejected => self.doc_rejected,
        }
    }

    pub fn rejection_reason(
        &self,
        reason: doctor_desk_api::onboarding::RejectionReason,
    ) -> &'static str {
        use doctor_desk_api::onboarding::RejectionReason::*;
        match reason {
            Blurry => self.reason_blurry,
            Incomplete => self.reason_incomplete,
            Expired => self.reason_expired,
            Mismatch => self.reason_mismatch,
            NotOwn => self.reason_not_own,
            Other => self.reason_other,
        }
    }

    pub fn title_name(&self, title: doctor_desk_api::onboarding::Title) -> &'static str {
        use doctor_desk_api::onboarding::Title::*;
        match title {
            ChiefPhysician => self.title_chief,
            AssociateChiefPhysician => self.title_associate,
            AttendingPhysician => self.title_attending,
            ResidentPhysician => self.title_resident,
        }
    }

    pub fn verification_status(
        &self,
        status: doctor_desk_api::auth::VerificationStatus,
    ) -> &'static str {
        use doctor_desk_api::auth::VerificationStatus::*;
        match status {
            Unverified => self.verification_unverified,
            Pending => self.verification_pending,
            Verified => self.verification_verified,
            Rejected => self.verification_rejected,
            NeedsReverification => self.verification_needs_reverification,
        }
    }

    pub fn verification_hint(
        &self,
        status: doctor_desk_api::auth::VerificationStatus,
    ) -> &'static str {
        use doctor_desk_api::auth::VerificationStatus::*;
        match status {
            Unverified => self.verification_hint_unverified,
            Pending => self.verification_hint_pending,
            Verified => self.verification_hint_verified,
            Rejected => self.verification_hint_rejected,
            NeedsReverification => self.verification_hint_needs_reverification,
        }
    }
}

//! Every string of the SPA, in zh-CN (default) and en. A missing translation is a compile
//! error: each entry of the catalog below takes both. Every text is a method of its own,
//! so the code that shows a text sits with its page (in the lazy routes' chunks too) and
//! unused texts are dropped at link time. (The strings themselves are constant data, which
//! stays in the main wasm module: wasm-split moves code, not data.)

use std::cell::Cell;

use doctor_desk_api::Lang;
use leptos::prelude::*;

const STORAGE_KEY: &str = "dd_lang";

/// The catalog in one language: `t.login_title()`, `t.unread(3)`.
pub struct Texts(Lang);

pub static ZH: Texts = Texts(Lang::Zh);
pub static EN: Texts = Texts(Lang::En);

/// `name: "中文", "English";`
macro_rules! strings {
    ($($name:ident: $zh:expr, $en:expr;)*) => {
        impl Texts {
            $(
                pub fn $name(&self) -> &'static str {
                    match self.0 {
                        Lang::Zh => $zh,
                        Lang::En => $en,
                    }
                }
            )*
        }
    };
}

/// `name(arg: Type): |arg| format!(…), |arg| format!(…);`
macro_rules! formats {
    ($($name:ident($($arg:ident: $ty:ty),*): $zh:expr, $en:expr;)*) => {
        impl Texts {
            $(
                pub fn $name(&self, $($arg: $ty),*) -> String {
                    let format: fn($($ty),*) -> String = match self.0 {
                        Lang::Zh => $zh,
                        Lang::En => $en,
                    };
                    format($($arg),*)
                }
            )*
        }
    };
}

strings! {
    app_name: "医生工作台", "Doctor Desk";
    skip_to_content: "跳到主要内容", "Skip to main content";
    switch_language: "English", "中文";
    switch_language_label: "Switch to English", "切换到中文";
    nav_label: "主导航", "Main navigation";
    nav_home: "工作台", "Home";
    sign_out: "退出登录", "Sign out";
    signed_out: "已退出登录", "You are signed out";
    loading: "加载中…", "Loading…";
    retry: "重试", "Retry";
    network_error: "网络连接失败，请检查网络后重试", "Network error; check your connection and try again";
    load_failed: "加载失败", "Could not load";

    phone: "手机号", "Mobile number";
    phone_placeholder: "请输入 11 位手机号", "11-digit mobile number";
    password: "密码", "Password";
    new_password: "新密码", "New password";
    password_hint: "至少 8 位，需同时包含字母和数字", "At least 8 characters with letters and digits";
    show_password: "显示密码", "Show password";
    hide_password: "隐藏密码", "Hide password";
    sms_code: "验证码", "Verification code";
    sms_code_placeholder: "6 位数字", "6 digits";
    send_code: "获取验证码", "Get code";
    code_sent: "验证码已发送，5 分钟内有效", "Code sent; valid for 5 minutes";

    login_title: "登录医生工作台", "Sign in to Doctor Desk";
    login_subtitle: "使用注册时的手机号登录", "Use the mobile number you registered with";
    login_tabs_label: "登录方式", "Sign-in method";
    tab_password: "密码登录", "Password";
    tab_sms: "验证码登录", "SMS code";
    remember_me: "30 天内保持登录", "Keep me signed in for 30 days";
    login_submit: "登录", "Sign in";
    login_pending: "正在登录…", "Signing in…";
    no_account: "还没有账号？", "No account yet?";
    go_register: "注册", "Sign up";
    forgot_password: "忘记密码？", "Forgot password?";

    register_title: "注册医生账号", "Create a doctor account";
    register_subtitle: "注册后需完成资质认证方可接诊", "You can see patients once your credentials are verified";
    register_submit: "注册", "Sign up";
    register_pending: "正在注册…", "Signing up…";
    have_account: "已有账号？", "Already registered?";
    go_login: "登录", "Sign in";

    reset_title: "重置密码", "Reset password";
    reset_subtitle:
        "通过手机验证码设置新密码，其他设备将退出登录",
        "Set a new password with an SMS code; other devices will be signed out";
    reset_submit: "重置密码", "Reset password";
    reset_pending: "正在提交…", "Submitting…";
    reset_done: "密码已重置，请使用新密码登录", "Password reset; sign in with the new password";
    back_to_login: "返回登录", "Back to sign in";

    greeting_anonymous: "医生，您好", "Hello, doctor";
    account_phone: "登录手机号", "Sign-in number";
    verification_title: "资质认证", "Credential verification";
    verification_unverified: "未认证", "Not verified";
    verification_pending: "审核中", "Under review";
    verification_verified: "已认证", "Verified";
    verification_rejected: "未通过", "Rejected";
    verification_needs_reverification: "需重新认证", "Re-verification needed";
    verification_hint_unverified:
        "完成身份与执业资质认证后，才能接诊患者。",
        "Verify your identity and licences before seeing patients.";
    verification_hint_pending: "资料已提交，医院正在审核。", "Submitted; the hospital is reviewing it.";
    verification_hint_verified: "资质已通过医院审核。", "The hospital has verified your credentials.";
    verification_hint_rejected:
        "审核未通过，请按意见修改后重新提交。",
        "Not approved; fix what the reviewer asked and resubmit.";
    verification_hint_needs_reverification:
        "有证件已过期，请更新后重新认证。",
        "A document has expired; update it to verify again.";

    not_found_title: "页面不存在", "Page not found";
    not_found_body: "您访问的页面不存在或已被移除。", "The page you asked for does not exist or was removed.";
    go_home: "返回工作台", "Back to home";
    dismiss: "关闭", "Dismiss";

    nav_onboarding: "资质认证", "Verification";
    avatar: "头像", "Photo";
    avatar_upload: "上传头像", "Upload a photo";
    avatar_saved: "头像已更新", "Photo updated";
    nav_review: "资质审核", "Review";
    onboarding_title: "资质认证", "Credential verification";
    steps_label: "认证步骤", "Verification steps";
    step_profile: "个人资料", "Profile";
    step_documents: "上传证件", "Documents";
    step_submit: "提交审核", "Submit";
    step_status: "审核结果", "Result";
    choose: "请选择", "Please choose";
    real_name: "真实姓名", "Legal name";
    display_name: "展示名称", "Display name";
    display_name_hint:
        "患者看到的名称，默认与真实姓名相同；重名时系统会自动加上编号",
        "What patients see; defaults to your legal name, and gets a number if the name is taken";
    gender: "性别", "Sex";
    gender_male: "男", "Male";
    gender_female: "女", "Female";
    id_number: "身份证号", "ID card number";
    id_number_hint: "18 位居民身份证号码", "18-character resident ID number";
    hospital: "第一执业机构", "Main practice institution";
    department: "科室", "Department";
    title: "职称", "Title";
    title_chief: "主任医师", "Chief physician";
    title_associate: "副主任医师", "Associate chief physician";
    title_attending: "主治医师", "Attending physician";
    title_resident: "住院医师", "Resident physician";
    practice_category: "执业类别", "Practice category";
    practice_category_placeholder: "如：临床", "e.g. Clinical";
    practice_scope: "执业范围", "Practice scope";
    practice_scope_placeholder: "如：内科专业", "e.g. Internal medicine";
    years_of_practice: "独立执业年限", "Years of independent practice";
    years_hint: "开展互联网诊疗需独立执业满 3 年", "Online practice needs at least 3 years";
    specialties: "擅长", "Specialties";
    bio: "个人简介", "Biography";
    save_and_continue: "保存并继续", "Save and continue";
    saving: "正在保存…", "Saving…";
    doc_id_card_front: "身份证人像面", "ID card (photo side)";
    doc_id_card_back: "身份证国徽面", "ID card (emblem side)";
    doc_qualification: "医师资格证", "Physician qualification certificate";
    doc_practice: "医师执业证", "Physician practising certificate";
    doc_professional_title: "专业技术资格证", "Professional title certificate";
    doc_other: "其他证明材料", "Other document";
    doc_number: "证书编号", "Certificate number";
    doc_expires_on: "有效期至", "Valid until";
    doc_expires_hint: "长期有效可不填", "Leave empty if it does not expire";
    doc_caption: "材料名称", "What it is";
    doc_caption_placeholder: "如：多机构备案表", "e.g. Multi-institution filing";
    choose_file: "拍照或选择文件", "Take a photo or choose a file";
    choose_again: "重新选择", "Choose another";
    upload: "上传", "Upload";
    cancel: "取消", "Cancel";
    delete: "删除", "Delete";
    tap_again_to_delete: "再点一次确认删除", "Tap again to delete";
    replace: "更换", "Replace";
    preparing: "正在处理照片…", "Preparing the photo…";
    upload_progress_label: "上传进度", "Upload progress";
    unreadable_photo: "无法读取该图片，请换一张 JPG 或 PNG 照片", "This photo cannot be read; choose a JPG or PNG";
    unsupported_file: "请选择照片或 PDF 文件", "Choose a photo or a PDF file";
    view_file: "查看文件", "Open file";
    preview_alt: "证件预览", "Document preview";
    doc_uploaded: "待提交", "Not submitted";
    doc_submitted: "审核中", "Under review";
    doc_approved: "已通过", "Approved";
    doc_rejected: "未通过", "Rejected";
    doc_missing: "未上传", "Not uploaded";
    add_other: "添加其他材料", "Add another document";
    next_step: "下一步", "Next";
    previous_step: "上一步", "Back";
    submit_title: "确认并提交审核", "Confirm and submit";
    submit_hint:
        "提交后医院将审核您的资料，审核期间资料不能修改。",
        "The hospital will review your details; nothing can be changed meanwhile.";
    submit_button: "提交审核", "Submit for review";
    submitting: "正在提交…", "Submitting…";
    submitted_toast: "已提交，请等待医院审核", "Submitted; the hospital will review it";
    status_pending_hint:
        "医院正在审核您的资料，通常 1–3 个工作日内完成。",
        "The hospital is reviewing your details, usually within 1–3 working days.";
    status_verified_hint:
        "您的资质已通过审核，可以开展在线复诊。",
        "You are verified and may see follow-up patients online.";
    status_rejected_hint:
        "部分证件未通过审核，请根据原因重新上传后再次提交。",
        "Some documents were rejected; upload them again as asked and resubmit.";
    fix_documents: "重新上传被驳回的证件", "Replace the rejected documents";
    history_title: "提交记录", "Submission history";
    reason_blurry: "图片模糊，无法辨认", "Blurry or unreadable";
    reason_incomplete: "信息不完整", "Information incomplete";
    reason_expired: "证件已过期", "Document expired";
    reason_mismatch: "与填写的信息不符", "Does not match the profile";
    reason_not_own: "非本人证件", "Not the doctor's own document";
    reason_other: "其他原因", "Other reason";
    go_onboarding: "去认证", "Get verified";
    review_title: "资质审核", "Credential review";
    queue_empty: "暂无待审核的申请", "Nothing waiting for review";
    open_review: "审核", "Review";
    approve: "通过", "Approve";
    reject: "驳回", "Reject";
    rejection_reason_label: "驳回原因", "Reason";
    rejection_note: "补充说明", "Note";
    decision_submit: "提交审核结果", "Submit decision";
    decision_done: "已提交审核结果", "Decision recorded";
    decided_before: "此前已通过", "Approved before";
    decision_missing: "请为每份证件选择通过或驳回", "Decide on every document";
    back_to_queue: "返回列表", "Back to the list";
    phone_label: "手机号", "Phone";
    open_original: "查看原图", "Open full size";
    identity_locked_hint:
        "认证通过后，姓名、性别和身份证号不能修改；如有错误请联系医院。",
        "After verification your name, sex and ID number cannot be changed; contact the hospital if they are wrong.";
    practice_change_pending:
        "执业信息的修改已提交医院审核，通过前仍以原信息为准。",
        "Your change of practice details is with the hospital; the approved details apply until it is approved.";
    practice_change_submitted: "执业信息的修改已提交审核", "Change of practice details sent for review";
    renewals_title: "证件更新", "Document renewals";
    expiring_title: "证件即将到期", "Documents about to expire";
    expiring_hint: "请在到期前上传新证件，审核通过后替换原证件；审核期间原证件继续有效。",
        "Upload the new document before the current one expires; it replaces the current one once approved, which stays valid meanwhile.";
    renew_documents: "更新证件", "Renew documents";
    my_credentials: "资料与证件", "Profile and documents";
    done_step: "完成", "Done";
    kind_full: "资质认证", "Verification";
    kind_renewal: "证件更新", "Document renewal";
    kind_profile_change: "执业信息修改", "Change of practice details";
    review_own_submission:
        "这是你本人的认证资料，需由其他审核员审核。",
        "This is your own submission: another reviewer must decide it.";
    renewal_review_hint:
        "医生在原证件到期前上传的新证件；通过后替换原证件。",
        "A new document uploaded before the current one expires; approving it replaces the current one.";
    change_field: "项目", "Field";
    change_before: "原信息", "Approved";
    change_after: "申请修改为", "Requested";
    change_decision: "执业信息修改", "Change of practice details";
    nav_review_agreements: "协议管理", "Agreements";
    go_to_clause: "查看条款", "Go to the clause";
    agreements_title: "请阅读并同意", "Please read and accept";
    agreements_intro:
        "使用医生工作台前，请完整阅读以下文件并确认同意。",
        "Before you use Doctor Desk, read the documents below to the end and accept them.";
    agreements_updated_intro:
        "以下文件已更新。请阅读更新说明和条款变更，重新确认后继续使用。",
        "These documents have changed. Read what changed and accept again to go on.";
    agreements_up_to_date:
        "您已同意最新版本的服务协议和隐私政策。",
        "You have accepted the current service agreement and privacy policy.";
    kind_service_agreement: "医生注册及服务协议", "Service agreement";
    kind_privacy_policy: "隐私政策", "Privacy policy";
    toc_label: "目录", "Contents";
    change_summary_title: "更新说明", "What changed";
    clause_changes_title: "条款变更", "Changed clauses";
    clause_added: "新增", "Added";
    clause_removed: "删除", "Removed";
    clause_changed: "修改", "Changed";
    clause_preamble: "开头部分", "Introduction";
    diff_legend: "下划线为新增内容，删除线为删除内容。", "Underlined text is new; struck-through text was removed.";
    consent_health_data:
        "我单独同意医院按照《隐私政策》处理我在诊疗中接触到的患者健康信息（敏感个人信息）",
        "I separately consent to the hospital processing the patients' health information (sensitive personal information) I handle in my care, as the Privacy Policy describes";
    consent_required: "请勾选此项", "Tick this box to go on";
    read_to_end_hint: "请滑动阅读至文末", "Scroll to the end to go on";
    read_done_hint: "已阅读至文末", "You have reached the end";
    accept_agreements: "同意并继续", "Accept and continue";
    accept_pending: "提交中…", "Saving…";
    decline: "不同意", "Decline";
    decline_explained:
        "不同意将无法使用医生工作台，并将退出登录。",
        "Without accepting you cannot use Doctor Desk, and you will be signed out.";
    decline_and_sign_out: "不同意并退出", "Decline and sign out";
    keep_reading: "返回阅读", "Keep reading";
    declined_notice:
        "您未同意服务协议和隐私政策，因此无法使用医生工作台，已为您退出登录。如需使用，请重新登录并同意；如有疑问请联系医院。",
        "You did not accept the service agreement and privacy policy, so Doctor Desk cannot be used and you have been signed out. Sign in again to accept them, or contact the hospital with any questions.";
    my_agreements: "我的协议", "My agreements";
    history_intro: "您每次同意的文件版本、时间和来源。", "Each version you accepted, when, and from where.";
    history_empty: "暂无同意记录。", "No acceptances yet.";
    health_consent_given:
        "已单独同意处理患者健康信息",
        "Separate consent to process patients' health information";
    read_this_version: "查看此版本", "Read this version";
    text_fingerprint: "文本指纹（SHA-256）", "Text fingerprint (SHA-256)";
    lang_zh: "中文", "Chinese";
    lang_en: "英文", "English";
    back: "返回", "Back";
    review_agreements_title: "协议管理", "Agreements";
    published_versions: "已发布版本", "Published versions";
    publish_title: "发布新版本", "Publish a new version";
    publish_hint:
        "发布后不可修改；医生下次操作时需阅读并重新同意。",
        "A published version cannot be changed; doctors must read and accept it at their next step.";
    field_kind: "文件", "Document";
    field_version: "版本号", "Version";
    version_hint: "如 1.1.0，须高于当前版本", "e.g. 1.1.0, higher than the current version";
    field_agreement_title: "标题", "Title";
    field_change_summary: "更新说明（一段话）", "What changed (one paragraph)";
    field_body: "正文（Markdown，用“## ”标记条款）", "Text (Markdown; start each clause with “## ”)";
    english_text: "英文版本（可选）", "English text (optional)";
    field_agreement_title_en: "英文标题", "English title";
    field_change_summary_en: "英文更新说明", "What changed, in English";
    field_body_en: "英文正文（Markdown）", "English text (Markdown)";
    preview: "预览", "Preview";
    preview_pending: "生成预览…", "Rendering…";
    publish: "发布", "Publish";
    publish_pending: "发布中…", "Publishing…";
    preview_first: "请先预览当前内容，确认无误后再发布。", "Preview the current text and check it before publishing.";
    nav_inbox: "问诊", "Consultations";
    nav_settings: "设置", "Settings";
    inbox_title: "图文问诊", "Consultations";
    pick_consultation: "从左侧列表选择一个问诊", "Choose a consultation from the list";
    tab_new: "待接诊", "New";
    tab_ongoing: "进行中", "Ongoing";
    tab_closed: "已结束", "Closed";
    inbox_tabs_label: "问诊状态", "Consultation status";
    search_patient: "搜索患者姓名", "Search by patient name";
    inbox_empty: "暂无问诊", "No consultations here";
    load_more: "加载更多", "Load more";
    sex_male: "男", "M";
    sex_female: "女", "F";
    deadline_passed: "已超时", "Overdue";
    status_new: "待接诊", "New";
    status_ongoing: "进行中", "Ongoing";
    status_closed: "已结束", "Closed";
    status_declined: "已拒绝", "Declined";
    complaint: "主诉", "Complaint";
    prior_diagnosis: "线下诊断", "Offline diagnosis";
    evidence: "诊断资料", "Records";
    evidence_outpatient_record: "门诊病历", "Outpatient record";
    evidence_discharge_summary: "出院小结", "Discharge summary";
    evidence_diagnosis_certificate: "诊断证明", "Diagnosis certificate";
    patient_photos: "患者图片", "Patient's photos";
    confirm_follow_up:
        "我已核对上述线下诊断资料，本次为该诊断的复诊",
        "I checked the offline diagnosis above; this is a follow-up of it";
    accept: "接诊", "Accept";
    ask_more: "请患者补充资料", "Ask for more information";
    ask_placeholder: "需要补充哪些资料？", "What else do you need?";
    send_question: "发送", "Send";
    decline_consultation: "拒绝", "Decline";
    decline_reason: "拒绝原因", "Reason";
    reason_first_visit: "初诊不宜线上", "First visits cannot be online";
    reason_out_of_scope: "超出执业范围", "Outside my scope of practice";
    reason_needs_offline: "需线下就诊", "Needs an offline visit";
    reason_other_text: "其他", "Other";
    decline_text: "补充说明", "Details";
    confirm_decline: "确认拒绝（患者将获退款）", "Decline (the patient is refunded)";
    message_placeholder: "输入回复…", "Write a reply…";
    message_label: "回复内容", "Reply";
    send: "发送", "Send";
    sending: "发送中", "Sending";
    send_failed: "发送失败，点击重试", "Not sent — tap to retry";
    quick_replies: "快捷回复", "Quick replies";
    quick_replies_setup: "+ 设置快捷回复", "+ Set up quick replies";
    end_consultation: "结束问诊", "End consultation";
    assessment: "病情评估", "Assessment";
    advice: "处理建议", "Advice";
    offline_visit: "建议线下就诊", "Recommend an offline visit";
    visit_department: "就诊科室", "Department";
    follow_up_advice: "复诊建议", "Follow-up";
    end_submit: "提交建议并结束", "Give advice and end";
    advice_title: "诊疗建议", "Advice given";
    read_only:
        "问诊已结束，患者的追问次数已用完。",
        "This consultation has ended and the patient's follow-up questions are used up.";
    follow_ups_left_note: "问诊已结束，患者还可追问", "Ended; follow-up questions the patient may still ask:";
    note_accepted: "医生已接诊", "Accepted";
    note_declined: "医生已拒绝，已退款", "Declined and refunded";
    note_closed: "医生已给出建议，问诊结束", "Advice given; consultation ended";
    note_not_accepted: "超过 24 小时未接诊，已自动关闭并退款", "Not accepted within 24 h: closed and refunded";
    note_no_reply: "超过 48 小时未回复，已自动关闭并退款", "No reply within 48 h: closed and refunded";
    refunded: "已退款", "Refunded";
    settings_title: "问诊设置", "Consultation settings";
    service_enabled: "开通图文问诊", "Offer text-and-image consultations";
    price_yuan: "价格（元，0 为免费）", "Price (yuan, 0 = free)";
    daily_limit: "每日接诊上限", "Daily limit";
    greeting_message: "接诊问候语", "Greeting sent on accepting";
    follow_up_questions: "结束后可追问次数", "Follow-up questions after the end";
    save: "保存", "Save";
    saved: "已保存", "Saved";
    reply_title: "标题", "Title";
    reply_text: "内容", "Text";
    add_reply: "添加快捷回复", "Add quick reply";
    move_up: "上移", "Move up";
    move_down: "下移", "Move down";
    badge_waiting: "项待处理", "waiting";
    close: "关闭", "Close";
    guardian_needed:
        "患者未满 6 周岁：问诊须有监护人陪同，请确认由监护人代为沟通",
        "The patient is under 6: a guardian must be present; make sure you are talking with them";
    edit: "编辑", "Edit";
    edit_reply: "编辑快捷回复", "Edit quick reply";
    send_photo: "发图片", "Photo";
    photo: "图片", "Photo";
    photo_only: "请选择一张照片", "Choose a photo";
    live_offline:
        "实时连接已中断，正在重新连接；恢复后会自动补齐消息",
        "Live updates are paused; reconnecting, and nothing missed will be lost";
}

formats! {
    resend_in(n: i64):
        |n| format!("{n} 秒后重发"),
        |n| format!("Resend in {n} s");
    greeting(name: &str):
        |name| format!("{name}，您好"),
        |name| format!("Hello, {name}");
    step_of(n: usize, total: usize):
        |n, total| format!("第 {n} 步，共 {total} 步"),
        |n, total| format!("Step {n} of {total}");
    uploading_pct(p: u32):
        |p| format!("正在上传 {p}%"),
        |p| format!("Uploading {p}%");
    compressed(a: &str, b: &str):
        |a, b| format!("已压缩：{a} → {b}"),
        |a, b| format!("Compressed: {a} → {b}");
    missing_count(n: usize):
        |n| format!("还缺 {n} 项必需证件"),
        |n| format!("{n} required documents missing");
    display_name_given(n: &str):
        |n| format!("已保存。展示名称：{n}"),
        |n| format!("Saved. Display name: {n}");
    id_number_saved(m: &str):
        |m| format!("已保存 {m}；如需修改请重新输入"),
        |m| format!("Saved as {m}; type it again to change it");
    pending_review_value(v: &str):
        |v| format!("待审核：{v}"),
        |v| format!("Awaiting review: {v}");
    expires_on_date(doc: &str, date: &str):
        |doc, date| format!("{doc}：{date} 到期"),
        |doc, date| format!("{doc}: expires on {date}");
    renewal_pending(doc: &str):
        |doc| format!("{doc}：新证件审核中，原证件到期前继续有效"),
        |doc| format!("{doc}: the new document is under review; the current one stays valid until it expires");
    renewal_rejected(doc: &str, reason: &str):
        |doc, reason| format!("{doc}：新证件未通过（{reason}），原证件到期前继续有效，请重新上传"),
        |doc, reason| format!("{doc}: the new document was rejected ({reason}); the current one stays valid until it expires. Upload another one.");
    expiring_soon(doc: &str, date: &str):
        |doc, date| format!("{doc}将于 {date} 到期，请及时更新"),
        |doc, date| format!("{doc} expires on {date}; renew it in time");
    expired_on(doc: &str, date: &str):
        |doc, date| format!("{doc}已于 {date} 过期，请重新上传"),
        |doc, date| format!("{doc} expired on {date}; upload a new one");
    submitted_at(t: &str):
        |t| format!("提交于 {t}"),
        |t| format!("Submitted {t}");
    decided_at(t: &str):
        |t| format!("审核于 {t}"),
        |t| format!("Decided {t}");
    version_label(x: &str):
        |x| format!("版本 {x}"),
        |x| format!("Version {x}");
    published_on(x: &str):
        |x| format!("{x} 发布"),
        |x| format!("Published {x}");
    i_accept(x: &str):
        |x| format!("我已阅读并同意《{x}》"),
        |x| format!("I have read and accept the {x}");
    accepted_at(x: &str):
        |x| format!("同意于 {x}"),
        |x| format!("Accepted {x}");
    accepted_from(x: &str):
        |x| format!("来源 IP：{x}"),
        |x| format!("From IP {x}");
    published_toast(x: &str):
        |x| format!("已发布 {x}"),
        |x| format!("Published {x}");
    acceptance_count(x: i64):
        |x| format!("{x} 位医生已同意"),
        |x| format!("{x} doctors accepted");
    unread(x: i64):
        |x| format!("{x} 条未读"),
        |x| format!("{x} unread");
    time_left(x: &str):
        |x| format!("剩余 {x}"),
        |x| format!("{x} left");
    age_years(x: i64):
        |x| format!("{x} 岁"),
        |x| format!("{x} y");
}

mod account;
mod follow_ups;
mod patients;
mod posts;

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
        document().set_title(texts(lang).app_name());
    });
    CURRENT.with(|c| c.set(stored));
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Reactive access to the catalog: `let t = use_texts(); view! { {tr(|t| t.login_title())} }`.
pub fn use_texts() -> impl Fn() -> &'static Texts + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.texts()
}

/// Text that follows the language, for `view!`: `{tr(|t| t.login_title())}`. Every call
/// returns the same closure type, so the wasm holds one copy of the code that renders
/// text instead of one per string (a `tr(|t| t.x())` closure is a new type each time).
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
            IdCardFront => self.doc_id_card_front(),
            IdCardBack => self.doc_id_card_back(),
            Qualification => self.doc_qualification(),
            Practice => self.doc_practice(),
            ProfessionalTitle => self.doc_professional_title(),
            Other => self.doc_other(),
        }
    }

    pub fn document_status(
        &self,
        status: doctor_desk_api::onboarding::DocumentStatus,
    ) -> &'static str {
        use doctor_desk_api::onboarding::DocumentStatus::*;
        match status {
            Uploaded => self.doc_uploaded(),
            Submitted => self.doc_submitted(),
            Approved => self.doc_approved(),
            Rejected => self.doc_rejected(),
        }
    }

    pub fn rejection_reason(
        &self,
        reason: doctor_desk_api::onboarding::RejectionReason,
    ) -> &'static str {
        use doctor_desk_api::onboarding::RejectionReason::*;
        match reason {
            Blurry => self.reason_blurry(),
            Incomplete => self.reason_incomplete(),
            Expired => self.reason_expired(),
            Mismatch => self.reason_mismatch(),
            NotOwn => self.reason_not_own(),
            Other => self.reason_other(),
        }
    }

    pub fn title_name(&self, title: doctor_desk_api::onboarding::Title) -> &'static str {
        use doctor_desk_api::onboarding::Title::*;
        match title {
            ChiefPhysician => self.title_chief(),
            AssociateChiefPhysician => self.title_associate(),
            AttendingPhysician => self.title_attending(),
            ResidentPhysician => self.title_resident(),
        }
    }

    pub fn verification_status(
        &self,
        status: doctor_desk_api::auth::VerificationStatus,
    ) -> &'static str {
        use doctor_desk_api::auth::VerificationStatus::*;
        match status {
            Unverified => self.verification_unverified(),
            Pending => self.verification_pending(),
            Verified => self.verification_verified(),
            Rejected => self.verification_rejected(),
            NeedsReverification => self.verification_needs_reverification(),
        }
    }

    pub fn submission_kind(
        &self,
        kind: doctor_desk_api::onboarding::SubmissionKind,
    ) -> &'static str {
        use doctor_desk_api::onboarding::SubmissionKind::*;
        match kind {
            Full => self.kind_full(),
            Renewal => self.kind_renewal(),
            ProfileChange => self.kind_profile_change(),
        }
    }

    pub fn agreement_kind(&self, kind: doctor_desk_api::agreements::AgreementKind) -> &'static str {
        use doctor_desk_api::agreements::AgreementKind::*;
        match kind {
            ServiceAgreement => self.kind_service_agreement(),
            PrivacyPolicy => self.kind_privacy_policy(),
        }
    }

    pub fn lang_name(&self, lang: doctor_desk_api::Lang) -> &'static str {
        match lang {
            doctor_desk_api::Lang::Zh => self.lang_zh(),
            doctor_desk_api::Lang::En => self.lang_en(),
        }
    }

    pub fn verification_hint(
        &self,
        status: doctor_desk_api::auth::VerificationStatus,
    ) -> &'static str {
        use doctor_desk_api::auth::VerificationStatus::*;
        match status {
            Unverified => self.verification_hint_unverified(),
            Pending => self.verification_hint_pending(),
            Verified => self.verification_hint_verified(),
            Rejected => self.verification_hint_rejected(),
            NeedsReverification => self.verification_hint_needs_reverification(),
        }
    }
}

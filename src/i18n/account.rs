//! The texts of "me" (`/me`), account security (`/me/security`), deleting the account
//! (`/me/delete`) and recovering it by appeal (`/appeal`, `/review/appeals`).

use doctor_desk_api::{
    account::{
        appeal::{AppealStatus, REASON_MAX, REASON_MIN},
        DeviceKind,
    },
    Lang,
};

use super::Texts;

strings! {
    nav_me: "我的", "Me";
    me_title: "我的", "Me";
    me_links: "账号与服务", "Account and services";
    me_profile: "个人资料与证件", "Profile and licences";
    me_agreements: "我的协议", "My agreements";
    me_consultation_settings: "接诊设置", "Consultation settings";
    me_security: "账号与安全", "Account security";
    security_title: "账号与安全", "Account security";
    password_section: "修改密码", "Change password";
    current_password: "当前密码", "Current password";
    change_password: "修改密码", "Change password";
    changing_password: "正在修改…", "Changing…";
    phone_section: "更换手机号", "Change mobile number";
    phone_now: "当前手机号：", "Current number: ";
    new_phone: "新手机号", "New mobile number";
    change_phone: "更换手机号", "Change number";
    changing_phone: "正在更换…", "Changing…";
    phone_change_hint: "验证码发送到新手机号；更换后请用新手机号登录，原手机号会收到短信提醒。",
        "The code goes to the new number. Sign in with the new number afterwards; the old one gets a text about the change.";
    phone_changed: "手机号已更换，其他设备已退出登录", "Number changed; your other devices are signed out";
    sessions_section: "登录设备", "Devices signed in";
    sessions_hint: "修改密码或更换手机号后，其他设备都会退出登录。",
        "Changing your password or number signs out every other device.";
    this_device: "本机", "This device";
    unknown_device: "未知设备", "Unknown device";
    end_session: "退出该设备", "Sign out this device";
    end_other_sessions: "退出其他所有设备", "Sign out all other devices";
    session_ended: "该设备已退出登录", "That device is signed out";
    no_other_sessions: "没有其他设备登录", "No other device is signed in";
    session_expired: "您的登录已失效，请重新登录", "Your session has ended; please sign in again";
    consent_title: "健康数据处理授权", "Consent to process health data";
    consent_given_state: "已授权", "Given";
    consent_withdrawn_state: "已撤回", "Withdrawn";
    consent_explain: "问诊、患者档案和随访需要处理患者的健康信息，须您单独授权。撤回后这些功能暂停，患者无法向您发起问诊；您的协议记录和已有病历按法律规定保留。您可随时重新授权。",
        "Consultations, patient files and follow-ups process patients' health data and need your separate consent. Withdrawn, they pause and patients cannot ask you; your agreement records and existing medical records are kept as the law requires. You can give it again at any time.";
    consent_withdraw: "撤回授权", "Withdraw consent";
    consent_withdraw_confirm: "确认撤回：问诊、患者和随访将暂停", "Confirm: consultations, patients and follow-ups pause";
    consent_keep: "暂不撤回", "Keep it";
    consent_give: "重新授权", "Give consent again";
    consent_withdrawn_toast: "已撤回健康数据处理授权", "Consent withdrawn";
    consent_given_toast: "已重新授权，问诊、患者和随访已恢复", "Consent given: consultations, patients and follow-ups are back";
    consent_withdrawn_banner: "您已撤回健康数据处理授权，问诊、患者和随访已暂停。", "You withdrew consent to process health data: consultations, patients and follow-ups are paused.";
    consent_banner_link: "去重新授权", "Give it again";
    me_delete: "注销账号", "Delete account";
    me_activity: "操作记录", "My activity";
    me_notifications: "通知", "Notifications";
    notifications_title: "通知", "Notifications";
    notifications_hint: "新问诊和即将超时的问诊、审核结果、证件到期、当天随访和协议更新都会在这里通知您，保留 90 天。",
        "New consultations and deadlines close, review results, licences about to expire, visits due today and agreement updates arrive here, kept for 90 days.";
    notifications_read_all: "全部标为已读", "Mark all read";
    notifications_empty: "暂无通知", "No notifications";
    notifications_new: "未读", "New";
    notifications_open: "去处理", "Open";
    activity_title: "操作记录", "My activity";
    activity_hint: "您的账号做过的事：登录、安全设置、协议与授权、问诊处理和查看患者手机号。",
        "What your account did: sign-ins, security changes, agreements and consent, consultation decisions and patients' numbers revealed.";
    activity_kind: "类别", "Kind";
    activity_all: "全部", "All";
    activity_from: "开始日期", "From";
    activity_to: "结束日期", "To";
    activity_export: "导出 CSV", "Export CSV";
    activity_more: "加载更多", "Load more";
    activity_empty: "这段时间没有记录", "Nothing recorded in this period";
    activity_by_password: "密码", "password";
    activity_by_code: "验证码", "SMS code";
    activity_consultation: "查看问诊", "Open the consultation";
    activity_patient: "查看患者", "Open the patient";
    deletion_title: "注销账号", "Delete account";
    deletion_what_goes: "注销后，您的手机号、密码、姓名、身份证号、头像、证件照片、文章和快捷回复将被删除，手机号可重新注册；问诊记录、病历、随访记录、协议与授权记录依法继续保存（病历不少于 15 年，聊天和图片记录不少于 3 年），但不再与任何账号关联。注销不可恢复。",
        "Deleting removes your number, password, name, ID number, photo, licence images, posts and quick replies; the number can sign up again. Consultation logs, medical records, follow-ups, agreement and consent records are kept as the law requires (records at least 15 years, chats and images at least 3 years), no longer linked to any account. Deletion cannot be undone.";
    deletion_cooling_off: "提交后有 7 天冷静期：期间问诊、患者和随访暂停，患者无法向您发起问诊；您随时可以登录并撤销注销。",
        "After you ask there are 7 days to change your mind: consultations, patients and follow-ups pause and patients cannot ask you; sign in at any time to cancel.";
    deletion_blockers_title: "请先处理以下事项", "Finish these first";
    deletion_no_blockers: "没有未完成的事项，可以申请注销。", "Nothing is left open: you can ask to delete the account.";
    deletion_blocker_open: "进行中的问诊", "Open consultations";
    deletion_blocker_visits: "待完成的随访", "Follow-up visits planned";
    deletion_blocker_posts: "审核中的文章", "Posts in review";
    deletion_blocker_fees: "未结算的问诊费用", "Consultation fees not settled";
    deletion_go_fix: "去处理", "Go there";
    deletion_confirm: "我已了解注销的后果，确认注销我的账号", "I understand what deletion removes and want my account deleted";
    deletion_request: "申请注销", "Ask to delete";
    deletion_requesting: "正在提交…", "Sending…";
    deletion_requested_toast: "已申请注销，冷静期内可随时撤销", "Deletion asked for: you can cancel during the 7 days";
    deletion_cancel: "撤销注销，继续使用", "Cancel the deletion and go on";
    deletion_cancelled_toast: "已撤销注销，问诊、患者和随访已恢复", "Deletion cancelled: consultations, patients and follow-ups are back";
    deletion_banner_link: "撤销注销", "Cancel deletion";
    one_time_password_banner: "请先把一次性密码改为您自己的密码，才能开始审核。", "Replace the one-time password with your own to start reviewing.";
    one_time_password_link: "设置密码", "Set a password";
}

formats! {
    unread_badge(count: u32):
        |n| format!("{n} 条未读通知"),
        |n| format!("{n} unread notifications");
    deletion_pending_at(at: &str):
        |at| format!("您的账号将于 {at} 注销。冷静期内问诊、患者和随访已暂停。"),
        |at| format!("Your account will be deleted on {at}. Until then consultations, patients and follow-ups are paused.");

    password_changed(ended: u32):
        |n| if n == 0 { "密码已修改".to_owned() } else { format!("密码已修改，其他 {n} 台设备已退出登录") },
        |n| if n == 0 { "Password changed".to_owned() } else { format!("Password changed; {n} other devices signed out") };
    sessions_ended(ended: u32):
        |n| format!("已退出其他 {n} 台设备"),
        |n| format!("{n} other devices signed out");
    consent_changed_at(at: &str):
        |at| format!("最近变更于 {at}"),
        |at| format!("Last changed {at}");
    session_signed_in_at(at: &str):
        |at| format!("登录于 {at}"),
        |at| format!("Signed in {at}");
    session_last_seen(at: &str):
        |at| format!("最近活动 {at}"),
        |at| format!("Last active {at}");
    session_network(ip: &str):
        |ip| format!("网络 {ip}"),
        |ip| format!("Network {ip}");
}

// Recovery by appeal: the doctor's form (`/appeal`) and the reviewers' side.
strings! {
    appeal_link: "手机号停用了？申诉找回账号", "Lost your phone number? Recover your account by appeal";
    appeal_title: "账号申诉", "Recover your account by appeal";
    appeal_intro: "原手机号停用时，可申请改绑到新手机号，由医院核对您认证时的证件。",
        "If your number no longer works, ask to move the account to a new one; the hospital checks it against your verified documents.";
    appeal_needs_title: "请准备", "You will need";
    appeal_need_identity: "与资质认证时一致的真实姓名和身份证号", "Your legal name and ID card number, as verified";
    appeal_need_phones: "原手机号，和一个未注册的新手机号", "The old number, and a new one with no account";
    appeal_need_photo: "一张本人手持身份证人像面的照片", "A photo of you holding the photo side of your ID card";
    appeal_no_old_code: "验证码和审核结果只发送到新手机号。",
        "The code and the result go to the new number only.";
    appeal_old_phone: "原手机号", "Old mobile number";
    appeal_photo: "本人手持身份证照片", "Photo of you holding your ID card";
    appeal_photo_hint: "人脸和证件文字清晰、无遮挡", "Your face and the card's text clear and uncovered";
    appeal_photo_missing: "请添加本人手持身份证的照片", "Add a photo of you holding your ID card";
    appeal_reason: "申诉原因", "Why you appeal";
    appeal_reason_placeholder: "如：原手机号已注销，无法补办", "e.g. the old number was cancelled and cannot be restored";
    appeal_submit: "提交申诉", "Send the appeal";
    appeal_received_title: "申诉已提交", "Appeal received";
    appeal_after_approval: "审核通过后，请使用新手机号登录。", "Once it is approved, sign in with the new number.";

    nav_review_appeals: "账号申诉", "Appeals";
    review_appeals_title: "账号申诉审核", "Account appeals";
    appeal_status_filter: "状态", "Status";
    appeal_status_pending: "待审核", "Pending";
    appeals_empty: "没有这个状态的申诉", "No appeals in this state";
    appeal_unmatched: "未匹配账号", "No matching account";
    appeal_view: "查看", "View";
    back_to_appeals: "返回申诉列表", "Back to the appeals";
    appeal_claim_title: "申诉信息", "The appeal";
    appeal_account_title: "匹配的账号", "The matching account";
    appeal_no_account: "未匹配到账号，只能驳回。",
        "It matches no account: it can only be rejected.";
    appeal_submitted: "提交时间", "Submitted";
    appeal_photo_alt: "申诉人手持身份证的照片", "The appellant holding the ID card";
    appeal_phone_now: "账号现在的手机号", "The account's number now";
    appeal_old_phone_matches: "原手机号一致", "Old number matches";
    yes: "是", "Yes";
    no: "否", "No";
    appeal_signed_up_at: "注册时间", "Signed up";
    appeal_documents: "已认证的证件", "Verified documents";
    appeal_no_documents: "该账号没有在用的证件", "The account has no documents in force";
    appeal_decision: "审核决定", "Decision";
    appeal_approve: "通过：把账号改绑到新手机号", "Approve: move the account to the new number";
    appeal_approve_hint: "所有设备将退出登录。", "Every device is signed out.";
    appeal_note: "说明（驳回必填，短信发给申诉人）", "Note (needed to reject; sent by SMS)";
    appeal_choose: "请选择通过或驳回", "Choose approve or reject";
    appeal_own: "这是您本人账号的申诉，需由其他审核员审核。", "Your own account: another reviewer decides it.";
    appeal_approved_result: "已通过：账号已改绑到新手机号", "Approved: the account moved to the new number";
}

formats! {
    appeal_reason_count(count: usize):
        |n| format!("已写 {n} / {REASON_MAX} 字，至少 {REASON_MIN} 字"),
        |n| format!("{n} of {REASON_MAX} characters, at least {REASON_MIN}");
    appeal_received_body(phone: &str):
        |p| format!("医院通常在 3 个工作日内完成审核，结果将以短信发送到 {p}。"),
        |p| format!("The hospital usually reviews it within 3 working days; the result goes by SMS to {p}.");
    appeal_phones(old: &str, new: &str):
        |o, n| format!("原号 {o} → 新号 {n}"),
        |o, n| format!("Old {o} → new {n}");
}

impl Texts {
    pub fn appeal_status_name(&self, status: AppealStatus) -> &'static str {
        match status {
            AppealStatus::Pending => self.appeal_status_pending(),
            AppealStatus::Approved => self.doc_approved(),
            AppealStatus::Rejected => self.review_rejected(),
        }
    }

    pub fn device_kind(&self, kind: DeviceKind) -> &'static str {
        let (zh, en) = match kind {
            DeviceKind::Phone => ("手机", "Phone"),
            DeviceKind::Tablet => ("平板", "Tablet"),
            DeviceKind::Computer => ("电脑", "Computer"),
            DeviceKind::Unknown => ("设备", "Device"),
        };
        match self.0 {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

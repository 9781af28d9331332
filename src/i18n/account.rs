//! The texts of "me" (`/me`), account security (`/me/security`) and deleting the account
//! (`/me/delete`).

use doctor_desk_api::{account::DeviceKind, Lang};

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
    notifications_hint: "新问诊、审核结果、证件到期、当天随访和协议更新都会在这里通知您，保留 90 天。",
        "New consultations, review results, licences about to expire, visits due today and agreement updates arrive here, kept for 90 days.";
    notifications_read_all: "全部标为已读", "Mark all read";
    notifications_empty: "暂无通知", "No notifications";
    notifications_new: "未读", "New";
    notifications_open: "去处理", "Open";
    notification_new_consultation: "有新的问诊申请", "A patient asked for a consultation";
    notification_verified: "您的资质审核已通过", "Your verification was approved";
    notification_verification_rejected: "您的资质审核未通过，请查看原因并重新提交", "Your verification was not approved: see why and submit again";
    notification_post_approved: "您的文章已通过审核并发布", "Your post was approved and published";
    notification_post_rejected: "您的文章未通过审核，请查看原因", "Your post was not approved: see why";
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
}

formats! {
    notification_document_expiring(days: &str):
        |d| format!("您的证件将在 {d} 天后到期，请及时更新"),
        |d| format!("A licence of yours expires in {d} days: renew it in time");
    notification_follow_ups_due(count: &str):
        |n| format!("今天有 {n} 个随访到期"),
        |n| format!("{n} follow-up visits are due today");
    notification_agreement_update(what: &str):
        |w| format!("协议有新版本（{w}），请阅读并同意"),
        |w| format!("A new agreement version ({w}) waits for you to read and accept");
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

impl Texts {
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

//! The texts of follow-ups (`/follow-ups`, plans on a patient's page, reminders) and of
//! the home page's day at a glance.

use doctor_desk_api::Lang;

use super::Texts;

strings! {
    nav_follow_ups: "随访", "Follow-ups";
    follow_ups_title: "诊后随访", "Follow-ups";
    follow_ups_lists: "随访列表", "Follow-up lists";
    follow_ups_today: "今日到期", "Due today";
    follow_ups_overdue: "已逾期", "Overdue";
    follow_ups_upcoming: "即将到期", "Upcoming";
    follow_ups_done: "已结束", "Finished";
    follow_ups_empty: "这里没有随访", "No follow-ups here";
    follow_up_planned: "待随访", "Planned";
    follow_up_reminded: "已提醒", "Reminded";
    follow_up_done: "已完成", "Done";
    follow_up_missed: "已失访", "Missed";
    remind: "发送提醒", "Send reminder";
    remind_again: "再次提醒", "Remind again";
    reminder_sent: "提醒已发送（患者端消息和短信）", "Reminder sent (in the patient's app and by SMS)";
    mark_done: "已随访", "Done";
    mark_missed: "未到诊", "Missed";
    outcome_note: "随访记录（可选，仅您可见）", "Outcome (optional, only you see it)";
    confirm_done: "确认已完成", "Mark as done";
    date_required: "请选择日期", "Choose a date";
    plans_title: "随访计划", "Follow-up plans";
    plan_template: "随访模板", "Template";
    plan_by_hand: "自定义日期", "Dates by hand";
    add_visit: "添加一次随访", "Add a visit";
    remove_visit: "删除", "Remove";
    plan_start: "开始日期", "Counting from";
    plan_name: "计划名称", "Plan name";
    plan_due_on: "随访日期", "Visit date";
    plan_message: "给患者的提醒内容", "Message for the patient";
    create_plan: "创建随访计划", "Create plan";
    templates_title: "随访模板", "Plan templates";
    template_builtin: "内置", "Built in";
    new_template: "新建模板", "New template";
    template_name: "模板名称", "Template name";
    template_every: "间隔", "Every";
    template_unit: "单位", "Unit";
    template_visits: "随访次数", "Visits";
    unit_weeks: "周", "weeks";
    unit_months: "个月", "months";
    save_template: "保存模板", "Save template";
    template_saved: "模板已保存，可在患者档案中使用", "Template saved: use it on a patient's file";
    timeline_follow_up: "随访", "Follow-up";
    today_title: "今日待办", "Today";
    today_new: "待接诊", "New consultations";
    today_answers: "待回复", "Answers due";
    today_follow_ups: "今日随访", "Follow-ups due today";
    today_overdue: "逾期随访", "Overdue follow-ups";
    today_documents: "证件即将到期", "Documents expiring";
    remind_tag: "群发提醒", "Remind all";
    tag_reminder_message: "提醒内容", "Reminder text";
    send_reminders: "发送", "Send";
}

formats! {
    template_rule(every: u32, unit: &str, visits: u32):
        |every, unit, visits| format!("每 {every} {unit}一次，共 {visits} 次"),
        |every, unit, visits| format!("every {every} {unit}, {visits} visits");
    visit_n(n: u32):
        |n| format!("第 {n} 次随访"),
        |n| format!("Visit {n}");
    remove_visit_n(n: u32):
        |n| format!("删除第 {n} 次随访"),
        |n| format!("Remove visit {n}");
    due_on(day: &str):
        |day| format!("{day} 到期"),
        |day| format!("due {day}");
    reminded_times(n: u32):
        |n| format!("已提醒 {n} 次"),
        |n| format!("reminded {n}×");
    tag_remind_confirm(n: u32, tag: &str):
        |n, tag| format!("将向带有标签「{tag}」的 {n} 位患者发送提醒（患者端消息和短信），确认发送？"),
        |n, tag| format!("Send this reminder to the {n} patients tagged \u{201c}{tag}\u{201d} (in their app and by SMS)?");
    reminders_sent(n: u32):
        |n| format!("已向 {n} 位患者发送提醒"),
        |n| format!("Reminder sent to {n} patients");
}

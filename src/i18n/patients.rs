//! The texts of patient management (`/patients`, a patient's page, tags, notes).

use doctor_desk_api::Lang;

use super::Texts;

strings! {
    nav_patients: "患者", "Patients";
    open_patient: "患者档案", "Patient file";
    patients_title: "我的患者", "My patients";
    pick_patient: "从左侧列表选择一位患者", "Choose a patient from the list";
    patients_search: "搜索姓名或手机号后 4 位", "Search a name or the last 4 phone digits";
    patients_filter_tag: "按标签筛选", "Filter by tag";
    all_tags: "全部标签", "All tags";
    patients_sort: "排序", "Sort by";
    sort_last_consultation: "最近问诊", "Latest consultation";
    sort_newest: "最新患者", "Newest patients";
    sort_next_follow_up: "下次随访", "Next follow-up";
    patients_empty:
        "还没有患者：您接诊后，患者会出现在这里。",
        "No patients yet: they appear here once you accept their consultation.";
    patients_none_match: "没有符合条件的患者", "No patient matches";
    select_patients: "批量打标签", "Tag several";
    done_selecting: "完成", "Done";
    bulk_tag: "添加标签", "Add tag";
    choose_tag: "选择标签", "Choose a tag";
    manage_tags: "管理标签", "Manage tags";
    tag_name: "标签名称", "Tag name";
    tag_color: "颜色", "Colour";
    add_tag: "新建标签", "New tag";
    no_tags_yet: "还没有标签", "No tags yet";
    rename_tag: "修改标签", "Edit tag";
    color_gray: "灰色", "Grey";
    color_red: "红色", "Red";
    color_orange: "橙色", "Orange";
    color_green: "绿色", "Green";
    color_teal: "青色", "Teal";
    color_blue: "蓝色", "Blue";
    color_purple: "紫色", "Purple";
    patient_title: "患者档案", "Patient file";
    birth_date: "出生日期", "Date of birth";
    show_phone: "显示号码", "Show number";
    show_phone_hint: "查看完整号码会被记录", "Viewing the full number is recorded";
    patient_tags: "标签", "Tags";
    clinical_title: "病情摘要", "Health summary";
    conditions: "慢性病 / 既往史", "Chronic conditions / history";
    allergies: "过敏史", "Allergies";
    notes_title: "私人备注", "Private notes";
    notes_hint: "仅您可见，患者看不到", "Only you can see these; the patient never does";
    new_note: "新备注", "New note";
    add_note: "添加备注", "Add note";
    edit_note: "修改备注", "Edit note";
    save_note: "保存修改", "Save changes";
    timeline_title: "诊疗记录", "History";
    timeline_empty: "暂无记录", "Nothing yet";
    timeline_note: "备注", "Note";
    timeline_consultation: "图文问诊", "Consultation";
    open_consultation: "查看问诊", "Open consultation";
}

formats! {
    select_patient(name: &str):
        |name| format!("选择 {name}"),
        |name| format!("Select {name}");
    patient_total(n: u32):
        |n| format!("共 {n} 位"),
        |n| format!("{n} in all");
    selected_count(n: usize):
        |n| format!("已选 {n} 位"),
        |n| format!("{n} selected");
    bulk_confirm(n: usize, tag: &str):
        |n, tag| format!("确认为 {n} 位患者添加标签「{tag}」？"),
        |n, tag| format!("Add the tag \u{201c}{tag}\u{201d} to {n} patients?");
    bulk_done(n: u32):
        |n| format!("已为 {n} 位患者添加标签"),
        |n| format!("Tag added to {n} patients");
    tag_patients(n: u32):
        |n| format!("{n} 位患者"),
        |n| format!("{n} patients");
    delete_tag_confirm(name: &str, n: u32):
        |name, n| format!("删除标签「{name}」？{n} 位患者将不再带有它（其他标签不变）。"),
        |name, n| format!("Delete the tag \u{201c}{name}\u{201d}? {n} patients lose it (their other tags stay).");
    last_consultation_on(day: &str):
        |day| format!("最近问诊 {day}"),
        |day| format!("Last consultation {day}");
    next_follow_up_on(day: &str):
        |day| format!("下次随访 {day}"),
        |day| format!("Next follow-up {day}");
    patient_since(day: &str):
        |day| format!("{day} 起为您的患者"),
        |day| format!("Your patient since {day}");
    consultation_count(n: u32):
        |n| format!("问诊 {n} 次"),
        |n| format!("{n} consultations");
    note_version(v: u32):
        |v| format!("第 {v} 版"),
        |v| format!("version {v}");
    note_history(n: usize):
        |n| format!("历史版本（{n}）"),
        |n| format!("Earlier versions ({n})");
}

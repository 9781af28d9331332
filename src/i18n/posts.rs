//! The texts of the post editor (`/posts`, `/posts/new`, `/posts/{id}/edit`) and of the
//! reviewers' post queue (`/review/posts`).

use doctor_desk_api::Lang;

use super::Texts;

strings! {
    nav_posts: "文章", "Posts";
    nav_review_posts: "文章审核", "Post review";
    posts_title: "我的文章", "My posts";
    posts_tabs: "文章状态", "Post status";
    posts_tab_draft: "草稿", "Drafts";
    posts_tab_in_review: "审核中", "In review";
    posts_tab_published: "已发布", "Published";
    posts_tab_rejected: "未通过", "Rejected";
    posts_empty: "这里还没有文章", "No posts here yet";
    post_new: "写文章", "New post";
    post_untitled: "（无标题）", "(Untitled)";
    post_kind_article: "科普文章", "Article";
    post_kind_answer: "问答", "Answer";
    post_kind_announcement: "公告", "Announcement";
    post_status_draft: "草稿", "Draft";
    post_status_in_review: "审核中", "In review";
    post_status_rejected: "未通过", "Rejected";
    post_status_published: "已发布", "Published";
    post_status_withdrawn: "已下架", "Taken down";
    post_public_page: "查看公开页面", "Open the public page";
    post_edit_pending: "已发布 · 有未提交的修改", "Published · unsubmitted changes";
    post_editor_new: "写文章", "New post";
    post_editor_edit: "编辑文章", "Edit post";
    post_kind: "类型", "Kind";
    post_title: "标题", "Title";
    post_body: "正文（Markdown）", "Text (Markdown)";
    post_cover: "封面图（可选）", "Cover image (optional)";
    post_cover_choose: "选择封面图", "Choose a cover";
    post_cover_remove: "移除封面", "Remove the cover";
    post_ai_assisted: "本文使用了 AI 辅助创作（公开页面将标注）", "Written with AI assistance (the public page says so)";
    post_question: "回答的问题", "Question answered";
    post_question_search: "搜索患者提问", "Search patients' questions";
    post_question_choose: "选择此问题", "Answer this question";
    post_question_change: "更换问题", "Change the question";
    post_questions_none: "没有找到待回答的问题", "No open questions found";
    toolbar_label: "格式", "Formatting";
    toolbar_heading: "标题", "Heading";
    toolbar_bold: "加粗", "Bold";
    toolbar_list: "列表", "List";
    toolbar_quote: "引用", "Quote";
    toolbar_link: "链接", "Link";
    toolbar_image: "图片", "Image";
    toolbar_bold_sample: "重点内容", "key point";
    toolbar_link_sample: "链接文字", "link text";
    image_alt: "图片说明（必填，供读屏软件朗读）", "Image description (required, read aloud by screen readers)";
    image_alt_required: "请填写图片说明", "Describe the image";
    image_insert: "插入图片", "Insert the image";
    image_cancel: "取消", "Cancel";
    editor_tabs: "编辑与预览", "Write and preview";
    editor_write: "编辑", "Write";
    editor_preview: "预览", "Preview";
    editor_checks: "合规检查", "Compliance";
    preview_empty: "正文为空", "Nothing written yet";
    ai_label: "本文由 AI 辅助创作", "Written with AI assistance";
    save_state_saving: "正在保存…", "Saving…";
    save_state_saved: "已保存", "Saved";
    save_state_local: "尚未同步：内容已存于本机，联网后自动同步", "Not synced yet: kept on this device, it syncs when you are online";
    save_state_idle: "修改会自动保存", "Changes save automatically";
    restored_local: "已恢复本机上尚未同步的版本", "Restored the copy on this device that had not synced yet";
    restored_server: "已载入服务器上的最新版本", "Loaded the newest copy from the server";
    conflict_title: "这篇文章已在其他设备上修改", "This post was changed on another device";
    conflict_hint: "请选择要保留的版本，另一个版本将被替换。", "Choose the version to keep; the other is replaced.";
    conflict_mine: "本设备的版本", "This device's version";
    conflict_theirs: "其他设备的版本", "The other device's version";
    conflict_keep_mine: "保留本设备的版本", "Keep this device's version";
    conflict_take_theirs: "使用其他设备的版本", "Use the other device's version";
    checks_title: "合规检查", "Compliance check";
    checks_clean: "未发现问题", "Nothing found";
    checks_locate: "定位", "Show in text";
    checks_keep: "仍然保留（将记录并提交审核员）", "Keep anyway (recorded and shown to the reviewer)";
    severity_error: "必须修改", "Must fix";
    severity_warning: "提示", "Warning";
    rule_phone: "电话号码（患者隐私）", "Phone number (patient privacy)";
    rule_id_number: "身份证号（患者隐私）", "ID number (patient privacy)";
    rule_name_with_diagnosis: "姓名与诊断同时出现（患者隐私）", "A name next to a diagnosis (patient privacy)";
    rule_address: "住址（患者隐私）", "Address (patient privacy)";
    rule_cure_promise: "疗效承诺（广告法第十六条）", "Efficacy promise (Advertising Law Art. 16)";
    rule_comparison: "比较性用语", "Comparison";
    rule_prescription_drug: "处方药推广", "Prescription drug promotion";
    rule_brand: "品牌名称", "Brand name";
    finding_in_title: "标题", "Title";
    finding_in_body: "正文", "Text";
    post_submit: "提交审核", "Submit for review";
    post_submitted: "已提交审核", "Submitted for review";
    post_blocked: "请先处理合规检查中的问题", "Deal with the compliance findings first";
    post_withdraw_review: "撤回审核", "Withdraw from review";
    post_withdrawn_review: "已撤回，可继续修改", "Withdrawn; you can edit again";
    post_take_down: "下架", "Take down";
    post_taken_down: "已下架，公开页面不再显示", "Taken down; the public page no longer shows it";
    post_delete: "删除", "Delete";
    post_deleted: "已删除", "Deleted";
    post_confirm_delete: "确认删除这篇文章？", "Delete this post?";
    post_in_review_locked: "审核中的文章不能修改；撤回审核后可继续编辑。", "A post in review cannot change; withdraw it from review to edit.";
    post_rejected_because: "未通过原因", "Why it was rejected";
    post_published_note: "当前公开的是已审核通过的版本；修改后需重新提交审核。", "The public page shows the approved version; changes need a new review.";
    reject_patient_privacy: "涉及患者隐私", "Patient privacy";
    reject_advertising: "含广告或疗效承诺", "Advertising or efficacy promises";
    reject_inaccurate: "医学内容不准确", "Medically inaccurate";
    reject_off_topic: "与健康科普无关", "Off topic";
    reject_quality: "内容质量不足", "Not good enough yet";
    reject_ai_unlabelled: "AI 生成内容未标注", "AI-generated text not labelled";
    reject_other: "其他", "Other";
    review_posts_title: "文章审核", "Post review";
    review_posts_empty: "没有待审核的文章", "No posts waiting for review";
    review_replaces: "已发布文章的新版本", "New version of a published post";
    review_findings: "合规检查结果", "Compliance findings";
    review_kept: "医生选择保留", "Kept by the doctor";
    review_approve: "通过并发布", "Approve and publish";
    review_reject: "驳回", "Reject";
    review_reason: "驳回原因", "Reason";
    review_note: "给医生的说明", "Note for the doctor";
    review_approved: "已通过，文章已发布", "Approved; the post is public";
    review_rejected: "已驳回", "Rejected";
    review_question: "患者提问", "Patient's question";
}

formats! {
    post_words(words: usize, minutes: usize):
        |w, m| format!("{w} 字 · 约 {m} 分钟读完"),
        |w, m| format!("{w} words · about {m} min to read");
    post_views(n: u64):
        |n| format!("{n} 次阅读"),
        |n| format!("{n} views");
    saved_at(time: &str):
        |t| format!("已保存 {t}"),
        |t| format!("Saved {t}");
    restored_local_at(time: &str):
        |t| format!("已恢复本机上 {t} 保存、尚未同步的版本"),
        |t| format!("Restored this device's copy from {t}, which had not synced yet");
    findings_count(errors: usize, warnings: usize):
        |e, w| format!("{e} 项必须修改，{w} 项提示"),
        |e, w| format!("{e} to fix, {w} warnings");
    review_by(name: &str, when: &str):
        |n, w| format!("{n} · 提交于 {w}"),
        |n, w| format!("{n} · submitted {w}");
}

//! The inbox end to end: the service opened, a live consultation accepted, answered and
//! ended with advice (the long list: long_lists.rs).

use super::*;

/// A verified doctor opens the service in the settings, adds a quick reply; a patient
/// (through the HTTP API) asks for a follow-up, which appears in the inbox without a
/// reload; the doctor accepts with the confirmation, replies with the quick reply, sees
/// the patient's answer arrive live, and ends with advice.
pub async fn inbox_flow(h: &Harness) {
    use doctor_desk_server::simulate::PatientClient;
    let phone = unique_phone();
    sign_up(h, &phone).await;
    // Fixture: the hospital verified this doctor (the review itself has its own flow).
    doctor_desk_server::db::query(
        "UPDATE accounts SET verification_status = 'verified' WHERE phone = ?",
    )
    .bind(&phone)
    .execute(&h.server.state.db)
    .await
    .expect("verified");
    let doctor_id = h.account_id(&phone).await;

    // Service settings and a quick reply, in the settings page.
    h.goto("/settings/consultation").await;
    h.click("service-enabled").await;
    h.fill("greeting", "您好，我已接诊。").await;
    h.click("save-settings").await;
    h.wait_until(
        "settings saved",
        "return document.querySelector(\"[data-testid='service-enabled']\").checked === true",
    )
    .await;
    h.fill("title", "复查").await;
    h.fill("text", "请两周后复查空腹血糖。").await;
    h.click("add-quick-reply").await;
    h.wait_contains("quick-reply-item", "请两周后复查空腹血糖")
        .await;
    // A second one; reorder both ways; edit the second.
    h.fill("title", "用药").await;
    h.fill("text", "饭前服用。").await;
    h.click("add-quick-reply").await;
    let order = |expected: &str| {
        format!(
            "return [...document.querySelectorAll(\"[data-testid='quick-reply-item'] strong\")]
                .map(e => e.innerText).join(',') === {expected:?}"
        )
    };
    h.wait_until("two quick replies", &order("复查,用药")).await;
    h.click("move-down").await;
    h.wait_until("moved down", &order("用药,复查")).await;
    nth(h, "move-up", 1).await.click().await.expect("move up");
    h.wait_until("moved up", &order("复查,用药")).await;
    nth(h, "edit-quick-reply", 1)
        .await
        .click()
        .await
        .expect("edit");
    h.fill("text", "饭后服用，每日一次。").await;
    h.click("add-quick-reply").await;
    h.wait_until(
        "edited",
        "return document.querySelectorAll(\"[data-testid='quick-reply-item']\")[1]
            .innerText.includes('饭后服用，每日一次')",
    )
    .await;
    // A third, deleted: the first tap only asks, the second deletes.
    h.fill("title", "临时").await;
    h.fill("text", "稍后回复您。").await;
    h.click("add-quick-reply").await;
    h.wait_until("three quick replies", &order("复查,用药,临时"))
        .await;
    let delete = nth(h, "delete-quick-reply", 2).await;
    delete.click().await.expect("tap delete");
    h.wait_until(
        "delete asks first",
        "const b = document.querySelectorAll(\"[data-testid='delete-quick-reply']\")[2];
         return b.dataset.asking === 'true' && b.innerText.includes('再点一次')",
    )
    .await;
    assert!(h.js(&order("复查,用药,临时")).await.as_bool() == Some(true));
    delete.click().await.expect("tap again");
    h.wait_until("deleted", &order("复查,用药")).await;

    h.goto("/inbox").await;
    h.testid("inbox-empty").await;
    check_tap_targets(h).await;
    // The consultation's part comes while the doctor looks at the inbox, before one is
    // opened (the page fetches it when idle).
    h.wait_until(
        "the consultation's part fetched ahead",
        "return performance.getEntriesByType('resource')
            .some(e => e.name.endsWith('/part_consultation_thread_view.bin'))",
    )
    .await;

    // A patient asks; the request appears live, with the tab bar badge.
    let patient_phone = unique_phone();
    let patient = PatientClient::new(&h.server.url(), &patient_phone, "张三").expect("client");
    patient.sign_in().await.expect("patient signs in");
    // Fixture: a four-year-old (type 1 diabetes), so the guardian reminder must show.
    let four_years_ago = chrono::Utc::now().date_naive() - chrono::Months::new(48);
    doctor_desk_server::db::query("UPDATE patients SET birth_date = ? WHERE phone = ?")
        .bind(four_years_ago.format("%Y-%m-%d").to_string())
        .bind(&patient_phone)
        .execute(&h.server.state.db)
        .await
        .expect("birth date");
    let id = patient.ask(doctor_id).await.expect("consultation");
    h.wait_contains("consultation-row", "张*").await;
    h.wait_text("nav-inbox-badge", "1").await;
    h.wait_until(
        "the title counts it",
        "return document.title.startsWith('(1) ')",
    )
    .await;
    h.screenshot("inbox").await;
    // A page load of the inbox draws its first rows before the app runs (the boot script,
    // from its early answer, into index.html's frame of the inbox); the app shows itself
    // in the frame's place with the very same rows.
    h.goto("/inbox").await;
    h.wait_contains("consultation-row", "张*").await;
    let compared = h
        .js("const text = (root, css) => root.querySelector(css).textContent;
             const rows = [...document.querySelectorAll(\"[data-testid='consultation-row'] a\")];
             return {
                 frame: !!document.querySelector('.boot') || !!document.documentElement.dataset.boot,
                 drawn: __ddEarly.drawn,
                 app: rows.map(a => [a.getAttribute('href'), text(a, 'strong'),
                     text(a, '.row-complaint'),
                     ...[...a.querySelectorAll('.row-meta .badge')].map(b => b.textContent)]),
             }")
        .await;
    assert_eq!(compared["frame"], false, "the frame gave way: {compared}");
    assert_eq!(
        compared["drawn"].as_array().map(Vec::len),
        Some(1),
        "{compared}"
    );
    assert_eq!(compared["drawn"], compared["app"], "{compared}");
    h.click("consultation-row").await;
    h.wait_path(&format!("/inbox/{id}")).await;
    h.wait_contains("prior-diagnosis", "杭州市第一人民医院")
        .await;
    h.wait_contains("guardian-needed", "监护人").await;
    // The consultation's styles came with its part (style/parts.css, not in the first load).
    let styled = h
        .js("return [getComputedStyle(document.querySelector(\"[data-testid='thread']\")).display,
                     [...document.styleSheets].filter(s => (s.href || '').endsWith('/parts.css')).length]")
        .await;
    assert_eq!(styled, serde_json::json!(["flex", 1]), "{styled}");
    // Tap to zoom: the record full screen; Escape (the focus is on its close button)
    // closes it, and so does the button.
    let closed = "return !document.querySelector(\"[data-testid='image-viewer']\")";
    h.click("zoomable").await;
    h.testid("image-viewer").await;
    h.client
        .active_element()
        .await
        .expect("focus")
        .send_keys("\u{E00C}")
        .await
        .expect("Escape");
    h.wait_until("the viewer closed by Escape", closed).await;
    h.click("zoomable").await;
    h.click("close-viewer").await;
    h.wait_until("the viewer closed by its button", closed)
        .await;

    // Accepting needs the follow-up confirmation.
    h.click("accept-consultation").await;
    h.wait_contains("follow_up_confirmed-error", "复诊").await;
    h.click("confirm-follow-up").await;
    h.click("accept-consultation").await;
    h.wait_text("consultation-status", "进行中").await;
    h.wait_until(
        "the greeting in the thread",
        "return [...document.querySelectorAll(\"[data-testid='message']\")].some(m => m.innerText.includes('您好，我已接诊'))",
    )
    .await;

    // A quick reply is one tap; sent, it shows in the thread.
    h.click("quick-reply").await;
    h.click("send-message").await;
    h.wait_until(
        "the reply in the thread",
        "return [...document.querySelectorAll(\"[data-testid='message']\")].some(m => m.innerText.includes('两周后复查'))",
    )
    .await;

    // The patient's answer arrives live.
    patient
        .send(id, "好的，谢谢医生", false)
        .await
        .expect("patient message");
    h.wait_until(
        "the patient's message arrives",
        "return [...document.querySelectorAll(\"[data-testid='message']\")].some(m => m.innerText.includes('好的，谢谢医生'))",
    )
    .await;
    check_tap_targets(h).await;

    // A photo: compressed in the browser, uploaded with progress, then in the thread, and
    // the patient gets it.
    h.attach_photo("photo-file", 4000, 3000).await;
    h.wait_until(
        "the photo in the thread",
        "return [...document.querySelectorAll(\"[data-testid='message'] img\")]
            .some(i => i.complete && i.naturalWidth > 0 && i.naturalWidth <= 2560)",
    )
    .await;
    let thread = patient.messages(id).await.expect("patient's thread");
    assert!(
        thread.iter().any(
            |m| m.image_file_id.is_some() && m.sender == doctor_desk_api::inbox::Sender::Doctor
        ),
        "the patient sees the doctor's photo"
    );
    h.screenshot("thread").await;

    // The doctor's network drops while the patient writes twice. The page says so; a
    // reply typed meanwhile fails and waits for a retry; once back, everything is there
    // exactly once.
    h.network.cut();
    h.testid("live-offline").await;
    for text in ["今天空腹 5.8", "餐后两小时 7.9"] {
        patient.send(id, text, false).await.expect("patient writes");
    }
    h.fill("text", "收到，数值不错").await;
    h.click("send-message").await;
    h.testid("retry-send").await;
    h.network.restore();
    // A JS expression: each text is in exactly one message.
    let once = |texts: &[&str]| {
        format!(
            "(() => {{
                const seen = [...document.querySelectorAll(\"[data-testid='message'] p\")]
                    .map(p => p.innerText);
                return {texts:?}.every(t => seen.filter(s => s === t).length === 1);
            }})()"
        )
    };
    h.wait_until(
        "both messages sent while offline, once each",
        &format!("return {}", once(&["今天空腹 5.8", "餐后两小时 7.9"])),
    )
    .await;
    h.wait_until(
        "the live link is back",
        "return !document.querySelector(\"[data-testid='live-offline']\")",
    )
    .await;
    // The unsent reply survives a reload too; the consultation page's own first requests
    // are made once, by the page's boot script.
    h.client.refresh().await.expect("reload");
    h.wait_contains("prior-diagnosis", "杭州市第一人民医院")
        .await;
    let consultation = format!("/api/v1/consultations/{id}");
    let thread = format!("/api/v1/consultations/{id}/messages?after=0");
    requested_once(h, &["/api/v1/me", &consultation, &thread]).await;
    part_beside_main_module(h, "consultation_thread_view").await;
    h.click("retry-send").await;
    h.wait_until(
        "the retried reply, once",
        &format!(
            "return {} && !document.querySelector(\"[data-testid='outgoing']\")",
            once(&["今天空腹 5.8", "餐后两小时 7.9", "收到，数值不错"])
        ),
    )
    .await;

    // Ending with advice.
    h.click("open-end-form").await;
    h.fill("assessment", "血糖控制尚可").await;
    // The patient writes while the doctor writes the advice: the form stays as it is.
    patient
        .send(id, "还需要复查吗", false)
        .await
        .expect("patient writes");
    h.wait_until(
        "the patient's question arrives",
        "return [...document.querySelectorAll(\"[data-testid='message']\")].some(m => m.innerText.includes('还需要复查吗'))",
    )
    .await;
    assert_eq!(
        h.js("return [document.querySelector('details.end-form').open,
                      document.querySelector(\"[data-testid='assessment']\").value]")
            .await,
        serde_json::json!([true, "血糖控制尚可"]),
        "what the doctor wrote in the end form"
    );
    h.fill("advice", "继续原方案，注意饮食").await;
    h.click("end-consultation").await;
    h.wait_text("consultation-status", "已结束").await;
    h.wait_contains("advice", "继续原方案").await;
    let mine = patient.consultation(id).await.expect("patient view");
    assert_eq!(mine.follow_ups_left, 2);

    // Two follow-up questions; the doctor answers the last one, then the thread is
    // read-only on both sides.
    patient
        .send(id, "药需要减量吗？", false)
        .await
        .expect("first follow-up");
    patient
        .send(id, "运动有什么建议？", false)
        .await
        .expect("second follow-up");
    assert!(
        patient.send(id, "还有一个问题", false).await.is_err(),
        "no third follow-up"
    );
    h.wait_until(
        "the follow-ups arrive",
        &format!("return {}", once(&["药需要减量吗？", "运动有什么建议？"])),
    )
    .await;
    h.fill("text", "不需要减量；每天快走半小时。").await;
    h.click("send-message").await;
    h.testid("read-only").await;
    assert!(
        h.js("return document.querySelector(\"[data-testid='send-message']\") === null")
            .await
            .as_bool()
            .unwrap_or(false),
        "no composer once the thread is read-only"
    );
}

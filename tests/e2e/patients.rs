//! Patient management end to end: from a consultation the doctor opens the patient's file,
//! looks at the full phone number (recorded), adds two tags, writes a note (the draft
//! survives a reload) and edits it (the first text stays readable), sees both in the
//! history, and finds the patient in "my patients" by tag and by the phone's last digits.
//! At 1280 px the inbox and my patients keep their list beside the open consultation or
//! file; on a phone each is a screen of its own.

use super::{check_tap_targets, seed_closed_consultations, sign_up};
use crate::support::{unique_phone, Harness, Viewport};

/// On a desktop the list (`list`, its open row marked) is left of the page that shows
/// `detail`; on a phone only that page is on the screen.
async fn check_side_by_side(h: &Harness, list: &str, detail: &str) {
    let find = format!(
        "const list = document.querySelector(\"[data-testid='{list}']\");
         const detail = document.querySelector(\"[data-testid='{detail}']\");"
    );
    match h.viewport {
        Viewport::Desktop => {
            h.wait_until(
                &format!("{list} beside {detail}, its row marked"),
                &format!(
                    "{find} return !!list && !!detail
                       && list.getBoundingClientRect().right <= detail.getBoundingClientRect().left
                       && !!list.querySelector('[aria-current=page]')"
                ),
            )
            .await
        }
        Viewport::Phone => {
            h.wait_until(
                &format!("{detail} alone"),
                &format!("{find} return !list && !!detail"),
            )
            .await
        }
    }
}

/// A signed-in, verified doctor with the service open, and a patient who asked them for
/// a consultation: `(doctor id, patient, patient's phone, consultation id)`.
/// A doctor signed up through the UI and signed in, verified by a fixture (onboarding has
/// its own flow): `(phone, account id)`.
pub async fn verified_doctor(h: &Harness) -> (String, i64) {
    let db = &h.server.state.db;
    let phone = unique_phone();
    sign_up(h, &phone).await;
    doctor_desk_server::db::query(
        "UPDATE accounts SET verification_status = 'verified' WHERE phone = ?",
    )
    .bind(&phone)
    .execute(db)
    .await
    .expect("verified");
    let doctor_id = h.account_id(&phone).await;
    (phone, doctor_id)
}

/// A verified doctor signed in on the page, with the consultation service open (a
/// fixture: the service has its own flow); their id.
pub async fn doctor_with_service_open(h: &Harness) -> i64 {
    let (_, doctor_id) = verified_doctor(h).await;
    doctor_desk_server::db::query(
        "INSERT INTO consultation_settings
           (doctor_id, enabled, price_fen, daily_limit, greeting, follow_up_questions)
         VALUES (?, 1, 0, 20, '', 2)",
    )
    .bind(doctor_id)
    .execute(&h.server.state.db)
    .await
    .expect("service open");
    doctor_id
}

pub async fn doctor_asked_by_a_patient(
    h: &Harness,
) -> (
    i64,
    doctor_desk_server::simulate::PatientClient,
    String,
    i64,
) {
    let doctor_id = doctor_with_service_open(h).await;
    let patient_phone = unique_phone();
    let patient =
        doctor_desk_server::simulate::PatientClient::new(&h.server.url(), &patient_phone, "张三")
            .expect("client");
    patient.sign_in().await.expect("patient signs in");
    let id = patient.ask(doctor_id).await.expect("consultation");
    (doctor_id, patient, patient_phone, id)
}

pub async fn patients_flow(h: &Harness) {
    let db = &h.server.state.db;
    let (doctor_id, _patient, patient_phone, id) = doctor_asked_by_a_patient(h).await;

    // Not the doctor's patient before accepting: no link to a file.
    h.goto(&format!("/inbox/{id}")).await;
    h.wait_contains("prior-diagnosis", "杭州市第一人民医院")
        .await;
    check_side_by_side(h, "consultations", "consultation-request").await;
    assert_eq!(
        h.js("return !!document.querySelector(\"[data-testid='open-patient']\")")
            .await,
        false,
        "no patient file before accepting"
    );
    h.click("confirm-follow-up").await;
    h.click("accept-consultation").await;
    h.wait_text("consultation-status", "进行中").await;
    // No quick replies yet: their row says where to make them.
    h.wait_text("quick-replies-setup", "+ 设置快捷回复").await;
    h.click("open-patient").await;
    let patient_id: i64 =
        doctor_desk_server::db::query_scalar("SELECT id FROM patients WHERE phone = ?")
            .bind(&patient_phone)
            .fetch_one(db)
            .await
            .expect("patient");
    h.wait_path(&format!("/patients/{patient_id}")).await;
    h.wait_text("patient-name", "张三").await;
    check_side_by_side(h, "patient-list", "patient-name").await;
    let masked = format!("{}****{}", &patient_phone[..3], &patient_phone[7..]);
    h.wait_text("patient-phone", &masked).await;
    h.click("show-phone").await;
    h.wait_text("patient-phone", &patient_phone).await;
    let looked: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM patient_audit
         WHERE doctor_id = ? AND patient_id = ? AND action = 'reveal_phone'",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .fetch_one(db)
    .await
    .expect("audit");
    assert_eq!(looked, 1, "showing the phone is recorded once");

    // Two tags, each created on the spot and put on the patient.
    h.fill("picker-tag-name", "高血压").await;
    h.select("picker-tag-color", "red").await;
    h.click("picker-add-tag").await;
    h.wait_contains("patient-tags", "高血压").await;
    h.fill("picker-tag-name", "随访中").await;
    h.click("picker-add-tag").await;
    h.wait_contains("patient-tags", "随访中").await;
    // A name already used is refused next to the field, and what was typed stays.
    h.fill("picker-tag-name", "高血压").await;
    h.click("picker-add-tag").await;
    h.wait_contains("picker-tag-name-error", "同名").await;
    assert_eq!(
        h.js("return document.querySelector(\"[data-testid='picker-tag-name']\").value")
            .await,
        "高血压"
    );

    // A note: the draft survives a reload, then it is added and shows in the history.
    h.fill("new-note-text", "血压控制尚可").await;
    h.client.refresh().await.expect("reload");
    h.wait_path(&format!("/patients/{patient_id}")).await;
    h.wait_until(
        "the draft came back",
        "return document.querySelector(\"[data-testid='new-note-text']\")?.value === '血压控制尚可'",
    )
    .await;
    h.wait_contains("patient-tags", "随访中").await;
    h.click("add-note").await;
    h.wait_contains("note-text", "血压控制尚可").await;
    h.wait_contains("timeline-note", "血压控制尚可").await;
    h.wait_contains("timeline-consultation", "杭州市第一人民医院")
        .await;
    let note_id: i64 =
        doctor_desk_server::db::query_scalar("SELECT id FROM patient_notes WHERE patient_id = ?")
            .bind(patient_id)
            .fetch_one(db)
            .await
            .expect("note");

    // Edited: the new text shows, the first one is kept under the note.
    h.click("edit-note").await;
    h.fill(
        &format!("note-{note_id}-text"),
        "血压控制尚可，继续当前用药",
    )
    .await;
    // From the text to "save" by keyboard, as a doctor with a keyboard would. (A tap
    // right after typing lands one button low in Chromium's phone emulation: its
    // WebDriver clicks where the focused text area's viewport shift left the button.)
    let text = h.testid(&format!("note-{note_id}-text")).await;
    text.send_keys("\u{E004}").await.expect("tab");
    h.client
        .active_element()
        .await
        .expect("focus")
        .send_keys("\u{E007}")
        .await
        .expect("enter");
    h.wait_contains("note-text", "继续当前用药").await;
    h.wait_contains("note-history", "1").await;
    h.wait_until(
        "the first text is kept",
        "return document.querySelector(\"[data-testid='note-history']\").textContent.includes('血压控制尚可')",
    )
    .await;
    check_tap_targets(h).await;
    h.screenshot("patient").await;

    // My patients: the patient with both tags; found by tag and by the phone's last digits.
    h.click("nav-patients").await;
    h.wait_path("/patients").await;
    h.wait_contains("patient-row", "张*").await;
    h.wait_contains("patient-row", "高血压").await;
    let tag_id: i64 = doctor_desk_server::db::query_scalar(
        "SELECT id FROM tags WHERE doctor_id = ? AND name = ?",
    )
    .bind(doctor_id)
    .bind("高血压")
    .fetch_one(db)
    .await
    .expect("tag");
    h.select("patients-tag", &tag_id.to_string()).await;
    h.wait_text("patient-total", "共 1 位").await;
    let tail: u32 = patient_phone[7..].parse().expect("digits");
    h.fill("patients-search", &format!("{:04}", (tail + 1) % 10_000))
        .await;
    h.wait_until(
        "no patient has the other last digits",
        "return !!document.querySelector(\"[data-testid='patients-empty']\")",
    )
    .await;
    h.fill("patients-search", &patient_phone[7..]).await;
    h.wait_contains("patient-row", "张*").await;
    check_tap_targets(h).await;
    h.screenshot("patients").await;

    if h.viewport == Viewport::Desktop {
        // The list stays where it is (the same list, its search kept) while a file opens
        // beside it: a doctor at a desk goes through patients one after another.
        h.present("split-hint").await;
        h.js("window.patientList = document.querySelector(\"[data-testid='patient-list']\"); return true")
            .await;
        h.click("patient-row").await;
        h.wait_path(&format!("/patients/{patient_id}")).await;
        h.wait_text("patient-name", "张三").await;
        check_side_by_side(h, "patient-list", "patient-name").await;
        h.wait_until(
            "the same list, still searched",
            &format!(
                "return window.patientList === document.querySelector(\"[data-testid='patient-list']\")
                   && document.querySelector(\"[data-testid='patients-search']\").value === '{}'",
                &patient_phone[7..]
            ),
        )
        .await;
        h.screenshot("patients-side-by-side").await;
    }
}

/// Ten thousand patients: only the rows near the screen are in the page, the next pages
/// load as the doctor scrolls (on a desktop, beside the file area), each row is the right
/// patient, and screen readers still hear "n of 10000".
pub async fn patients_scroll_ten_thousand(h: &Harness) {
    const ROWS: i64 = 10_000;
    let phone = unique_phone();
    sign_up(h, &phone).await;
    let db = &h.server.state.db;
    let doctor_id = h.account_id(&phone).await;
    seed_closed_consultations(h, doctor_id, ROWS, "1661").await;
    // Place k (1-based, most recent consultation first) is patient n = k - 1.
    let first_id: i64 =
        doctor_desk_server::db::query_scalar("SELECT id FROM patients WHERE phone = '16610000000'")
            .fetch_one(db)
            .await
            .expect("first patient");

    h.goto("/patients").await;
    h.wait_text("patient-total", "共 10000 位").await;
    // What is in the DOM: how many rows, their places in order, the set size, and whether
    // each row links to the patient at its place.
    let window = format!(
        "const rows = [...document.querySelectorAll(\"[data-testid='patient-row']\")];
         const at = rows.map(r => Number(r.getAttribute('aria-posinset')));
         const right = rows.every((r, i) => r.querySelector('a').getAttribute('href')
             === '/patients/' + ({first_id} + at[i] - 1));
         return {{ count: rows.length, first: at[0], last: at[at.length - 1], right,
                  contiguous: at.every((p, i) => i === 0 || p === at[i - 1] + 1),
                  size: rows[0] && rows[0].getAttribute('aria-setsize') }}"
    );
    h.wait_until(
        "the first rows",
        "return document.querySelectorAll(\"[data-testid='patient-row']\").length > 0",
    )
    .await;
    let shown = h.js(&window).await;
    assert_eq!(shown["size"], "10000", "{shown}");
    assert_eq!(shown["first"], 1, "{shown}");
    assert_eq!(shown["right"], true, "{shown}");
    assert!(shown["count"].as_u64().unwrap() <= 30, "{shown}");

    let mut last = shown["last"].as_u64().unwrap();
    for _ in 0..5 {
        h.js("window.scrollTo(0, document.documentElement.scrollHeight); return true")
            .await;
        h.wait_until(
            "rows further down",
            &format!(
                "const at = [...document.querySelectorAll(\"[data-testid='patient-row']\")]
                    .map(r => Number(r.getAttribute('aria-posinset')));
                 return Math.max(...at) > {last}"
            ),
        )
        .await;
        let shown = h.js(&window).await;
        last = shown["last"].as_u64().unwrap();
        assert!(shown["count"].as_u64().unwrap() <= 30, "{shown}");
        assert_eq!(shown["contiguous"], true, "{shown}");
        assert_eq!(shown["right"], true, "{shown}");
    }
    assert!(last > 100, "five scrolls reach row {last}");
    check_tap_targets(h).await;
    h.screenshot("ten-thousand").await;

    // Side by side, one file after another: each row opens its own patient's file.
    if h.viewport == Viewport::Desktop {
        h.js("window.scrollTo(0, 0); return true").await;
        for place in 1..=3 {
            let row = format!("[data-testid='patient-row'][aria-posinset='{place}'] a");
            open_row(h, &row).await;
            h.wait_path(&format!("/patients/{}", first_id + place - 1))
                .await;
            h.wait_text("patient-name", &format!("患者{}", place - 1))
                .await;
        }
    }
}

/// Taps the list row `css` picks once it is there (the list stays beside the detail).
pub async fn open_row(h: &Harness, css: &str) {
    h.wait_until(
        &format!("{css} in the list"),
        &format!("return !!document.querySelector({css:?})"),
    )
    .await;
    h.client
        .find(fantoccini::Locator::Css(css))
        .await
        .expect("the row")
        .click()
        .await
        .expect("tap the row");
}

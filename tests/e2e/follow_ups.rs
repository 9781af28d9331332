//! Follow-ups end to end: on the patient's file the doctor makes a plan from a built-in
//! template; four weeks later (the server's clock moved) the first visit is due: home
//! counts it, "due today" lists it; the doctor sends the reminder, which the patient gets
//! through the patient API and by SMS, records the visit as done, and the patient's history
//! shows it.

use chrono::Duration;

use super::{patients::doctor_asked_by_a_patient, sign_in, PASSWORD};
use crate::support::Harness;

/// A signed-in doctor and a patient of theirs: `(doctor id, patient, patient id)`.
async fn doctors_patient(h: &Harness) -> (i64, doctor_desk_server::simulate::PatientClient, i64) {
    let db = &h.server.state.db;
    let (doctor_id, patient, patient_phone, id) = doctor_asked_by_a_patient(h).await;
    // Fixture: accepted (the accept step has its own flows), so the patient is the doctor's.
    doctor_desk_server::db::query(
        "UPDATE consultations SET status = 'ongoing', accepted_at = created_at WHERE id = ?",
    )
    .bind(id)
    .execute(db)
    .await
    .expect("accepted");
    let patient_id: i64 =
        doctor_desk_server::db::query_scalar("SELECT id FROM patients WHERE phone = ?")
            .bind(&patient_phone)
            .fetch_one(db)
            .await
            .expect("patient");
    (doctor_id, patient, patient_id)
}

pub async fn follow_ups_flow(h: &Harness) {
    let db = &h.server.state.db;
    let (doctor_id, patient, patient_id) = doctors_patient(h).await;
    let template: i64 = doctor_desk_server::db::query_scalar(
        "SELECT id FROM follow_up_templates WHERE doctor_id IS NULL AND name = '高血压'",
    )
    .fetch_one(db)
    .await
    .expect("built-in template");

    h.goto(&format!("/patients/{patient_id}")).await;
    h.wait_text("patient-name", "张三").await;
    h.select("plan-template", &template.to_string()).await;
    h.click("create-plan").await;
    h.wait_until(
        "three visits planned",
        "return document.querySelectorAll(\"[data-testid='plan-visit']\").length === 3",
    )
    .await;
    h.wait_contains("plan", "待随访").await;

    // Four weeks later the first visit is due. The doctor's session idled out meanwhile
    // (a week unused), so they sign in again.
    h.clock.advance(Duration::days(28));
    let phone: String =
        doctor_desk_server::db::query_scalar("SELECT phone FROM accounts WHERE id = ?")
            .bind(doctor_id)
            .fetch_one(db)
            .await
            .expect("phone");
    sign_in(h, &phone, PASSWORD).await;
    h.wait_text("today-follow-ups-count", "1").await;
    h.wait_text("today-overdue-count", "0").await;
    h.click("today-follow-ups").await;
    h.wait_path("/follow-ups?list=today").await;
    h.wait_text("follow-ups-today-count", "1").await;
    h.wait_text("follow-ups-upcoming-count", "2").await;
    h.wait_contains("follow-up", "张*").await;

    // One tap sends the reminder: the patient sees it, and the SMS went out.
    h.click("remind").await;
    h.wait_contains("follow-up-state", "已提醒").await;
    let reminders = patient.reminders().await.expect("patient's reminders");
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert!(reminders[0].message.contains("血压"), "{reminders:?}");
    let sms: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM patient_reminders WHERE patient_id = ? AND sms_sent_at IS NOT NULL",
    )
    .bind(patient_id)
    .fetch_one(db)
    .await
    .expect("sms");
    assert_eq!(sms, 1, "the reminder's SMS was sent");

    // The visit happened: done, with a note; it moves to the finished list.
    h.click("record-done").await;
    h.fill(
        &format!("outcome-{}-note", visit_id(h, patient_id).await),
        "血压 132/84，继续原方案",
    )
    .await;
    h.click("confirm-done").await;
    h.wait_text("follow-ups-today-count", "0").await;
    h.wait_text("follow-ups-done-count", "1").await;
    h.click("follow-ups-done").await;
    h.wait_path("/follow-ups?list=done").await;
    h.wait_contains("follow-up-state", "已完成").await;
    super::check_tap_targets(h).await;
    h.screenshot("follow-ups").await;

    // The patient's history shows the visit with its outcome.
    h.click("follow-up-patient").await;
    h.wait_path(&format!("/patients/{patient_id}")).await;
    h.wait_until(
        "the done visit in the history",
        "return [...document.querySelectorAll(\"[data-testid='timeline-follow-up']\")]
            .some(e => e.innerText.includes('已完成') && e.innerText.includes('132/84'))",
    )
    .await;

    // My patients shows when the next visit is (the second one now).
    let second: String = doctor_desk_server::db::query_scalar(
        "SELECT f.due_on FROM follow_ups f JOIN follow_up_plans p ON p.id = f.plan_id
         WHERE p.patient_id = ? AND f.state = 'planned' ORDER BY f.due_on LIMIT 1",
    )
    .bind(patient_id)
    .fetch_one(db)
    .await
    .expect("next visit");
    h.click("nav-patients").await;
    h.wait_path("/patients").await;
    h.wait_contains("next-follow-up", &second).await;
    h.select("patients-sort", "next_follow_up").await;
    h.wait_text("patient-total", "共 1 位").await;
    h.wait_contains("next-follow-up", &second).await;
}

/// The first visit of the patient's plan.
async fn visit_id(h: &Harness, patient_id: i64) -> i64 {
    doctor_desk_server::db::query_scalar(
        "SELECT f.id FROM follow_ups f JOIN follow_up_plans p ON p.id = f.plan_id
         WHERE p.patient_id = ? ORDER BY f.due_on, f.id LIMIT 1",
    )
    .bind(patient_id)
    .fetch_one(&h.server.state.db)
    .await
    .expect("visit")
}

/// A doctor saves a template of their own (a wrong count is refused under its field,
/// keeping what was typed), makes a plan from it on a patient's file, then a plan by hand
/// with two visits: the second comes four weeks after the first with the same message, and
/// a date in the past is refused under that visit.
pub async fn follow_up_plans_flow(h: &Harness) {
    let db = &h.server.state.db;
    let (doctor_id, _patient, patient_id) = doctors_patient(h).await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();

    h.goto("/follow-ups").await;
    h.click("open-templates").await;
    h.wait_contains("templates", "高血压").await;
    h.fill("template-name", "术后复查").await;
    h.fill("template-every", "2").await;
    h.fill("template-visits", "0").await;
    h.fill("template-message", "请按时来院复查伤口").await;
    h.click("save-template").await;
    h.wait_until(
        "the count is refused under its field, the rest kept",
        "return document.querySelector(\"[data-testid='template-visits-error']\").textContent.length > 0
            && document.querySelector(\"[data-testid='template-name']\").value === '术后复查'",
    )
    .await;
    h.fill("template-visits", "2").await;
    h.click("save-template").await;
    h.wait_until(
        "the new template is listed with its rhythm",
        "return [...document.querySelectorAll(\"[data-testid='template']\")]
            .some(e => e.innerText.includes('术后复查') && e.innerText.includes('每 2 周一次，共 2 次'))",
    )
    .await;
    super::check_tap_targets(h).await;
    let template: i64 = doctor_desk_server::db::query_scalar(
        "SELECT id FROM follow_up_templates WHERE doctor_id = ? AND name = '术后复查'",
    )
    .bind(doctor_id)
    .fetch_one(db)
    .await
    .expect("own template");

    // A plan from it on the patient's file: visits in 2 and 4 weeks.
    h.goto(&format!("/patients/{patient_id}")).await;
    h.wait_text("patient-name", "张三").await;
    h.select("plan-template", &template.to_string()).await;
    h.click("create-plan").await;
    h.wait_until(
        "two visits planned",
        "return document.querySelectorAll(\"[data-testid='plan-visit']\").length === 2",
    )
    .await;
    let dates: Vec<String> = doctor_desk_server::db::query_scalar(
        "SELECT f.due_on FROM follow_ups f JOIN follow_up_plans p ON p.id = f.plan_id
         WHERE p.patient_id = ? ORDER BY f.due_on",
    )
    .bind(patient_id)
    .fetch_all(db)
    .await
    .expect("dates");
    let weeks = |n: i64| (today + chrono::Duration::weeks(n)).to_string();
    assert_eq!(dates, vec![weeks(2), weeks(4)]);

    // By hand: two visits, the second four weeks after the first with its message.
    h.select("plan-template", "").await;
    h.fill("plan-name", "复诊").await;
    let first = today + chrono::Duration::days(3);
    h.set_value("visit-1-due_on", &first.to_string()).await;
    h.fill("visit-1-message", "请带上近期化验单").await;
    h.click("add-visit").await;
    let second = (first + chrono::Duration::weeks(4)).to_string();
    h.wait_until(
        "the second visit four weeks later, same message",
        &format!(
            "return document.querySelector(\"[data-testid='visit-2-due_on']\")?.value === '{second}'
               && document.querySelector(\"[data-testid='visit-2-message']\").value === '请带上近期化验单'"
        ),
    )
    .await;
    // A day already past is refused under that visit; nothing is created.
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    h.set_value("visit-2-due_on", &yesterday).await;
    h.click("create-plan").await;
    h.wait_until(
        "the past day is refused under the second visit",
        "return document.querySelector(\"[data-testid='visit-2-due_on-error']\").textContent.length > 0
            && document.querySelector(\"[data-testid='visit-1-due_on-error']\").textContent === ''",
    )
    .await;
    h.set_value("visit-2-due_on", &second).await;
    h.click("create-plan").await;
    h.wait_until(
        "four visits in two plans",
        "return document.querySelectorAll(\"[data-testid='plan-visit']\").length === 4",
    )
    .await;
    let by_hand: Vec<(String, String)> = doctor_desk_server::db::query_as(
        "SELECT f.due_on, f.message FROM follow_ups f JOIN follow_up_plans p ON p.id = f.plan_id
         WHERE p.patient_id = ? AND p.template_id IS NULL ORDER BY f.due_on",
    )
    .bind(patient_id)
    .fetch_all(db)
    .await
    .expect("by hand");
    assert_eq!(
        by_hand,
        vec![
            (first.to_string(), "请带上近期化验单".to_owned()),
            (second, "请带上近期化验单".to_owned()),
        ]
    );
    // The form is ready for the next plan: one empty visit. Sent empty, both of its
    // fields say what they need at once; filled in, the plan is made.
    h.fill("plan-name", "复查").await;
    h.click("create-plan").await;
    h.wait_until(
        "date and message are both asked for",
        "const drafts = document.querySelectorAll(\"[data-testid='visit-draft']\");
         const errors = drafts.length === 1
             ? [...drafts[0].querySelectorAll('.field-error')].map(e => e.textContent) : [];
         return errors.length === 2 && errors.every(e => e.length > 0)",
    )
    .await;
    let draft = h
        .js("return document.querySelector(\"[data-testid='visit-draft'] input[type=date]\").dataset.testid")
        .await;
    let draft = draft
        .as_str()
        .expect("the visit's date field")
        .trim_end_matches("-due_on");
    h.set_value(&format!("{draft}-due_on"), &first.to_string())
        .await;
    h.fill(&format!("{draft}-message"), "请空腹来院抽血").await;
    h.click("create-plan").await;
    h.wait_until(
        "five visits in three plans",
        "return document.querySelectorAll(\"[data-testid='plan-visit']\").length === 5",
    )
    .await;
    super::check_tap_targets(h).await;
    h.screenshot("plans").await;
}

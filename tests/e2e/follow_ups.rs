//! Follow-ups end to end: on the patient's file the doctor makes a plan from a built-in
//! template; four weeks later (the server's clock moved) the first visit is due: home
//! counts it, "due today" lists it; the doctor sends the reminder, which the patient gets
//! through the patient API and by SMS, records the visit as done, and the patient's history
//! shows it.

use chrono::Duration;

use super::{patients::doctor_asked_by_a_patient, sign_in, PASSWORD};
use crate::support::Harness;

pub async fn follow_ups_flow(h: &Harness) {
    let db = &h.server.state.db;
    let (doctor_id, patient, patient_phone, id) = doctor_asked_by_a_patient(h).await;
    // Fixture: accepted (the accept step has its own flows), so the patient is the doctor's.
    sqlx::query(
        "UPDATE consultations SET status = 'ongoing', accepted_at = created_at WHERE id = ?",
    )
    .bind(id)
    .execute(db)
    .await
    .expect("accepted");
    let patient_id: i64 = sqlx::query_scalar("SELECT id FROM patients WHERE phone = ?")
        .bind(&patient_phone)
        .fetch_one(db)
        .await
        .expect("patient");
    let template: i64 = sqlx::query_scalar(
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
    let phone: String = sqlx::query_scalar("SELECT phone FROM accounts WHERE id = ?")
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
    let sms: i64 = sqlx::query_scalar(
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
    let second: String = sqlx::query_scalar(
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
}

/// The first visit of the patient's plan.
async fn visit_id(h: &Harness, patient_id: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT f.id FROM follow_ups f JOIN follow_up_plans p ON p.id = f.plan_id
         WHERE p.patient_id = ? ORDER BY f.due_on, f.id LIMIT 1",
    )
    .bind(patient_id)
    .fetch_one(&h.server.state.db)
    .await
    .expect("visit")
}

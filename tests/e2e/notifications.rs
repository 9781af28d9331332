//! Notifications end to end: a patient asks while the doctor is on another page; the
//! badge on 我的 counts it at once (the event stream); the list names it and leads to the
//! consultation; marking all read clears the badge.

use super::check_tap_targets;
use crate::support::{unique_phone, Harness};

pub async fn notifications_flow(h: &Harness) {
    use doctor_desk_server::simulate::PatientClient;
    let (_, doctor_id) = super::patients::verified_doctor(h).await;
    // Fixture: the service on (its own flow tests the settings page).
    let db = &h.server.state.db;
    doctor_desk_server::db::query(
        "INSERT INTO consultation_settings
           (doctor_id, enabled, price_fen, daily_limit, greeting, follow_up_questions)
         VALUES (?, 1, 3000, 20, '您好', 2)",
    )
    .bind(doctor_id)
    .execute(db)
    .await
    .expect("service on");

    h.click("nav-me").await;
    h.wait_path("/me").await;
    let patient = PatientClient::new(&h.server.url(), &unique_phone(), "张三").expect("client");
    patient.sign_in().await.expect("patient signs in");
    let id = patient.ask(doctor_id).await.expect("consultation");
    h.wait_contains("notifications-badge", "1").await;
    h.click("me-notifications").await;
    h.wait_path("/me/notifications").await;
    h.wait_contains("notification", "有新的问诊申请").await;
    check_tap_targets(h).await;
    h.screenshot("notifications").await;
    h.click("notifications-read-all").await;
    h.wait_until(
        "the badge is gone and the item read",
        "return !document.querySelector(\"[data-testid='notifications-badge']\")
            && document.querySelector(\"[data-testid='notification']\")?.dataset.read === 'true'",
    )
    .await;
    h.click("notification-open").await;
    h.wait_path(&format!("/inbox/{id}")).await;
}

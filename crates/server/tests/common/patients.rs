//! Helpers of the patient-management suites (`patients.rs`, `patient_list.rs`,
//! `patient_tags.rs`).

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{Browser, TestApp};

pub async fn patient_id_of(app: &TestApp, phone: &str) -> i64 {
    doctor_desk_server::db::query_scalar("SELECT id FROM patients WHERE phone = ?")
        .bind(phone)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

pub fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_i64().unwrap())
        .collect()
}

pub async fn create_tag(d: &mut Browser<'_>, name: &str, color: &str) -> i64 {
    let r = d
        .post("/api/v1/tags", json!({"name": name, "color": color}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json["id"].as_i64().unwrap()
}

/// The stored next visit of every patient is what their visits say (the triggers kept up).
pub async fn assert_next_visits_stored(app: &TestApp) {
    let stale: Vec<(i64, i64, Option<String>)> = doctor_desk_server::db::query_as(
        "SELECT doctor_id, patient_id, next_follow_up FROM doctor_patients dp
         WHERE next_follow_up IS DISTINCT FROM (
             SELECT MIN(f.due_on) FROM follow_ups f
             WHERE f.doctor_id = dp.doctor_id AND f.patient_id = dp.patient_id
               AND f.state IN ('planned', 'reminded'))",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(stale, vec![]);
}

//! Withdrawing the separate consent to process health data (PIPL) and giving it again
//! (issue 16): care pauses with a clear code, patients cannot ask, every change is an
//! append-only record, and two taps at once record once.

mod common;

use axum::http::{Method, StatusCode};
use common::{ask_for, open_service, patient, TestApp, PDF};
use serde_json::json;

#[tokio::test]
async fn withdrawing_pauses_care_until_the_consent_is_given_again() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911113001", "陈静").await;
    let (mut other, _) = open_service(&app, "13911113002", "王芳").await;
    let mut p = patient(&app, "13722223001", "钱一").await;
    let id = ask_for(&mut p, doctor_id).await;
    assert_eq!(d.get("/api/v1/me").await.json["health_data_consent"], true);

    let r = d.post("/api/v1/me/consent-withdrawals", json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["given"], false);
    assert!(r.json["changed_at"].is_string());
    let again = d.post("/api/v1/me/consent-withdrawals", json!({})).await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "already withdrawn: nothing new"
    );
    assert_eq!(d.get("/api/v1/me").await.json["health_data_consent"], false);

    let paused = [
        "/api/v1/consultations?status=new".to_owned(),
        format!("/api/v1/consultations/{id}"),
        format!("/api/v1/consultations/{id}/messages?after=0"),
        "/api/v1/patients".to_owned(),
        "/api/v1/follow-ups?list=today".to_owned(),
        "/api/v1/me/today".to_owned(),
        "/api/v1/events".to_owned(),
    ];
    for path in &paused {
        let r = d.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.json);
        assert_eq!(r.error_code(), "consent_withdrawn", "{path}");
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("我的协议"),
            "the message says where to give it again: {}",
            r.json
        );
    }
    let r = d
        .post(&format!("/api/v1/consultations/{id}/accept"), json!({}))
        .await;
    assert_eq!(r.error_code(), "consent_withdrawn", "{}", r.json);
    // The account itself, its settings and its agreements stay reachable.
    for path in [
        "/api/v1/me/consultation-settings",
        "/api/v1/me/acceptances",
        "/api/v1/me/sessions",
    ] {
        assert_eq!(d.get(path).await.status, StatusCode::OK, "{path}");
    }
    // Patients cannot ask this doctor meanwhile; the other doctor works as before.
    let record = p
        .post_multipart("/api/v1/patient/files", &[], Some(("病历.pdf", PDF)))
        .await;
    let r = p
        .post(
            "/api/v1/patient/consultations",
            json!({
                "doctor_id": doctor_id,
                "complaint": "血糖偏高",
                "prior_diagnosis": {"hospital": "杭州市第一人民医院", "diagnosis": "2 型糖尿病", "visited_on": "2026-09-01"},
                "evidence": [{"kind": "outpatient_record", "file_id": record.json["file_id"]}],
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
    assert_eq!(r.error_code(), "service_unavailable");
    let theirs = other.get("/api/v1/consultations?status=new").await;
    assert_eq!(theirs.status, StatusCode::OK);

    let r = d.post("/api/v1/me/consents", json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["given"], true);
    let list = d.get("/api/v1/consultations?status=new").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.json);
    assert!(list.json.to_string().contains(&format!("\"id\":{id}")));

    let records: Vec<bool> = doctor_desk_server::db::query_scalar(
        "SELECT given <> 0 FROM health_consents WHERE account_id = ? ORDER BY id",
    )
    .bind(doctor_id)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(records, [false, true]);
    for statement in [
        "UPDATE health_consents SET given = 1",
        "DELETE FROM health_consents",
    ] {
        assert!(
            doctor_desk_server::db::query(statement)
                .execute(&app.state.db)
                .await
                .is_err(),
            "append-only: {statement}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_withdrawals_at_once_are_one_record() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911113003", "陈静").await;
    let replies = app
        .same_at_once(
            &mut d,
            10,
            Method::POST,
            "/api/v1/me/consent-withdrawals",
            json!({}),
        )
        .await;
    common::assert_one_with_status(&replies, StatusCode::CREATED);
    assert!(replies
        .iter()
        .all(|r| r.status == StatusCode::CREATED || r.status == StatusCode::OK));
    let records: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM health_consents WHERE account_id = ?",
    )
    .bind(doctor_id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(records, 1);
}

#[tokio::test]
async fn only_doctors_have_a_health_data_consent() {
    let app = TestApp::new().await;
    let mut reviewer = app.reviewer().await;
    for path in ["/api/v1/me/consent-withdrawals", "/api/v1/me/consents"] {
        let r = reviewer.post(path, json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.json);
    }
    let r = app
        .browser()
        .post("/api/v1/me/consent-withdrawals", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

//! Sending messages through the real router: the same client id makes one message, also
//! when sent at once; follow-up questions are counted exactly under concurrent sends; a
//! send that stops midway leaves no write open.

mod common;

use axum::http::{Method, StatusCode};
use common::{
    accept, advice, ask_for, assert_tab_counts_match_the_rows, open_service, patient, text,
    TestApp, JPEG,
};
use serde_json::json;

#[tokio::test]
async fn the_same_client_id_makes_one_message() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112005", "陈静").await;
    let mut p = patient(&app, "13722220005", "周八").await;
    let id = ask_for(&mut p, doctor_id).await;
    accept(&mut d, id).await;
    let path = format!("/api/v1/patient/consultations/{id}/messages");
    let first = p.post(&path, text("3f0c2a7e-9b1d-4c55", "头晕")).await;
    let retry = p.post(&path, text("3f0c2a7e-9b1d-4c55", "头晕")).await;
    assert_eq!(
        (first.status, retry.status),
        (StatusCode::CREATED, StatusCode::OK)
    );
    assert_eq!(first.json["id"], retry.json["id"]);
    let dpath = format!("/api/v1/consultations/{id}/messages");
    let a = d.post(&dpath, text("3f0c2a7e-9b1d-4c55", "多喝水")).await;
    assert_eq!(a.status, StatusCode::CREATED, "client ids are per sender");
    let thread = d.get(&dpath).await.json;
    let from_patient = thread
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["sender"] == "patient")
        .count();
    assert_eq!(from_patient, 1);
}

/// A send's write begins with its read and commits with its last statement. One that
/// stops in between (a retry, a refusal, the request dropped mid-way) must not leave its
/// transaction holding the write lock: every later write goes through.
#[tokio::test]
async fn a_send_that_stops_midway_leaves_no_write_open() {
    use futures_util::FutureExt;
    use tower::ServiceExt;

    let app = TestApp::with_config(|c| c.db_busy_timeout = std::time::Duration::from_secs(1)).await;
    let (mut d, doctor_id) = open_service(&app, "13911112041", "周敏").await;
    let (mut other, _) = open_service(&app, "13911112042", "吴刚").await;
    let mut p = patient(&app, "13722220041", "钱九").await;
    let id = ask_for(&mut p, doctor_id).await;
    accept(&mut d, id).await;
    let path = format!("/api/v1/consultations/{id}/messages");

    let r = d.post(&path, text("stop-0000001", "一")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    // A retry: read, then nothing written.
    let r = d.post(&path, text("stop-0000001", "一")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    // Refused inside the write: another doctor's image.
    let theirs = other
        .post_multipart("/api/v1/files", &[], Some(("a.jpg", JPEG)))
        .await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.json);
    let r = d
        .post(
            &path,
            json!({"client_id": "stop-0000002", "image_file_id": theirs.json["file_id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);
    // Dropped after its first step, wherever that was.
    for n in 0..5 {
        let request = d
            .request(
                axum::http::Method::POST,
                &path,
                text(&format!("drop-000000{n}"), "掉"),
            )
            .await;
        let _ = app.router.clone().oneshot(request).now_or_never();
    }

    for n in 0..10 {
        let r = d.post(&path, text(&format!("next-000000{n}"), "好")).await;
        assert_eq!(r.status, StatusCode::CREATED, "send {n}: {}", r.json);
    }
    let r = p
        .post(
            &format!("/api/v1/patient/consultations/{id}/messages"),
            text("pat-0000001", "谢谢"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sends_keep_the_follow_up_count_and_one_message_per_client_id() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112051", "郑洁").await;
    let mut p = patient(&app, "13722220051", "孙十").await;
    let id = ask_for(&mut p, doctor_id).await;
    accept(&mut d, id).await;

    // One doctor's message sent five times at once (a client retrying): one message.
    let path = format!("/api/v1/consultations/{id}/messages");
    let replies = app
        .same_at_once(
            &mut d,
            5,
            Method::POST,
            &path,
            text("same-0000001", "按时服药"),
        )
        .await;
    common::assert_one_with_status(&replies, StatusCode::CREATED);
    assert!(replies
        .iter()
        .all(|r| r.json["id"] == replies[0].json["id"]));

    // After the advice, the patient has two follow-up questions: six sent at once, two
    // are taken.
    let r = d
        .post(&format!("/api/v1/consultations/{id}/close"), advice())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let ppath = format!("/api/v1/patient/consultations/{id}/messages");
    let mut requests = Vec::new();
    for n in 0..6 {
        requests.push(
            p.request(
                Method::POST,
                &ppath,
                text(&format!("fu-000000{n}"), "还有问题"),
            )
            .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    let statuses: Vec<StatusCode> = replies.iter().map(|r| r.status).collect();
    assert_eq!(
        (
            common::with_status(&replies, StatusCode::CREATED),
            common::with_status(&replies, StatusCode::CONFLICT)
        ),
        (2, 4),
        "{statuses:?}"
    );
    let mine = p
        .get(&format!("/api/v1/patient/consultations/{id}"))
        .await
        .json;
    assert_eq!(mine["follow_ups_left"], 0);
    let stored: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE consultation_id = ? AND sender = 'patient'
           AND client_id LIKE 'fu-%'",
    )
    .bind(id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(stored, 2);
    assert_tab_counts_match_the_rows(&app.state.db).await;
}

//! Two server instances on one PostgreSQL database (issue 18): what one instance commits
//! reaches the streams the other holds open, through the database (migration 0024's
//! notifications), and a doctor's events keep their order when many are recorded at once
//! on both. Always on PostgreSQL (`DOCTOR_DESK_TEST_POSTGRES`), so it runs in one pass.

mod common;

use axum::http::StatusCode;
use common::{
    accept, ask_for, my_patient, open_service, patient, postgres, read_events, text, TestApp,
};
use doctor_desk_server::db;
use http_body_util::BodyExt;

/// Two apps (each with its own hub, pool and files) on one fresh database.
async fn two_instances() -> (TestApp, TestApp) {
    let url = postgres::fresh_database("instances").await;
    let a = TestApp::with_config(|c| c.database_url = Some(url.clone())).await;
    let b = TestApp::with_config(|c| c.database_url = Some(url)).await;
    (a, b)
}

#[tokio::test]
async fn a_stream_on_one_instance_hears_what_the_other_commits_and_ends_with_its_session() {
    let (a, b) = two_instances().await;
    let (mut d, doctor_id) = open_service(&a, "13911113001", "陈静").await;
    let mut live = d.open_stream("/api/v1/events", None).await.into_body();

    // The patient uses instance B only.
    let mut p = patient(&b, "13722223001", "钱一").await;
    let id = ask_for(&mut p, doctor_id).await;
    let events = read_events(&mut live, 2).await;
    assert_eq!(events[0]["kind"], "consultation_new");
    assert_eq!(events[0]["consultation_id"], id);

    // The doctor accepts on B with the same session; the patient writes on B.
    let mut on_b = b.browser();
    on_b.cookies = d.cookies.clone();
    accept(&mut on_b, id).await;
    let r = p
        .post(
            &format!("/api/v1/patient/consultations/{id}/messages"),
            text("b-0000000001", "从另一台服务器发来"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let events = read_events(&mut live, 3).await;
    assert_eq!(events[2]["kind"], "message");
    assert_eq!(events[2]["message"]["text"], "从另一台服务器发来");

    // Signing out on B ends the stream the session holds open on A.
    let out = on_b
        .post("/api/v1/auth/logout", serde_json::json!({}))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.json);
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(frame) = live.frame().await {
            if frame.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream on A ended with the session");
}

#[tokio::test]
async fn events_recorded_at_once_on_both_instances_are_read_in_id_order_without_a_gap() {
    let (a, b) = two_instances().await;
    let (mut d, doctor_id) = open_service(&a, "13911113002", "王芳").await;
    let mut p = patient(&a, "13722223002", "孙二").await;
    let id = ask_for(&mut p, doctor_id).await;
    accept(&mut d, id).await;
    let mut live = d.open_stream("/api/v1/events", None).await.into_body();

    // 20 messages at once, half through each instance, each from its own browser.
    let sends = (0..20).map(|n| {
        let app = if n % 2 == 0 { &a } else { &b };
        let mut browser = app.browser();
        browser.cookies = p.cookies.clone();
        async move {
            browser
                .post(
                    &format!("/api/v1/patient/consultations/{id}/messages"),
                    text(&format!("race-{n:010}"), &format!("第{n}条")),
                )
                .await
                .status
        }
    });
    let statuses = futures_util::future::join_all(sends).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );

    // The stream saw every message once, in increasing ids.
    let events = read_events(&mut live, 20).await;
    let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let mut texts: Vec<&str> = events
        .iter()
        .map(|e| e["message"]["text"].as_str().unwrap())
        .collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 20);
}

/// Two transactions change one patient's visits at the same moment, as two instances
/// would: one plans a visit in 5 days while the other finishes the visit in 10 days. The
/// next visit the triggers store must count both (the second waits for the first; without
/// that it stored "none" from a snapshot without the new visit).
#[tokio::test]
async fn visits_changed_at_once_leave_the_stored_next_visit_right() {
    let url = postgres::fresh_database("instances").await;
    let app = TestApp::with_config(|c| c.database_url = Some(url)).await;
    let (mut d, doctor_id) = open_service(&app, "13911113003", "陈静").await;
    let (_p, _, patient_id) = my_patient(&app, &mut d, doctor_id, "13722223003", "周杰").await;
    let today = app.clock_today();
    let r = d
        .post(
            &format!("/api/v1/patients/{patient_id}/follow-up-plans"),
            serde_json::json!({"name": "复诊", "visits": [
                {"due_on": today + chrono::Duration::days(10), "message": "请按时复诊"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let plan = r.json["id"].as_i64().unwrap();
    let in_ten_days = r.json["visits"][0]["id"].as_i64().unwrap();

    let mut first = app.state.db.begin().await.unwrap();
    db::query(
        "INSERT INTO follow_ups (plan_id, doctor_id, patient_id, due_on, message)
         VALUES (?, ?, ?, ?, '请按时复诊')",
    )
    .bind(plan)
    .bind(doctor_id)
    .bind(patient_id)
    .bind(today + chrono::Duration::days(5))
    .execute(&mut *first)
    .await
    .unwrap();
    let pool = app.state.db.clone();
    let second = tokio::spawn(async move {
        let mut second = pool.begin().await.unwrap();
        db::query("UPDATE follow_ups SET state = 'done', finished_at = 1 WHERE id = ?")
            .bind(in_ten_days)
            .execute(&mut *second)
            .await
            .unwrap();
        second.commit().await.unwrap();
    });
    // The second is under way, waiting for a lock the first holds.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let waiting: i64 = db::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&app.state.db)
        .await
        .unwrap();
        if waiting == 1 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the second never waited"
        );
        tokio::task::yield_now().await;
    }
    first.commit().await.unwrap();
    second.await.unwrap();
    common::patients::assert_next_visits_stored(&app).await;
    let stored: Option<String> = db::query_scalar(
        "SELECT next_follow_up FROM doctor_patients WHERE doctor_id = ? AND patient_id = ?",
    )
    .bind(doctor_id)
    .bind(patient_id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        stored,
        Some((today + chrono::Duration::days(5)).to_string())
    );
}

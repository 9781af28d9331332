//! Notifications (issue 16): written where the fact happens (a new consultation, a review
//! result, a new agreement version) and by the daily job (licences at 30/7/1 days, visits
//! due today), each once; live on the event stream; read one by one or all; another
//! doctor's ids are 404; gone after 90 days.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{ask_for, open_service, patient, read_events, TestApp};
use doctor_desk_server::account::notifications;
use serde_json::{json, Value};

fn kinds(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_new_consultation_arrives_live_and_is_read() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911116001", "陈静").await;
    let page = d.get("/api/v1/me/notifications").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.json);
    assert_eq!(kinds(&page.json), ["verification_result"]);
    assert_eq!(page.json["items"][0]["detail"], "approved");
    // Read it so the badge starts at zero.
    let r = d
        .post("/api/v1/me/notifications/read", json!({"all": true}))
        .await;
    assert_eq!(r.json["unread"], 0, "{}", r.json);

    let mut stream = d.open_stream("/api/v1/events", None).await;
    let mut p = patient(&app, "13722226001", "钱一").await;
    let consultation = ask_for(&mut p, doctor_id).await;
    let events = read_events(stream.body_mut(), 2).await;
    assert!(
        events.iter().any(|e| e["kind"] == "notification"),
        "{events:?}"
    );
    let page = d.get("/api/v1/me/notifications").await.json;
    assert_eq!(page["unread"], 1);
    let told = &page["items"][0];
    assert_eq!(told["kind"], "new_consultation");
    assert_eq!(told["link"], format!("/inbox/{consultation}"));
    assert_eq!(told["read"], false);
    assert_eq!(d.get("/api/v1/me").await.json["unread_notifications"], 1);

    // Another doctor cannot read it (404, and nothing marked), nor see it.
    let id = told["id"].as_i64().unwrap();
    let (mut other, _) = open_service(&app, "13911116002", "王芳").await;
    let r = other
        .post("/api/v1/me/notifications/read", json!({"ids": [id]}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);
    assert!(!other.get("/api/v1/me/notifications").await.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == id));
    assert_eq!(d.get("/api/v1/me").await.json["unread_notifications"], 1);

    let r = d
        .post("/api/v1/me/notifications/read", json!({"ids": [id]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["unread"], 0);
    let page = d.get("/api/v1/me/notifications").await.json;
    assert_eq!(page["items"][0]["read"], true);
    let r = d
        .post("/api/v1/me/notifications/read", json!({"ids": []}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_daily_job_tells_each_fact_once_and_forgets_after_90_days() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911116003", "李娜").await;
    let today = app.clock_today();
    doctor_desk_server::db::query(
        "UPDATE documents SET expires_on = ? WHERE account_id = ? AND kind = 'practice'",
    )
    .bind((today + Duration::days(7)).to_string())
    .bind(doctor_id)
    .execute(&app.state.db)
    .await
    .unwrap();
    let mut p = patient(&app, "13722226003", "孙二").await;
    let consultation = ask_for(&mut p, doctor_id).await;
    common::accept(&mut d, consultation).await;
    let pid = common::patients::patient_id_of(&app, "13722226003").await;
    let plan = d
        .post(
            &format!("/api/v1/patients/{pid}/follow-up-plans"),
            json!({"name": "复查", "visits": [{"due_on": today, "message": "请复查"}]}),
        )
        .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.json);

    assert!(notifications::daily(&app.state).await.unwrap() >= 1);
    assert_eq!(
        notifications::daily(&app.state).await.unwrap(),
        0,
        "told once"
    );
    let page = d.get("/api/v1/me/notifications").await.json;
    let expiring = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "document_expiring")
        .unwrap_or_else(|| panic!("{page}"));
    assert_eq!(expiring["detail"], "7");
    assert_eq!(expiring["link"], "/onboarding");
    if plan.status == StatusCode::CREATED {
        assert!(
            kinds(&page).contains(&"follow_ups_due".to_owned()),
            "{page}"
        );
    }
    // Six days on, one day left: told again, at that step.
    app.clock.advance(Duration::days(6));
    notifications::daily(&app.state).await.unwrap();
    let page = d.get("/api/v1/me/notifications").await.json;
    assert_eq!(page["items"][0]["kind"], "document_expiring");
    assert_eq!(page["items"][0]["detail"], "1");

    app.clock.advance(Duration::days(91));
    notifications::daily(&app.state).await.unwrap();
    assert_eq!(
        d.login("13911116003", "secret123").await.status,
        StatusCode::OK
    );
    let page = d.get("/api/v1/me/notifications").await.json;
    assert!(page["items"].as_array().unwrap().is_empty(), "{page}");
}

#[tokio::test]
async fn results_and_new_agreements_are_told() {
    let app = TestApp::new().await;
    let mut d = common::posts::author(&app, "13911116004", "赵敏").await;
    let post = common::posts::draft(&mut d, json!({})).await;
    let mut reviewer = app.reviewer().await;
    common::posts::publish(&mut d, &mut reviewer, post["id"].as_i64().unwrap()).await;
    doctor_desk_server::agreements::samples::publish_missing(&app.state)
        .await
        .unwrap();
    let page = d.get("/api/v1/me/notifications").await.json;
    let kinds = kinds(&page);
    assert_eq!(
        &kinds[..2],
        ["agreement_update", "agreement_update"],
        "{page}"
    );
    assert!(kinds.contains(&"post_result".to_owned()), "{page}");
    let post_told = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "post_result")
        .unwrap();
    assert_eq!(post_told["detail"], "approved");
    assert_eq!(post_told["link"], format!("/posts/{}/edit", post["id"]));
    // Reviewers are no doctors: no agreement notices for them.
    let theirs = reviewer.get("/api/v1/me/notifications").await.json;
    assert!(theirs["items"].as_array().unwrap().is_empty(), "{theirs}");
    // Paged by cursor.
    let first = d.get("/api/v1/me/notifications?limit=1").await.json;
    let cursor = first["next_cursor"].as_str().expect("more");
    let second = d
        .get(&format!("/api/v1/me/notifications?limit=1&cursor={cursor}"))
        .await
        .json;
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    assert_eq!(
        d.get("/api/v1/me/notifications?cursor=x").await.status,
        StatusCode::NOT_FOUND
    );
}

/// A deadline close is told once, though sweeps run every 30 s and may overlap; a new
/// deadline (accepted: now a reply is due) is told again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_close_deadline_is_told_once_per_deadline() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911116401", "陈静").await;
    d.post("/api/v1/me/notifications/read", json!({"all": true}))
        .await;
    let mut p = patient(&app, "13722226401", "钱一").await;
    let consultation = ask_for(&mut p, doctor_id).await;
    let deadlines = |app: &TestApp| {
        let state = app.state.clone();
        async move {
            doctor_desk_server::inbox::deadlines::warn_close(&state)
                .await
                .unwrap()
        }
    };
    assert_eq!(deadlines(&app).await, 0, "a day to go: nothing to tell");

    // 22 h 30 min later the request has 90 minutes left.
    app.clock.advance(Duration::minutes(22 * 60 + 30));
    let sweeps: Vec<_> = (0..6).map(|_| tokio::spawn(deadlines(&app))).collect();
    let mut told = 0;
    for s in sweeps {
        told += s.await.unwrap();
    }
    assert_eq!(told, 1, "six sweeps at once tell it once");
    assert_eq!(deadlines(&app).await, 0);
    let page = d.get("/api/v1/me/notifications").await.json;
    let close: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "deadline_close")
        .collect();
    assert_eq!(close.len(), 1, "{page}");
    assert_eq!(close[0]["detail"], "new");
    assert_eq!(close[0]["link"], format!("/inbox/{consultation}"));
    assert!(close[0]["text"].as_str().unwrap().contains("2 小时"));

    // Accepted: the reply is due in 48 h, and told 2 h before.
    common::accept(&mut d, consultation).await;
    app.clock.advance(Duration::hours(47));
    assert_eq!(deadlines(&app).await, 1);
    let page = d.get("/api/v1/me/notifications").await.json;
    assert_eq!(page["items"][0]["kind"], "deadline_close");
    assert_eq!(page["items"][0]["detail"], "ongoing");
}

//! Deleting one's own account (注销, issue 16): each blocker blocks it, the cooling-off
//! pauses care and is cancelled by signing in; two requests at once record one; another
//! doctor touches nothing. What happens once it is over: `retention.rs`.

mod common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use common::{accept, ask_for, count, open_service, patient, posts, TestApp, PDF};
use doctor_desk_server::account::retention;
use serde_json::{json, Value};

const PASSWORD: &str = "secret123";

fn confirmed() -> Value {
    json!({"current_password": PASSWORD, "confirm": true})
}

fn blocker_kinds(status: &Value) -> Vec<String> {
    status["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_blocker_blocks_until_it_is_finished() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114001", "陈静").await;
    let mut p = patient(&app, "13722224001", "钱一").await;

    // A consultation waiting: open, and the fee paid for it.
    let first = ask_for(&mut p, doctor_id).await;
    let status = d.get("/api/v1/me/deletion").await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.json);
    assert_eq!(
        blocker_kinds(&status.json),
        ["open_consultations", "pending_fees"]
    );
    assert_eq!(status.json["blockers"][1]["amount_fen"], 3000);
    assert_eq!(status.json["pending"], Value::Null);
    let r = d.post("/api/v1/me/deletion", confirmed()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
    assert_eq!(r.error_code(), "deletion_blocked");

    // Ended with advice and a follow-up visit planned: the visit blocks now.
    accept(&mut d, first).await;
    let r = d
        .post(
            &format!("/api/v1/consultations/{first}/close"),
            json!({"assessment": "血糖控制欠佳", "advice": "二甲双胍加量", "offline_visit": true,
                   "department": "内分泌科", "follow_up": "两周后复查"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let pid = r.json["patient"]["id"]
        .as_i64()
        .or_else(|| r.json["patient_id"].as_i64())
        .expect("the consultation names its patient");
    let due = app.clock_today() + Duration::days(14);
    let plan = d
        .post(
            &format!("/api/v1/patients/{pid}/follow-up-plans"),
            json!({"name": "复查", "visits": [{"due_on": due, "message": "请复查空腹血糖"}]}),
        )
        .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.json);
    let status = d.get("/api/v1/me/deletion").await.json;
    assert_eq!(blocker_kinds(&status), ["planned_follow_ups"]);
    assert_eq!(
        d.post("/api/v1/me/deletion", confirmed())
            .await
            .error_code(),
        "deletion_blocked"
    );
    let visit = plan.json["visits"][0]["id"].as_i64().unwrap();
    let r = d
        .post(&format!("/api/v1/follow-ups/{visit}/done"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);

    // A post in review blocks until it is withdrawn.
    let post = posts::draft(&mut d, json!({})).await;
    let post_id = post["id"].as_i64().unwrap();
    assert_eq!(posts::submit(&mut d, post_id).await.status, StatusCode::OK);
    let status = d.get("/api/v1/me/deletion").await.json;
    assert_eq!(blocker_kinds(&status), ["posts_in_review"]);
    assert_eq!(
        d.post("/api/v1/me/deletion", confirmed())
            .await
            .error_code(),
        "deletion_blocked"
    );
    let r = d
        .post(
            &format!("/api/v1/posts/{post_id}/withdraw"),
            json!({"from": "review"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);

    let status = d.get("/api/v1/me/deletion").await.json;
    assert!(blocker_kinds(&status).is_empty(), "{status}");
    let r = d.post("/api/v1/me/deletion", confirmed()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

#[tokio::test]
async fn the_cooling_off_pauses_care_and_signing_in_offers_to_cancel() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114002", "王芳").await;
    let mut elsewhere = app.browser();
    assert_eq!(
        elsewhere.login("13911114002", PASSWORD).await.status,
        StatusCode::OK
    );

    for (body, field) in [
        (
            json!({"current_password": "", "confirm": true}),
            "current_password",
        ),
        (
            json!({"current_password": PASSWORD, "confirm": false}),
            "confirm",
        ),
    ] {
        let r = d.post("/api/v1/me/deletion", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.field_error(field).is_some(), "{}", r.json);
    }
    let r = d
        .post(
            "/api/v1/me/deletion",
            json!({"current_password": "wrong-one1", "confirm": true}),
        )
        .await;
    assert_eq!(r.error_code(), "wrong_password");
    assert_eq!(
        d.get("/api/v1/me").await.json["deletion_takes_effect_at"],
        Value::Null
    );

    let r = d.post("/api/v1/me/deletion", confirmed()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    let (asked, effective) = (
        at(&r.json["pending"]["requested_at"]),
        at(&r.json["pending"]["takes_effect_at"]),
    );
    assert_eq!(effective - asked, Duration::days(7));
    let me = d.get("/api/v1/me").await.json;
    assert_eq!(
        me["deletion_takes_effect_at"],
        r.json["pending"]["takes_effect_at"]
    );
    // The other device is signed out.
    assert_eq!(
        elsewhere.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Care pauses, with a code saying why; the account itself stays reachable.
    for path in [
        "/api/v1/consultations?status=new",
        "/api/v1/patients",
        "/api/v1/follow-ups?list=today",
        "/api/v1/events",
    ] {
        let r = d.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(r.error_code(), "deletion_pending", "{path}");
    }
    assert_eq!(d.get("/api/v1/me/sessions").await.status, StatusCode::OK);
    // Patients cannot ask meanwhile.
    let mut p = patient(&app, "13722224002", "孙二").await;
    let record = p
        .post_multipart("/api/v1/patient/files", &[], Some(("病历.pdf", PDF)))
        .await;
    let r = p
        .post(
            "/api/v1/patient/consultations",
            json!({"doctor_id": doctor_id, "complaint": "血压偏高",
                   "prior_diagnosis": {"hospital": "杭州市第一人民医院", "diagnosis": "高血压", "visited_on": "2026-09-01"},
                   "evidence": [{"kind": "outpatient_record", "file_id": record.json["file_id"]}]}),
        )
        .await;
    assert_eq!(r.error_code(), "service_unavailable", "{}", r.json);

    // Signing in again during the cooling-off works and says the deletion is coming.
    d.post("/api/v1/auth/logout", json!({})).await;
    let r = d.login("13911114002", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(at(&r.json["deletion_takes_effect_at"]), effective);

    // Another doctor's cancel touches only their own account.
    let (mut other, _) = open_service(&app, "13911114003", "李娜").await;
    let r = other.delete("/api/v1/me/deletion").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["pending"], Value::Null);
    assert!(d.get("/api/v1/me").await.json["deletion_takes_effect_at"].is_string());
    // Hospital staff accounts are not deleted here.
    let mut reviewer = app.reviewer().await;
    for method in [Method::GET, Method::POST, Method::DELETE] {
        let r = reviewer
            .send(
                method.clone(),
                "/api/v1/me/deletion",
                Some(confirmed().to_string()),
                true,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method}");
    }

    let r = d.delete("/api/v1/me/deletion").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["pending"], Value::Null);
    assert_eq!(
        d.get("/api/v1/me").await.json["deletion_takes_effect_at"],
        Value::Null
    );
    assert_eq!(
        d.get("/api/v1/consultations?status=new").await.status,
        StatusCode::OK
    );
    // Cancelled for good: the retention job finds nothing, even after 7 days.
    app.clock.advance(Duration::days(8));
    let report = retention::run(&app.state, false).await.unwrap();
    assert!(report.accounts.is_empty(), "{report}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM accounts WHERE id = ? AND deleted_at IS NULL",
            doctor_id
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_requests_at_once_record_one() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114006", "孙莉").await;
    let replies = app
        .same_at_once(&mut d, 10, Method::POST, "/api/v1/me/deletion", confirmed())
        .await;
    common::assert_one_with_status(&replies, StatusCode::CREATED);
    // The rest find it requested, or hit the password lockout (every check counts, like a
    // sign-in: a stolen session cannot guess the password by trying many at once).
    assert!(
        replies
            .iter()
            .all(|r| r.status.is_success() || r.error_code() == "login_locked"),
        "{:?}",
        replies.iter().map(|r| &r.json).collect::<Vec<_>>()
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM account_deletions WHERE account_id = ?",
            doctor_id
        )
        .await,
        1
    );
}

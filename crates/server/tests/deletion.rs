//! Deleting one's own account (注销, issue 16): each blocker blocks it, the cooling-off
//! pauses care and is cancelled by signing in, and once it is over the retention job
//! removes the personal data (checked in the database) while the records stay; the phone
//! number registers again. Two requests at once record one; another doctor touches nothing.

mod common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use common::{accept, ask_for, open_service, patient, posts, TestApp, PDF};
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

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
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

#[tokio::test]
async fn after_the_cooling_off_personal_data_goes_and_records_stay() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114004", "赵敏").await;
    let mut p = patient(&app, "13722224004", "周三").await;
    let consultation = ask_for(&mut p, doctor_id).await;
    accept(&mut d, consultation).await;
    let r = d
        .post(
            &format!("/api/v1/consultations/{consultation}/messages"),
            json!({"client_id": "3f0c2a7e-9b1d-4c55-8d2e-1a2b3c4d5e6f", "text": "请按时服药"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let r = d
        .post(
            &format!("/api/v1/consultations/{consultation}/close"),
            json!({"assessment": "血糖控制欠佳", "advice": "二甲双胍加量", "offline_visit": true,
                   "department": "内分泌科", "follow_up": "两周后复查"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let post = posts::draft(&mut d, json!({})).await;
    let mut reviewer = app.reviewer().await;
    let post = posts::publish(&mut d, &mut reviewer, post["id"].as_i64().unwrap()).await;
    let public_path = post["publication"]["url"]
        .as_str()
        .expect("published")
        .to_owned();
    assert_eq!(posts::read(&app, &public_path).await.0, StatusCode::OK);
    let files_before = count(
        &app,
        "SELECT COUNT(*) FROM files WHERE owner_id = ?",
        doctor_id,
    )
    .await;
    assert!(files_before > 0, "the licences are stored as files");

    let r = d.post("/api/v1/me/deletion", confirmed()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    // Not yet due: the job leaves it alone.
    app.clock.advance(Duration::days(6));
    assert!(retention::run(&app.state, false)
        .await
        .unwrap()
        .accounts
        .is_empty());
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    // Due (the server's 30-second sweep would carry it out now): cancelling is too late.
    assert_eq!(
        d.login("13911114004", PASSWORD).await.status,
        StatusCode::OK
    );
    let r = d.delete("/api/v1/me/deletion").await;
    assert!(r.json["pending"].is_object(), "{}", r.json);

    // The dry run says what would go, and removes nothing.
    let dry = retention::run(&app.state, true).await.unwrap();
    let text = dry.to_string();
    assert_eq!(dry.accounts.len(), 1, "{text}");
    assert_eq!(dry.accounts[0].account_id, doctor_id);
    for what in [
        "profile", "licences", "files", "posts", "sessions", "account",
    ] {
        assert!(
            dry.accounts[0]
                .removed
                .iter()
                .any(|(w, n)| *w == what && *n > 0),
            "{what}: {text}"
        );
    }
    assert!(text.contains("dry run"), "{text}");
    assert!(
        text.contains("1 consultations"),
        "kept, and says so: {text}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM doctor_profiles WHERE account_id = ?",
            doctor_id
        )
        .await,
        1,
        "a dry run changes nothing"
    );

    let report = retention::run(&app.state, false).await.unwrap();
    assert_eq!(report.accounts.len(), 1, "{report}");
    // Signed out everywhere, and the old password opens nothing.
    assert_eq!(d.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let mut again = app.browser();
    assert_eq!(
        again.login("13911114004", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Personal data is gone from the database.
    let (phone, name, avatar, deleted): (String, Option<String>, Option<String>, Option<i64>) =
        sqlx::query_as(
            "SELECT phone, display_name, avatar_file_id, deleted_at FROM accounts WHERE id = ?",
        )
        .bind(doctor_id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(phone, format!("deleted:{doctor_id}"));
    assert_eq!((name, avatar), (None, None));
    assert!(deleted.is_some());
    for sql in [
        "SELECT COUNT(*) FROM doctor_profiles WHERE account_id = ?",
        "SELECT COUNT(*) FROM documents WHERE account_id = ?",
        "SELECT COUNT(*) FROM verification_submissions WHERE account_id = ?",
        "SELECT COUNT(*) FROM files WHERE owner_id = ?",
        "SELECT COUNT(*) FROM sessions WHERE account_id = ?",
        "SELECT COUNT(*) FROM account_roles WHERE account_id = ?",
        "SELECT COUNT(*) FROM posts WHERE doctor_id = ? AND (title != '' OR body != '')",
    ] {
        assert_eq!(count(&app, sql, doctor_id).await, 0, "{sql}");
    }
    assert_eq!(posts::read(&app, &public_path).await.0, StatusCode::GONE);
    // The medical record, the chat log and the acceptances stay.
    for sql in [
        "SELECT COUNT(*) FROM consultations WHERE doctor_id = ? AND advice IS NOT NULL",
        "SELECT COUNT(*) FROM messages WHERE consultation_id IN (SELECT id FROM consultations WHERE doctor_id = ?)",
        "SELECT COUNT(*) FROM consultation_audit WHERE actor = 'doctor:' || ?",
    ] {
        assert!(count(&app, sql, doctor_id).await > 0, "{sql}");
    }
    // Patients see a doctor who no longer takes consultations.
    let r = p
        .post(
            "/api/v1/patient/consultations",
            json!({"doctor_id": doctor_id, "complaint": "复查", "evidence": [],
                   "prior_diagnosis": {"hospital": "杭州市第一人民医院", "diagnosis": "2 型糖尿病", "visited_on": "2026-09-01"}}),
        )
        .await;
    assert!(matches!(r.status.as_u16(), 409 | 422), "{}", r.json);

    // The number is free for a new sign-up at once.
    let mut newcomer = app.browser();
    newcomer.register("13911114004", "another12").await;
    assert_ne!(newcomer.get("/api/v1/me").await.json["id"], doctor_id);

    // Three years on, the chat log goes; the consultation and its advice stay.
    app.clock.advance(Duration::days(retention::CHAT_LOG_DAYS));
    let report = retention::run(&app.state, false).await.unwrap();
    assert!(
        report
            .chat_logs
            .iter()
            .any(|(w, n)| *w == "messages" && *n > 0),
        "{report}"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM messages WHERE consultation_id IN (SELECT id FROM consultations WHERE doctor_id = ?)", doctor_id).await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM consultations WHERE doctor_id = ? AND advice IS NOT NULL",
            doctor_id
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_live_doctors_chat_log_cannot_be_deleted() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114005", "钱多").await;
    let mut p = patient(&app, "13722224005", "吴四").await;
    let consultation = ask_for(&mut p, doctor_id).await;
    accept(&mut d, consultation).await;
    let refused = sqlx::query("DELETE FROM messages WHERE consultation_id = ?")
        .bind(consultation)
        .execute(&app.state.db)
        .await;
    assert!(refused.is_err(), "the database keeps the chat log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_requests_at_once_record_one() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114006", "孙莉").await;
    let mut requests = Vec::new();
    for _ in 0..10 {
        requests.push(
            d.request(Method::POST, "/api/v1/me/deletion", confirmed())
                .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(
        created,
        1,
        "{:?}",
        replies
            .iter()
            .map(|r| (r.status, &r.json))
            .collect::<Vec<_>>()
    );
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

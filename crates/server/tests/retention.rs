//! The retention job (issue 16): once a deletion's cooling-off is over, the personal data
//! goes (checked in the database) while the medical records, chat logs, acceptances and
//! audit logs stay, and the phone number registers again; a dry run says so and changes
//! nothing; chat logs of a deleted account go after 3 years, and the database refuses to
//! delete anyone else's.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{accept, ask_for, count, open_service, patient, posts, TestApp};
use doctor_desk_server::account::retention;
use serde_json::json;

const PASSWORD: &str = "secret123";

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

    let r = d
        .post(
            "/api/v1/me/deletion",
            json!({"current_password": PASSWORD, "confirm": true}),
        )
        .await;
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
        doctor_desk_server::db::query_as(
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
    let refused = doctor_desk_server::db::query("DELETE FROM messages WHERE consultation_id = ?")
        .bind(consultation)
        .execute(&app.state.db)
        .await;
    assert!(refused.is_err(), "the database keeps the chat log");
}

//! The consultation inbox through the real router: a patient asks, the doctor accepts (only
//! with the follow-up confirmation and evidence), talks, ends with advice; every illegal
//! step is refused, other doctors see nothing, deadlines close and refund, limits hold,
//! and events reach only their doctor and resume after a given id. Sends: `inbox_sends.rs`.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{
    accept, advice, ask_for, assert_tab_counts_match_the_rows, open_service, patient, read_events,
    text, TestApp, JPEG, PDF,
};
use http_body_util::BodyExt;
use serde_json::{json, Value};

#[tokio::test]
async fn a_consultation_from_request_to_read_only() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112001", "陈静").await;
    let mut p = patient(&app, "13722220001", "张三").await;
    let id = ask_for(&mut p, doctor_id).await;

    // The inbox shows it under 待接诊 with masked name, age, sex, first line, deadline.
    let page = d.get("/api/v1/consultations?status=new").await.json;
    assert_eq!(
        page["counts"],
        json!({"new": 1, "ongoing": 0, "closed": 0, "unread": 0})
    );
    let row = &page["items"][0];
    assert_eq!(row["id"], id);
    assert_eq!(
        row["patient"],
        json!({"masked_name": "张*", "sex": "male", "age": 56})
    );
    assert_eq!(row["complaint_preview"], "血糖近两周偏高");
    assert_eq!(row["unread"], 1);
    assert_eq!(row["deadline_at"], "2026-11-30T08:02:02Z", "24 h to accept");

    let c = d.get(&format!("/api/v1/consultations/{id}")).await.json;
    assert_eq!(c["prior_diagnosis"]["diagnosis"], "2 型糖尿病");
    assert_eq!(c["evidence"][0]["kind"], "outpatient_record");
    assert_eq!(c["images"].as_array().unwrap().len(), 1);
    assert_eq!(c["price_fen"], 3000);
    // The doctor can open the patient's record; it is served by its real type.
    let record = c["evidence"][0]["file_id"].as_str().unwrap().to_owned();
    let (status, headers, _) = d.get_bytes(&format!("/api/v1/files/{record}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");

    // Accepting needs the follow-up confirmation.
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/accept"),
            json!({"follow_up_confirmed": false}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "follow_up_unconfirmed")
    );
    assert!(r.field_error("follow_up_confirmed").is_some());
    let accepted = accept(&mut d, id).await;
    assert_eq!(accepted["status"], "ongoing");
    assert_eq!(
        accepted["deadline_at"], "2026-12-01T08:02:02Z",
        "48 h to reply"
    );
    let again = d
        .post(
            &format!("/api/v1/consultations/{id}/accept"),
            json!({"follow_up_confirmed": true}),
        )
        .await;
    assert_eq!(
        (again.status, again.error_code()),
        (StatusCode::CONFLICT, "invalid_transition")
    );

    // The greeting went out; the thread has the request's notes and messages in order.
    let thread = d
        .get(&format!("/api/v1/consultations/{id}/messages"))
        .await
        .json;
    // Shown on screen: the SPA says so.
    let r = d
        .post(&format!("/api/v1/consultations/{id}/read"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let lines: Vec<(String, String)> = thread
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["sender"].as_str().unwrap().into(),
                m["text"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("system".into(), "accepted".into()),
            ("doctor".into(), "您好，我已接诊，请描述目前的情况。".into())
        ]
    );

    // Messages both ways; a doctor's reply restarts the 48-hour deadline.
    let r = p
        .post(
            &format!("/api/v1/patient/consultations/{id}/messages"),
            text("p-0000001", "最近空腹 9.2"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    // Unread until the doctor opens the thread: counted for the tab bar too.
    let counts = |page: Value| page["counts"].clone();
    let page = d.get("/api/v1/consultations?status=ongoing").await.json;
    assert_eq!(page["items"][0]["unread"], 1);
    assert_eq!(counts(page)["unread"], 1);
    // Reading the thread is no side effect: only the doctor's "read" clears it.
    d.get(&format!("/api/v1/consultations/{id}/messages?after=0"))
        .await;
    let page = d.get("/api/v1/consultations?status=ongoing").await.json;
    assert_eq!(counts(page)["unread"], 1);
    let r = d
        .post(&format!("/api/v1/consultations/{id}/read"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["unread"], 0, "the counts now: {}", r.json);
    let page = d.get("/api/v1/consultations?status=ongoing").await.json;
    assert_eq!(counts(page)["unread"], 0);
    app.clock.advance(Duration::hours(10));
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            text("d-0000001", "请继续监测"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let c = d.get(&format!("/api/v1/consultations/{id}")).await.json;
    assert_eq!(c["deadline_at"], "2026-12-01T18:02:02Z");

    // Ending needs the structured advice; then two follow-up questions, then read-only.
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/close"),
            json!({"assessment": "", "advice": "", "offline_visit": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["assessment", "advice", "department"] {
        assert!(r.field_error(field).is_some(), "{field}: {}", r.json);
    }
    let r = d
        .post(&format!("/api/v1/consultations/{id}/close"), advice())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["status"], "closed");
    assert_eq!(r.json["close_reason"], "advice");
    assert_eq!(r.json["advice"]["department"], "内分泌科");
    assert_eq!(r.json["follow_ups_left"], 2);
    assert_eq!(r.json["deadline_at"], Value::Null);
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            text("d-0000002", "还有问题吗"),
        )
        .await;
    assert_eq!(
        r.error_code(),
        "invalid_transition",
        "nothing to answer after the end"
    );
    for (n, q) in ["p-0000002", "p-0000003"].iter().enumerate() {
        let r = p
            .post(
                &format!("/api/v1/patient/consultations/{id}/messages"),
                text(q, "药什么时候吃？"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "follow-up {n}: {}", r.json);
    }
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            text("d-0000003", "饭后服用"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "the doctor answers a waiting question"
    );
    let r = p
        .post(
            &format!("/api/v1/patient/consultations/{id}/messages"),
            text("p-0000004", "还有一个问题"),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    let mine = p
        .get(&format!("/api/v1/patient/consultations/{id}"))
        .await
        .json;
    assert_eq!(mine["follow_ups_left"], 0);
    assert_eq!(mine["advice"]["follow_up"], "两周后复查空腹血糖");

    // Every step is in the audit log, which cannot be changed.
    let actions: Vec<String> = doctor_desk_server::db::query_scalar(
        "SELECT action FROM consultation_audit WHERE consultation_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "create", "accept", "message", "message", "message", "close", "message", "message",
            "message"
        ]
    );
    for sql in [
        "UPDATE consultation_audit SET action = 'x'",
        "DELETE FROM consultation_audit",
        "DELETE FROM messages",
    ] {
        assert!(
            doctor_desk_server::db::query(sql)
                .execute(&app.state.db)
                .await
                .is_err(),
            "{sql}"
        );
    }
    assert_tab_counts_match_the_rows(&app.state.db).await;
}

#[tokio::test]
async fn ask_decline_and_illegal_steps() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112002", "陈静").await;
    let mut p = patient(&app, "13722220002", "李四").await;
    let id = ask_for(&mut p, doctor_id).await;

    // Asking keeps the request new; the patient can answer before acceptance.
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/ask"),
            text("ask-0000001", "请上传最近一次的化验单"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let r = p
        .post(
            &format!("/api/v1/patient/consultations/{id}/messages"),
            text("p-0000001", "好的"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        d.get(&format!("/api/v1/consultations/{id}")).await.json["status"],
        "new"
    );
    // Not accepted yet: no chatting, no closing.
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            text("d-0000001", "x"),
        )
        .await;
    assert_eq!(r.error_code(), "invalid_transition");
    let r = d
        .post(&format!("/api/v1/consultations/{id}/close"), advice())
        .await;
    assert_eq!(r.error_code(), "invalid_transition");

    // "Other" needs words; then the request is declined and refunded.
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/decline"),
            json!({"reason": "other"}),
        )
        .await;
    assert!(r.field_error("text").is_some(), "{}", r.json);
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/decline"),
            json!({"reason": "first_visit"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["status"], "declined");
    assert_eq!(r.json["refunded"], true);
    assert_eq!(r.json["decline"]["reason"], "first_visit");
    for (path, body) in [
        ("accept", json!({"follow_up_confirmed": true})),
        ("decline", json!({"reason": "out_of_scope"})),
        ("close", advice()),
        ("ask", text("ask-0000002", "还在吗")),
        ("messages", text("d-0000002", "x")),
    ] {
        let r = d
            .post(&format!("/api/v1/consultations/{id}/{path}"), body)
            .await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::CONFLICT, "invalid_transition"),
            "{path}"
        );
    }
    let page = d.get("/api/v1/consultations?status=closed").await.json;
    assert_eq!(page["items"][0]["status"], "declined");
    assert_eq!(page["counts"]["closed"], 1);
    assert_tab_counts_match_the_rows(&app.state.db).await;
}

#[tokio::test]
async fn another_doctor_gets_404_everywhere() {
    let app = TestApp::new().await;
    let (_d, doctor_id) = open_service(&app, "13911112003", "陈静").await;
    let (mut other, _) = open_service(&app, "13911112004", "王芳").await;
    let mut p = patient(&app, "13722220003", "赵六").await;
    let id = ask_for(&mut p, doctor_id).await;
    let c = {
        let mut d = app.browser();
        d.login("13911112003", "secret123").await;
        d.get(&format!("/api/v1/consultations/{id}")).await.json
    };
    assert_eq!(
        other.get("/api/v1/consultations?status=new").await.json["items"],
        json!([])
    );
    for (method, path, body) in [
        ("GET", format!("/api/v1/consultations/{id}"), None),
        ("GET", format!("/api/v1/consultations/{id}/messages"), None),
        (
            "POST",
            format!("/api/v1/consultations/{id}/messages"),
            Some(text("o-0000001", "x")),
        ),
        (
            "POST",
            format!("/api/v1/consultations/{id}/accept"),
            Some(json!({"follow_up_confirmed": true})),
        ),
        (
            "POST",
            format!("/api/v1/consultations/{id}/ask"),
            Some(text("o-0000002", "x")),
        ),
        (
            "POST",
            format!("/api/v1/consultations/{id}/decline"),
            Some(json!({"reason": "first_visit"})),
        ),
        (
            "POST",
            format!("/api/v1/consultations/{id}/close"),
            Some(advice()),
        ),
    ] {
        let r = other
            .send(
                method.parse().unwrap(),
                &path,
                body.map(|b| b.to_string()),
                true,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.json
        );
    }
    let record = c["evidence"][0]["file_id"].as_str().unwrap();
    let (status, _, _) = other.get_bytes(&format!("/api/v1/files/{record}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor the patient's records");
    // Another patient cannot see it either.
    let mut stranger = patient(&app, "13722220004", "孙七").await;
    let r = stranger
        .get(&format!("/api/v1/patient/consultations/{id}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deadlines_close_and_refund() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112006", "陈静").await;
    let mut p = patient(&app, "13722220006", "吴九").await;
    let unanswered = ask_for(&mut p, doctor_id).await;
    let quiet = ask_for(&mut p, doctor_id).await;
    accept(&mut d, quiet).await;
    app.clock
        .advance(Duration::hours(24) + Duration::seconds(1));
    let c = d
        .get(&format!("/api/v1/consultations/{unanswered}"))
        .await
        .json;
    assert_eq!(
        (c["status"].as_str(), c["close_reason"].as_str()),
        (Some("closed"), Some("not_accepted"))
    );
    assert_eq!(c["refunded"], true);
    assert_eq!(
        d.get(&format!("/api/v1/consultations/{quiet}")).await.json["status"],
        "ongoing"
    );
    app.clock.advance(Duration::hours(24));
    let c = d.get(&format!("/api/v1/consultations/{quiet}")).await.json;
    assert_eq!(
        (c["status"].as_str(), c["close_reason"].as_str()),
        (Some("closed"), Some("no_reply"))
    );
    assert_eq!(c["refunded"], true);
    let mine = p
        .get(&format!("/api/v1/patient/consultations/{quiet}"))
        .await
        .json;
    assert_eq!(mine["refunded"], true);
    let page = d.get("/api/v1/consultations?status=closed").await.json;
    assert_eq!(
        page["counts"],
        json!({"new": 0, "ongoing": 0, "closed": 2, "unread": 0})
    );
    assert_tab_counts_match_the_rows(&app.state.db).await;
}

#[tokio::test]
async fn requests_need_an_open_service_within_its_daily_limit() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112007", "陈静").await;
    let mut p = patient(&app, "13722220007", "郑十").await;
    let r = d
        .put(
            "/api/v1/me/consultation-settings",
            json!({"enabled": true, "price_fen": 0, "daily_limit": 1, "greeting": "", "follow_up_questions": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    ask_for(&mut p, doctor_id).await;
    let body = json!({
        "doctor_id": doctor_id, "complaint": "复诊",
        "prior_diagnosis": {"hospital": "医院", "diagnosis": "高血压", "visited_on": "2026-09-01"},
        "evidence": [{"kind": "diagnosis_certificate", "file_id": "nope"}],
    });
    let r = p.post("/api/v1/patient/consultations", body.clone()).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "daily_limit_reached")
    );
    // A new day (China time) starts a new count.
    app.clock.advance(Duration::hours(16));
    let r = p.post("/api/v1/patient/consultations", body.clone()).await;
    assert_eq!(
        r.field_error("evidence").map(|_| ()),
        Some(()),
        "only own files: {}",
        r.json
    );

    let r = d
        .put(
            "/api/v1/me/consultation-settings",
            json!({"enabled": false, "price_fen": 0, "daily_limit": 1, "greeting": "", "follow_up_questions": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = p.post("/api/v1/patient/consultations", body.clone()).await;
    assert_eq!(r.error_code(), "service_unavailable");
    // An unverified doctor can neither open the service nor be asked.
    let mut newcomer = app.doctor("13911112008").await;
    let r = newcomer
        .put(
            "/api/v1/me/consultation-settings",
            json!({"enabled": true, "price_fen": 0, "daily_limit": 5, "greeting": "", "follow_up_questions": 2}),
        )
        .await;
    assert_eq!(r.error_code(), "verification_required");
    let newcomer_id = newcomer.get("/api/v1/me").await.json["id"]
        .as_i64()
        .unwrap();
    let mut to_newcomer = body;
    to_newcomer["doctor_id"] = json!(newcomer_id);
    let r = p.post("/api/v1/patient/consultations", to_newcomer).await;
    assert_eq!(r.error_code(), "service_unavailable");
    // Settings are validated.
    let r = d
        .put(
            "/api/v1/me/consultation-settings",
            json!({"enabled": true, "price_fen": 1000000, "daily_limit": 0, "greeting": "", "follow_up_questions": 99}),
        )
        .await;
    for field in ["price_fen", "daily_limit", "follow_up_questions"] {
        assert!(r.field_error(field).is_some(), "{field}");
    }
}

#[tokio::test]
async fn search_and_cursor_pages() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112009", "陈静").await;
    let mut zhang = patient(&app, "13722220009", "张小明").await;
    let mut li = patient(&app, "13722220010", "李大海").await;
    let mut ids = vec![];
    for _ in 0..3 {
        ids.push(ask_for(&mut zhang, doctor_id).await);
        app.clock.advance(Duration::seconds(5));
        ids.push(ask_for(&mut li, doctor_id).await);
        app.clock.advance(Duration::seconds(5));
    }
    let found = d
        .get("/api/v1/consultations?status=new&q=%E5%B0%8F%E6%98%8E")
        .await
        .json;
    assert_eq!(
        found["items"].as_array().unwrap().len(),
        3,
        "search by 小明"
    );
    // Pages of 4, newest activity first, no row twice.
    let first = d.get("/api/v1/consultations?status=new&limit=4").await.json;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = d
        .get(&format!(
            "/api/v1/consultations?status=new&limit=4&cursor={cursor}"
        ))
        .await
        .json;
    assert_eq!(second["next_cursor"], Value::Null);
    let seen: Vec<i64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);
}

#[tokio::test]
async fn events_reach_only_their_doctor_and_resume_after_an_id() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112011", "陈静").await;
    let (mut other, other_id) = open_service(&app, "13911112012", "王芳").await;
    let mut p = patient(&app, "13722220011", "钱一").await;

    let response = d.open_stream("/api/v1/events", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut live = response.into_body();
    let mut other_live = other.open_stream("/api/v1/events", None).await.into_body();

    let id = ask_for(&mut p, doctor_id).await;
    let theirs = ask_for(&mut p, other_id).await;
    let events = read_events(&mut live, 2).await;
    assert_eq!(events[0]["kind"], "consultation_new");
    assert_eq!(events[0]["consultation_id"], id);
    assert_eq!(events[1]["kind"], "notification", "the bell rings too");
    let events = read_events(&mut other_live, 1).await;
    assert_eq!(
        events[0]["consultation_id"], theirs,
        "each doctor sees only their own"
    );

    accept(&mut d, id).await;
    let events = read_events(&mut live, 2).await;
    assert_eq!(events[0]["kind"], "status_changed");
    assert_eq!(events[0]["status"], "ongoing");
    assert_eq!(events[1]["kind"], "message", "the greeting");
    let resume_after = events[1]["id"].as_i64().unwrap();
    drop(live);

    // While the doctor is away the patient writes twice; on reconnect both arrive once.
    for n in 1..=2 {
        p.post(
            &format!("/api/v1/patient/consultations/{id}/messages"),
            text(&format!("away-000000{n}"), &format!("第{n}条")),
        )
        .await;
    }
    let mut again = d
        .open_stream("/api/v1/events", Some(resume_after))
        .await
        .into_body();
    let events = read_events(&mut again, 2).await;
    let texts: Vec<&str> = events
        .iter()
        .map(|e| e["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["第1条", "第2条"]);
    assert!(events.iter().all(|e| e["consultation_id"] == id));
    // A shutting-down server ends open streams instead of waiting for them forever.
    app.state.hub.close();
    let end = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(frame) = again.frame().await {
            frame.expect("a frame");
        }
    })
    .await;
    assert!(end.is_ok(), "the stream ended when the server closed");
    // Signed out: no stream.
    let mut anonymous = app.browser();
    assert_eq!(
        anonymous.open_stream("/api/v1/events", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// A NUL character (U+0000), which PostgreSQL's text cannot hold, is dropped on both
/// stores alike, never a 500 (it used to fail the statement on PostgreSQL).
#[tokio::test]
async fn a_nul_character_is_dropped_on_both_stores() {
    let app = TestApp::new().await;
    let mut d = app.doctor("13911112019").await;
    let path = "/api/v1/me/quick-replies";
    let r = d
        .post(
            path,
            json!({"title": "问\u{0}候", "text": "您好\u{0}，请讲"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let list = d.get(path).await.json;
    assert_eq!(list[0]["title"], "问候");
    assert_eq!(list[0]["text"], "您好，请讲");
    // A search with one finds what it would find without it.
    let r = d.get("/api/v1/patients?q=%E5%BC%A0%00").await;
    assert!(r.status.is_success(), "{} {}", r.status, r.json);
}

#[tokio::test]
async fn quick_replies_are_added_edited_reordered_and_deleted() {
    let app = TestApp::new().await;
    let mut d = app.doctor("13911112013").await;
    let path = "/api/v1/me/quick-replies";
    for (title, body) in [
        ("问候", "您好，请问有什么可以帮您？"),
        ("复查", "请两周后复查。"),
        ("用药", "饭后服用。"),
    ] {
        let r = d.post(path, json!({"title": title, "text": body})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    }
    let r = d.post(path, json!({"title": "", "text": ""})).await;
    assert!(r.field_error("title").is_some() && r.field_error("text").is_some());
    let list = d.get(path).await.json;
    let third = list[2]["id"].as_i64().unwrap();
    let r = d
        .put(
            &format!("{path}/{third}"),
            json!({"title": "用药说明", "text": "饭后半小时服用。", "position": 0}),
        )
        .await;
    let titles: Vec<&str> = r
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["用药说明", "问候", "复查"]);
    let first = r.json[1]["id"].as_i64().unwrap();
    let r = d.delete(&format!("{path}/{first}")).await;
    let positions: Vec<i64> = r
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [0, 1]);
    // Another doctor cannot touch them.
    let mut other = app.doctor("13911112014").await;
    assert_eq!(
        other.delete(&format!("{path}/{third}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(other.get(path).await.json, json!([]));
}

/// The simulator drives real traffic through the HTTP API of a running demo server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_feeds_the_demo_inbox() {
    use doctor_desk_server::{simulate, spawn, Config, SystemClock};
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.dev = true;
    config.demo_data = true;
    config.limits.sms_ip_per_hour = 1000;
    let server = spawn(config, "127.0.0.1:0", std::sync::Arc::new(SystemClock))
        .await
        .unwrap();
    let count = |table: &'static str| {
        let db = server.state.db.clone();
        async move {
            doctor_desk_server::db::query_scalar::<i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let (consultations, messages) = (count("consultations").await, count("messages").await);
    assert!(
        consultations >= 30,
        "the demo has a few dozen: {consultations}"
    );

    // The demo doctor has to accept the agreements before patients can reach them.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let url = |p: &str| format!("{}{p}", server.url());
    let health = client.get(url("/api/v1/health")).send().await.unwrap();
    let csrf = health
        .cookies()
        .find(|c| c.name() == "dd_csrf")
        .unwrap()
        .value()
        .to_owned();
    let login = client
        .post(url("/api/v1/auth/login"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"phone": "13800000001", "password": "demo2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    for kind in ["service-agreement", "privacy-policy"] {
        let doc: Value = client
            .get(url(&format!("/api/v1/agreements/{kind}/1.0.0")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let r = client
            .post(url(&format!("/api/v1/agreements/{kind}/1.0.0/acceptance")))
            .header("x-csrf-token", &csrf)
            .json(&json!({"body_sha256": doc["body_sha256"], "health_data_consent": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }

    simulate::run(
        &server.url(),
        3,
        20.0,
        1,
        Some(std::time::Duration::from_secs(2)),
    )
    .await
    .unwrap();
    assert!(
        count("consultations").await > consultations,
        "new requests arrived"
    );
    assert!(count("messages").await > messages, "and messages");
    assert_tab_counts_match_the_rows(&server.state.db).await;
    server.stop().await;
}

#[tokio::test]
async fn doctor_photos_are_checked_and_only_their_owner_sends_them() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112015", "陈静").await;
    let (mut other, _) = open_service(&app, "13911112016", "王芳").await;
    let mut p = patient(&app, "13722220015", "冯一").await;
    let id = ask_for(&mut p, doctor_id).await;
    accept(&mut d, id).await;
    let r = d
        .post_multipart("/api/v1/files", &[], Some(("a.pdf", PDF)))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "photos only: {}",
        r.json
    );
    let theirs = other
        .post_multipart("/api/v1/files", &[], Some(("a.jpg", JPEG)))
        .await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.json);
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            json!({"client_id": "photo-0000001", "image_file_id": theirs.json["file_id"]}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another doctor's photo: {}",
        r.json
    );
    let mine = d
        .post_multipart("/api/v1/files", &[], Some(("a.jpg", JPEG)))
        .await;
    let r = d
        .post(
            &format!("/api/v1/consultations/{id}/messages"),
            json!({"client_id": "photo-0000002", "image_file_id": mine.json["file_id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let mut anonymous = app.browser();
    let r = anonymous
        .post_multipart("/api/v1/files", &[], Some(("a.jpg", JPEG)))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The patient opens the photo sent to them and their own uploads; another patient
    // gets neither, and a doctor's photo never sent to them stays hidden.
    let path = |f: &Value| format!("/api/v1/patient/files/{}", f.as_str().unwrap());
    let r = p.get(&path(&mine.json["file_id"])).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/jpeg");
    let own = p
        .post_multipart("/api/v1/patient/files", &[], Some(("b.jpg", JPEG)))
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.json);
    assert_eq!(
        p.get(&path(&own.json["file_id"])).await.status,
        StatusCode::OK
    );
    assert_eq!(
        p.get(&path(&theirs.json["file_id"])).await.status,
        StatusCode::NOT_FOUND,
        "never sent to this patient"
    );
    let mut stranger = patient(&app, "13722220016", "卫二").await;
    for file in [&mine.json["file_id"], &own.json["file_id"]] {
        assert_eq!(
            stranger.get(&path(file)).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        anonymous.get(&path(&own.json["file_id"])).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// Declining and ending with advice are medical work: a doctor no longer verified (a
/// licence expired) may do neither, like accepting; another doctor still gets 404.
#[tokio::test]
async fn declining_and_advice_need_a_verified_doctor() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911112031", "周敏").await;
    let mut p = patient(&app, "13722220031", "钱八").await;
    let ongoing = ask_for(&mut p, doctor_id).await;
    accept(&mut d, ongoing).await;
    let fresh = ask_for(&mut p, doctor_id).await;

    // A required document expired: verification must be renewed.
    doctor_desk_server::db::query(
        "UPDATE accounts SET verification_status = 'needs_reverification' WHERE id = ?",
    )
    .bind(doctor_id)
    .execute(&app.state.db)
    .await
    .unwrap();
    let r = d
        .post(&format!("/api/v1/consultations/{ongoing}/close"), advice())
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::FORBIDDEN, "verification_required")
    );
    let r = d
        .post(
            &format!("/api/v1/consultations/{fresh}/decline"),
            json!({"reason": "first_visit"}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::FORBIDDEN, "verification_required")
    );
    let mut other = app.doctor("13911112032").await;
    let r = other
        .post(
            &format!("/api/v1/consultations/{fresh}/decline"),
            json!({"reason": "first_visit"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Nothing changed.
    let c = d
        .get(&format!("/api/v1/consultations/{ongoing}"))
        .await
        .json;
    assert_eq!(c["status"], "ongoing");
    let c = d.get(&format!("/api/v1/consultations/{fresh}")).await.json;
    assert_eq!(c["status"], "new");

    // Verified again, but a licence in force expired yesterday: the send itself notices,
    // refuses and stores that verification must be renewed (the check joined onto the
    // consultation it reads).
    let messages = format!("/api/v1/consultations/{ongoing}/messages");
    for (sql, client_id, expected) in [
        (
            "UPDATE accounts SET verification_status = 'verified' WHERE id = ?",
            "expiry-0000001",
            (StatusCode::CREATED, ""),
        ),
        (
            "UPDATE documents SET expires_on = date('2026-11-28')
              WHERE account_id = ? AND kind != 'other'",
            "expiry-0000002",
            (StatusCode::FORBIDDEN, "verification_required"),
        ),
    ] {
        doctor_desk_server::db::query(sql)
            .bind(doctor_id)
            .execute(&app.state.db)
            .await
            .unwrap();
        let r = d.post(&messages, text(client_id, "a")).await;
        assert_eq!((r.status, r.error_code()), expected, "{}", r.json);
    }
    let stored: String = doctor_desk_server::db::query_scalar(
        "SELECT verification_status FROM accounts WHERE id = ?",
    )
    .bind(doctor_id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(stored, "needs_reverification");
    // Another doctor's consultation is still 404 first.
    let r = other
        .post(
            &format!("/api/v1/consultations/{ongoing}/messages"),
            text("expiry-0000003", "c"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

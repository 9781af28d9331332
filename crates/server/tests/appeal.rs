//! Recovery by appeal (issue 16): a doctor who lost the phone files an appeal signed out;
//! a reviewer compares it with the account's verified documents and moves the account to
//! the new number (every session ends, the result goes by SMS), or rejects it with a
//! note. An appeal that matches nothing gets the same answer and can only be rejected;
//! limits hold per client and per ID number; one decision wins; nobody decides their own.

mod common;

use axum::http::{Method, StatusCode};
use common::{Browser, Reply, TestApp, JPEG, PDF};
use doctor_desk_server::account::retention;
use serde_json::{json, Value};

const ID_NUMBER: &str = "11010519491231002X";

/// Files an appeal from a fresh signed-out browser, with a code sent to `new_phone`.
async fn file(app: &TestApp, name: &str, old_phone: &str, new_phone: &str) -> Reply {
    let mut b = app.browser();
    let code = b.sms_code(new_phone, "appeal").await;
    submit(&mut b, name, old_phone, new_phone, &code, Some(JPEG)).await
}

async fn submit(
    b: &mut Browser<'_>,
    name: &str,
    old_phone: &str,
    new_phone: &str,
    code: &str,
    photo: Option<&[u8]>,
) -> Reply {
    let fields = [
        ("real_name", name),
        ("id_number", ID_NUMBER),
        ("old_phone", old_phone),
        ("new_phone", new_phone),
        ("sms_code", code),
        ("reason", "旧手机号已停机，无法接收验证码，申请改绑新号码"),
    ];
    let photo = photo.map(|bytes| ("holding-id.jpg", bytes));
    b.post_form("/api/v1/appeals", &fields, "photo", photo)
        .await
}

async fn pending(rv: &mut Browser<'_>) -> Vec<Value> {
    let r = rv.get("/api/v1/review/appeals").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json.as_array().unwrap().clone()
}

async fn decide(rv: &mut Browser<'_>, id: i64, decision: Value) -> Reply {
    rv.post(&format!("/api/v1/review/appeals/{id}/decision"), decision)
        .await
}

fn notice(app: &TestApp, phone: &str) -> String {
    app.state
        .sms
        .latest_notice(phone)
        .map(|n| n.text)
        .unwrap_or_default()
}

#[tokio::test]
async fn an_approved_appeal_moves_the_account_and_ends_its_sessions() {
    let app = TestApp::new().await;
    let mut d = app.verified_doctor("13911115001", "周敏").await;
    let me = d.get("/api/v1/me").await.json;

    let r = file(&app, "周敏", "13911115001", "13911115999").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["new_phone_masked"], "139****5999");
    assert!(notice(&app, "13911115999").contains("已收到"));
    // The number the account is on hears of it: an impostor cannot move it quietly.
    assert!(notice(&app, "13911115001").contains("139****5999"));

    let mut rv = app.reviewer().await;
    let queue = pending(&mut rv).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["matched"], true);
    assert_eq!(queue[0]["old_phone_masked"], "139****5001");
    let id = queue[0]["id"].as_i64().unwrap();
    let detail = rv.get(&format!("/api/v1/review/appeals/{id}")).await.json;
    assert_eq!(detail["id_number"], ID_NUMBER);
    assert_eq!(detail["account"]["old_phone_matches"], true);
    assert_eq!(detail["account"]["profile"]["real_name"], "周敏");
    assert_eq!(detail["account"]["documents"].as_array().unwrap().len(), 5);
    // The photo is the reviewer's to see, nobody else's.
    let photo = format!(
        "/api/v1/files/{}",
        detail["photo_file_id"].as_str().unwrap()
    );
    let (status, _, bytes) = rv.get_bytes(&photo).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, JPEG));
    assert_eq!(d.get_bytes(&photo).await.0, StatusCode::NOT_FOUND);

    let r = decide(&mut rv, id, json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["item"]["status"], "approved");
    assert_eq!(
        decide(&mut rv, id, json!({"approve": true}))
            .await
            .error_code(),
        "already_decided"
    );

    // Whoever held the old number is signed out; the doctor signs in with the new one.
    assert_eq!(d.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    assert!(notice(&app, "13911115999").contains("已通过"));
    let mut b = app.browser();
    app.clock.advance(chrono::Duration::seconds(61));
    let code = b.sms_code("13911115999", "login").await;
    let r = b
        .post(
            "/api/v1/auth/login",
            json!({"phone": "13911115999", "sms_code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["id"], me["id"]);
    let trail = b.get("/api/v1/me/activity").await.json;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"appeal_filed"), "{actions:?}");
    assert!(actions.contains(&"appeal_approved"), "{actions:?}");
    let inbox = b.get("/api/v1/me/notifications").await.json;
    assert_eq!(inbox["items"][0]["kind"], "appeal_result");
    assert_eq!(inbox["items"][0]["detail"], "approved");
    // The old number is free for a new registration.
    let mut fresh = app.browser();
    fresh.register("13911115001", "secret123").await;
}

#[tokio::test]
async fn an_appeal_that_matches_nothing_gets_the_same_answer_and_can_only_be_rejected() {
    let app = TestApp::new().await;
    app.verified_doctor("13911115101", "周敏").await;
    // A name the ID number does not belong to: the answer tells nothing.
    let r = file(&app, "李四", "13911115101", "13911115199").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(
        notice(&app, "13911115101"),
        "",
        "an unmatched appeal warns no account"
    );

    let mut rv = app.reviewer().await;
    let queue = pending(&mut rv).await;
    assert_eq!(queue[0]["matched"], false);
    let id = queue[0]["id"].as_i64().unwrap();
    let detail = rv.get(&format!("/api/v1/review/appeals/{id}")).await.json;
    assert_eq!(detail["account"], Value::Null);
    let r = decide(&mut rv, id, json!({"approve": true})).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "appeal_unmatched")
    );
    let r = decide(&mut rv, id, json!({"approve": false, "note": "  "})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert!(r.field_error("note").is_some());
    let r = decide(
        &mut rv,
        id,
        json!({"approve": false, "note": "手持证件照与身份证不符"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["rejection_note"], "手持证件照与身份证不符");
    assert!(notice(&app, "13911115199").contains("手持证件照与身份证不符"));
    let rejected = rv.get("/api/v1/review/appeals?status=rejected").await.json;
    assert_eq!(rejected.as_array().unwrap().len(), 1);

    // The photo of a person holding an ID card goes 180 days after the decision; the
    // appeal stays as the record. A dry run removes nothing.
    let photo_id = detail["photo_file_id"].as_str().unwrap().to_owned();
    let on_disk = app.state.config.data_dir.join("files").join(&photo_id);
    assert!(on_disk.exists());
    app.clock.advance(chrono::Duration::days(181));
    let photos = "SELECT COUNT(*) FROM appeal_files WHERE ? = 0";
    let report = retention::run(&app.state, true).await.unwrap();
    assert_eq!(report.appeal_photos, 1);
    assert_eq!(common::count(&app, photos, 0).await, 1);
    let report = retention::run(&app.state, false).await.unwrap();
    assert_eq!(report.appeal_photos, 1);
    assert_eq!(common::count(&app, photos, 0).await, 0);
    assert!(!on_disk.exists());
    let mut rv = app.reviewer_with_phone("13700005101").await;
    let detail = rv.get(&format!("/api/v1/review/appeals/{id}")).await.json;
    assert_eq!(detail["photo_file_id"], "");
    assert_eq!(detail["item"]["status"], "rejected");
}

#[tokio::test]
async fn a_bad_appeal_is_refused_at_its_field_and_keeps_nothing() {
    let app = TestApp::new().await;
    app.verified_doctor("13911115201", "周敏").await;
    let mut b = app.browser();
    let (old, new) = ("13911115201", "13911115299");
    let code = b.sms_code(new, "appeal").await;

    let r = submit(&mut b, "周敏", old, new, &code, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert!(r.field_error("photo").is_some());
    let r = submit(&mut b, "周敏", old, new, &code, Some(PDF)).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.json);
    assert!(r.field_error("photo").is_some());
    let r = submit(&mut b, "周敏", old, old, &code, Some(JPEG)).await;
    assert!(r.field_error("new_phone").is_some(), "{}", r.json);
    let r = submit(&mut b, "周敏", old, new, "000000", Some(JPEG)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert!(r.field_error("sms_code").is_some());
    // A registered number cannot be appealed to, not even for a code.
    let r = b
        .post(
            "/api/v1/auth/sms-codes",
            json!({"phone": old, "purpose": "appeal"}),
        )
        .await;
    assert_eq!(r.error_code(), "phone_taken");
    assert_eq!(
        common::count(&app, "SELECT COUNT(*) FROM appeals WHERE id > ?", 0).await,
        0
    );
    assert_eq!(
        common::count(&app, "SELECT COUNT(*) FROM appeal_files WHERE ? = 0", 0).await,
        0
    );

    // The code still works after those refusals; a second appeal waits for the first.
    let r = submit(&mut b, "周敏", old, new, &code, Some(JPEG)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let r = file(&app, "周敏", old, "13911115298").await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "appeal_pending")
    );
}

#[tokio::test]
async fn appeals_are_limited_per_client_and_per_id_number() {
    let app = TestApp::with_config(|c| {
        c.limits.appeals_per_ip_per_day = 3;
        c.limits.appeals_per_id_number_per_day = 1;
    })
    .await;
    app.verified_doctor("13911115301", "周敏").await;
    let r = file(&app, "周敏", "13911115301", "13911115399").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let mut rv = app.reviewer().await;
    let id = pending(&mut rv).await[0]["id"].as_i64().unwrap();
    let note = json!({"approve": false, "note": "照片看不清，请重新拍摄"});
    assert_eq!(decide(&mut rv, id, note).await.status, StatusCode::OK);

    // The same ID number again the same day: limited, though nothing waits.
    let r = file(&app, "周敏", "13911115301", "13911115398").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.json);
    assert!(r.headers.contains_key("retry-after"));
    // The client's third try of the day, with anything in it, is its last.
    let mut b = app.browser();
    let r = b
        .post_form("/api/v1/appeals", &[("real_name", "x")], "photo", None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    let r = b
        .post_form("/api/v1/appeals", &[("real_name", "x")], "photo", None)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_decision_wins_and_nobody_decides_their_own() {
    let app = TestApp::new().await;
    let mut d = app.verified_doctor("13911115401", "周敏").await;
    let r = file(&app, "周敏", "13911115401", "13911115499").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);

    // The doctor is made a reviewer too: their own appeal is theirs to see, not decide.
    doctor_desk_server::admin::create_reviewer(&app.state, "13911115401")
        .await
        .unwrap();
    let id = pending(&mut d).await[0]["id"].as_i64().unwrap();
    let detail = d.get(&format!("/api/v1/review/appeals/{id}")).await.json;
    assert_eq!(detail["own"], true);
    let r = decide(&mut d, id, json!({"approve": true})).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::FORBIDDEN, "own_submission")
    );

    let mut first = app.reviewer_with_phone("13700005401").await;
    let mut second = app.reviewer_with_phone("13700005402").await;
    let path = format!("/api/v1/review/appeals/{id}/decision");
    let mut requests = Vec::new();
    for _ in 0..4 {
        requests.push(
            first
                .request(Method::POST, &path, json!({"approve": true}))
                .await,
        );
        requests.push(
            second
                .request(
                    Method::POST,
                    &path,
                    json!({"approve": false, "note": "资料不全"}),
                )
                .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    common::assert_one_with_status(&replies, StatusCode::OK);
    assert!(replies
        .iter()
        .filter(|r| r.status != StatusCode::OK)
        .all(|r| r.error_code() == "already_decided"));
}

#[tokio::test]
async fn a_new_reviewer_sets_their_own_password_before_the_console_opens() {
    let app = TestApp::new().await;
    let one_time = doctor_desk_server::admin::create_reviewer(&app.state, "13700005501")
        .await
        .unwrap()
        .expect("a new reviewer");
    let mut rv = app.browser();
    let r = rv.login("13700005501", &one_time).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["password_must_change"], true);
    for path in ["/api/v1/review/appeals", "/api/v1/review/submissions"] {
        let r = rv.get(path).await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::FORBIDDEN, "password_change_required"),
            "{path}"
        );
    }
    let own = json!({"current_password": one_time, "new_password": "mine4567"});
    assert_eq!(
        rv.put("/api/v1/me/password", own).await.status,
        StatusCode::OK
    );
    assert_eq!(
        rv.get("/api/v1/me").await.json["password_must_change"],
        false
    );
    assert_eq!(
        rv.get("/api/v1/review/appeals").await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn appeals_filed_at_once_for_one_id_number_record_one() {
    let app = TestApp::new().await;
    app.verified_doctor("13911115601", "周敏").await;
    let mut requests = Vec::new();
    for k in 0..4 {
        let new_phone = format!("1391111569{k}");
        let mut b = app.browser();
        let code = b.sms_code(&new_phone, "appeal").await;
        let fields = [
            ("real_name", "周敏"),
            ("id_number", ID_NUMBER),
            ("old_phone", "13911115601"),
            ("new_phone", new_phone.as_str()),
            ("sms_code", code.as_str()),
            ("reason", "旧手机号已停机，无法接收验证码，申请改绑新号码"),
        ];
        let photo = Some(("holding-id.jpg", JPEG));
        requests.push(
            b.form_request("/api/v1/appeals", &fields, "photo", photo)
                .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    common::assert_one_with_status(&replies, StatusCode::CREATED);
    assert!(replies
        .iter()
        .filter(|r| r.status != StatusCode::CREATED)
        .all(|r| r.error_code() == "appeal_pending"));
    assert_eq!(
        common::count(&app, "SELECT COUNT(*) FROM appeals WHERE id > ?", 0).await,
        1
    );
    assert_eq!(
        common::count(&app, "SELECT COUNT(*) FROM appeal_files WHERE ? = 0", 0).await,
        1,
        "the refused ones keep no photo"
    );
}

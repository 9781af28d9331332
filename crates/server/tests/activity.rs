//! My activity (issue 16): sign-ins (and wrong passwords), security changes, consent
//! records, consultation decisions and phone reveals in one trail, newest first, filtered
//! by kind and date, paged, and as CSV; nobody else's rows.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{accept, ask_for, open_service, patient, TestApp};
use serde_json::{json, Value};

fn actions(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_trail_holds_what_the_doctor_did_newest_first() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911115001", "陈静").await;
    let mut p = patient(&app, "13722225001", "钱一").await;
    let consultation = ask_for(&mut p, doctor_id).await;
    accept(&mut d, consultation).await;
    let pid = common::patients::patient_id_of(&app, "13722225001").await;
    app.clock.advance(Duration::days(2));
    let r = d
        .post(&format!("/api/v1/patients/{pid}/reveal-phone"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    // A second between steps: the trail orders by time.
    let tick = || app.clock.advance(Duration::seconds(1));
    tick();
    let mut elsewhere = app.browser();
    assert_eq!(
        elsewhere.login("13911115001", "wrong-pass1").await.status,
        StatusCode::UNAUTHORIZED
    );
    tick();
    assert_eq!(
        elsewhere.login("13911115001", "secret123").await.status,
        StatusCode::OK
    );
    tick();
    let r = d
        .put(
            "/api/v1/me/password",
            json!({"current_password": "secret123", "new_password": "newer2027"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    tick();
    d.post("/api/v1/me/consent-withdrawals", json!({})).await;
    tick();
    d.post("/api/v1/me/consents", json!({})).await;

    let page = d.get("/api/v1/me/activity").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.json);
    let all = actions(&page.json);
    assert_eq!(
        &all[..6],
        [
            "consent_given",
            "consent_withdrawn",
            "password_changed",
            "sign_in",
            "sign_in_failed",
            "reveal_phone"
        ],
        "{}",
        page.json
    );
    assert!(all.contains(&"accept".to_owned()), "{all:?}");
    assert_eq!(all.last().map(String::as_str), Some("sign_up"));
    let changed = &page.json["items"][2];
    assert_eq!(changed["detail"], "1", "one other device was signed out");
    assert_eq!(changed["kind"], "security");
    assert!(changed["ip_masked"].is_string());
    let revealed = &page.json["items"][5];
    assert_eq!(revealed["patient_id"], pid);
    assert_eq!(revealed["kind"], "patients");

    // By kind, by date (China days), and a page at a time.
    let sign_ins = d.get("/api/v1/me/activity?kind=sign_in").await.json;
    assert_eq!(actions(&sign_ins), ["sign_in", "sign_in_failed", "sign_up"]);
    // In words, in the language asked for (zh-CN by default): the app carries none of them.
    assert_eq!(sign_ins["items"][0]["label"], "登录");
    let today = app.clock_today();
    let recent = d
        .get(&format!("/api/v1/me/activity?from={today}&to={today}"))
        .await
        .json;
    assert_eq!(actions(&recent).len(), 6, "{recent}");
    let older = d
        .get(&format!(
            "/api/v1/me/activity?to={}",
            today - Duration::days(1)
        ))
        .await
        .json;
    assert!(actions(&older).contains(&"accept".to_owned()));
    assert!(!actions(&older).contains(&"sign_in_failed".to_owned()));
    let mut walked = Vec::new();
    let mut next = "/api/v1/me/activity?limit=2".to_owned();
    loop {
        let page = d.get(&next).await.json;
        walked.extend(actions(&page));
        match page["next_cursor"].as_str() {
            Some(c) => next = format!("/api/v1/me/activity?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(walked, all);

    // Another doctor's trail has none of this.
    let (mut other, _) = open_service(&app, "13911115002", "王芳").await;
    let theirs = actions(&other.get("/api/v1/me/activity").await.json);
    assert!(!theirs.contains(&"reveal_phone".to_owned()), "{theirs:?}");
    assert!(!theirs.contains(&"password_changed".to_owned()));
}

#[tokio::test]
async fn the_trail_exports_as_csv() {
    let app = TestApp::new().await;
    let (mut d, _) = open_service(&app, "13911115003", "李娜").await;
    d.post("/api/v1/me/consent-withdrawals", json!({})).await;
    let (status, headers, bytes) = d.get_bytes("/api/v1/me/activity?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let text = String::from_utf8(bytes).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("\u{feff}时间（北京时间）,类别,操作,详情,问诊,患者,网络,设备")
    );
    let first = lines.next().unwrap();
    assert!(
        first.contains(",协议与授权,撤回健康数据处理授权,"),
        "{first}"
    );
    assert!(text.contains(",登录,注册账号,"), "{text}");
    let filtered = String::from_utf8(
        d.get_bytes("/api/v1/me/activity?format=csv&kind=sign_in")
            .await
            .2,
    )
    .unwrap();
    assert!(!filtered.contains("撤回"), "{filtered}");
    // A download link names the app's language, whatever the browser's header says.
    let english = String::from_utf8(
        d.get_bytes("/api/v1/me/activity?format=csv&lang=en")
            .await
            .2,
    )
    .unwrap();
    assert!(
        english.starts_with("\u{feff}Time (China),Kind"),
        "{english}"
    );
}

#[tokio::test]
async fn bad_filters_are_refused_clearly() {
    let app = TestApp::new().await;
    let mut d = app.doctor("13911115004").await;
    for (query, field) in [
        ("kind=everything", "kind"),
        ("format=xml", "format"),
        ("from=2026-12-02&to=2026-12-01", "to"),
    ] {
        let r = d.get(&format!("/api/v1/me/activity?{query}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(r.field_error(field).is_some(), "{query}: {}", r.json);
    }
    let r = d.get("/api/v1/me/activity?cursor=nonsense").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = d.get("/api/v1/me/activity?from=yesterday").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let mut signed_out = app.browser();
    assert_eq!(
        signed_out.get("/api/v1/me/activity").await.status,
        StatusCode::UNAUTHORIZED
    );
}

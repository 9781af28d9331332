//! The holes found by trying to break it (issue 11), each tried again: limits under
//! concurrent requests, lockouts a stranger cannot turn against the doctor, forged client
//! addresses, roles, upload limits, file responses, sessions that end, housekeeping.
//! Concurrent cases fire their requests at once (tasks on a multi-threaded runtime
//! through the real router), never one after another.

mod common;

use std::collections::BTreeMap;

use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use chrono::Duration;
use common::{
    http::{ends, wait_for, HttpClient},
    TestApp, JPEG, PDF,
};
use serde_json::{json, Value};

const PHONE: &str = "13912340001";
const PASSWORD: &str = "secret123";

/// A request as a browser at `ip` (behind our one proxy) would send it: any CSRF token
/// works as long as cookie and header match.
fn request(
    method: Method,
    path: &str,
    body: Option<Value>,
    ip: &str,
    cookies: &str,
) -> Request<Body> {
    let mut cookie = "dd_csrf=t".to_owned();
    if !cookies.is_empty() {
        cookie.push_str("; ");
        cookie.push_str(cookies);
    }
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header("x-csrf-token", "t")
        .header("x-forwarded-for", ip)
        .header(header::USER_AGENT, "race-test");
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

/// Sends every request at the same time; answers in the same order.
async fn all_at_once(app: &TestApp, requests: Vec<Request<Body>>) -> Vec<(StatusCode, Value)> {
    app.send_concurrently(requests)
        .await
        .into_iter()
        .map(|r| (r.status, r.json))
        .collect()
}

fn tally(answers: &[(StatusCode, Value)]) -> BTreeMap<u16, usize> {
    let mut counts = BTreeMap::new();
    for (status, _) in answers {
        *counts.entry(status.as_u16()).or_insert(0) += 1;
    }
    counts
}

async fn behind_proxy(tweak: impl FnOnce(&mut doctor_desk_server::Config)) -> TestApp {
    TestApp::with_config(|c| {
        c.trust_proxy = true;
        tweak(c);
    })
    .await
}

fn login_body(password: &str) -> Value {
    json!({"phone": PHONE, "password": password, "remember": true})
}

/// One password sign-in of the test phone from the client address `ip`.
async fn sign_in_from(app: &TestApp, password: &str, ip: &str) -> (StatusCode, Value) {
    let requests = vec![request(
        Method::POST,
        "/api/v1/auth/login",
        Some(login_body(password)),
        ip,
        "",
    )];
    all_at_once(app, requests).await.remove(0)
}

/// The client address recorded with the newest session (sign in a second after the one
/// before: sessions have no order of their own).
async fn newest_session_ip(app: &TestApp) -> String {
    doctor_desk_server::db::query_scalar("SELECT ip FROM sessions ORDER BY created_at DESC LIMIT 1")
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn sms_attempts(app: &TestApp, phone: &str) -> i64 {
    doctor_desk_server::db::query_scalar(
        "SELECT failed_attempts FROM sms_codes WHERE phone = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(phone)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

// ---- 4. limits that race ----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_wrong_passwords_at_once_get_five_answers_then_the_lock() {
    let app = behind_proxy(|_| {}).await;
    app.browser().register(PHONE, PASSWORD).await;
    let requests = (0..40)
        .map(|_| {
            request(
                Method::POST,
                "/api/v1/auth/login",
                Some(login_body("wrong1234")),
                "203.0.113.9",
                "",
            )
        })
        .collect();
    let answers = all_at_once(&app, requests).await;
    assert_eq!(
        tally(&answers),
        BTreeMap::from([(401, 5), (429, 35)]),
        "exactly five guesses are checked"
    );
    let locked = answers
        .iter()
        .find(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .unwrap();
    assert_eq!(locked.1["error"]["code"], "login_locked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_code_requests_at_once_send_one_code() {
    let app = behind_proxy(|_| {}).await;
    let requests = (0..20)
        .map(|_| {
            request(
                Method::POST,
                "/api/v1/auth/sms-codes",
                Some(json!({"phone": PHONE, "purpose": "register"})),
                "203.0.113.9",
                "",
            )
        })
        .collect();
    let answers = all_at_once(&app, requests).await;
    assert_eq!(tally(&answers), BTreeMap::from([(204, 1), (429, 19)]));
    let sent: i64 =
        doctor_desk_server::db::query_scalar("SELECT COUNT(*) FROM sms_codes WHERE phone = ?")
            .bind(PHONE)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(sent, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_daily_and_per_ip_code_caps_hold_under_concurrency() {
    let app = behind_proxy(|c| {
        c.limits.sms_phone_interval_secs = 0;
        c.limits.sms_phone_per_day = 3;
        c.limits.sms_ip_per_hour = 4;
    })
    .await;
    // One phone, many networks: the per-day cap.
    let requests = (0..20)
        .map(|i| {
            request(
                Method::POST,
                "/api/v1/auth/sms-codes",
                Some(json!({"phone": PHONE, "purpose": "register"})),
                &format!("198.51.100.{i}"),
                "",
            )
        })
        .collect();
    assert_eq!(
        tally(&all_at_once(&app, requests).await),
        BTreeMap::from([(204, 3), (429, 17)])
    );
    // One network, many phones: the per-IP cap.
    let requests = (0..20)
        .map(|i| {
            request(
                Method::POST,
                "/api/v1/auth/sms-codes",
                Some(json!({"phone": format!("1391111{i:04}"), "purpose": "register"})),
                "203.0.113.50",
                "",
            )
        })
        .collect();
    assert_eq!(
        tally(&all_at_once(&app, requests).await),
        BTreeMap::from([(204, 4), (429, 16)])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_code_guesses_at_once_are_five_comparisons() {
    let app = behind_proxy(|_| {}).await;
    app.browser().register(PHONE, PASSWORD).await;
    app.clock.advance(Duration::seconds(61));
    let code = app.browser().sms_code(PHONE, "login").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let requests = (0..40)
        .map(|_| {
            request(
                Method::POST,
                "/api/v1/auth/login",
                Some(json!({"phone": PHONE, "sms_code": wrong})),
                "203.0.113.9",
                "",
            )
        })
        .collect();
    let answers = all_at_once(&app, requests).await;
    assert_eq!(tally(&answers), BTreeMap::from([(422, 40)]));
    assert_eq!(
        sms_attempts(&app, PHONE).await,
        5,
        "each guess took one of five attempts"
    );
    let r = app
        .browser()
        .post(
            "/api/v1/auth/login",
            json!({"phone": PHONE, "sms_code": code}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the code is burnt"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn patient_code_guesses_at_once_are_five_comparisons() {
    let app = behind_proxy(|_| {}).await;
    let phone = "13722221111";
    let code = app.browser().sms_code(phone, "patient_login").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let requests = (0..40)
        .map(|_| {
            request(
                Method::POST,
                "/api/v1/patient/auth/login",
                Some(json!({"phone": phone, "sms_code": wrong, "name": "张三", "sex": "male", "birth_date": "1970-03-15"})),
                "203.0.113.9",
                "",
            )
        })
        .collect();
    let answers = all_at_once(&app, requests).await;
    assert_eq!(tally(&answers), BTreeMap::from([(422, 40)]));
    assert_eq!(sms_attempts(&app, phone).await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn phone_lookups_are_limited_per_client() {
    let app = behind_proxy(|c| c.limits.sms_requests_per_ip_per_hour = 10).await;
    // Probing which phones are registered: each answer says 404, so few are allowed.
    let requests = (0..30)
        .map(|i| {
            request(
                Method::POST,
                "/api/v1/auth/sms-codes",
                Some(json!({"phone": format!("1390000{i:04}"), "purpose": "login"})),
                "203.0.113.77",
                "",
            )
        })
        .collect();
    assert_eq!(
        tally(&all_at_once(&app, requests).await),
        BTreeMap::from([(404, 10), (429, 20)])
    );
    // Another client is not affected.
    let r = all_at_once(
        &app,
        vec![request(
            Method::POST,
            "/api/v1/auth/sms-codes",
            Some(json!({"phone": "13900009999", "purpose": "login"})),
            "203.0.113.78",
            "",
        )],
    )
    .await;
    assert_eq!(r[0].0, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn quick_replies_stop_at_the_cap_under_concurrency() {
    let app = TestApp::with_config(|c| c.limits.quick_replies_max = 5).await;
    let mut d = app.doctor(PHONE).await;
    let session = format!("dd_session={}", d.cookies["dd_session"]);
    let requests = (0..20)
        .map(|i| {
            request(
                Method::POST,
                "/api/v1/me/quick-replies",
                Some(json!({"title": format!("回复{i}"), "text": "请按时服药"})),
                "unknown",
                &session,
            )
        })
        .collect();
    let answers = all_at_once(&app, requests).await;
    assert_eq!(tally(&answers), BTreeMap::from([(201, 5), (409, 15)]));
    let full = answers
        .iter()
        .find(|(s, _)| *s == StatusCode::CONFLICT)
        .unwrap();
    assert_eq!(full.1["error"]["code"], "limit_reached");
    assert_eq!(
        d.get("/api/v1/me/quick-replies")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_submitted_acceptance_is_one_record() {
    let app = TestApp::new().await;
    doctor_desk_server::agreements::samples::publish_missing(&app.state)
        .await
        .unwrap();
    let mut d = app.doctor(PHONE).await;
    let doc = d
        .get("/api/v1/agreements/service-agreement/1.0.0")
        .await
        .json;
    let session = format!("dd_session={}", d.cookies["dd_session"]);
    let requests = (0..20)
        .map(|_| {
            request(
                Method::POST,
                "/api/v1/agreements/service-agreement/1.0.0/acceptance",
                Some(json!({"body_sha256": doc["body_sha256"]})),
                "unknown",
                &session,
            )
        })
        .collect();
    let answers = all_at_once(&app, requests).await;
    let ok = answers.iter().filter(|(s, _)| s.is_success()).count();
    assert_eq!(ok, 20, "{:?}", tally(&answers));
    let ids: std::collections::BTreeSet<String> =
        answers.iter().map(|(_, j)| j["id"].to_string()).collect();
    assert_eq!(ids.len(), 1, "every answer shows the one record");
    let rows: i64 =
        doctor_desk_server::db::query_scalar("SELECT COUNT(*) FROM agreement_acceptances")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(rows, 1);
}

// ---- 9. a stranger cannot lock the doctor out ----

#[tokio::test]
async fn a_strangers_failures_lock_the_stranger_not_the_doctor() {
    let app = behind_proxy(|_| {}).await;
    app.browser().register(PHONE, PASSWORD).await;
    let stranger = "198.51.100.66";
    for _ in 0..5 {
        let r = sign_in_from(&app, "wrong1234", stranger).await;
        assert_eq!(r.0, StatusCode::UNAUTHORIZED);
    }
    let r = sign_in_from(&app, PASSWORD, stranger).await;
    assert_eq!(
        r.0,
        StatusCode::TOO_MANY_REQUESTS,
        "the stranger's network is locked"
    );
    let r = sign_in_from(&app, PASSWORD, "203.0.113.1").await;
    assert_eq!(r.0, StatusCode::OK, "the doctor's own network is not");

    // Many networks together lock password sign-in for the phone …
    for i in 0..4 {
        for _ in 0..5 {
            sign_in_from(&app, "wrong1234", &format!("192.0.2.{i}")).await;
        }
    }
    let r = sign_in_from(&app, PASSWORD, "203.0.113.1").await;
    assert_eq!(r.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.1["error"]["code"], "login_locked");
    // … but a code sent to the doctor's phone still signs in.
    app.clock.advance(Duration::seconds(61));
    let mut b = app.browser();
    let code = b.sms_code(PHONE, "login").await;
    let r = b
        .post(
            "/api/v1/auth/login",
            json!({"phone": PHONE, "sms_code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
}

// ---- 8. forged client addresses ----

#[tokio::test]
async fn the_client_address_is_the_one_our_proxy_saw() {
    let app = behind_proxy(|_| {}).await;
    let mut b = app.browser();
    b.register(PHONE, PASSWORD).await;
    app.clock.advance(chrono::Duration::seconds(1));
    // The client writes its own X-Forwarded-For; our proxy appends the real address.
    let (status, _) = sign_in_from(&app, PASSWORD, "6.6.6.6, 203.0.113.7").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(newest_session_ip(&app).await, "203.0.113.7");

    // Two proxies of ours: the client is second from the right.
    let app = behind_proxy(|c| c.trusted_proxies = 2).await;
    app.browser().register(PHONE, PASSWORD).await;
    app.clock.advance(chrono::Duration::seconds(1));
    let (status, _) = sign_in_from(&app, PASSWORD, "6.6.6.6, 203.0.113.8, 10.0.0.2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(newest_session_ip(&app).await, "203.0.113.8");
}

// ---- 6. roles ----

#[tokio::test]
async fn staff_without_the_doctor_role_are_no_doctors() {
    let app = TestApp::new().await;
    let mut reviewer = app.reviewer().await;
    for path in [
        "/api/v1/consultations",
        "/api/v1/me/profile",
        "/api/v1/me/consultation-settings",
        "/api/v1/me/quick-replies",
    ] {
        let r = reviewer.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.json);
        assert_eq!(r.error_code(), "forbidden");
    }
    assert_eq!(
        reviewer.get("/api/v1/review/submissions").await.status,
        StatusCode::OK
    );
}

// ---- 7. one upload limit everywhere ----

fn photo_of(size: usize) -> Vec<u8> {
    let mut bytes = JPEG.to_vec();
    bytes.resize(size, 0x20);
    bytes
}

#[tokio::test]
async fn every_upload_route_takes_ten_megabytes_and_no_more() {
    let app = TestApp::new().await;
    let mut d = app.doctor(PHONE).await;
    let mut p = app.browser();
    assert_eq!(
        p.patient_login("13722220009", "王五").await.status,
        StatusCode::OK
    );
    let phone_photo = photo_of(3 * 1024 * 1024);
    let at_limit = photo_of(10 * 1024 * 1024);
    let over = photo_of(10 * 1024 * 1024 + 1);
    let routes: [(&str, &[(&str, &str)]); 3] = [
        ("/api/v1/files", &[]),
        (
            "/api/v1/me/documents",
            &[("kind", "other"), ("caption", "进修证明")],
        ),
        ("/api/v1/me/avatar", &[]),
    ];
    for (path, fields) in routes {
        for (bytes, expected) in [
            (&phone_photo, StatusCode::CREATED),
            (&at_limit, StatusCode::CREATED),
            (&over, StatusCode::PAYLOAD_TOO_LARGE),
        ] {
            let r = d
                .post_multipart(path, fields, Some(("IMG_0001.jpg", bytes)))
                .await;
            let ok = r.status == expected
                || (expected == StatusCode::CREATED && r.status == StatusCode::OK);
            assert!(
                ok,
                "{path} with {} bytes: {} {}",
                bytes.len(),
                r.status,
                r.json
            );
        }
    }
    for (bytes, expected) in [
        (&phone_photo, StatusCode::CREATED),
        (&at_limit, StatusCode::CREATED),
        (&over, StatusCode::PAYLOAD_TOO_LARGE),
    ] {
        let r = p
            .post_multipart("/api/v1/patient/files", &[], Some(("IMG_0001.jpg", bytes)))
            .await;
        assert_eq!(
            r.status,
            expected,
            "patient upload of {} bytes: {}",
            bytes.len(),
            r.json
        );
        if expected == StatusCode::PAYLOAD_TOO_LARGE {
            assert_eq!(r.error_code(), "payload_too_large");
        }
    }
}

// ---- also: file responses ----

#[tokio::test]
async fn stored_files_are_not_cached_and_only_images_show_inline() {
    let app = TestApp::new().await;
    let mut d = app.doctor(PHONE).await;
    let pdf = common::upload(
        &mut d,
        "qualification",
        &[("number", "199833110000123")],
        PDF,
    )
    .await;
    let jpeg = common::upload(&mut d, "practice", &[("number", "110330100000456")], JPEG).await;
    for (doc, disposition) in [(pdf, "attachment"), (jpeg, "inline")] {
        let file_id = doc["file_id"].as_str().unwrap();
        let (status, headers, _) = d.get_bytes(&format!("/api/v1/files/{file_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
        assert_eq!(headers[header::CONTENT_DISPOSITION], disposition);
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("sandbox") && csp.contains("default-src 'none'"),
            "{csp}"
        );
    }
}

#[tokio::test]
async fn hsts_only_behind_https() {
    let plain = TestApp::new().await;
    let r = plain.browser().get("/api/v1/health").await;
    assert!(r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    let secure = TestApp::with_config(|c| c.secure_cookies = true).await;
    let r = secure.browser().get("/api/v1/health").await;
    assert_eq!(
        r.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn the_open_sms_outbox_stays_on_this_machine() {
    use doctor_desk_server::{spawn, Config, SystemClock};
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.dev = true;
    let refused = spawn(
        config.clone(),
        "0.0.0.0:0",
        std::sync::Arc::new(SystemClock),
    )
    .await;
    assert!(refused.is_err(), "--dev on every interface is refused");
    config.dev_allow_remote = true;
    let running = spawn(config, "0.0.0.0:0", std::sync::Arc::new(SystemClock))
        .await
        .unwrap();
    running.stop().await;
}

#[tokio::test]
async fn patients_can_sign_out() {
    let app = TestApp::new().await;
    let mut p = app.browser();
    assert_eq!(
        p.patient_login("13722220008", "赵六").await.status,
        StatusCode::OK
    );
    let cookie = p.cookies["dd_patient"].clone();
    let r = p.post("/api/v1/patient/auth/logout", json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(!p.cookies.contains_key("dd_patient"), "cookie cleared");
    // The old token is dead on the server too, not only forgotten by the browser.
    p.cookies.insert("dd_patient".into(), cookie);
    let r = p
        .post_multipart("/api/v1/patient/files", &[], Some(("a.jpg", JPEG)))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

// ---- also: sessions end, and old things are purged ----

#[tokio::test]
async fn an_unused_session_ends_after_a_week() {
    let app = TestApp::new().await;
    let mut used = app.browser();
    used.register(PHONE, PASSWORD).await;
    let mut idle = app.browser();
    assert_eq!(idle.login(PHONE, PASSWORD).await.status, StatusCode::OK);
    for _ in 0..3 {
        app.clock.advance(Duration::days(6));
        assert_eq!(
            used.get("/api/v1/me").await.status,
            StatusCode::OK,
            "in use: alive"
        );
    }
    assert_eq!(
        idle.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED,
        "18 days idle"
    );
}

#[tokio::test]
async fn the_daily_purge_removes_what_nothing_needs() {
    let app = TestApp::new().await;
    let mut d = app.doctor(PHONE).await;
    // A photo picked and never sent, and a document that is kept.
    let unsent = d
        .post_multipart("/api/v1/files", &[], Some(("a.jpg", JPEG)))
        .await;
    assert_eq!(unsent.status, StatusCode::CREATED);
    let unsent = unsent.json["file_id"].as_str().unwrap().to_owned();
    let kept = common::upload(&mut d, "practice", &[("number", "110330100000456")], JPEG).await;
    let kept = kept["file_id"].as_str().unwrap().to_owned();
    let files = app.state.config.data_dir.join("files");
    // Left by a stop two hours ago, and one being received right now.
    let crashed = app.state.files.spool().join("crashed.part");
    std::fs::File::create(&crashed)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
        .unwrap();
    let receiving = app.state.files.spool().join("receiving.part");
    std::fs::write(&receiving, b"half an upload").unwrap();
    // Stored a moment ago with no row yet: maybe an upload committing right now.
    std::fs::write(files.join("CommittingNowCommitting1"), b"an upload").unwrap();
    let mut gone = app.browser();
    assert_eq!(gone.login(PHONE, PASSWORD).await.status, StatusCode::OK);
    gone.post("/api/v1/auth/logout", json!({})).await;

    app.clock.advance(Duration::hours(25));
    doctor_desk_server::housekeeping::daily(&app.state).await;
    assert!(!files.join(&unsent).exists(), "the unsent photo is deleted");
    assert!(files.join(&kept).exists(), "the document's file stays");
    assert!(
        files.join("CommittingNowCommitting1").exists(),
        "a file without a row stays while it is younger than an hour"
    );
    let rows: i64 = doctor_desk_server::db::query_scalar("SELECT COUNT(*) FROM files WHERE id = ?")
        .bind(&unsent)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert_eq!(d.get("/api/v1/me").await.status, StatusCode::OK);
    assert!(!crashed.exists(), "an upload left by a stop is removed");
    assert!(receiving.exists(), "one being received stays");
    let removed = doctor_desk_server::housekeeping::remove_partial_uploads(&app.state)
        .await
        .unwrap();
    assert_eq!(removed, 0, "and stays at a start");

    // Codes and sessions past their time go too.
    app.clock.advance(Duration::days(40));
    doctor_desk_server::housekeeping::daily(&app.state).await;
    let left: (i64, i64) = doctor_desk_server::db::query_as(
        "SELECT (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM sms_codes)",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(left, (0, 0));
}

// ---- 1. a revoked session receives nothing more ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ending_a_session_closes_its_event_streams() {
    use doctor_desk_server::{spawn, Config, ManualClock};
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.dev = true;
    config.demo_data = true;
    config.limits.stream_session_check_secs = 1;
    let clock = ManualClock::new(chrono::Utc::now());
    let server = spawn(config, "127.0.0.1:0", std::sync::Arc::new(clock.clone()))
        .await
        .unwrap();
    let base = server.url();

    // The demo doctor signs in on a phone and accepts the agreements.
    let phone = HttpClient::new(&base).await;
    phone.sign_in_demo_doctor(true).await;
    phone.accept_agreements().await;
    let mut stream = phone.events().await;

    // A patient asks: the open stream carries it.
    let patient = HttpClient::new(&base).await;
    let code = patient.sms_code("13722229999", "patient_login").await;
    let (status, body) = patient
        .post(
            "/api/v1/patient/auth/login",
            json!({"phone": "13722229999", "sms_code": code, "name": "孙七", "sex": "male", "birth_date": "1968-01-02"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("病历.pdf"),
    );
    let record: Value = patient
        .client
        .post(format!("{base}/api/v1/patient/files"))
        .header("x-csrf-token", &patient.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (status, body) = patient
        .post(
            "/api/v1/patient/consultations",
            json!({
                "doctor_id": 1,
                "complaint": "血压控制不稳",
                "prior_diagnosis": {"hospital": "杭州市第一人民医院", "diagnosis": "高血压", "visited_on": "2026-09-01"},
                "evidence": [{"kind": "outpatient_record", "file_id": record["file_id"]}],
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // The consultation, then the notification that came with it.
    wait_for(&mut stream, "\"kind\":\"notification\"").await;

    // Sign-out ends the stream of that session.
    let (status, _) = phone.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(status, 204);
    ends(&mut stream, "after sign-out").await;

    // A password reset from another device ends every other session's stream.
    let desk = HttpClient::new(&base).await;
    desk.sign_in_demo_doctor(true).await;
    let mut stream = desk.events().await;
    let other_device = HttpClient::new(&base).await;
    clock.advance(chrono::Duration::seconds(61));
    let code = other_device.sms_code("13800000001", "reset").await;
    let (status, body) = other_device
        .post(
            "/api/v1/auth/password-reset",
            json!({"phone": "13800000001", "sms_code": code, "new_password": "demo2027"}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    ends(&mut stream, "after a password reset elsewhere").await;

    // A session that expires while its stream is open: checked every second here.
    let laptop = HttpClient::new(&base).await;
    let (status, body) = laptop
        .post(
            "/api/v1/auth/login",
            json!({"phone": "13800000001", "password": "demo2027", "remember": false}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut stream = laptop.events().await;
    clock.advance(chrono::Duration::hours(13));
    ends(&mut stream, "after the session expired").await;
    server.stop().await;
}

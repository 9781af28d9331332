//! Sign-up, sign-in, codes, lockout, sessions and password reset through the real router.

mod common;

use axum::http::{header, StatusCode};
use chrono::Duration;
use common::TestApp;
use serde_json::json;

const PHONE: &str = "13912345678";
const PASSWORD: &str = "secret123";

#[tokio::test]
async fn register_signs_in_and_me_masks_the_phone() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let r = b.register(PHONE, PASSWORD).await;
    assert_eq!(r.json["phone_masked"], "139****5678");
    assert_eq!(r.json["roles"], json!(["doctor"]));
    assert_eq!(r.json["verification_status"], "unverified");
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "not configured for https: {cookie}"
    );

    let me = b.get("/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["phone_masked"], "139****5678");
    assert!(
        !me.json.to_string().contains(PHONE),
        "full phone never leaves the server"
    );
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let app = TestApp::with_config(|c| c.secure_cookies = true).await;
    let mut b = app.browser();
    let r = b.register(PHONE, PASSWORD).await;
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn register_twice_is_refused() {
    let app = TestApp::new().await;
    app.browser().register(PHONE, PASSWORD).await;
    let mut b = app.browser();
    let r = b
        .post(
            "/api/v1/auth/sms-codes",
            json!({"phone": PHONE, "purpose": "register"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "phone_taken");
    assert!(r.field_error("phone").is_some());
}

#[tokio::test]
async fn register_validates_every_field_in_the_requested_language() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.lang = Some("en-US,en;q=0.9");
    let r = b
        .post(
            "/api/v1/auth/register",
            json!({"phone": "12345", "sms_code": "12", "password": "short"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "validation_failed");
    assert_eq!(
        r.field_error("phone"),
        Some("Enter an 11-digit mainland China mobile number")
    );
    assert_eq!(r.field_error("sms_code"), Some("Enter the 6-digit code"));
    assert_eq!(r.field_error("password"), Some("Use at least 8 characters"));

    b.lang = None;
    let r = b
        .post(
            "/api/v1/auth/register",
            json!({"phone": "12345", "sms_code": "123456", "password": "abcdefgh"}),
        )
        .await;
    assert_eq!(
        r.field_error("phone"),
        Some("请输入 11 位中国大陆手机号"),
        "zh-CN by default"
    );
    assert_eq!(r.field_error("password"), Some("密码需同时包含字母和数字"));
}

#[tokio::test]
async fn login_with_password_and_with_code() {
    let app = TestApp::new().await;
    app.browser().register(PHONE, PASSWORD).await;

    let mut b = app.browser();
    assert_eq!(b.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let r = b.login(PHONE, PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(
        cookie.contains("Max-Age=2592000"),
        "remember = 30 days: {cookie}"
    );
    assert_eq!(b.get("/api/v1/me").await.status, StatusCode::OK);

    let mut c = app.browser();
    app.clock.advance(Duration::seconds(61));
    let code = c.sms_code(PHONE, "login").await;
    let r = c
        .post(
            "/api/v1/auth/login",
            json!({"phone": PHONE, "sms_code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(
        !cookie.contains("Max-Age"),
        "browser-session cookie without remember: {cookie}"
    );
    assert_eq!(c.get("/api/v1/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn login_accepts_a_phone_typed_with_spaces() {
    let app = TestApp::new().await;
    app.browser().register(PHONE, PASSWORD).await;
    let mut b = app.browser();
    assert_eq!(
        b.login("139 1234 5678", PASSWORD).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn wrong_password_is_401_on_the_password_field() {
    let app = TestApp::new().await;
    app.browser().register(PHONE, PASSWORD).await;
    let mut b = app.browser();
    let r = b.login(PHONE, "wrong1234").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error_code(), "invalid_credentials");
    assert!(r.field_error("password").is_some());
    assert!(!b.cookies.contains_key("dd_session"));
    // An unknown phone looks the same.
    let r = b.login("13700000000", "wrong1234").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn five_failures_lock_the_phone_for_15_minutes() {
    let app = TestApp::new().await;
    app.browser().register(PHONE, PASSWORD).await;
    let mut b = app.browser();
    for _ in 0..5 {
        assert_eq!(
            b.login(PHONE, "wrong1234").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = b.login(PHONE, PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked even with the right password"
    );
    assert_eq!(r.error_code(), "login_locked");
    let retry: i64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry, 900);

    app.clock.advance(Duration::minutes(14));
    assert_eq!(
        b.login(PHONE, PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.clock.advance(Duration::minutes(1));
    assert_eq!(b.login(PHONE, PASSWORD).await.status, StatusCode::OK);
    // Success clears the count: one more failure does not lock again.
    let mut c = app.browser();
    assert_eq!(
        c.login(PHONE, "wrong1234").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(c.login(PHONE, PASSWORD).await.status, StatusCode::OK);
}

#[tokio::test]
async fn sms_codes_are_limited_per_phone_per_minute_and_per_day() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let send = json!({"phone": PHONE, "purpose": "register"});
    assert_eq!(
        b.post("/api/v1/auth/sms-codes", send.clone()).await.status,
        StatusCode::NO_CONTENT
    );
    let r = b.post("/api/v1/auth/sms-codes", send.clone()).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.error_code(), "rate_limited");
    assert_eq!(r.headers[header::RETRY_AFTER], "60");
    app.clock.advance(Duration::seconds(30));
    let r = b.post("/api/v1/auth/sms-codes", send.clone()).await;
    assert_eq!(r.headers[header::RETRY_AFTER], "30");

    app.clock.advance(Duration::seconds(30));
    for _ in 1..10 {
        assert_eq!(
            b.post("/api/v1/auth/sms-codes", send.clone()).await.status,
            StatusCode::NO_CONTENT
        );
        app.clock.advance(Duration::seconds(61));
    }
    // 10 sent within 24 h: the 11th waits for the first to leave the window.
    let r = b.post("/api/v1/auth/sms-codes", send.clone()).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 23 * 3600 && retry <= 24 * 3600, "{retry}");
    app.clock.advance(Duration::seconds(retry));
    assert_eq!(
        b.post("/api/v1/auth/sms-codes", send).await.status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn sms_codes_are_limited_per_ip() {
    let app = TestApp::with_config(|c| c.limits.sms_ip_per_hour = 3).await;
    let mut b = app.browser();
    for i in 0..3 {
        let r = b
            .post(
                "/api/v1/auth/sms-codes",
                json!({"phone": format!("1391234567{i}"), "purpose": "register"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    }
    let r = b
        .post(
            "/api/v1/auth/sms-codes",
            json!({"phone": "13912345679", "purpose": "register"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn codes_expire_after_five_minutes() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let code = b.sms_code(PHONE, "register").await;
    app.clock.advance(Duration::seconds(5 * 60));
    let r = b
        .post(
            "/api/v1/auth/register",
            json!({"phone": PHONE, "sms_code": code, "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "sms_code_invalid");
    assert!(r.field_error("sms_code").is_some());
}

#[tokio::test]
async fn codes_are_single_use_and_purpose_bound() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.register(PHONE, PASSWORD).await;
    app.clock.advance(Duration::seconds(61));
    let code = b.sms_code(PHONE, "login").await;
    // A login code does not reset a password.
    let r = b
        .post(
            "/api/v1/auth/password-reset",
            json!({"phone": PHONE, "sms_code": code, "new_password": "newpass123"}),
        )
        .await;
    assert_eq!(r.error_code(), "sms_code_invalid");
    let login = json!({"phone": PHONE, "sms_code": code});
    assert_eq!(
        b.post("/api/v1/auth/login", login.clone()).await.status,
        StatusCode::OK
    );
    let r = b.post("/api/v1/auth/login", login).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "reused code");
    assert_eq!(r.error_code(), "sms_code_invalid");
}

#[tokio::test]
async fn wrong_guesses_burn_a_code() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let code = b.sms_code(PHONE, "register").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = b
            .post(
                "/api/v1/auth/register",
                json!({"phone": PHONE, "sms_code": wrong, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.error_code(), "sms_code_invalid");
    }
    let r = b
        .post(
            "/api/v1/auth/register",
            json!({"phone": PHONE, "sms_code": code, "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        r.error_code(),
        "sms_code_invalid",
        "the right code no longer works"
    );
}

#[tokio::test]
async fn codes_for_login_need_a_registered_phone() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let r = b
        .post(
            "/api/v1/auth/sms-codes",
            json!({"phone": PHONE, "purpose": "login"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "phone_not_registered");
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.register(PHONE, PASSWORD).await;
    let token = b.cookies["dd_session"].clone();
    let r = b.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(!b.cookies.contains_key("dd_session"));
    assert_eq!(b.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    // The old token is dead on the server too, not only forgotten by the browser.
    b.cookies.insert("dd_session".into(), token);
    assert_eq!(b.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_expire() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.register(PHONE, PASSWORD).await;
    app.clock.advance(Duration::days(30));
    assert_eq!(b.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn password_reset_ends_every_other_session() {
    let app = TestApp::new().await;
    let mut phone_browser = app.browser();
    phone_browser.register(PHONE, PASSWORD).await;
    let mut desktop = app.browser();
    assert_eq!(desktop.login(PHONE, PASSWORD).await.status, StatusCode::OK);

    // The doctor resets from a signed-in session: that one survives, the others end.
    app.clock.advance(Duration::seconds(61));
    let code = phone_browser.sms_code(PHONE, "reset").await;
    let r = phone_browser
        .post(
            "/api/v1/auth/password-reset",
            json!({"phone": PHONE, "sms_code": code, "new_password": "newpass456"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.json);
    assert_eq!(phone_browser.get("/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(
        desktop.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );

    let mut fresh = app.browser();
    assert_eq!(
        fresh.login(PHONE, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh.login(PHONE, "newpass456").await.status,
        StatusCode::OK
    );

    // Signed out reset ends all sessions.
    app.clock.advance(Duration::seconds(61));
    let mut anon = app.browser();
    let code = anon.sms_code(PHONE, "reset").await;
    let r = anon
        .post(
            "/api/v1/auth/password-reset",
            json!({"phone": PHONE, "sms_code": code, "new_password": "third789x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        phone_browser.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_session_token_from_another_account_is_its_own() {
    let app = TestApp::new().await;
    let mut a = app.browser();
    a.register(PHONE, PASSWORD).await;
    app.clock.advance(Duration::seconds(61));
    let mut b = app.browser();
    b.register("13700001111", PASSWORD).await;
    assert_eq!(
        a.get("/api/v1/me").await.json["phone_masked"],
        "139****5678"
    );
    assert_eq!(
        b.get("/api/v1/me").await.json["phone_masked"],
        "137****1111"
    );
}

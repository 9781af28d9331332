//! The account's own security (issue 16): changing the password and the phone number,
//! the devices signed in, signing out one or all others (their event streams:
//! `account_streams.rs`).

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::TestApp;
use serde_json::json;

const PHONE: &str = "13912346001";
const PASSWORD: &str = "secret123";

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = TestApp::new().await;
    let mut desk = app.doctor(PHONE).await;
    let mut phone = app.browser();
    assert_eq!(phone.login(PHONE, PASSWORD).await.status, StatusCode::OK);

    let wrong = desk
        .put(
            "/api/v1/me/password",
            json!({"current_password": "guess1234", "new_password": "newer2027"}),
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.json
    );
    assert_eq!(wrong.error_code(), "wrong_password");
    assert_eq!(
        wrong.field_error("current_password"),
        Some("当前密码不正确")
    );
    let same = desk
        .put(
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": PASSWORD}),
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(same.field_error("new_password").is_some(), "{}", same.json);
    let weak = desk
        .put(
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    assert!(weak.field_error("new_password").is_some(), "{}", weak.json);
    assert_eq!(phone.get("/api/v1/me").await.status, StatusCode::OK);

    let done = desk
        .put(
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "newer2027"}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json, json!({"ended": 1}));
    assert_eq!(desk.get("/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(
        phone.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut again = app.browser();
    assert_eq!(
        again.login(PHONE, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(again.login(PHONE, "newer2027").await.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_current_passwords_lock_like_sign_in() {
    let app = TestApp::new().await;
    let mut desk = app.doctor(PHONE).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = desk
            .put(
                "/api/v1/me/password",
                json!({"current_password": "guess1234", "new_password": "newer2027"}),
            )
            .await;
        statuses.push(r.status.as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429]);
    // Even the right one waits until the lock lifts.
    let r = desk
        .put(
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "newer2027"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.error_code(), "login_locked");
}

#[tokio::test]
async fn devices_are_listed_and_signed_out_one_by_one_or_all_at_once() {
    let app = TestApp::new().await;
    let mut desk = app.doctor(PHONE).await;
    let mut phone = app.browser();
    let mut tablet = app.browser();
    for b in [&mut phone, &mut tablet] {
        assert_eq!(b.login(PHONE, PASSWORD).await.status, StatusCode::OK);
    }
    let list = desk.get("/api/v1/me/sessions").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.json);
    let sessions = list.json.as_array().unwrap();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions[0]["current"], true, "this device first");
    assert!(sessions[1..].iter().all(|s| s["current"] == false));
    let phone_id = phone.get("/api/v1/me/sessions").await.json[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!list.json.to_string().contains("token"), "{}", list.json);

    // Another doctor can neither see nor end them.
    let mut other = app.doctor("13912346002").await;
    let theirs = other.get("/api/v1/me/sessions").await;
    assert_eq!(theirs.json.as_array().unwrap().len(), 1);
    assert!(!theirs.json.to_string().contains(&phone_id));
    let r = other
        .delete(&format!("/api/v1/me/sessions/{phone_id}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");
    assert_eq!(phone.get("/api/v1/me").await.status, StatusCode::OK);

    // "Sign out this one".
    let r = desk
        .delete(&format!("/api/v1/me/sessions/{phone_id}"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.json);
    assert_eq!(
        phone.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = desk
        .delete(&format!("/api/v1/me/sessions/{phone_id}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "only once");
    assert_eq!(
        desk.get("/api/v1/me/sessions")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // "Sign out everywhere else".
    let r = desk.delete("/api/v1/me/sessions").await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "`except` is required"
    );
    assert_eq!(tablet.get("/api/v1/me").await.status, StatusCode::OK);
    let r = desk.delete("/api/v1/me/sessions?except=current").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json, json!({"ended": 1}));
    assert_eq!(
        tablet.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(desk.get("/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(
        other.get("/api/v1/me").await.status,
        StatusCode::OK,
        "not theirs"
    );
    let signed_out = app.browser().get("/api/v1/me/sessions").await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_phone_number_moves_with_a_code_to_the_new_one_and_the_password() {
    let app = TestApp::new().await;
    let new_phone = "13912346009";
    let mut desk = app.doctor(PHONE).await;
    let mut laptop = app.browser();
    assert_eq!(laptop.login(PHONE, PASSWORD).await.status, StatusCode::OK);
    app.clock.advance(Duration::seconds(61));

    // Codes for a new number: only from inside an account, never to a taken number.
    let r = app
        .browser()
        .post(
            "/api/v1/auth/sms-codes",
            json!({"phone": new_phone, "purpose": "change_phone"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let _taken = app.doctor("13912346003").await;
    let r = desk
        .post(
            "/api/v1/auth/sms-codes",
            json!({"phone": "13912346003", "purpose": "change_phone"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "phone_taken");

    let code = desk.sms_code(new_phone, "change_phone").await;
    // A wrong password is refused before the code is used: the code still works after.
    let r = desk
        .put(
            "/api/v1/me/phone",
            json!({"new_phone": new_phone, "sms_code": code, "current_password": "guess1234"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_error("current_password"), Some("当前密码不正确"));
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    let r = desk
        .put(
            "/api/v1/me/phone",
            json!({"new_phone": new_phone, "sms_code": wrong_code, "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_error("sms_code").is_some(), "{}", r.json);
    let r = desk
        .put(
            "/api/v1/me/phone",
            json!({"new_phone": PHONE, "sms_code": code, "current_password": PASSWORD}),
        )
        .await;
    assert!(
        r.field_error("new_phone").is_some(),
        "the same number: {}",
        r.json
    );

    let r = desk
        .put(
            "/api/v1/me/phone",
            json!({"new_phone": "139 1234 6009", "sms_code": code, "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["phone_masked"], "139****6009");
    assert_eq!(desk.get("/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(
        laptop.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let notice = desk
        .get(&format!("/api/v1/dev/sms-notices?phone={PHONE}"))
        .await;
    assert!(
        notice.json["text"]
            .as_str()
            .unwrap()
            .contains("139****6009"),
        "the old number is told: {}",
        notice.json
    );
    let mut again = app.browser();
    assert_eq!(
        again.login(new_phone, PASSWORD).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.browser().login(PHONE, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The old number is free for a new account.
    app.clock.advance(Duration::seconds(61));
    app.browser().register(PHONE, "another456").await;
}

/// A sign-up and a move to the same number at once: one of them gets it, the other is
/// told it is taken; never two accounts on one number.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_number_goes_to_one_account_when_two_want_it_at_once() {
    let app = TestApp::new().await;
    let wanted = "13912346077";
    let mut desk = app.doctor(PHONE).await;
    let mut newcomer = app.browser();
    let register_code = newcomer.sms_code(wanted, "register").await;
    app.clock.advance(Duration::seconds(61));
    let move_code = desk.sms_code(wanted, "change_phone").await;
    let mut requests = vec![
        newcomer
            .request(
                axum::http::Method::POST,
                "/api/v1/auth/register",
                json!({"phone": wanted, "sms_code": register_code, "password": PASSWORD}),
            )
            .await,
        desk.request(
            axum::http::Method::PUT,
            "/api/v1/me/phone",
            json!({"new_phone": wanted, "sms_code": move_code, "current_password": PASSWORD}),
        )
        .await,
    ];
    // A few identical moves beside them (a double tap): still one owner.
    for _ in 0..3 {
        requests.push(
            desk.request(
                axum::http::Method::PUT,
                "/api/v1/me/phone",
                json!({"new_phone": wanted, "sms_code": move_code, "current_password": PASSWORD}),
            )
            .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    let won = replies.iter().filter(|r| r.status.is_success()).count();
    assert_eq!(
        won,
        1,
        "{:?}",
        replies.iter().map(|r| &r.json).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| !r.status.is_success()) {
        assert!(
            matches!(r.error_code(), "phone_taken" | "sms_code_invalid"),
            "{}",
            r.json
        );
    }
    let owners: i64 =
        doctor_desk_server::db::query_scalar("SELECT COUNT(*) FROM accounts WHERE phone = ?")
            .bind(wanted)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(owners, 1);
}

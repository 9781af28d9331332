//! End-to-end: a doctor signs up, signs out, signs in, reloads, and follows `next`, in
//! headless Chromium against the real server, on a phone in WeChat and on a desktop.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use futures::FutureExt;
use support::{run, unique_phone, Harness, Viewport};

const PASSWORD: &str = "doctor2026";

async fn sign_up_sign_in_flow(h: &Harness) {
    let phone = unique_phone();

    // Signed out, the home page sends the doctor to sign in.
    h.goto("/").await;
    h.wait_path("/login").await;
    h.testid("login-submit").await;
    check_tap_targets(h).await;
    check_navigation_layout(h, false).await;
    h.screenshot("login").await;

    // Sign up with the code from the dev SMS outbox.
    h.testid("go-register").await.click().await.expect("click");
    h.wait_path("/register").await;
    h.fill("phone", &phone).await;
    h.click("send-code").await;
    let code = h.sms_code(&phone).await;
    h.fill("sms_code", &code).await;
    h.fill("password", PASSWORD).await;
    h.screenshot("register").await;
    h.click("register-submit").await;

    h.wait_path("/").await;
    h.wait_text("greeting", "医生，您好").await;
    let masked = format!("{}****{}", &phone[..3], &phone[7..]);
    h.wait_text("phone-masked", &masked).await;
    h.wait_text("verification-status", "未认证").await;
    check_navigation_layout(h, true).await;
    h.screenshot("home").await;

    // Sign out, then back in with the password.
    h.click("sign-out").await;
    h.wait_path("/login").await;
    h.fill("phone", &phone).await;
    h.fill("password", PASSWORD).await;
    h.click("login-submit").await;
    h.wait_path("/").await;
    h.wait_text("greeting", "医生，您好").await;

    // A reload keeps the session.
    h.client.refresh().await.expect("reload");
    h.wait_text("greeting", "医生，您好").await;
    h.wait_path("/").await;

    // `next` round trip: a signed-out visit to a deep link comes back to it after sign-in.
    h.click("sign-out").await;
    h.wait_path("/login").await;
    h.goto("/?from=e2e").await;
    h.wait_path("/login?next=%2F%3Ffrom%3De2e").await;
    h.fill("phone", &phone).await;
    h.fill("password", PASSWORD).await;
    h.click("login-submit").await;
    h.wait_path("/?from=e2e").await;
    h.wait_text("greeting", "医生，您好").await;
}

async fn wrong_password_keeps_what_was_typed(h: &Harness) {
    h.goto("/login").await;
    h.fill("phone", "13912340000").await;
    h.fill("password", "wrong1234").await;
    h.click("login-submit").await;
    h.wait_text("password-error", "手机号或密码不正确").await;
    let phone = h.testid("phone").await.prop("value").await.expect("value");
    assert_eq!(
        phone.as_deref(),
        Some("13912340000"),
        "the phone number stays"
    );

    // The language switch changes every string and <html lang>.
    h.click("language-switch").await;
    h.wait_text("login-submit", "Sign in").await;
    assert_eq!(h.js("return document.documentElement.lang").await, "en");
    h.client.refresh().await.expect("reload");
    h.wait_text("login-submit", "Sign in").await;
    h.click("language-switch").await;
    h.wait_text("login-submit", "登录").await;
}

/// Every control on a phone is at least 44 px tall.
async fn check_tap_targets(h: &Harness) {
    if h.viewport != Viewport::Phone {
        return;
    }
    let small = h
        .js(
            "return [...document.querySelectorAll('main button, main input:not([type=checkbox]), main a, label.checkbox, header button')]
                .filter(e => e.getBoundingClientRect().height < 44)
                .map(e => e.outerHTML.slice(0, 80))",
        )
        .await;
    assert_eq!(small, serde_json::json!([]), "tap targets under 44 px");
    let width = h.js("return document.documentElement.scrollWidth").await;
    assert!(
        width.as_f64().unwrap() <= 375.0,
        "no sideways scrolling at 375 px: {width}"
    );
}

/// Bottom tab bar on phones, side navigation on desktops.
async fn check_navigation_layout(h: &Harness, signed_in: bool) {
    if !signed_in {
        return;
    }
    let position = h
        .js("return getComputedStyle(document.querySelector('nav.main-nav')).position")
        .await;
    let expected = match h.viewport {
        Viewport::Phone => "fixed",
        Viewport::Desktop => "static",
    };
    assert_eq!(position, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_sign_in_on_a_phone_in_wechat() {
    run("signup", Viewport::Phone, |h| {
        sign_up_sign_in_flow(h).boxed()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_sign_in_on_a_desktop() {
    run("signup", Viewport::Desktop, |h| {
        sign_up_sign_in_flow(h).boxed()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_shown_at_the_field_on_a_phone() {
    run("wrong-password", Viewport::Phone, |h| {
        wrong_password_keeps_what_was_typed(h).boxed()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_shown_at_the_field_on_a_desktop() {
    run("wrong-password", Viewport::Desktop, |h| {
        wrong_password_keeps_what_was_typed(h).boxed()
    })
    .await;
}

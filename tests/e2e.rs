//! End-to-end: a doctor signs up, signs out, signs in, reloads, and follows `next`, against
//! the real server. Every flow runs as separate named cases per engine and viewport:
//! Chromium (Android WeChat) and WebKit (iPhone WeChat) at 375×812, both at 1280×800.
//! Run one engine alone with a name filter: `cargo test -p doctor-desk --test e2e -- webkit_`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use support::{alive, run, unique_phone, Engine, Harness, Viewport};

const PASSWORD: &str = "doctor2026";

async fn sign_up_sign_in_flow(h: &Harness) {
    let phone = unique_phone();

    // Signed out, the home page sends the doctor to sign in.
    h.goto("/").await;
    h.wait_path("/login").await;
    h.testid("login-submit").await;
    check_browser(h).await;
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

/// The page really runs in the engine, width and user agent the case names.
async fn check_browser(h: &Harness) {
    let width = h.js("return window.innerWidth").await;
    assert_eq!(
        width.as_u64(),
        Some(h.viewport.size().0 as u64),
        "viewport width"
    );
    let ua = h.js("return navigator.userAgent").await;
    let ua = ua.as_str().unwrap_or_default();
    match (h.engine, h.viewport) {
        (Engine::Chromium, Viewport::Phone) => assert!(
            ua.contains("MicroMessenger") && ua.contains("Android"),
            "{ua}"
        ),
        (Engine::WebKit, Viewport::Phone) => assert!(
            ua.contains("MicroMessenger") && ua.contains("iPhone"),
            "{ua}"
        ),
        (Engine::Chromium, Viewport::Desktop) => assert!(ua.contains("Chrome"), "{ua}"),
        (Engine::WebKit, Viewport::Desktop) => {
            assert!(!ua.contains("Chrome") && ua.contains("AppleWebKit"), "{ua}")
        }
    }
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

/// One test case per engine and viewport, named `<engine>_<viewport>_<flow>`.
macro_rules! cases {
    ($flow:ident) => {
        mod $flow {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn chromium_phone() {
                run(stringify!($flow), Engine::Chromium, Viewport::Phone, |h| {
                    super::$flow(h).boxed()
                })
                .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn chromium_desktop() {
                run(
                    stringify!($flow),
                    Engine::Chromium,
                    Viewport::Desktop,
                    |h| super::$flow(h).boxed(),
                )
                .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn webkit_phone() {
                run(stringify!($flow), Engine::WebKit, Viewport::Phone, |h| {
                    super::$flow(h).boxed()
                })
                .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn webkit_desktop() {
                run(stringify!($flow), Engine::WebKit, Viewport::Desktop, |h| {
                    super::$flow(h).boxed()
                })
                .await;
            }
        }
    };
}

cases!(sign_up_sign_in_flow);
cases!(wrong_password_keeps_what_was_typed);

/// A failing test still leaves no browser, driver or Xvfb behind.
async fn teardown_after_failure(engine: Engine) {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let outcome = AssertUnwindSafe(run("teardown", engine, Viewport::Phone, move |h| {
        async move {
            h.goto("/login").await;
            h.testid("login-submit").await;
            let processes = h.processes();
            *record.lock().unwrap() = processes;
            panic!("deliberate failure to test the teardown");
        }
        .boxed()
    }))
    .catch_unwind()
    .await;
    assert!(outcome.is_err(), "the body's panic reaches the test");
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.len() >= 2,
        "driver and browser processes were seen: {seen:?}"
    );
    let deadline = std::time::Instant::now() + support::WAIT;
    loop {
        let left = alive(&seen);
        if left.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running after teardown: {left:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

mod teardown {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn chromium_leaves_nothing_running() {
        teardown_after_failure(Engine::Chromium).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn webkit_leaves_nothing_running() {
        teardown_after_failure(Engine::WebKit).await;
    }
}

//! End-to-end: a doctor signs up, signs out, signs in, reloads, and follows `next`, against
//! the real server. Every flow runs as separate named cases per engine and viewport:
//! Chromium (Android WeChat) and WebKit (iPhone WeChat) at 375×812, both at 1280×800.
//! Run one engine alone with a name filter: `cargo test -p doctor-desk --test e2e -- webkit_`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

#[path = "e2e/account.rs"]
mod account;
#[path = "e2e/account_deletion.rs"]
mod account_deletion;
#[path = "e2e/agreements.rs"]
mod agreements;
#[path = "e2e/appeal.rs"]
mod appeal;
#[path = "e2e/follow_ups.rs"]
mod follow_ups;
#[path = "e2e/inbox.rs"]
mod inbox;
#[path = "e2e/instances.rs"]
mod instances;
#[path = "e2e/live_delay.rs"]
mod live_delay;
#[path = "e2e/long_lists.rs"]
mod long_lists;
#[path = "e2e/notifications.rs"]
mod notifications;
#[path = "e2e/onboarding.rs"]
mod onboarding;
#[path = "e2e/patients.rs"]
mod patients;
#[path = "e2e/posts.rs"]
mod posts;

use std::panic::AssertUnwindSafe;

use account::account_security_flow;
use account_deletion::account_deletion_flow;
use agreements::{agreements_flow, declining_signs_out, reviewer_publishes_an_agreement};
use appeal::appeal_flow;
use follow_ups::{follow_up_plans_flow, follow_ups_flow};
use futures::FutureExt;
use inbox::inbox_flow;
use instances::two_instances_flow;
use live_delay::patient_message_to_doctor_screen;
use long_lists::{inbox_scrolls_ten_thousand, seed_closed_consultations};
use notifications::notifications_flow;
use onboarding::onboarding_review_flow;
use patients::{patients_flow, patients_scroll_ten_thousand};
use posts::{post_conflict_flow, posts_flow};
use support::{alive, run, run_on_two_instances, unique_phone, Engine, Harness, Viewport};

const PASSWORD: &str = "doctor2026";

async fn sign_up_sign_in_flow(h: &Harness) {
    let phone = unique_phone();

    // Signed out, the home page sends the doctor to sign in. Without a session cookie
    // the server names the sign-in form's part to the page (boot.js starts it with the
    // main module), and nothing of the doctor app's, like the consultation's part. (Not
    // checked by start times: WebKit may hold the pack for a free connection until the
    // main module has come from localhost.)
    h.goto("/").await;
    h.wait_path("/login").await;
    h.testid("login-submit").await;
    let now = h
        .js("return document.getElementById('dd-boot').dataset.now")
        .await;
    assert!(
        now.as_str()
            .is_some_and(|n| n.ends_with("/part_login_view.bin")),
        "the page names the sign-in part: {now}"
    );
    let downloads = h
        .js("return performance.getEntriesByType('resource')
                .map(e => e.name.split('/').pop())
                .filter(f => /\\.(wasm|bin)$/.test(f)).sort()")
        .await;
    assert_eq!(
        downloads,
        serde_json::json!(["doctor-desk_bg.wasm", "part_login_view.bin"]),
        "the main module and the sign-in pack, once each"
    );
    check_browser(h).await;
    check_tap_targets(h).await;
    // The server's page for /login shows its heading and subtitle before the wasm runs
    // (index.html's `.boot-sign-in`): the very words the app then draws.
    h.js("fetch('/login', {credentials: 'omit'}).then(r => r.text())
            .then(t => { window.ddServed = t; }); return true")
        .await;
    h.wait_until(
        "the page as served",
        "return typeof window.ddServed === 'string'",
    )
    .await;
    let compared = h
        .js("const served = new DOMParser().parseFromString(window.ddServed, 'text/html');
             const text = (root, css) => root.querySelector(css).textContent.trim();
             return {
                 marked: served.documentElement.dataset.boot || null,
                 served: [text(served, '.boot-sign-in h1'), text(served, '.boot-sign-in .subtitle')],
                 drawn: [text(document, '.auth-card h1'), text(document, '.auth-card .subtitle')],
             }")
        .await;
    assert_eq!(compared["marked"], "sign-in", "{compared}");
    assert_eq!(compared["served"], compared["drawn"], "{compared}");
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

    // A page load asks for each thing once; the requests the page's boot script made while
    // the wasm downloaded are the ones the app uses.
    h.goto("/inbox").await;
    h.wait_text("count-new", "0").await;
    h.testid("inbox-empty").await;
    requested_once(
        h,
        &["/api/v1/me", "/api/v1/consultations?status=new&limit=50&q="],
    )
    .await;
    h.goto("/").await;
    h.wait_text("verification-status", "未认证").await;
    requested_once(
        h,
        &[
            "/api/v1/me",
            "/api/v1/consultations?status=new&limit=50&q=",
            "/api/v1/me/verification",
        ],
    )
    .await;
}

/// The app is one page: the first load fetches the main module only; moving to a part
/// that loads on demand (agreements, onboarding) fetches its chunk without a page load.
/// A chunk that cannot be downloaded shows a retry, and the retry brings the page.
async fn parts_load_on_demand(h: &Harness) {
    sign_up(h, &unique_phone()).await;
    h.testid("go-onboarding").await;
    // Home needs no chunk; when idle it fetches the consultation's part, and only that
    // (this page load began at /register, whose part came with it).
    let fetched = h
        .js("return performance.getEntriesByType('resource')
                .map(e => e.name.split('/').pop())
                .filter(f => /^(split_|chunk_|part_)/.test(f) && ![
                    'part_register_view.bin', 'part_consultation_thread_view.bin'
                ].includes(f))")
        .await;
    assert_eq!(fetched, serde_json::json!([]), "home's chunks");
    // Survives only as long as no page load replaces the document.
    h.js("window.__samePage = true; return true").await;

    h.click("go-agreements-history").await;
    h.wait_path("/me/agreements").await;
    h.testid("acceptance-history").await;
    h.wait_until(
        "its chunk came",
        "return performance.getEntriesByType('resource')
            .some(e => e.name.endsWith('/part_acceptance_history_view.bin'))",
    )
    .await;
    h.click("nav-home").await;
    h.wait_path("/").await;

    h.network.cut();
    h.click("go-onboarding").await;
    h.testid("chunk-failed").await;
    h.screenshot("chunk-failed").await;
    h.network.restore();
    h.click("chunk-retry").await;
    h.wait_path("/onboarding").await;
    h.present("avatar-file").await;
    assert_eq!(
        h.js("return window.__samePage === true").await,
        true,
        "every move was client-side"
    );
}

/// Checks the Resource Timing entries of this page load: each of `preloaded` was asked for
/// by the page's boot script while the wasm downloaded (the app can only ask once the main
/// module is in: that, not a race of start times, is what shows no waterfall), in every
/// engine, and the app took that answer instead of asking again; no other API request was
/// made twice. (A preloaded request may run once more, later: the inbox reloads its first
/// page when the event stream brings news, such as the consultation just marked read.)
async fn requested_once(h: &Harness, preloaded: &[&str]) {
    // Give requests started with the page a moment to show up in the timeline.
    let entries = h
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               setTimeout(() => {
                   const all = performance.getEntriesByType('resource');
                   const main = all.find(e => e.name.endsWith('_bg.wasm'));
                   const path = (url) => new URL(url, location.href);
                   done([main ? main.responseEnd : -1,
                         __ddEarly.taken.map(u => path(u).pathname + path(u).search),
                         all.filter(e => e.name.includes('/api/'))
                            .map(e => [path(e.name).pathname + path(e.name).search,
                                       e.initiatorType, e.startTime])]);
               }, 500);"#,
            vec![],
        )
        .await
        .expect("resource timing");
    let (main_in, taken, listed): (f64, Vec<String>, Vec<(String, String, f64)>) =
        serde_json::from_value(entries).expect("entries");
    assert!(main_in > 0.0, "the main module is in the timeline");
    // The same request whatever the spelling of its query ("…&q=" and "…&q=&").
    let trim = |p: &str| p.trim_end_matches(['&', '?']).to_owned();
    let entries: Vec<(String, String, f64)> = listed
        .into_iter()
        .map(|(p, kind, start)| (trim(&p), kind, start))
        .collect();
    let taken: Vec<String> = taken.iter().map(|p| trim(p)).collect();
    eprintln!(
        "[{}] API requests of the page load: {entries:?}; the app took {taken:?}",
        h.name
    );
    let preloaded: Vec<String> = preloaded.iter().map(|p| trim(p)).collect();
    for (path, ..) in &entries {
        let times = entries.iter().filter(|(p, ..)| p == path).count();
        let allowed = if preloaded.contains(path) { 2 } else { 1 };
        assert!(
            times <= allowed,
            "{path} fetched {times} times: {entries:?}"
        );
    }
    for path in &preloaded {
        let (_, kind, start) = entries
            .iter()
            .filter(|(p, ..)| p == path)
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .unwrap_or_else(|| panic!("{path} not asked for: {entries:?}"));
        assert_eq!(kind, "fetch", "{path}");
        assert!(
            *start < main_in,
            "{path} asked for by the boot script, before the main module was in at {main_in} ms: {entries:?}"
        );
        assert!(
            taken.contains(path),
            "the app took the boot script's answer to {path}: took {taken:?}"
        );
    }
}

/// A page opened by a link that is a lazy part: its pack (its module and chunks in one
/// file) downloads beside the main module (the server names it to the page's boot
/// script), not after the main module has started; nothing is downloaded twice (WebKit
/// would, for a `<link rel=preload>`) and no chunk alone.
async fn part_beside_main_module(h: &Harness, part: &str) {
    let wasm = h
        .js("return performance.getEntriesByType('resource')
                .filter(e => /\\.(wasm|bin)$/.test(e.name))
                .map(e => [e.name.split('/').pop(), e.startTime, e.responseEnd])")
        .await;
    let wasm: Vec<(String, f64, f64)> = serde_json::from_value(wasm).expect("entries");
    let names: Vec<&str> = wasm.iter().map(|(name, ..)| name.as_str()).collect();
    assert_eq!(
        names.len(),
        2,
        "the main module and {part}'s pack, once each: {wasm:?}"
    );
    let started = |name: &str| {
        wasm.iter()
            .find(|(n, ..)| n == name)
            .unwrap_or_else(|| panic!("no {name}: {wasm:?}"))
    };
    let pack = started(&format!("part_{part}.bin"));
    let main_came = started("doctor-desk_bg.wasm").2;
    assert!(
        pack.1 < main_came,
        "{part} started at {} ms, after the main module came at {main_came} ms: {wasm:?}",
        pack.1
    );
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

/// Fills in and sends the sign-up form with a code from the dev SMS outbox.
async fn register(h: &Harness, phone: &str) {
    h.goto("/register").await;
    h.fill("phone", phone).await;
    h.click("send-code").await;
    let code = h.sms_code(phone).await;
    h.fill("sms_code", &code).await;
    h.fill("password", PASSWORD).await;
    h.click("register-submit").await;
}

/// Signs up a new doctor through the UI; ends on the home page.
async fn sign_up(h: &Harness, phone: &str) {
    register(h, phone).await;
    h.wait_path("/").await;
}

async fn sign_in(h: &Harness, phone: &str, password: &str) {
    h.goto("/login").await;
    h.fill("phone", phone).await;
    h.fill("password", password).await;
    h.click("login-submit").await;
    h.wait_path("/").await;
}

/// The password e2e reviewers choose at their first sign-in.
const REVIEWER_PASSWORD: &str = "reviewer123";

/// Creates a reviewer as the administrator does and signs in with the one-time password:
/// the app goes straight to Security, the console stays closed (banner) until the reviewer
/// sets `REVIEWER_PASSWORD` there. Ends signed in, on Security.
async fn first_reviewer_sign_in(h: &Harness, phone: &str) {
    let one_time = doctor_desk_server::admin::create_reviewer(&h.server.state, phone)
        .await
        .expect("reviewer")
        .expect("new reviewer");
    h.goto("/login").await;
    h.fill("phone", phone).await;
    h.fill("password", &one_time).await;
    h.click("login-submit").await;
    h.wait_path("/me/security").await;
    h.present("one-time-password-banner").await;
    h.fill("current_password", &one_time).await;
    h.fill("new_password", REVIEWER_PASSWORD).await;
    h.click("change-password").await;
    h.wait_until(
        "the one-time password banner goes",
        "return !document.querySelector(\"[data-testid='one-time-password-banner']\")",
    )
    .await;
}

async fn sign_out(h: &Harness) {
    h.click("sign-out").await;
    h.wait_path("/login").await;
}

/// The `n`-th (0-based) element with this test id.
async fn nth(h: &Harness, id: &str, n: usize) -> fantoccini::elements::Element {
    let all = h
        .client
        .find_all(fantoccini::Locator::Css(&format!("[data-testid='{id}']")))
        .await
        .expect("find");
    all.into_iter()
        .nth(n)
        .unwrap_or_else(|| panic!("no {id} number {n}"))
}

/// In the reviewer console, opens the oldest pending submission.
async fn open_first_submission(h: &Harness) {
    let item = h.testid("queue-item").await;
    let link = item
        .find(fantoccini::Locator::Css("a"))
        .await
        .expect("a link to review it");
    link.click().await.expect("click");
    h.testid("review-profile").await;
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
            "return [...document.querySelectorAll('main button, main input:not([type=checkbox]):not(.file-input), main a:not(.prose a), label.checkbox, header button')]
                .filter(e => e.getBoundingClientRect().height < 44)
                .map(e => e.outerHTML.slice(0, 80))",
        )
        .await;
    assert_eq!(small, serde_json::json!([]), "tap targets under 44 px");
    let width = h.js("return document.documentElement.scrollWidth").await;
    let wide = h
        .js("return [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > 375)
                .map(e => e.outerHTML.slice(0, 80))
                .slice(0, 5)")
        .await;
    assert!(
        width.as_f64().unwrap() <= 375.0,
        "no sideways scrolling at 375 px: {width}, wider: {wide}"
    );
}

/// Bottom tab bar on phones, side navigation (in view while the page scrolls) on desktops.
async fn check_navigation_layout(h: &Harness, signed_in: bool) {
    if !signed_in {
        return;
    }
    let position = h
        .js("return getComputedStyle(document.querySelector('nav.main-nav')).position")
        .await;
    let expected = match h.viewport {
        Viewport::Phone => "fixed",
        Viewport::Desktop => "sticky",
    };
    assert_eq!(position, expected);
}

/// One named test case: `<flow>::<engine>_<viewport>`.
macro_rules! case {
    ($name:ident, $flow:ident, $engine:ident, $viewport:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            run(
                stringify!($flow),
                Engine::$engine,
                Viewport::$viewport,
                |h| super::$flow(h).boxed(),
            )
            .await;
        }
    };
}

/// The cases of one flow: both engines on a phone and on a desktop, or only on the one
/// named (reviewers work at desktops).
macro_rules! cases {
    ($flow:ident, phone) => {
        mod $flow {
            use super::*;
            case!(chromium_phone, $flow, Chromium, Phone);
            case!(webkit_phone, $flow, WebKit, Phone);
        }
    };
    ($flow:ident, desktop) => {
        mod $flow {
            use super::*;
            case!(chromium_desktop, $flow, Chromium, Desktop);
            case!(webkit_desktop, $flow, WebKit, Desktop);
        }
    };
    ($flow:ident) => {
        mod $flow {
            use super::*;
            case!(chromium_phone, $flow, Chromium, Phone);
            case!(chromium_desktop, $flow, Chromium, Desktop);
            case!(webkit_phone, $flow, WebKit, Phone);
            case!(webkit_desktop, $flow, WebKit, Desktop);
        }
    };
}

cases!(sign_up_sign_in_flow);

/// Two instances behind one proxy need one browser to show it (Chromium, a phone).
mod two_instances_flow {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn chromium_phone() {
        run_on_two_instances(
            "two_instances_flow",
            Engine::Chromium,
            Viewport::Phone,
            |h| super::two_instances_flow(h).boxed(),
        )
        .await;
    }
}
cases!(onboarding_review_flow, phone);
cases!(wrong_password_keeps_what_was_typed);
cases!(agreements_flow);
cases!(declining_signs_out, phone);
cases!(reviewer_publishes_an_agreement, desktop);
cases!(inbox_flow, phone);
cases!(inbox_scrolls_ten_thousand);
cases!(parts_load_on_demand, phone);
cases!(patients_flow);
cases!(patients_scroll_ten_thousand);
cases!(follow_ups_flow);
cases!(follow_up_plans_flow);
cases!(posts_flow);
cases!(post_conflict_flow, phone);
cases!(account_security_flow, phone);
cases!(account_deletion_flow, phone);
cases!(notifications_flow, phone);
cases!(appeal_flow, phone);

/// Benchmarks in a real browser: they print figures and are run by `cargo xtask bench dom`.
mod patient_message_to_doctor_screen {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: cargo xtask bench dom"]
    async fn chromium_phone() {
        run(
            "patient_message_to_doctor_screen",
            Engine::Chromium,
            Viewport::Phone,
            |h| super::patient_message_to_doctor_screen(h).boxed(),
        )
        .await;
    }
}

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

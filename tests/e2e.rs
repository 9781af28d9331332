//! End-to-end: a doctor signs up, signs out, signs in, reloads, and follows `next`, against
//! the real server. Every flow runs as separate named cases per engine and viewport:
//! Chromium (Android WeChat) and WebKit (iPhone WeChat) at 375×812, both at 1280×800.
//! Run one engine alone with a name filter: `cargo test -p doctor-desk --test e2e -- webkit_`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

#[path = "e2e/follow_ups.rs"]
mod follow_ups;
#[path = "e2e/patients.rs"]
mod patients;

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

    // A page load asks for each thing once; in Chromium the requests the server preloaded
    // (they run while the wasm downloads) are the ones the app uses.
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

/// Checks the Resource Timing entries of this page load: no API request made twice, each
/// of `preloaded` asked once (in Chromium by the server's preload, which the app's own
/// request then used, started before `GET /me` was answered).
async fn requested_once(h: &Harness, preloaded: &[&str]) {
    // Give requests started with the page a moment to show up in the timeline.
    let entries = h
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               setTimeout(() => done(performance.getEntriesByType('resource')
                   .filter(e => e.name.includes('/api/'))
                   .map(e => [new URL(e.name).pathname + new URL(e.name).search, e.initiatorType,
                              e.startTime, e.responseEnd])), 500);"#,
            vec![],
        )
        .await
        .expect("resource timing");
    let timed: Vec<(String, String, f64, f64)> = serde_json::from_value(entries).expect("entries");
    // The same request whatever the spelling of its query ("…&q=" and "…&q=&").
    let entries: Vec<(String, String)> = timed
        .iter()
        .map(|(p, kind, _, _)| (p.trim_end_matches(['&', '?']).to_owned(), kind.clone()))
        .collect();
    // No waterfall where the server preloads (Chromium): every first request starts before
    // the answer to `GET /me` is in. WebKit still asks for the page's data after /me.
    if h.engine == Engine::Chromium {
        let me_answered = timed
            .iter()
            .find(|(p, ..)| p == "/api/v1/me")
            .map(|(.., end)| *end)
            .expect("GET /me");
        for path in preloaded {
            let started = timed
                .iter()
                .filter(|(p, ..)| p.trim_end_matches(['&', '?']) == *path)
                .map(|(_, _, start, _)| *start)
                .fold(f64::MAX, f64::min);
            assert!(
                started < me_answered,
                "{path} started at {started} ms, after /me was answered at {me_answered} ms: {timed:?}"
            );
        }
    }
    eprintln!("[{}] API requests of the page load: {entries:?}", h.name);
    let fetched = |path: &str| {
        entries
            .iter()
            .filter(|(p, kind)| p == path && kind != "link")
            .count()
    };
    for (path, _) in &entries {
        assert!(fetched(path) <= 1, "{path} fetched twice: {entries:?}");
    }
    for path in preloaded {
        let path = &path.trim_end_matches(['&', '?']);
        let all: Vec<&str> = entries
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, kind)| kind.as_str())
            .collect();
        // Chromium uses what the server preloaded; WebKit would fetch it again, so the
        // server preloads nothing for it.
        let expected = match h.engine {
            Engine::Chromium => ["link"],
            Engine::WebKit => ["fetch"],
        };
        assert_eq!(all, expected, "{path}: {entries:?}");
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

async fn sign_out(h: &Harness) {
    h.click("sign-out").await;
    h.wait_path("/login").await;
}

/// A doctor fills the profile, uploads the five documents (photos drawn by the test in
/// the browser), submits; a reviewer rejects one with a reason; the doctor sees it,
/// replaces the document and resubmits; the reviewer approves; home shows verified.
async fn onboarding_review_flow(h: &Harness) {
    let phone = unique_phone();
    sign_up(h, &phone).await;
    h.click("go-onboarding").await;
    h.wait_path("/onboarding").await;

    // 1. Profile, with a photo.
    h.attach_photo("avatar-file", 1200, 1600).await;
    h.testid("avatar-image").await;
    h.fill("real_name", "陈静").await;
    h.select("gender", "female").await;
    h.fill("id_number", "11010519491231002X").await;
    h.fill("hospital", "杭州市第一人民医院").await;
    h.fill("department", "内分泌科").await;
    h.select("title", "attending_physician").await;
    h.fill("practice_category", "临床").await;
    h.fill("practice_scope", "内科专业").await;
    h.fill("years_of_practice", "2").await;
    h.click("profile-submit").await;
    h.wait_text("years_of_practice-error", "互联网诊疗需独立执业满 3 年")
        .await;
    h.fill("years_of_practice", "9").await;
    h.fill("specialties", "糖尿病、甲状腺疾病").await;
    h.click("profile-submit").await;

    // 2. Documents. The ID card front is a full-size phone photo, to measure compression.
    h.testid("doc-id_card_front").await;
    h.screenshot("documents").await;
    let original = h.attach_photo("doc-id_card_front-file", 4000, 3000).await;
    let prepared = h.testid("doc-id_card_front-prepared").await;
    let bytes: f64 = prepared
        .attr("data-bytes")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let millis = prepared.attr("data-millis").await.unwrap().unwrap();
    eprintln!(
        "compression [{}]: 4000x3000 photo {original} bytes -> {bytes} bytes in {millis} ms",
        h.name
    );
    assert!(
        bytes <= 2.0 * 1024.0 * 1024.0,
        "compressed to at most 2 MB: {bytes}"
    );
    h.testid("doc-id_card_front-preview").await;
    h.click("doc-id_card_front-upload").await;
    h.wait_text("doc-id_card_front-status", "待提交").await;
    // The practice certificate runs out in 20 days: renewed below, once verified.
    let china_today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let practice_expiry = (china_today + chrono::Duration::days(20)).to_string();
    for (kind, number) in [
        ("id_card_back", None),
        ("qualification", Some("199833110000123")),
        ("practice", Some("110330100000456")),
        ("professional_title", Some("ZJ2015000789")),
    ] {
        if let Some(n) = number {
            h.fill(&format!("{kind}-number"), n).await;
        }
        if kind == "practice" {
            h.set_value("practice-expires_on", &practice_expiry).await;
        }
        h.attach_photo(&format!("doc-{kind}-file"), 800, 600).await;
        h.testid(&format!("doc-{kind}-prepared")).await;
        h.click(&format!("doc-{kind}-upload")).await;
        h.wait_text(&format!("doc-{kind}-status"), "待提交").await;
    }
    h.click("documents-next").await;

    // 3. Submit.
    h.wait_contains("summary", "陈静").await;
    h.click("submit-verification").await;
    h.wait_text("onboarding-status", "审核中").await;
    sign_out(h).await;

    // The reviewer rejects the back of the ID card.
    let reviewer_password =
        doctor_desk_server::admin::create_reviewer(&h.server.state, "13800000009")
            .await
            .expect("reviewer")
            .expect("new reviewer");
    sign_in(h, "13800000009", &reviewer_password).await;
    h.click("nav-review").await;
    open_first_submission(h).await;
    for kind in [
        "id_card_front",
        "qualification",
        "practice",
        "professional_title",
    ] {
        h.click(&format!("approve-{kind}")).await;
    }
    h.click("reject-id_card_back").await;
    h.select("id_card_back-reason", "blurry").await;
    h.fill("id_card_back-note", "国徽面反光，看不清有效期")
        .await;
    h.screenshot("review").await;
    h.click("decision-submit").await;
    h.testid("queue-empty").await;
    sign_out(h).await;

    // The doctor sees the reason, replaces that document and resubmits.
    sign_in(h, &phone, PASSWORD).await;
    h.wait_text("verification-status", "未通过").await;
    h.click("go-onboarding").await;
    h.wait_text("onboarding-status", "未通过").await;
    h.wait_text(
        "rejection-reason",
        "身份证国徽面：图片模糊，无法辨认（国徽面反光，看不清有效期）",
    )
    .await;
    h.click("fix-documents").await;
    h.wait_text("doc-id_card_back-status", "未通过").await;
    h.testid("doc-id_card_back-rejection").await;
    assert!(
        h.client
            .find(fantoccini::Locator::Css(
                "[data-testid='doc-id_card_front-delete']"
            ))
            .await
            .is_err(),
        "approved documents are locked"
    );
    h.attach_photo("doc-id_card_back-file", 1200, 800).await;
    h.testid("doc-id_card_back-prepared").await;
    h.click("doc-id_card_back-upload").await;
    h.wait_text("doc-id_card_back-status", "待提交").await;
    h.click("documents-next").await;
    h.click("submit-verification").await;
    h.wait_text("onboarding-status", "审核中").await;
    sign_out(h).await;

    // The reviewer approves the new document.
    sign_in(h, "13800000009", &reviewer_password).await;
    h.goto("/review").await;
    open_first_submission(h).await;
    h.click("approve-id_card_back").await;
    h.click("decision-submit").await;
    h.testid("queue-empty").await;
    sign_out(h).await;

    sign_in(h, &phone, PASSWORD).await;
    h.wait_text("verification-status", "已认证").await;
    h.screenshot("verified").await;

    // The practice certificate is about to expire: the doctor renews it from the status
    // page, stays verified meanwhile, and the reviewer decides the renewal on its own.
    h.click("go-onboarding").await;
    h.wait_contains("expiring-document", &practice_expiry).await;
    h.click("renew-documents").await;
    h.wait_text("doc-practice-status", "已通过").await;
    // The new certificate's details show once its photo is chosen.
    h.attach_photo("doc-practice-file", 800, 600).await;
    h.testid("doc-practice-prepared").await;
    h.fill("practice-number", "110330100000789").await;
    h.set_value(
        "practice-expires_on",
        &(china_today + chrono::Duration::days(5 * 365)).to_string(),
    )
    .await;
    h.click("doc-practice-upload").await;
    h.wait_text("doc-practice-status", "审核中").await;
    h.click("documents-next").await;
    h.wait_contains("renewal", "新证件审核中").await;
    h.wait_text("onboarding-status", "已认证").await;
    h.screenshot("renewal-pending").await;
    sign_out(h).await;

    sign_in(h, "13800000009", &reviewer_password).await;
    h.goto("/review").await;
    open_first_submission(h).await;
    h.click("approve-practice").await;
    h.click("decision-submit").await;
    h.testid("queue-empty").await;
    sign_out(h).await;

    sign_in(h, &phone, PASSWORD).await;
    h.wait_text("verification-status", "已认证").await;
    h.click("go-onboarding").await;
    h.wait_text("onboarding-status", "已认证").await;
    h.wait_contains("submission", "证件更新").await;
    assert!(
        h.client
            .find(fantoccini::Locator::Css("[data-testid='expiring']"))
            .await
            .is_err(),
        "nothing left to renew"
    );
}

/// Publishes a version from the server side, as `admin publish-agreement` does.
async fn publish(h: &Harness, request: &doctor_desk_api::agreements::PublishRequest) {
    h.step(&format!("publish {}", request.version));
    doctor_desk_server::agreements::publish::publish(&h.server.state, None, request)
        .await
        .expect("published");
}

/// Whether the accept button is disabled, read without scrolling (touching the button
/// would scroll the page).
async fn accept_disabled(h: &Harness) -> bool {
    let button = h.present("accept-agreements").await;
    button.prop("disabled").await.expect("disabled").as_deref() == Some("true")
}

async fn scroll_to_end(h: &Harness) {
    h.present("agreement-end").await;
    h.js("window.scrollTo(0, document.documentElement.scrollHeight); return true")
        .await;
    h.wait_until(
        "accept enabled after reading to the end",
        "return document.querySelector(\"[data-testid='accept-agreements']\").disabled === false",
    )
    .await;
}

/// A new doctor must read and accept both documents before anything else; a new version
/// sends them back at their next step with what changed; the history lists every
/// acceptance and opens the exact text accepted.
async fn agreements_flow(h: &Harness) {
    use doctor_desk_api::agreements::AgreementKind;
    use doctor_desk_server::agreements::samples;
    samples::publish_missing(&h.server.state)
        .await
        .expect("samples");
    let phone = unique_phone();
    register(h, &phone).await;

    // Straight to the agreements, with nowhere else to go.
    h.wait_path("/agreements?next=%2F").await;
    h.wait_contains("agreement-service-agreement", "医生注册及服务协议")
        .await;
    h.wait_contains("agreement-privacy-policy", "隐私政策")
        .await;
    check_browser(h).await;
    assert_eq!(
        h.js("return document.querySelector('nav.main-nav') === null")
            .await,
        true,
        "no navigation before acceptance"
    );
    assert!(accept_disabled(h).await, "disabled before reading");
    h.screenshot("agreements-top").await;
    // A table-of-contents link takes the reader to the clause.
    h.js("document.querySelector(\"[data-testid='agreement-service-agreement'] .toc a\").click(); return true").await;
    assert!(accept_disabled(h).await, "still disabled mid-text");
    h.goto("/onboarding").await;
    h.wait_path("/agreements?next=%2Fonboarding").await;

    scroll_to_end(h).await;
    check_tap_targets(h).await;
    h.click("accept-agreements").await;
    h.wait_text("accept-service-agreement-error", "请勾选此项")
        .await;
    h.wait_text("health_data_consent-error", "请勾选此项").await;
    h.click("accept-service-agreement").await;
    h.click("accept-privacy-policy").await;
    h.click("health_data_consent").await;
    h.screenshot("agreements-end").await;
    h.click("accept-agreements").await;
    h.wait_path("/onboarding").await;
    h.testid("nav-home").await;

    // A new version of the service agreement is published while the doctor works.
    let mut v2 = samples::first_version(AgreementKind::ServiceAgreement);
    v2.version = "1.1.0".into();
    v2.change_summary = "费用条款写明按月结算；新增服务时效条款。".into();
    v2.body = v2.body.replace("按结算周期扣除", "按月结算，扣除").replace(
        "## 十一、医疗纠纷",
        "## 十一、服务时效\n\n1. 请在 48 小时内回复进行中的问诊。\n\n## 十二、医疗纠纷",
    );
    v2.change_summary_en = "Settlement is monthly; adds a response-time clause.".into();
    publish(h, &v2).await;

    // At the next navigation the doctor is back at the agreement, with what changed.
    h.click("nav-home").await;
    h.wait_path("/agreements?next=%2F").await;
    h.wait_contains("change-summary-text", "按月结算").await;
    h.wait_contains("agreements-intro", "已更新").await;
    let changes = h
        .js("return [...document.querySelectorAll(\"[data-testid='clause-change']\")].map(e => e.innerText)")
        .await;
    let changes: Vec<String> = serde_json::from_value(changes).expect("texts");
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(
        changes[0].contains("费用与结算") && changes[0].contains("月"),
        "{changes:?}"
    );
    assert!(changes[1].contains("服务时效"), "{changes:?}");
    assert_eq!(
        h.js(
            "return document.querySelector(\"[data-testid='agreement-privacy-policy']\") === null"
        )
        .await,
        true,
        "only the changed document is asked for"
    );
    assert_eq!(
        h.js("return document.querySelector(\"ins\") !== null")
            .await,
        true
    );
    h.screenshot("agreements-changes").await;
    assert!(accept_disabled(h).await);
    scroll_to_end(h).await;
    h.click("accept-service-agreement").await;
    h.click("accept-agreements").await;
    h.wait_path("/").await;
    h.wait_text("greeting", "医生，您好").await;

    // The history lists both acceptances of the service agreement and the privacy policy.
    h.click("go-agreements-history").await;
    h.wait_path("/me/agreements").await;
    h.wait_until(
        "three acceptances listed",
        "return document.querySelectorAll(\"[data-testid='acceptance-row']\").length === 3",
    )
    .await;
    let versions = h
        .js("return [...document.querySelectorAll(\"[data-testid='acceptance-row']\")].map(e => e.dataset.kind + ' ' + e.dataset.version)")
        .await;
    assert_eq!(
        versions,
        serde_json::json!([
            "service-agreement 1.1.0",
            "privacy-policy 1.0.0",
            "service-agreement 1.0.0"
        ])
    );
    check_tap_targets(h).await;
    h.screenshot("agreements-history").await;
    // Re-read exactly the first text accepted.
    h.js("document.querySelectorAll(\"[data-testid='acceptance-row'] a\")[2].click(); return true")
        .await;
    h.wait_path("/agreements/service-agreement/1.0.0?lang=zh-CN")
        .await;
    h.wait_contains("agreement-service-agreement", "版本 1.0.0")
        .await;
    let sha = h.testid("body-sha256").await.text().await.expect("text");
    assert_eq!(sha.len(), 64, "{sha}");
}

/// Declining signs the doctor out and says why the service cannot be used.
async fn declining_signs_out(h: &Harness) {
    doctor_desk_server::agreements::samples::publish_missing(&h.server.state)
        .await
        .expect("samples");
    let phone = unique_phone();
    register(h, &phone).await;
    h.wait_path("/agreements?next=%2F").await;
    // In English the texts are the English ones.
    h.click("language-switch").await;
    h.wait_contains(
        "agreement-service-agreement",
        "Doctor Registration and Service Agreement",
    )
    .await;
    h.wait_contains("agreement-privacy-policy", "Privacy Policy")
        .await;
    h.click("language-switch").await;
    h.wait_contains("agreement-service-agreement", "医生注册及服务协议")
        .await;
    h.click("decline-agreements").await;
    h.wait_contains("decline-confirm", "无法使用").await;
    h.screenshot("decline-confirm").await;
    h.click("confirm-decline").await;
    h.wait_path("/login?declined=1").await;
    h.wait_contains("declined-notice", "无法使用医生工作台")
        .await;
    // Signing in again leads straight back to the agreements.
    h.fill("phone", &phone).await;
    h.fill("password", PASSWORD).await;
    h.click("login-submit").await;
    h.wait_path("/agreements?next=%2F").await;
}

/// A reviewer drafts a new version, is told the version must be higher, previews it with
/// its changes, and publishes it; the list shows it.
async fn reviewer_publishes_an_agreement(h: &Harness) {
    doctor_desk_server::agreements::samples::publish_missing(&h.server.state)
        .await
        .expect("samples");
    let password = doctor_desk_server::admin::create_reviewer(&h.server.state, "13800000009")
        .await
        .expect("reviewer")
        .expect("new reviewer");
    sign_in(h, "13800000009", &password).await;
    h.click("nav-review-agreements").await;
    h.wait_path("/review/agreements").await;
    let count = "return document.querySelectorAll(\"[data-testid='published-version']\").length";
    h.wait_until("two versions listed", &format!("{count} === 2"))
        .await;
    h.select("kind", "privacy-policy").await;
    h.fill("version", "1.0.0").await;
    h.fill("title", "隐私政策").await;
    h.fill("change_summary", "联系邮箱变更为 dpo@example.com。")
        .await;
    h.fill(
        "body",
        "# 隐私政策\n\n## 八、联系我们\n\n如有疑问，请发送邮件至 dpo@example.com。\n",
    )
    .await;
    h.click("preview-agreement").await;
    h.wait_text("version-error", "版本号必须高于当前版本").await;
    h.fill("version", "1.1.0").await;
    assert_eq!(
        h.present("publish-agreement")
            .await
            .prop("disabled")
            .await
            .expect("prop")
            .as_deref(),
        Some("true"),
        "publishing needs a preview first"
    );
    h.click("preview-agreement").await;
    h.wait_contains("agreement-preview", "联系邮箱变更").await;
    h.wait_contains("agreement-preview", "dpo@example.com")
        .await;
    h.screenshot("agreement-preview").await;
    h.click("publish-agreement").await;
    h.wait_until("three versions listed", &format!("{count} === 3"))
        .await;
    h.wait_contains("published-version", "1.1.0").await;
    let overflow = h
        .js("return document.documentElement.scrollWidth - window.innerWidth")
        .await;
    h.js("window.scrollTo(0, 0); return true").await;
    h.screenshot("agreements-published").await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "no sideways scrolling: {overflow}"
    );
}

/// A verified doctor opens the service in the settings, adds a quick reply; a patient
/// (through the HTTP API) asks for a follow-up, which appears in the inbox without a
/// reload; the doctor accepts with the confirmation, replies with the quick reply, sees
/// the patient's answer arrive live, and ends with advice.
async fn inbox_flow(h: &Harness) {
    use doctor_desk_server::simulate::PatientClient;
    let phone = unique_phone();
    sign_up(h, &phone).await;
    // Fixture: the hospital verified this doctor (the review itself has its own flow).
    sqlx::query("UPDATE accounts SET verification_status = 'verified' WHERE phone = ?")
        .bind(&phone)
        .execute(&h.server.state.db)
        .await
        .expect("verified");
    let doctor_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
        .bind(&phone)
        .fetch_one(&h.server.state.db)
        .await
        .expect("doctor");

    // Service settings and a quick reply, in the settings page.
    h.goto("/settings/consultation").await;
    h.click("service-enabled").await;
    h.fill("greeting", "您好，我已接诊。").await;
    h.click("save-settings").await;
    h.wait_until(
        "settings saved",
        "return document.querySelector(\"[data-testid='service-enabled']\").checked === true",
    )
    .await;
    h.fill("title", "复查").await;
    h.fill("text", "请两周后复查空腹血糖。").await;
    h.click("add-quick-reply").await;
    h.wait_contains("quick-reply-item", "请两周后复查空腹血糖")
        .await;
    // A second one; reorder both ways; edit the second.
    h.fill("title", "用药").await;
    h.fill("text", "饭前服用。").await;
    h.click("add-quick-reply").await;
    let order = |expected: &str| {
        format!(
            "return [...document.querySelectorAll(\"[data-testid='quick-reply-item'] strong\")]
                .map(e => e.innerText).join(',') === {expected:?}"
        )
    };
    h.wait_until("two quick replies", &order("复查,用药")).await;
    h.click("move-down").await;
    h.wait_until("moved down", &order("用药,复查")).await;
    nth(h, "move-up", 1).await.click().await.expect("move up");
    h.wait_until("moved up", &order("复查,用药")).await;
    nth(h, "edit-quick-reply", 1)
        .await
        .click()
        .await
        .expect("edit");
    h.fill("text", "饭后服用，每日一次。").await;
    h.click("add-quick-reply").await;
    h.wait_until(
        "edited",
        "return document.querySelectorAll(\"[data-testid='quick-reply-item']\")[1]
            .innerText.includes('饭后服用，每日一次')",
    )
    .await;

    h.goto("/inbox").await;
    h.testid("inbox-empty").await;
    check_tap_targets(h).await;
    // The consultation's part comes while the doctor looks at the inbox, before one is
    // opened (the page fetches it when idle).
    h.wait_until(
        "the consultation's part fetched ahead",
        "return performance.getEntriesByType('resource')
            .some(e => e.name.endsWith('/part_consultation_thread_view.bin'))",
    )
    .await;

    // A patient asks; the request appears live, with the tab bar badge.
    let patient_phone = unique_phone();
    let patient = PatientClient::new(&h.server.url(), &patient_phone, "张三").expect("client");
    patient.sign_in().await.expect("patient signs in");
    // Fixture: a four-year-old (type 1 diabetes), so the guardian reminder must show.
    sqlx::query("UPDATE patients SET birth_date = date('now', '-4 years') WHERE phone = ?")
        .bind(&patient_phone)
        .execute(&h.server.state.db)
        .await
        .expect("birth date");
    let id = patient.ask(doctor_id).await.expect("consultation");
    h.wait_contains("consultation-row", "张*").await;
    h.wait_text("nav-inbox-badge", "1").await;
    h.wait_until(
        "the title counts it",
        "return document.title.startsWith('(1) ')",
    )
    .await;
    h.screenshot("inbox").await;
    h.click("consultation-row").await;
    h.wait_path(&format!("/inbox/{id}")).await;
    h.wait_contains("prior-diagnosis", "杭州市第一人民医院")
        .await;
    h.wait_contains("guardian-needed", "监护人").await;
    // Tap to zoom: the record full screen; Escape (the focus is on its close button)
    // closes it, and so does the button.
    let closed = "return !document.querySelector(\"[data-testid='image-viewer']\")";
    h.click("zoomable").await;
    h.testid("image-viewer").await;
    h.client
        .active_element()
        .await
        .expect("focus")
        .send_keys("\u{E00C}")
        .await
        .expect("Escape");
    h.wait_until("the viewer closed by Escape", closed).await;
    h.click("zoomable").await;
    h.click("close-viewer").await;
    h.wait_until("the viewer closed by its button", closed)
        .await;

    // Accepting needs the follow-up confirmation.
    h.click("accept-consultation").await;
    h.wait_contains("follow_up_confirmed-error", "复诊").await;
    h.click("confirm-follow-up").await;
    h.click("accept-consultation").await;
    h.wait_text("consultation-status", "进行中").await;
    h.wait_until(
        "the greeting in the thread",
        "return [...document.querySelectorAll(\"[data-testid='message']\")].some(m => m.innerText.includes('您好，我已接诊'))",
    )
    .await;

    // A quick reply is one tap; sent, it shows in the thread.
    h.click("quick-reply").await;
    h.click("send-message").await;
    h.wait_until(
        "the reply in the thread",
        "return [...document.querySelectorAll(\"[data-testid='message']\")].some(m => m.innerText.includes('两周后复查'))",
    )
    .await;

    // The patient's answer arrives live.
    patient
        .send(id, "好的，谢谢医生", false)
        .await
        .expect("patient message");
    h.wait_until(
        "the patient's message arrives",
        "return [...document.querySelectorAll(\"[data-testid='message']\")].some(m => m.innerText.includes('好的，谢谢医生'))",
    )
    .await;
    check_tap_targets(h).await;

    // A photo: compressed in the browser, uploaded with progress, then in the thread, and
    // the patient gets it.
    h.attach_photo("photo-file", 4000, 3000).await;
    h.wait_until(
        "the photo in the thread",
        "return [...document.querySelectorAll(\"[data-testid='message'] img\")]
            .some(i => i.complete && i.naturalWidth > 0 && i.naturalWidth <= 2560)",
    )
    .await;
    let thread = patient.messages(id).await.expect("patient's thread");
    assert!(
        thread.iter().any(
            |m| m.image_file_id.is_some() && m.sender == doctor_desk_api::inbox::Sender::Doctor
        ),
        "the patient sees the doctor's photo"
    );
    h.screenshot("thread").await;

    // The doctor's network drops while the patient writes twice. The page says so; a
    // reply typed meanwhile fails and waits for a retry; once back, everything is there
    // exactly once.
    h.network.cut();
    h.testid("live-offline").await;
    for text in ["今天空腹 5.8", "餐后两小时 7.9"] {
        patient.send(id, text, false).await.expect("patient writes");
    }
    h.fill("text", "收到，数值不错").await;
    h.click("send-message").await;
    h.testid("retry-send").await;
    h.network.restore();
    // A JS expression: each text is in exactly one message.
    let once = |texts: &[&str]| {
        format!(
            "(() => {{
                const seen = [...document.querySelectorAll(\"[data-testid='message'] p\")]
                    .map(p => p.innerText);
                return {texts:?}.every(t => seen.filter(s => s === t).length === 1);
            }})()"
        )
    };
    h.wait_until(
        "both messages sent while offline, once each",
        &format!("return {}", once(&["今天空腹 5.8", "餐后两小时 7.9"])),
    )
    .await;
    h.wait_until(
        "the live link is back",
        "return !document.querySelector(\"[data-testid='live-offline']\")",
    )
    .await;
    // The unsent reply survives a reload too; the consultation page's own first requests
    // are made once (and preloaded in Chromium).
    h.client.refresh().await.expect("reload");
    h.wait_contains("prior-diagnosis", "杭州市第一人民医院")
        .await;
    let consultation = format!("/api/v1/consultations/{id}");
    let thread = format!("/api/v1/consultations/{id}/messages?after=0");
    requested_once(h, &["/api/v1/me", &consultation, &thread]).await;
    part_beside_main_module(h, "consultation_thread_view").await;
    h.click("retry-send").await;
    h.wait_until(
        "the retried reply, once",
        &format!(
            "return {} && !document.querySelector(\"[data-testid='outgoing']\")",
            once(&["今天空腹 5.8", "餐后两小时 7.9", "收到，数值不错"])
        ),
    )
    .await;

    // Ending with advice.
    h.click("open-end-form").await;
    h.fill("assessment", "血糖控制尚可").await;
    h.fill("advice", "继续原方案，注意饮食").await;
    h.click("end-consultation").await;
    h.wait_text("consultation-status", "已结束").await;
    h.wait_contains("advice", "继续原方案").await;
    let mine = patient.consultation(id).await.expect("patient view");
    assert_eq!(mine.follow_ups_left, 2);

    // Two follow-up questions; the doctor answers the last one, then the thread is
    // read-only on both sides.
    patient
        .send(id, "药需要减量吗？", false)
        .await
        .expect("first follow-up");
    patient
        .send(id, "运动有什么建议？", false)
        .await
        .expect("second follow-up");
    assert!(
        patient.send(id, "还有一个问题", false).await.is_err(),
        "no third follow-up"
    );
    h.wait_until(
        "the follow-ups arrive",
        &format!("return {}", once(&["药需要减量吗？", "运动有什么建议？"])),
    )
    .await;
    h.fill("text", "不需要减量；每天快走半小时。").await;
    h.click("send-message").await;
    h.testid("read-only").await;
    assert!(
        h.js("return document.querySelector(\"[data-testid='send-message']\") === null")
            .await
            .as_bool()
            .unwrap_or(false),
        "no composer once the thread is read-only"
    );
}

/// Fixture: `rows` closed consultations of the doctor, one new patient each (so each is
/// the doctor's patient), written by SQL: number n (0-based, complaint "第 n+1 位：…",
/// phone `{prefix}` + n in 7 digits) a minute older than number n - 1.
async fn seed_closed_consultations(h: &Harness, doctor_id: i64, rows: i64, prefix: &str) {
    let db = &h.server.state.db;
    let now = chrono::Utc::now().timestamp();
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?1)
         INSERT INTO patients (phone, name, sex, birth_date, created_at)
         SELECT ?3 || printf('%07d', n), '患者' || n, 'female', '1970-01-01', ?2 FROM seq",
    )
    .bind(rows)
    .bind(now)
    .bind(prefix)
    .execute(db)
    .await
    .expect("patients");
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?1)
         INSERT INTO consultations (doctor_id, patient_id, status, complaint, prior_hospital,
           prior_diagnosis, prior_visited_on, price_fen, created_at, accepted_at, deadline_at,
           close_reason, follow_ups_left, last_activity_at, closed_at)
         SELECT ?2, p.id, 'closed', '第 ' || (n + 1) || ' 位：血压复查', '医院', '高血压',
                '2026-09-01', 0, ?3 - n * 60, ?3 - n * 60, NULL, 'advice', 0, ?3 - n * 60,
                ?3 - n * 60
         FROM seq JOIN patients p ON p.phone = ?4 || printf('%07d', n)",
    )
    .bind(rows)
    .bind(doctor_id)
    .bind(now)
    .bind(prefix)
    .execute(db)
    .await
    .expect("consultations");
}

/// Ten thousand consultations: only the rows near the screen are in the page, the next
/// pages load as the doctor scrolls, and screen readers still hear "n of 10000".
async fn inbox_scrolls_ten_thousand(h: &Harness) {
    const ROWS: i64 = 10_000;
    let phone = unique_phone();
    sign_up(h, &phone).await;
    let doctor_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
        .bind(&phone)
        .fetch_one(&h.server.state.db)
        .await
        .expect("doctor");
    seed_closed_consultations(h, doctor_id, ROWS, "1660").await;

    h.goto("/inbox").await;
    h.click("tab-closed").await;
    h.wait_text("count-closed", "10000").await;
    h.wait_until(
        "the newest row first",
        "const row = document.querySelector(\"[data-testid='consultation-row']\");
         return !!row && row.innerText.includes('第 1 位')",
    )
    .await;
    // What is in the DOM: how many rows, the first and last place, and the set size.
    let window =
        "const rows = [...document.querySelectorAll(\"[data-testid='consultation-row']\")];
        const at = rows.map(r => Number(r.getAttribute('aria-posinset')));
        return { count: rows.length, first: at[0], last: at[at.length - 1],
                 contiguous: at.every((p, i) => i === 0 || p === at[i - 1] + 1),
                 size: rows[0] && rows[0].getAttribute('aria-setsize') }";
    let shown = h.js(window).await;
    assert_eq!(shown["size"], "10000", "{shown}");
    assert!(shown["count"].as_u64().unwrap() <= 30, "{shown}");

    // Scrolling down loads page after page; the DOM stays small.
    let mut last = shown["last"].as_u64().unwrap();
    for _ in 0..6 {
        h.js("window.scrollTo(0, document.documentElement.scrollHeight); return true")
            .await;
        h.wait_until(
            "rows further down",
            &format!(
                "const at = [...document.querySelectorAll(\"[data-testid='consultation-row']\")]
                    .map(r => Number(r.getAttribute('aria-posinset')));
                 return Math.max(...at) > {last}"
            ),
        )
        .await;
        let shown = h.js(window).await;
        last = shown["last"].as_u64().unwrap();
        assert!(shown["count"].as_u64().unwrap() <= 30, "{shown}");
        assert_eq!(shown["contiguous"], true, "{shown}");
    }
    assert!(last > 150, "six scrolls reach row {last}");
    let far = h.js(window).await;
    assert!(far["first"].as_u64().unwrap() > 100, "{far}");
    // Each row shows its own consultation (newest first: place k is the k-th).
    h.wait_until(
        "the last row rendered is the right one",
        &format!(
            "const row = document.querySelector(\"[aria-posinset='{last}']\");
             return !!row && row.innerText.includes('第 {last} 位')"
        ),
    )
    .await;
    check_tap_targets(h).await;

    // Back to the top: the first rows again.
    h.js("window.scrollTo(0, 0); return true").await;
    h.wait_until(
        "the first row again",
        "const first = document.querySelector(\"[data-testid='consultation-row']\");
         return first && first.getAttribute('aria-posinset') === '1'",
    )
    .await;
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
cases!(onboarding_review_flow, phone);
cases!(wrong_password_keeps_what_was_typed);
cases!(agreements_flow);
cases!(declining_signs_out, phone);
cases!(reviewer_publishes_an_agreement, desktop);
cases!(inbox_flow, phone);
cases!(inbox_scrolls_ten_thousand, phone);
cases!(parts_load_on_demand, phone);
use follow_ups::{follow_up_plans_flow, follow_ups_flow};
use patients::{patients_flow, patients_scroll_ten_thousand};
cases!(patients_flow);
cases!(patients_scroll_ten_thousand);
cases!(follow_ups_flow);
cases!(follow_up_plans_flow);

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

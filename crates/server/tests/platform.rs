//! What every request gets: one error shape, CSRF protection, security headers, the
//! OpenAPI document, and the SPA served with the right types and caching.

mod common;

use std::collections::BTreeSet;

use axum::http::{header, Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn health() {
    let app = TestApp::new().await;
    let r = app.browser().get("/api/v1/health").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["status"], "ok");
}

#[tokio::test]
async fn unauthorized_without_a_session() {
    let app = TestApp::new().await;
    let r = app.browser().get("/api/v1/me").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error_code(), "unauthorized");
    assert!(r.json["error"]["message"].as_str().unwrap().len() > 3);
}

#[tokio::test]
async fn state_changes_need_the_csrf_header() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.get("/api/v1/health").await;
    assert!(
        b.cookies.contains_key("dd_csrf"),
        "first response hands out the CSRF cookie"
    );
    let body = json!({"phone": "13912345678", "purpose": "register"});
    let r = b
        .post_without_csrf("/api/v1/auth/sms-codes", body.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_code(), "csrf_failed");

    // A header that does not match the cookie is no better.
    b.cookies.insert("dd_csrf".into(), "forged".into());
    let mut other = app.browser();
    other.get("/api/v1/health").await;
    let real = other.cookies["dd_csrf"].clone();
    let r = b
        .send(
            Method::POST,
            "/api/v1/auth/sms-codes",
            Some(body.to_string()),
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_ne!(real, "forged");

    let r = app.browser().post("/api/v1/auth/sms-codes", body).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn malformed_bodies_get_the_error_shape() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let r = b
        .post_raw("/api/v1/auth/login", Some("application/json"), "{not json")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), "malformed_body");
    assert!(r.json["error"]["message"].is_string());

    let r = b
        .post_raw(
            "/api/v1/auth/login",
            Some("application/json"),
            r#"{"phone": 5}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), "malformed_body");

    let r = b
        .post_raw("/api/v1/auth/login", None, r#"{"phone":"13912345678"}"#)
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.error_code(), "unsupported_media_type");

    let huge = format!(r#"{{"phone":"{}"}}"#, "1".repeat(3 * 1024 * 1024));
    let r = b
        .post_raw("/api/v1/auth/login", Some("application/json"), &huge)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.error_code(), "payload_too_large");
}

#[tokio::test]
async fn unknown_api_routes_and_methods() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let r = b.get("/api/v1/no-such-thing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");
    let r = b.get("/api/other").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");
    let r = b.get("/api/v1/auth/login").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.error_code(), "method_not_allowed");
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    for path in ["/api/v1/health", "/api/v1/me", "/api/v1/nope"] {
        let r = b.get(path).await;
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(r.headers.contains_key(header::REFERRER_POLICY));
        assert_eq!(r.headers["x-request-id"].len(), 16);
        // Data, not documents: no browser keeps a copy or hands a page an old one.
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    // A signed-in answer too.
    let mut d = app.doctor("13911112020").await;
    let r = d.get("/api/v1/me").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn dev_outbox_exists_only_in_dev_mode() {
    let app = TestApp::with_config(|c| c.dev = false).await;
    let mut b = app.browser();
    let r = b.get("/api/v1/dev/sms-outbox?phone=13912345678").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Without a gateway, sending a code fails loudly instead of pretending.
    let r = b
        .post(
            "/api/v1/auth/sms-codes",
            json!({"phone": "13912345678", "purpose": "register"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.error_code(), "internal");
    let message = r.json["error"]["message"].as_str().unwrap();
    assert!(
        !message.contains("gateway"),
        "internals are not shown: {message}"
    );
}

/// Every endpoint of the contract, as (method, path). A new endpoint goes here and into
/// the router; the test fails when the two and the OpenAPI document disagree.
const ENDPOINTS: &[(&str, &str)] = &[
    ("get", "/api/v1/health"),
    ("post", "/api/v1/auth/sms-codes"),
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/password-reset"),
    ("get", "/api/v1/me"),
    ("put", "/api/v1/me/password"),
    ("put", "/api/v1/me/phone"),
    ("get", "/api/v1/me/sessions"),
    ("delete", "/api/v1/me/sessions"),
    ("delete", "/api/v1/me/sessions/{id}"),
    ("post", "/api/v1/me/consent-withdrawals"),
    ("post", "/api/v1/me/consents"),
    ("get", "/api/v1/me/deletion"),
    ("post", "/api/v1/me/deletion"),
    ("delete", "/api/v1/me/deletion"),
    ("get", "/api/v1/me/activity"),
    ("get", "/api/v1/me/notifications"),
    ("post", "/api/v1/me/notifications/read"),
    ("post", "/api/v1/appeals"),
    ("get", "/api/v1/review/appeals"),
    ("get", "/api/v1/review/appeals/{id}"),
    ("post", "/api/v1/review/appeals/{id}/decision"),
    ("get", "/api/v1/agreements/current"),
    ("get", "/api/v1/agreements/{kind}/{version}"),
    ("post", "/api/v1/agreements/{kind}/{version}/acceptance"),
    ("get", "/api/v1/me/acceptances"),
    ("get", "/api/v1/review/agreements"),
    ("post", "/api/v1/review/agreements"),
    ("post", "/api/v1/review/agreements/preview"),
    ("get", "/api/v1/dev/sms-outbox"),
    ("get", "/api/v1/dev/sms-notices"),
    ("get", "/api/v1/me/profile"),
    ("put", "/api/v1/me/profile"),
    ("post", "/api/v1/me/avatar"),
    ("get", "/api/v1/me/documents"),
    ("post", "/api/v1/me/documents"),
    ("delete", "/api/v1/me/documents/{id}"),
    ("get", "/api/v1/me/verification"),
    ("post", "/api/v1/me/verification"),
    ("get", "/api/v1/files/{id}"),
    ("post", "/api/v1/files"),
    ("get", "/api/v1/consultations"),
    ("get", "/api/v1/consultations/{id}"),
    ("post", "/api/v1/consultations/{id}/accept"),
    ("post", "/api/v1/consultations/{id}/ask"),
    ("post", "/api/v1/consultations/{id}/decline"),
    ("post", "/api/v1/consultations/{id}/close"),
    ("get", "/api/v1/consultations/{id}/messages"),
    ("post", "/api/v1/consultations/{id}/messages"),
    ("get", "/api/v1/me/consultation-settings"),
    ("put", "/api/v1/me/consultation-settings"),
    ("get", "/api/v1/me/quick-replies"),
    ("post", "/api/v1/me/quick-replies"),
    ("put", "/api/v1/me/quick-replies/{id}"),
    ("delete", "/api/v1/me/quick-replies/{id}"),
    ("get", "/api/v1/events"),
    ("post", "/api/v1/patient/auth/login"),
    ("post", "/api/v1/patient/auth/logout"),
    ("post", "/api/v1/patient/files"),
    ("get", "/api/v1/patient/files/{id}"),
    ("post", "/api/v1/patient/consultations"),
    ("get", "/api/v1/patient/consultations/{id}"),
    ("get", "/api/v1/patient/consultations/{id}/messages"),
    ("post", "/api/v1/patient/consultations/{id}/messages"),
    ("post", "/api/v1/consultations/{id}/read"),
    ("get", "/api/v1/patients"),
    ("get", "/api/v1/patients/{id}"),
    ("post", "/api/v1/patients/{id}/reveal-phone"),
    ("put", "/api/v1/patients/{id}/clinical"),
    ("put", "/api/v1/patients/{id}/tags"),
    ("get", "/api/v1/patients/{id}/notes"),
    ("post", "/api/v1/patients/{id}/notes"),
    ("put", "/api/v1/patients/{id}/notes/{note_id}"),
    ("get", "/api/v1/patients/{id}/timeline"),
    ("get", "/api/v1/tags"),
    ("post", "/api/v1/tags"),
    ("put", "/api/v1/tags/{id}"),
    ("delete", "/api/v1/tags/{id}"),
    ("post", "/api/v1/tags/{id}/patients"),
    ("get", "/api/v1/follow-up-templates"),
    ("post", "/api/v1/follow-up-templates"),
    ("get", "/api/v1/patients/{id}/follow-up-plans"),
    ("post", "/api/v1/patients/{id}/follow-up-plans"),
    ("get", "/api/v1/follow-ups"),
    ("post", "/api/v1/follow-ups/{id}/remind"),
    ("post", "/api/v1/follow-ups/{id}/done"),
    ("post", "/api/v1/follow-ups/{id}/missed"),
    ("post", "/api/v1/tags/{id}/remind"),
    ("get", "/api/v1/me/today"),
    ("get", "/api/v1/patient/reminders"),
    ("get", "/api/v1/review/submissions"),
    ("get", "/api/v1/review/submissions/{id}"),
    ("post", "/api/v1/review/submissions/{id}/decision"),
    ("get", "/api/v1/posts"),
    ("post", "/api/v1/posts"),
    ("get", "/api/v1/posts/{id}"),
    ("put", "/api/v1/posts/{id}"),
    ("delete", "/api/v1/posts/{id}"),
    ("post", "/api/v1/posts/{id}/submit"),
    ("post", "/api/v1/posts/{id}/withdraw"),
    ("post", "/api/v1/posts/{id}/images"),
    ("post", "/api/v1/posts/preview"),
    ("post", "/api/v1/posts/check"),
    ("get", "/api/v1/posts/rules"),
    ("get", "/api/v1/questions"),
    ("post", "/api/v1/patient/questions"),
    ("get", "/api/v1/review/posts"),
    ("get", "/api/v1/review/posts/{id}"),
    ("post", "/api/v1/review/posts/{id}/decision"),
    ("get", "/p/{slug}"),
    ("get", "/p/img/{name}"),
];

#[tokio::test]
async fn openapi_lists_every_endpoint() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let doc = b.get("/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.json["openapi"].as_str().unwrap().starts_with("3."));
    let documented: BTreeSet<(String, String)> = doc.json["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    let expected: BTreeSet<(String, String)> = ENDPOINTS
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, expected);
    // And each documented path is really routed: a routed path answers an unused method
    // with 405, the fallback with 404.
    for (_, path) in &expected {
        let r = b
            .send(
                Method::PATCH,
                &path
                    .replace("{id}", "1")
                    .replace("{note_id}", "1")
                    .replace("{kind}", "privacy-policy")
                    .replace("{version}", "1.0.0")
                    .replace("{slug}", "abcdefghij")
                    .replace("{name}", "x"),
                Some("{}".into()),
                true,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{path} is documented but not routed"
        );
    }
    // Request and response shapes are described.
    let schemas = doc.json["components"]["schemas"].as_object().unwrap();
    for name in [
        "RegisterRequest",
        "LoginRequest",
        "Me",
        "ErrorBody",
        "SmsCodeRequest",
        "AgreementDocument",
        "AcceptanceRequest",
        "Acceptance",
        "PublishRequest",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
}

mod spa {
    use super::*;
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    const INDEX: &str = r#"<!doctype html><html><head><link rel="modulepreload" href="/wasm-0123456789abcdef/doctor-desk.js"><script id="dd-boot">window.boot=1</script><script type="module">import init from '/wasm-0123456789abcdef/doctor-desk.js';await init();</script></head><body>loading</body></html>"#;

    #[tokio::test]
    async fn every_route_gets_the_one_page() {
        let (app, _dist) = app_with_dist().await;
        for path in [
            "/agreements",
            "/agreements/privacy-policy/1.2.0",
            "/me/agreements",
            "/onboarding",
            "/review",
            "/review/42",
        ] {
            let (status, _, body) = get(&app, path, None).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(without_preloads(body), INDEX, "{path}");
        }
        let (_, headers, _) = get(&app, "/review", None).await;
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        // The boot script and the module script, whatever the server adds to the page.
        assert_eq!(csp.matches("'sha256-").count(), 2, "{csp}");
    }

    /// The page as built: what the server added for preloading taken out again.
    fn without_preloads(body: Vec<u8>) -> String {
        let mut html = String::from_utf8(body)
            .unwrap()
            .replacen(r#"<html data-boot="sign-in""#, "<html", 1)
            .replacen(r#"<html data-boot="inbox""#, "<html", 1);
        let boot = html.find(r#"<script id="dd-boot""#).unwrap();
        let end = boot + html[boot..].find('>').unwrap() + 1;
        html.replace_range(boot..end, r#"<script id="dd-boot">"#);
        html
    }

    /// The API requests the boot script asks for at once (`data-api`).
    fn preloads(body: &[u8]) -> Vec<String> {
        let found = links(body, r#"data-api=""#);
        assert_eq!(found.len(), 1, "one data-api");
        found[0].split_whitespace().map(String::from).collect()
    }

    /// The packs of lazy parts the page downloads at once (`data-now` of the boot
    /// script), and those it downloads when idle (`data-next`).
    fn part_files(body: &[u8]) -> (Vec<String>, Vec<String>) {
        let attribute = |name: &str| -> Vec<String> {
            let found = links(body, &format!(r#"{name}=""#));
            assert_eq!(found.len(), 1, "one {name}");
            found[0].split_whitespace().map(String::from).collect()
        };
        (attribute("data-now"), attribute("data-next"))
    }

    fn links(body: &[u8], start: &str) -> Vec<String> {
        let html = std::str::from_utf8(body).unwrap();
        html.match_indices(start)
            .map(|(i, m)| {
                let rest = &html[i + m.len()..];
                rest[..rest.find('"').unwrap()].replace("&amp;", "&")
            })
            .collect()
    }

    /// Each page names the API requests it starts with, so they run while the wasm
    /// downloads; they are exactly the paths the SPA asks for (`doctor_desk_api::preload`).
    const ANDROID_WECHAT: &str = "Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300259 MicroMessenger/8.0.54.2760(0x28003637) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";
    const IPHONE_WECHAT: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.54(0x18003631) NetType/WIFI Language/zh_CN";

    /// The page as a browser with a session cookie gets it (the server only looks at
    /// whether there is one).
    async fn page_for(app: &TestApp, path: &str, user_agent: &str) -> Vec<u8> {
        page_with_cookie(app, path, user_agent, "dd_session=some-session").await
    }

    async fn page_with_cookie(
        app: &TestApp,
        path: &str,
        user_agent: &str,
        cookie: &str,
    ) -> Vec<u8> {
        let req = axum::http::Request::get(path)
            .header(header::USER_AGENT, user_agent)
            .header(header::COOKIE, cookie);
        let res = app
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        res.into_body().collect().await.unwrap().to_bytes().to_vec()
    }

    /// `/login` without a session shows the sign-in page's heading before the wasm runs
    /// (index.html's `.boot-sign-in`), in every engine.
    #[tokio::test]
    async fn the_sign_in_heading_is_drawn_before_the_app_runs() {
        let (app, _dist) = app_with_dist().await;
        let marked = |body: Vec<u8>| {
            String::from_utf8(body)
                .unwrap()
                .starts_with(r#"<!doctype html><html data-boot="sign-in">"#)
        };
        for ua in [ANDROID_WECHAT, IPHONE_WECHAT] {
            assert!(marked(page_with_cookie(&app, "/login", ua, "").await));
            let next = page_with_cookie(&app, "/login?next=%2Finbox", ua, "").await;
            assert!(marked(next));
        }
        // With a session the app may go on to home; after declining the agreements it
        // adds a notice between the lines; the other pages draw their own.
        assert!(!marked(page_for(&app, "/login", ANDROID_WECHAT).await));
        let declined = page_with_cookie(&app, "/login?declined=1", ANDROID_WECHAT, "").await;
        assert!(!marked(declined));
        for path in ["/", "/register", "/inbox", "/login/x"] {
            let page = page_with_cookie(&app, path, ANDROID_WECHAT, "").await;
            assert!(!marked(page), "{path}");
        }
    }

    /// `/inbox` with a session shows the inbox's frame before the wasm runs (index.html's
    /// `.boot-inbox`), in every engine, and names the request whose answer the boot script
    /// draws the first rows from (`data-rows`, one the page asks for first anyway).
    #[tokio::test]
    async fn the_inbox_frame_is_drawn_before_the_app_runs() {
        let (app, _dist) = app_with_dist().await;
        let marked = |body: &[u8]| {
            std::str::from_utf8(body)
                .unwrap()
                .starts_with(r#"<!doctype html><html data-boot="inbox">"#)
        };
        let rows = |body: &[u8]| links(body, r#"data-rows=""#);
        for ua in [ANDROID_WECHAT, IPHONE_WECHAT] {
            for path in ["/inbox", "/inbox/", "/inbox?from=wechat"] {
                let page = page_for(&app, path, ua).await;
                assert!(marked(&page), "{path}");
                let drawn = "/api/v1/consultations?status=new&limit=50&q=";
                assert_eq!(rows(&page), [drawn], "{path}");
                assert!(preloads(&page).iter().any(|p| p == drawn), "{path}");
            }
        }
        // Signed out the page goes to sign in; other pages draw their own.
        let signed_out = page_with_cookie(&app, "/inbox", ANDROID_WECHAT, "").await;
        assert!(!marked(&signed_out));
        assert_eq!(rows(&signed_out), [""]);
        for path in ["/", "/inbox/12", "/patients", "/login"] {
            let page = page_for(&app, path, ANDROID_WECHAT).await;
            assert!(!marked(&page), "{path}");
            assert_eq!(rows(&page), [""], "{path}");
        }
    }

    #[tokio::test]
    async fn pages_preload_their_first_api_requests() {
        let (app, _dist) = app_with_dist().await;
        // The boot script's own requests, the same in every engine (WebKit would fetch a
        // `<link rel="preload">`ed request a second time).
        for ua in [ANDROID_WECHAT, IPHONE_WECHAT] {
            let home = page_for(&app, "/", ua).await;
            assert_eq!(
                preloads(&home),
                [
                    "/api/v1/me",
                    "/api/v1/consultations?status=new&limit=50&q=",
                    "/api/v1/me/verification",
                    "/api/v1/me/today"
                ]
            );
            assert!(!String::from_utf8(home)
                .unwrap()
                .contains(r#"rel="preload""#));
            let inbox = page_for(&app, "/inbox", ua).await;
            assert_eq!(
                preloads(&inbox),
                ["/api/v1/me", "/api/v1/consultations?status=new&limit=50&q="]
            );
            let consultation = page_for(&app, "/inbox/12", ua).await;
            assert_eq!(
                preloads(&consultation),
                [
                    "/api/v1/me",
                    "/api/v1/consultations?status=new&limit=50&q=",
                    "/api/v1/consultations/12",
                    "/api/v1/consultations/12/messages?after=0"
                ]
            );
            for path in ["/login", "/review"] {
                let page = page_for(&app, path, ua).await;
                assert_eq!(preloads(&page), ["/api/v1/me"], "{path}");
            }
        }

        // A page that is a lazy part gets its pack beside the main module, in every
        // engine (boot.js fetches it); home and the inbox fetch the consultation's, the
        // part a doctor opens next, when idle.
        let thread = vec!["/wasm-0123456789abcdef/part_consultation_thread_view.bin".to_owned()];
        for ua in [ANDROID_WECHAT, IPHONE_WECHAT] {
            let page = page_for(&app, "/inbox/12", ua).await;
            assert_eq!(part_files(&page), (thread.clone(), vec![]));
            for path in ["/", "/inbox"] {
                let page = page_for(&app, path, ua).await;
                assert_eq!(part_files(&page), (vec![], thread.clone()));
            }
        }
        let onboarding = page_for(&app, "/onboarding", ANDROID_WECHAT).await;
        assert_eq!(
            part_files(&onboarding).0,
            ["/wasm-0123456789abcdef/part_onboarding_view.bin"]
        );
        let login_part = vec!["/wasm-0123456789abcdef/part_login_view.bin".to_owned()];
        let login = page_for(&app, "/login", ANDROID_WECHAT).await;
        assert_eq!(part_files(&login), (login_part.clone(), vec![]));

        // Without a session cookie every doctor page sends the visitor to sign in: the
        // sign-in part comes at once, nothing of the doctor's is asked for.
        for path in ["/", "/inbox/12", "/patients", "/review"] {
            for ua in [ANDROID_WECHAT, IPHONE_WECHAT] {
                let page = page_with_cookie(&app, path, ua, "dd_csrf=x; dd_session=").await;
                assert_eq!(part_files(&page), (login_part.clone(), vec![]), "{path}");
                assert_eq!(preloads(&page), ["/api/v1/me"], "{path}");
            }
        }
        let register = page_with_cookie(&app, "/register", ANDROID_WECHAT, "").await;
        assert_eq!(
            part_files(&register).0,
            ["/wasm-0123456789abcdef/part_register_view.bin"]
        );
    }

    async fn app_with_dist() -> (TestApp, tempfile::TempDir) {
        let dist = tempfile::tempdir().unwrap();
        std::fs::write(dist.path().join("index.html"), INDEX).unwrap();
        std::fs::write(
            dist.path().join("lazy-parts.json"),
            common::parts_manifest().to_string(),
        )
        .unwrap();
        let wasm = dist.path().join("wasm-0123456789abcdef");
        std::fs::create_dir(&wasm).unwrap();
        std::fs::write(wasm.join("doctor-desk_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(wasm.join("split_onboarding_view.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(wasm.join("part_onboarding_view.bin"), b"\x02\0\0\0[]").unwrap();
        std::fs::write(wasm.join("doctor-desk.js"), "export default 1").unwrap();
        std::fs::write(wasm.join("doctor-desk.js.br"), b"brotli-bytes").unwrap();
        std::fs::write(dist.path().join("style-0123456789abcdef.css"), "p{}").unwrap();
        std::fs::write(dist.path().join("favicon.svg"), "<svg/>").unwrap();
        let dir = dist.path().to_owned();
        let app = TestApp::with_config(move |c| c.dist_dir = Some(dir)).await;
        (app, dist)
    }

    async fn get(
        app: &TestApp,
        path: &str,
        accept_encoding: Option<&str>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut req = axum::http::Request::get(path);
        if let Some(e) = accept_encoding {
            req = req.header(header::ACCEPT_ENCODING, e);
        }
        let res = app
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, body)
    }

    /// `/p/…` is the server's own HTML (the public pages of posts), never the SPA's page.
    #[tokio::test]
    async fn public_post_pages_are_not_client_routes() {
        let (app, _dist) = app_with_dist().await;
        for path in ["/p/zzzzzzzzzz", "/p/img/nope"] {
            let (status, headers, body) = get(&app, path, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_ne!(String::from_utf8(body).unwrap(), INDEX, "{path}");
            assert!(headers.get(header::SET_COOKIE).is_none(), "{path}");
        }
    }

    #[tokio::test]
    async fn a_build_without_a_part_the_server_preloads_does_not_start() {
        let dist = tempfile::tempdir().unwrap();
        std::fs::write(dist.path().join("index.html"), INDEX).unwrap();
        let spa = |manifest: &serde_json::Value| {
            std::fs::write(dist.path().join("lazy-parts.json"), manifest.to_string()).unwrap();
            doctor_desk_server::spa::Spa::load(dist.path()).map(|_| ())
        };
        let mut manifest = common::parts_manifest();
        assert!(spa(&manifest).is_ok());
        manifest
            .as_object_mut()
            .unwrap()
            .remove(doctor_desk_api::preload::parts::ONBOARDING);
        let error = spa(&manifest).unwrap_err().to_string();
        assert!(error.contains("onboarding_view"), "{error}");
    }

    #[tokio::test]
    async fn client_routes_get_index_html_uncached() {
        let (app, _dist) = app_with_dist().await;
        for path in ["/", "/login", "/register", "/some/deep/route"] {
            let (status, headers, body) = get(&app, path, None).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(without_preloads(body), INDEX);
            assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
            assert!(headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"));
            assert!(headers
                .get_all(header::SET_COOKIE)
                .iter()
                .any(|c| c.to_str().unwrap().starts_with("dd_csrf=")));
        }
    }

    #[tokio::test]
    async fn csp_allows_exactly_the_inline_loader() {
        let (app, _dist) = app_with_dist().await;
        let (_, headers, _) = get(&app, "/", None).await;
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        use base64::Engine;
        use sha2::Digest;
        for script in [
            "window.boot=1",
            "import init from '/wasm-0123456789abcdef/doctor-desk.js';await init();",
        ] {
            let hash =
                base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
            assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        }
        assert!(!csp.contains("unsafe-inline"));
    }

    #[tokio::test]
    async fn hashed_assets_are_immutable_with_right_types() {
        let (app, _dist) = app_with_dist().await;
        for wasm in [
            "/wasm-0123456789abcdef/doctor-desk_bg.wasm",
            "/wasm-0123456789abcdef/split_onboarding_view.wasm",
        ] {
            let (status, headers, _) = get(&app, wasm, None).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
            assert_eq!(
                headers[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
        }
        let (status, headers, _) = get(
            &app,
            "/wasm-0123456789abcdef/part_onboarding_view.bin",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let (status, _, _) = get(&app, "/wasm-0123456789abcdef/part_nothing.bin", None).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "a missing pack is not the page"
        );
        let (_, headers, _) = get(&app, "/style-0123456789abcdef.css", None).await;
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let (_, headers, _) = get(&app, "/favicon.svg", None).await;
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    }

    #[tokio::test]
    async fn precompressed_brotli_when_accepted() {
        let (app, _dist) = app_with_dist().await;
        let (_, headers, body) = get(
            &app,
            "/wasm-0123456789abcdef/doctor-desk.js",
            Some("br, gzip"),
        )
        .await;
        assert_eq!(headers[header::CONTENT_ENCODING], "br");
        assert_eq!(body, b"brotli-bytes");
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("javascript"));
        let (_, headers, body) = get(&app, "/wasm-0123456789abcdef/doctor-desk.js", None).await;
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(body, b"export default 1");
    }

    #[tokio::test]
    async fn missing_assets_are_404_not_html() {
        let (app, _dist) = app_with_dist().await;
        let (status, _, _) = get(&app, "/wasm-ffffffffffffffff/doctor-desk.js", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

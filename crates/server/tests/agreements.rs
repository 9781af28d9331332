//! Agreements: the guard on every doctor endpoint, acceptance of the current version only,
//! re-acceptance after a new version, append-only records, safe rendering, publishing.

mod common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use common::{Browser, TestApp};
use doctor_desk_api::agreements::AgreementKind;
use doctor_desk_server::agreements::{publish::publish, samples};
use serde_json::{json, Value};

async fn published_app() -> TestApp {
    let app = TestApp::new().await;
    samples::publish_missing(&app.state).await.unwrap();
    app
}

/// Reads a version as the SPA does and accepts exactly that text.
async fn accept(b: &mut Browser<'_>, kind: &str, version: &str) -> common::Reply {
    let doc = b.get(&format!("/api/v1/agreements/{kind}/{version}")).await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.json);
    b.post(
        &format!("/api/v1/agreements/{kind}/{version}/acceptance"),
        json!({"body_sha256": doc.json["body_sha256"], "health_data_consent": kind == "privacy-policy"}),
    )
    .await
}

async fn accept_all(b: &mut Browser<'_>) {
    for kind in ["service-agreement", "privacy-policy"] {
        let current = b.get("/api/v1/agreements/current").await;
        let version = current
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind)
            .unwrap()["version"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = accept(b, kind, &version).await;
        assert!(r.status.is_success(), "{}", r.json);
    }
}

fn pending(me: &Value) -> Vec<&str> {
    me["pending_agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect()
}

/// Every endpoint of a doctor that the guard must close (method, path).
const DOCTOR_ENDPOINTS: &[(&str, &str)] = &[
    ("GET", "/api/v1/me/profile"),
    ("PUT", "/api/v1/me/profile"),
    ("POST", "/api/v1/me/avatar"),
    ("GET", "/api/v1/me/documents"),
    ("POST", "/api/v1/me/documents"),
    ("DELETE", "/api/v1/me/documents/1"),
    ("GET", "/api/v1/me/verification"),
    ("POST", "/api/v1/me/verification"),
    ("GET", "/api/v1/files/nothing"),
];

async fn guarded_codes(b: &mut Browser<'_>) -> Vec<String> {
    let mut codes = Vec::new();
    for (method, path) in DOCTOR_ENDPOINTS {
        let r = b
            .send(
                Method::from_bytes(method.as_bytes()).unwrap(),
                path,
                Some("{}".into()),
                true,
            )
            .await;
        codes.push(format!(
            "{method} {path} → {} {}",
            r.status.as_u16(),
            r.error_code()
        ));
    }
    codes
}

#[tokio::test]
async fn nothing_works_until_both_are_accepted() {
    let app = published_app().await;
    let mut b = app.doctor("13911110001").await;

    let me = b.get("/api/v1/me").await;
    assert_eq!(pending(&me.json), ["service-agreement", "privacy-policy"]);
    for line in guarded_codes(&mut b).await {
        assert!(line.ends_with("403 agreement_required"), "{line}");
    }
    // What the doctor needs to accept stays open.
    assert_eq!(
        b.get("/api/v1/agreements/current").await.status,
        StatusCode::OK
    );
    assert_eq!(b.get("/api/v1/me/acceptances").await.json, json!([]));

    let r = accept(&mut b, "service-agreement", "1.0.0").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["health_data_consent"], false);
    assert_eq!(r.json["user_agent"], "api-test");
    assert_eq!(
        b.get("/api/v1/me/profile").await.error_code(),
        "agreement_required",
        "one of two is not enough"
    );

    // The privacy policy needs the separate consent to process health information.
    let doc = b.get("/api/v1/agreements/privacy-policy/1.0.0").await;
    let r = b
        .post(
            "/api/v1/agreements/privacy-policy/1.0.0/acceptance",
            json!({"body_sha256": doc.json["body_sha256"], "health_data_consent": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_error("health_data_consent").is_some(), "{}", r.json);
    // A text the doctor did not get from us is refused.
    let r = b
        .post(
            "/api/v1/agreements/privacy-policy/1.0.0/acceptance",
            json!({"body_sha256": "0".repeat(64), "health_data_consent": true}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "agreement_outdated")
    );

    let r = accept(&mut b, "privacy-policy", "1.0.0").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["health_data_consent"], true);
    // Accepting twice records nothing new.
    let again = accept(&mut b, "privacy-policy", "1.0.0").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json["id"], r.json["id"]);

    assert!(pending(&b.get("/api/v1/me").await.json).is_empty());
    for line in guarded_codes(&mut b).await {
        assert!(!line.contains("agreement_required"), "{line}");
    }
    assert_eq!(b.get("/api/v1/me/documents").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_new_version_closes_the_door_again_and_old_ones_cannot_be_accepted() {
    let app = published_app().await;
    let mut b = app.doctor("13911110002").await;
    accept_all(&mut b).await;
    let first_sha = b
        .get("/api/v1/agreements/service-agreement/1.0.0")
        .await
        .json["body_sha256"]
        .clone();

    app.clock.advance(Duration::days(6));
    let mut v2 = samples::first_version(AgreementKind::ServiceAgreement);
    v2.version = "1.1.0".into();
    v2.change_summary = "新增“服务时效”条款；费用条款写明结算周期。".into();
    v2.body = v2.body.replace("按结算周期扣除", "按月结算，扣除").replace(
        "## 十一、医疗纠纷",
        "## 十一、服务时效\n\n1. 您应在 48 小时内回复进行中的问诊。\n\n## 十二、医疗纠纷",
    );
    v2.change_summary_en = "Adds a response-time clause.".into();
    publish(&app.state, None, &v2).await.unwrap();

    // The guard fires again, on the API, for the one kind that changed.
    assert_eq!(
        b.get("/api/v1/me/profile").await.error_code(),
        "agreement_required"
    );
    assert_eq!(
        pending(&b.get("/api/v1/me").await.json),
        ["service-agreement"]
    );
    let current = b.get("/api/v1/agreements/current").await;
    assert_eq!(current.json[0]["version"], "1.1.0");
    assert_eq!(current.json[0]["accepted_version"], "1.0.0");

    // The superseded version cannot be accepted any more.
    let r = b
        .post(
            "/api/v1/agreements/service-agreement/1.0.0/acceptance",
            json!({"body_sha256": first_sha}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "agreement_outdated")
    );

    // The doctor sees what changed, clause by clause.
    let doc = b
        .get("/api/v1/agreements/service-agreement/1.1.0?since=1.0.0")
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(doc.json["change_summary"], v2.change_summary.as_str());
    let changes = doc.json["changes"].as_array().unwrap();
    let titles: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c["title"].as_str().unwrap(), c["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        titles,
        [("十、费用与结算", "changed"), ("十一、服务时效", "added")],
        "renumbered clauses are not changes"
    );
    let added: String = changes[0]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["op"] == "added")
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert!(added.contains("月"), "{added}");
    assert_eq!(
        b.get("/api/v1/agreements/service-agreement/1.1.0?since=0.9.0")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let r = accept(&mut b, "service-agreement", "1.1.0").await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(b.get("/api/v1/me/documents").await.status, StatusCode::OK);

    // History: newest first, each with the version, the text's hash, time and client.
    let history = b.get("/api/v1/me/acceptances").await.json;
    let rows: Vec<(&str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["kind"].as_str().unwrap(), a["version"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("service-agreement", "1.1.0"),
            ("privacy-policy", "1.0.0"),
            ("service-agreement", "1.0.0")
        ]
    );
    assert_eq!(history[2]["body_sha256"], first_sha);
    assert_eq!(history[0]["accepted_at"], "2026-12-05T08:01:01Z");
    assert_eq!(
        history[0]["client_ip"], "unknown",
        "oneshot tests have no socket"
    );

    // Each doctor sees only their own history.
    let mut other = app.doctor("13911110003").await;
    assert_eq!(other.get("/api/v1/me/acceptances").await.json, json!([]));
}

#[tokio::test]
async fn the_english_text_is_accepted_as_english() {
    let app = published_app().await;
    let mut b = app.doctor("13911110004").await;
    b.lang = Some("en");
    let doc = b.get("/api/v1/agreements/privacy-policy/1.0.0").await;
    assert_eq!(doc.json["lang"], "en");
    assert_eq!(doc.json["title"], "Privacy Policy");
    let r = accept(&mut b, "privacy-policy", "1.0.0").await;
    assert_eq!(r.json["lang"], "en");
    assert_eq!(r.json["title"], "Privacy Policy");
    assert_eq!(r.json["body_sha256"], doc.json["body_sha256"]);
}

#[tokio::test]
async fn records_and_published_texts_cannot_be_changed() {
    let app = published_app().await;
    let mut b = app.doctor("13911110005").await;
    accept_all(&mut b).await;
    for sql in [
        "UPDATE agreement_acceptances SET accepted_at = 0",
        "UPDATE agreement_acceptances SET health_data_consent = 0",
        "DELETE FROM agreement_acceptances",
        "UPDATE agreement_texts SET body = 'changed'",
        "DELETE FROM agreement_texts",
        "UPDATE agreement_versions SET version = '9.9.9'",
        "DELETE FROM agreement_versions",
    ] {
        let err = doctor_desk_server::db::query(sql)
            .execute(&app.state.db)
            .await
            .expect_err(sql);
        let message = err.to_string();
        assert!(
            message.contains("append-only") || message.contains("immutable"),
            "{sql}: {message}"
        );
    }
    let (count,): (i64,) =
        doctor_desk_server::db::query_as("SELECT COUNT(*) FROM agreement_acceptances")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn markdown_is_rendered_inert() {
    let app = published_app().await;
    let mut r = app.reviewer().await;
    let body = "## 一、条款\n\n<script>alert(1)</script>\n\n[点此](javascript:alert(2)) \
                <a href=\"javascript:alert(3)\" onclick=\"alert(4)\">这里</a> \
                <img src=x onerror=alert(5)> [官网](https://example.com)\n";
    let published = r
        .post(
            "/api/v1/review/agreements",
            json!({"kind": "privacy-policy", "version": "1.0.1", "title": "隐私政策",
                   "change_summary": "测试", "body": body}),
        )
        .await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.json);
    let doc = r.get("/api/v1/agreements/privacy-policy/1.0.1").await;
    let html = doc.json["html"].as_str().unwrap().to_ascii_lowercase();
    // Escaped text has no '<': every '<' opens a real element.
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        assert!(
            !tag.starts_with("script") && !tag.starts_with("img"),
            "{tag}"
        );
        assert!(!tag.contains("javascript") && !tag.contains(" on"), "{tag}");
    }
    assert!(html.contains("&lt;script&gt;"), "shown as text: {html}");
    assert!(html.contains("href=\"https://example.com\""), "{html}");
    assert_eq!(
        doc.json["body"], body,
        "the source is kept exactly as published"
    );
}

#[tokio::test]
async fn reviewers_publish_with_a_preview_and_only_newer_versions() {
    let app = published_app().await;
    let mut d = app.doctor("13911110006").await;
    accept_all(&mut d).await;
    let mut r = app.reviewer().await;
    // The reviewer is not a doctor: the agreements do not bind them.
    assert!(pending(&r.get("/api/v1/me").await.json).is_empty());

    let draft = |version: &str| {
        let mut v = samples::first_version(AgreementKind::PrivacyPolicy);
        v.version = version.into();
        v.change_summary = "联系邮箱变更。".into();
        v.body = v.body.replace("privacy@example.com", "dpo@example.com");
        v.title_en = String::new();
        v.change_summary_en = String::new();
        v.body_en = String::new();
        serde_json::to_value(v).unwrap()
    };
    // Doctors may not publish.
    let r2 = d.post("/api/v1/review/agreements", draft("1.1.0")).await;
    assert_eq!(r2.status, StatusCode::FORBIDDEN);

    let bad = r
        .post(
            "/api/v1/review/agreements/preview",
            json!({"kind": "privacy-policy", "version": "1.0", "title": "", "change_summary": "", "body": "x"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["version", "title", "change_summary"] {
        assert!(bad.field_error(field).is_some(), "{field}: {}", bad.json);
    }
    let older = r
        .post("/api/v1/review/agreements/preview", draft("1.0.0"))
        .await;
    assert_eq!(older.field_error("version"), Some("版本号必须高于当前版本"));

    let preview = r
        .post("/api/v1/review/agreements/preview", draft("1.1.0"))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.json);
    assert_eq!(preview.json.as_array().unwrap().len(), 1, "zh-CN only");
    let changes = preview.json[0]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["title"], "八、联系我们");
    // A preview publishes nothing.
    assert!(pending(&d.get("/api/v1/me").await.json).is_empty());

    let published = r.post("/api/v1/review/agreements", draft("1.1.0")).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.json);
    let again = r.post("/api/v1/review/agreements", draft("1.1.0")).await;
    assert_eq!(again.field_error("version"), Some("版本号必须高于当前版本"));
    assert_eq!(pending(&d.get("/api/v1/me").await.json), ["privacy-policy"]);

    // The English reader of 1.1.0 falls back to the zh-CN text, the only one it has.
    d.lang = Some("en");
    let doc = d.get("/api/v1/agreements/privacy-policy/1.1.0").await;
    assert_eq!(doc.json["lang"], "zh-CN");

    let list = r.get("/api/v1/review/agreements").await.json;
    let rows: Vec<(&str, &str, i64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["kind"].as_str().unwrap(),
                v["version"].as_str().unwrap(),
                v["acceptances"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("privacy-policy", "1.1.0", 0),
            ("privacy-policy", "1.0.0", 1),
            ("service-agreement", "1.0.0", 1)
        ]
    );
}

#[tokio::test]
async fn without_any_published_agreement_nothing_is_pending() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110007").await;
    assert!(pending(&b.get("/api/v1/me").await.json).is_empty());
    assert_eq!(b.get("/api/v1/agreements/current").await.json, json!([]));
    assert_eq!(b.get("/api/v1/me/documents").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_admin_command_publishes_a_version() {
    let dir = tempfile::tempdir().unwrap();
    let zh = dir.path().join("privacy.zh-CN.md");
    let en = dir.path().join("privacy.en.md");
    std::fs::write(&zh, "# 隐私政策\n\n## 一、总则\n\n我们只收集必要的信息。\n").unwrap();
    std::fs::write(
        &en,
        "# Privacy Policy\n\n## 1. General\n\nWe collect only what we need.\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_doctor-desk-server"))
            .arg("--data-dir")
            .arg(&data)
            .args(["admin", "publish-agreement"])
            .args(args)
            .output()
            .expect("the server binary runs")
    };
    let (zh, en) = (zh.to_str().unwrap(), en.to_str().unwrap());
    let first = [
        "--kind",
        "privacy-policy",
        "--version",
        "1.0.0",
        "--file",
        zh,
        "--summary",
        "首次发布。",
        "--file-en",
        en,
        "--summary-en",
        "First version.",
    ];
    let out = run(&first);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Published privacy-policy 1.0.0"));

    // The same version again, or a lower one, is refused with the reason.
    let out = run(&first);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("higher than the current one"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        "--kind",
        "terms",
        "--version",
        "1.0.0",
        "--file",
        zh,
        "--summary",
        "x",
    ]);
    assert!(!out.status.success());

    // What it published is what doctors are asked to accept.
    let config = doctor_desk_server::Config::new(&data);
    let (_, state) =
        doctor_desk_server::app(config, std::sync::Arc::new(doctor_desk_server::SystemClock))
            .await
            .unwrap();
    let rows: Vec<(String, String, String)> = doctor_desk_server::db::query_as(
        "SELECT v.version, t.lang, t.title FROM agreement_versions v
         JOIN agreement_texts t ON t.version_id = v.id ORDER BY t.lang DESC",
    )
    .fetch_all(&state.db)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            ("1.0.0".into(), "zh-CN".into(), "隐私政策".into()),
            ("1.0.0".into(), "en".into(), "Privacy Policy".into())
        ]
    );
}

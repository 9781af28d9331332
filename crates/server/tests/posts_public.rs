//! The public page of a post through the real router: plain HTML for anyone, no cookie,
//! no script, the share tags WeChat reads; only the approved revision; 410 once taken
//! down; a view counter; and an XSS corpus in every field a doctor or patient writes,
//! inert in the preview and on the page.

mod common;

use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use common::{
    posts::{
        assert_inert, author, decide, draft, pending_revision, png, publish, question, read, save,
        submit,
    },
    TestApp,
};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const ORIGIN: &str = "https://desk.example.cn";

async fn app() -> TestApp {
    TestApp::with_config(|c| c.public_origin = Some(ORIGIN.to_owned())).await
}

fn url(post: &Value) -> String {
    post["publication"]["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_published_post_reads_signed_out_and_shares_well() {
    let app = app().await;
    let mut a = author(&app, "13900000301", "张医生").await;
    let mut rv = app.reviewer().await;
    let post = draft(&mut a, json!({"ai_assisted": true})).await;
    let image = a
        .post_multipart(
            &format!("/api/v1/posts/{}/images", post["id"]),
            &[],
            Some(("封面.png", &png(1200, 630))),
        )
        .await
        .json["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = format!("![血压计]({image})\n\n每天早晚各测一次血压。");
    let post = save(&mut a, &post, json!({"cover": image, "body": body}))
        .await
        .json;
    let post = publish(&mut a, &mut rv, post["id"].as_i64().unwrap()).await;
    let path = url(&post);
    assert!(path.starts_with("/p/") && path.len() == 13, "{path}");

    let (status, headers, html) = read(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(
        headers.get("set-cookie").is_none(),
        "no cookies for readers"
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.starts_with("default-src 'none'; img-src 'self'; style-src 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("script"), "{csp}");
    for expected in [
        r#"<html lang="zh-CN">"#,
        r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#,
        "<title>高血压患者的家庭血压测量</title>",
        r#"<meta name="description" content="血压计 每天早晚各测一次血压。">"#,
        r#"<meta property="og:title" content="高血压患者的家庭血压测量">"#,
        r#"<meta property="og:type" content="article">"#,
        &format!(r#"<meta property="og:image" content="{ORIGIN}{image}">"#),
        &format!(r#"<meta property="og:url" content="{ORIGIN}{path}">"#),
        "<strong>张医生</strong><span class=\"badge\">已认证</span>",
        "主治医师 · 杭州市第一人民医院 · 内分泌科",
        "本文由 AI 辅助创作",
        r#"发布于 <time datetime="2026-11-29T08:"#,
        "2026年11月29日</time>",
        &format!(r#"<img src="{image}" alt="血压计">"#),
        &format!(r#"<img class="cover" src="{image}" alt="">"#),
        "font:17px/1.75",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    assert!(!html.contains("更新于"), "not updated yet");
    assert!(!html.contains("<script"), "{html}");
    // HEAD answers like GET, without a body.
    let head = Request::head(&path).body(Body::empty()).unwrap();
    let response = app.router.clone().oneshot(head).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .is_empty());
}

#[tokio::test]
async fn share_links_use_the_host_without_a_configured_origin() {
    let app = TestApp::new().await;
    let mut a = author(&app, "13900000302", "张医生").await;
    let mut rv = app.reviewer().await;
    let id = draft(&mut a, json!({})).await["id"].as_i64().unwrap();
    let path = url(&publish(&mut a, &mut rv, id).await);
    let page = |host: &'static str| {
        let request = Request::get(&path)
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        let router = app.router.clone();
        async move {
            let response = router.oneshot(request).await.unwrap();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            String::from_utf8(bytes.to_vec()).unwrap()
        }
    };
    let html = page("desk.example.cn:8080").await;
    assert!(
        html.contains(&format!(r#"content="http://desk.example.cn:8080{path}""#)),
        "{html}"
    );
    let html = page("evil\"><script>x</script>").await;
    assert!(!html.contains("og:url") && !html.contains("evil"), "{html}");
}

#[tokio::test]
async fn each_get_counts_a_view_and_a_head_does_not() {
    let app = app().await;
    let mut a = author(&app, "13900000303", "张医生").await;
    let mut rv = app.reviewer().await;
    let id = draft(&mut a, json!({})).await["id"].as_i64().unwrap();
    let path = url(&publish(&mut a, &mut rv, id).await);
    for _ in 0..3 {
        assert_eq!(read(&app, &path).await.0, StatusCode::OK);
    }
    for _ in 0..2 {
        let r = app.browser().send(Method::HEAD, &path, None, false).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let post = a.get(&format!("/api/v1/posts/{id}")).await.json;
    assert_eq!(post["publication"]["views"], 3);
    let row = a.get("/api/v1/posts?tab=published").await.json;
    assert_eq!(row["items"][0]["publication"]["views"], 3);
}

#[tokio::test]
async fn only_the_approved_revision_is_public() {
    let app = app().await;
    let mut a = author(&app, "13900000304", "张医生").await;
    let mut rv = app.reviewer().await;
    let id = draft(&mut a, json!({"body": "旧的正文。"})).await["id"]
        .as_i64()
        .unwrap();
    let published = publish(&mut a, &mut rv, id).await;
    let path = url(&published);
    let edited = save(&mut a, &published, json!({"body": "新的正文。"}))
        .await
        .json;
    assert!(read(&app, &path).await.2.contains("旧的正文"));
    submit(&mut a, id).await;
    let html = read(&app, &path).await.2;
    assert!(
        html.contains("旧的正文") && !html.contains("新的正文"),
        "{html}"
    );
    app.clock.advance(chrono::Duration::days(3));
    let revision = pending_revision(&mut rv, id).await;
    decide(&mut rv, revision, json!({"approve": true})).await;
    let html = read(&app, &path).await.2;
    assert!(
        html.contains("新的正文") && !html.contains("旧的正文"),
        "{html}"
    );
    assert!(
        html.contains("更新于 <time datetime=\"2026-12-02T08:") && html.contains("2026年12月2日"),
        "{html}"
    );
    let post = a.get(&format!("/api/v1/posts/{id}")).await.json;
    assert_eq!(post["status"], "published");
    assert_eq!(post["version"], edited["version"]);
    assert_eq!(
        post["publication"]["published_at"],
        published["publication"]["published_at"]
    );
    assert_ne!(
        post["publication"]["updated_at"],
        published["publication"]["updated_at"]
    );
}

#[tokio::test]
async fn a_withdrawn_or_deleted_post_is_gone_and_an_unknown_one_was_never_there() {
    let app = app().await;
    let mut a = author(&app, "13900000305", "张医生").await;
    let mut rv = app.reviewer().await;
    let id = draft(&mut a, json!({})).await["id"].as_i64().unwrap();
    let path = url(&publish(&mut a, &mut rv, id).await);
    let withdraw = format!("/api/v1/posts/{id}/withdraw");
    let r = a.post(&withdraw, json!({"from": "public"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(
        (r.json["status"].as_str(), &r.json["publication"]),
        (Some("withdrawn"), &Value::Null)
    );
    let (status, headers, html) = read(&app, &path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(
        html.contains("该内容已下架") && !html.contains("家庭血压"),
        "{html}"
    );
    assert!(headers.get("set-cookie").is_none());
    let r = a.post(&withdraw, json!({"from": "public"})).await;
    assert_eq!(r.error_code(), "invalid_transition");
    assert_eq!(
        a.get("/api/v1/posts").await.json["counts"],
        json!({"draft": 1, "in_review": 0, "published": 0, "rejected": 0})
    );
    // Submitted and approved again: public again, at the same address.
    let again = publish(&mut a, &mut rv, id).await;
    assert_eq!(url(&again), path);
    assert_eq!(read(&app, &path).await.0, StatusCode::OK);
    let r = a.delete(&format!("/api/v1/posts/{id}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(read(&app, &path).await.0, StatusCode::GONE);
    let (status, _, html) = read(&app, "/p/zzzzzzzzzz").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("内容不存在"), "{html}");
    assert_eq!(
        read(&app, "/p/..%2F..%2Fetc").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_xss_corpus_stays_inert_in_the_preview_and_on_the_page() {
    let app = app().await;
    let mut a = author(&app, "13900000306", "张医生").await;
    let mut rv = app.reviewer().await;
    let asked = question(
        &app,
        "13700000301",
        "<script>alert('q')</script>\"><img src=x onerror=alert(0)>血压高怎么办？",
    )
    .await;
    let post = draft(&mut a, json!({"kind": "answer", "question_id": asked})).await;
    let image = a
        .post_multipart(
            &format!("/api/v1/posts/{}/images", post["id"]),
            &[],
            Some(("x.png", &png(10, 10))),
        )
        .await
        .json["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = format!(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n\
         [点我](javascript:alert(3)) [大写](JaVaScRiPt:alert(4)) [编码](javascript&#58;alert(5))\n\n\
         <svg onload=alert(6)><circle/></svg>\n\n<a href=\"javascript:alert(7)\">raw</a>\n\n\
         ![x\" onerror=\"alert(8)]({image}) ![<img src=x onerror=alert(9)>]({image})\n\n\
         ![外部](https://evil.example/x.png \"t\") ![svg](data:image/svg+xml,<svg onload=alert(10)>)\n\n\
         \"><script>alert(11)</script>\n\n<div <b>broken <iframe src=\"javascript:alert(12)\">\n\n\
         <style>body{{display:none}}</style> [ok](https://example.com \"a\\\" onmouseover=\\\"x\")"
    );
    let title = "\"><script>alert('t')</script><svg onload=alert(1)>";
    let preview = a.post("/api/v1/posts/preview", json!({"body": body})).await;
    assert_eq!(preview.status, StatusCode::OK);
    let preview = preview.json["html"].as_str().unwrap().to_owned();
    assert_inert(&preview);
    assert_eq!(
        preview.matches("<img").count(),
        2,
        "our two images: {preview}"
    );
    assert!(
        preview.contains("&lt;script&gt;"),
        "raw HTML shows as text: {preview}"
    );

    let saved = save(&mut a, &post, json!({"title": title, "body": body})).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);
    let published = publish(&mut a, &mut rv, post["id"].as_i64().unwrap()).await;
    let (status, _, page) = read(&app, &url(&published)).await;
    assert_eq!(status, StatusCode::OK);
    assert_inert(&page);
    assert_eq!(page.matches("<style").count(), 1, "only ours: {page}");
    assert!(!page.contains("\"><script"), "{page}");
    assert!(
        page.contains("<title>&quot;&gt;&lt;script&gt;alert(&#39;t&#39;)"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt;"),
        "the question: {page}"
    );
    // The reviewer's view is the same HTML.
    let revision: i64 =
        doctor_desk_server::db::query_scalar("SELECT id FROM post_revisions WHERE post_id = ?")
            .bind(post["id"].as_i64().unwrap())
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let seen = rv
        .get(&format!("/api/v1/review/posts/{revision}"))
        .await
        .json;
    assert_eq!(seen["html"].as_str().unwrap(), preview);
}

#[tokio::test]
async fn the_demo_doctor_has_a_post_in_every_tab_and_patients_ask_questions() {
    use doctor_desk_server::demo::{DOCTOR_PHONE, REVIEWER_PASSWORD, REVIEWER_PHONE};
    let app = TestApp::with_config(|c| c.demo_data = true).await;
    let db = &app.state.db;
    let statuses: Vec<String> = doctor_desk_server::db::query_scalar(
        "SELECT p.status FROM posts p JOIN accounts a ON a.id = p.doctor_id
          WHERE a.phone = ? ORDER BY p.status",
    )
    .bind(DOCTOR_PHONE)
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(
        statuses,
        ["draft", "in_review", "published", "published", "rejected"]
    );
    let open: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM questions WHERE closed_at IS NULL",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(open, 30);
    let findings: Vec<String> =
        doctor_desk_server::db::query_scalar("SELECT findings FROM post_revisions")
            .fetch_all(db)
            .await
            .unwrap();
    assert!(
        findings.iter().all(|f| !f.contains("\"error\"")),
        "nothing submitted that the check would block: {findings:?}"
    );
    let slugs: Vec<String> = doctor_desk_server::db::query_scalar(
        "SELECT slug FROM posts WHERE slug IS NOT NULL ORDER BY id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let (status, _, html) = read(&app, &format!("/p/{}", slugs[0])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("糖尿病患者如何在家监测血糖") && html.contains("已认证"));
    let (_, _, html) = read(&app, &format!("/p/{}", slugs[1])).await;
    assert!(html.contains("体检发现甲状腺结节") && html.contains("本文由 AI 辅助创作"));

    let mut rv = app.browser();
    assert_eq!(
        rv.login(REVIEWER_PHONE, REVIEWER_PASSWORD).await.status,
        StatusCode::OK
    );
    let queue = rv.get("/api/v1/review/posts").await.json;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue["items"][0]["kept"], 1);
    let revision = queue["items"][0]["id"].as_i64().unwrap();
    let seen = rv
        .get(&format!("/api/v1/review/posts/{revision}"))
        .await
        .json;
    assert_eq!(seen["doctor"]["name"], "李明");
    assert_eq!(seen["findings"][0]["text"], "首选");
}

//! Helpers of the post suites (`posts.rs`, `posts_review.rs`, `posts_public.rs`).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{patient, Browser, Reply, TestApp};

/// A verified doctor (profile 张医生's), signed in, agreements accepted (none published).
pub async fn author<'a>(app: &'a TestApp, phone: &str, name: &str) -> Browser<'a> {
    app.verified_doctor(phone, name).await
}

/// A new draft of mine with `fields` over an article's defaults; its JSON.
pub async fn draft(b: &mut Browser<'_>, fields: Value) -> Value {
    let mut body = json!({"kind": "article", "title": "高血压患者的家庭血压测量",
        "body": "每天早晚各测一次血压，**坐位休息 5 分钟**后再测。"});
    for (k, v) in fields.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = b.post("/api/v1/posts", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json
}

/// Saves `fields` over the post's current working copy, from the version it has now.
pub async fn save(b: &mut Browser<'_>, post: &Value, fields: Value) -> Reply {
    let mut body = json!({
        "kind": post["kind"], "title": post["title"], "body": post["body"],
        "cover": post["cover"], "ai_assisted": post["ai_assisted"],
        "kept_warnings": post["kept_warnings"], "version": post["version"],
        "question_id": post["question"]["id"],
    });
    for (k, v) in fields.as_object().unwrap() {
        body[k] = v.clone();
    }
    b.put(&format!("/api/v1/posts/{}", post["id"]), body).await
}

pub async fn submit(b: &mut Browser<'_>, id: i64) -> Reply {
    b.send(
        Method::POST,
        &format!("/api/v1/posts/{id}/submit"),
        None,
        true,
    )
    .await
}

/// The id of the revision of post `id` waiting in the queue.
pub async fn pending_revision(reviewer: &mut Browser<'_>, id: i64) -> i64 {
    let queue = reviewer.get("/api/v1/review/posts").await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.json);
    queue.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["post_id"] == id)
        .unwrap_or_else(|| panic!("post {id} is not in the queue: {}", queue.json))["id"]
        .as_i64()
        .unwrap()
}

pub async fn decide(reviewer: &mut Browser<'_>, revision: i64, decision: Value) -> Reply {
    reviewer
        .post(
            &format!("/api/v1/review/posts/{revision}/decision"),
            decision,
        )
        .await
}

/// Submits post `id` and has `reviewer` approve it; the post's JSON afterwards.
pub async fn publish(author: &mut Browser<'_>, reviewer: &mut Browser<'_>, id: i64) -> Value {
    let r = submit(author, id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let revision = pending_revision(reviewer, id).await;
    let r = decide(reviewer, revision, json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let post = author.get(&format!("/api/v1/posts/{id}")).await;
    assert_eq!(post.json["status"], "published", "{}", post.json);
    post.json
}

/// The public page at `path` for a reader without an account: status, headers, HTML.
pub async fn read(app: &TestApp, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let (status, headers, bytes) = app.browser().get_bytes(path).await;
    (status, headers, String::from_utf8(bytes).unwrap())
}

/// A public question asked by a new patient; its id.
pub async fn question(app: &TestApp, phone: &str, text: &str) -> i64 {
    let mut p = patient(app, phone, "周患者").await;
    let r = p
        .post(
            "/api/v1/patient/questions",
            json!({"text": text, "department": "心内科"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json["id"].as_i64().unwrap()
}

/// A real PNG header of `width` × `height` (what the server reads; nothing decodes it).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    b.extend(width.to_be_bytes());
    b.extend(height.to_be_bytes());
    b.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b
}

/// The attributes of one tag's text (after `<`): `(name, value)`, quoted values read
/// as the browser reads them.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_start_matches(|c: char| !c.is_whitespace());
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return out;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name = rest[..end].to_owned();
        rest = rest[end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    value = after[1..close].to_owned();
                    rest = after.get(close + 1..).unwrap_or("");
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    value = after[..end].to_owned();
                    rest = &after[end..];
                }
            }
        }
        out.push((name, value));
    }
}

/// Every real element of `html` (escaped text has no '<'): no script, SVG or frame, no
/// event handler attribute, no `javascript:` address.
pub fn assert_inert(html: &str) {
    for tag in html
        .to_ascii_lowercase()
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        assert!(
            !tag.starts_with("script") && !tag.starts_with("svg") && !tag.starts_with("iframe"),
            "<{tag}> in {html}"
        );
        for (name, value) in attributes(tag) {
            assert!(!name.starts_with("on"), "<{tag}> in {html}");
            if matches!(name.as_str(), "href" | "src") {
                assert!(
                    value.starts_with("https://")
                        || value.starts_with("http://")
                        || value.starts_with("/p/img/"),
                    "<{tag}> in {html}"
                );
            }
        }
    }
}

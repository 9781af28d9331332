//! Posts through the real router, the doctor's side: drafts saved by version (a stale or
//! concurrent save is 409, never an overwrite), submission (checked again on the server,
//! compliance included, one pending revision whatever races), my posts' tabs, deletion,
//! other doctors and signed-out callers. Images, questions, the editor's helpers and the
//! API document are in `posts_editor.rs`, review in `posts_review.rs`, the public page
//! and the XSS corpus in `posts_public.rs`.

mod common;

use axum::http::{Method, StatusCode};
use common::{
    posts::{author, draft, png, save, submit},
    send, walk_pages, TestApp,
};
use serde_json::{json, Value};

#[tokio::test]
async fn a_save_names_its_version_and_a_stale_one_is_refused() {
    let app = TestApp::new().await;
    let mut d = app.doctor("13900000101").await;
    let post = draft(&mut d, json!({})).await;
    assert_eq!(
        (post["version"].as_i64(), post["status"].as_str()),
        (Some(1), Some("draft"))
    );
    assert_eq!(post["publication"], Value::Null);
    let id = post["id"].as_i64().unwrap();
    let path = format!("/api/v1/posts/{id}");

    let r = d
        .put(&path, json!({"kind": "article", "title": "无版本"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_error("version").is_some(), "{}", r.json);

    let r = save(&mut d, &post, json!({"title": "第二版"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["version"], 2);
    // Another device still at version 1.
    let r = save(&mut d, &post, json!({"title": "旧设备"})).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "conflict")
    );
    let now = d.get(&path).await.json;
    assert_eq!(
        (now["title"].as_str(), now["version"].as_i64()),
        (Some("第二版"), Some(2))
    );

    // Lengths are checked on every save; an empty draft is fine.
    let r = save(&mut d, &now, json!({"title": "长".repeat(65)})).await;
    assert!(r.field_error("title").is_some(), "{}", r.json);
    let r = save(&mut d, &now, json!({"title": "", "body": ""})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_saves_from_one_version_exactly_one_wins() {
    let app = TestApp::new().await;
    let mut d = app.doctor("13900000102").await;
    let post = draft(&mut d, json!({})).await;
    let id = post["id"].as_i64().unwrap();
    let mut requests = Vec::new();
    for n in 0..8 {
        requests.push(
            d.request(
                Method::PUT,
                &format!("/api/v1/posts/{id}"),
                json!({"kind": "article", "title": format!("设备 {n}"), "version": 1}),
            )
            .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    let won: Vec<&common::Reply> = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .collect();
    assert_eq!(
        won.len(),
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(replies
        .iter()
        .filter(|r| r.status != StatusCode::OK)
        .all(|r| r.error_code() == "conflict"));
    let now = d.get(&format!("/api/v1/posts/{id}")).await.json;
    assert_eq!(now["version"], 2);
    assert_eq!(now["title"], won[0].json["title"]);
}

#[tokio::test]
async fn a_submission_is_checked_again_on_the_server() {
    let app = TestApp::new().await;
    let mut d = author(&app, "13900000103", "张医生").await;
    // An unverified doctor writes drafts but does not submit.
    let mut new = app.doctor("13900000104").await;
    let theirs = draft(&mut new, json!({})).await;
    let r = submit(&mut new, theirs["id"].as_i64().unwrap()).await;
    assert_eq!(r.error_code(), "verification_required", "{}", r.json);

    let empty = draft(&mut d, json!({"kind": "answer", "title": "", "body": " "})).await;
    let r = submit(&mut d, empty["id"].as_i64().unwrap()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["title", "body", "question_id"] {
        assert!(r.field_error(field).is_some(), "{field}: {}", r.json);
    }

    // A phone number is an error even when the SPA is bypassed and says it was kept.
    let phone = draft(
        &mut d,
        json!({"body": "有问题请拨打 13800138000 咨询。", "kept_warnings": ["phone:13800138000"]}),
    )
    .await;
    let id = phone["id"].as_i64().unwrap();
    let check = d
        .post(
            "/api/v1/posts/check",
            json!({"title": "t", "body": phone["body"]}),
        )
        .await;
    assert_eq!(check.json["findings"][0]["rule"], "phone", "{}", check.json);
    let r = submit(&mut d, id).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "compliance_blocked"),
        "{}",
        r.json
    );
    assert!(r.field_error("body").is_some() && r.field_error("title").is_none());

    // A warning blocks until it is kept.
    let warned = draft(&mut d, json!({"title": "降压药的首选"})).await;
    let r = submit(&mut d, warned["id"].as_i64().unwrap()).await;
    assert_eq!(r.error_code(), "compliance_blocked");
    assert!(r.field_error("title").is_some(), "{}", r.json);
    let r = save(
        &mut d,
        &warned,
        json!({"kept_warnings": ["comparison:首选"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let r = submit(&mut d, warned["id"].as_i64().unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["status"], "in_review");

    // In review the working copy is locked; a stale version cannot be submitted.
    let in_review = r.json;
    let r = save(&mut d, &in_review, json!({"title": "改"})).await;
    assert_eq!(r.error_code(), "under_review");
    let r = d
        .delete(&format!("/api/v1/posts/{}", in_review["id"]))
        .await;
    assert_eq!(r.error_code(), "under_review");
    let r = submit(&mut d, in_review["id"].as_i64().unwrap()).await;
    assert_eq!(r.error_code(), "under_review");
    let ok = draft(&mut d, json!({})).await;
    let saved = save(&mut d, &ok, json!({"title": "另一台设备改过"}))
        .await
        .json;
    assert_eq!(saved["version"], 2);
    let r = d
        .post(
            &format!("/api/v1/posts/{}/submit", ok["id"]),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(r.error_code(), "conflict", "{}", r.json);
    let r = d
        .post(
            &format!("/api/v1/posts/{}/submit", ok["id"]),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_make_one_pending_revision() {
    let app = TestApp::new().await;
    let mut d = author(&app, "13900000105", "张医生").await;
    let post = draft(&mut d, json!({})).await;
    let id = post["id"].as_i64().unwrap();
    let path = format!("/api/v1/posts/{id}/submit");
    let replies = app
        .same_at_once(&mut d, 6, Method::POST, &path, json!({}))
        .await;
    common::assert_one_with_status(&replies, StatusCode::OK);
    assert!(replies
        .iter()
        .filter(|r| r.status != StatusCode::OK)
        .all(|r| r.error_code() == "under_review"));
    let pending: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM post_revisions WHERE post_id = ? AND state = 'in_review'",
    )
    .bind(id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(pending, 1);
}

#[tokio::test]
async fn my_posts_page_by_tab_newest_save_first() {
    let app = TestApp::new().await;
    let mut d = app.doctor("13900000106").await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            draft(&mut d, json!({"title": format!("第 {n} 篇")})).await["id"]
                .as_i64()
                .unwrap(),
        );
        app.clock.advance(chrono::Duration::seconds(10));
    }
    // Saving the oldest makes it the newest.
    let first = d.get(&format!("/api/v1/posts/{}", ids[0])).await.json;
    save(&mut d, &first, json!({"body": "改过"})).await;
    let seen: Vec<i64> = walk_pages(&mut d, "/api/v1/posts")
        .await
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(seen, [ids[0], ids[4], ids[3], ids[2], ids[1]]);
    let page = d.get("/api/v1/posts?tab=draft&limit=2").await.json;
    assert_eq!(
        page["counts"],
        json!({"draft": 5, "in_review": 0, "published": 0, "rejected": 0})
    );
    assert!(page["next_cursor"].is_string());
    let r = d.get("/api/v1/posts?tab=mine").await;
    assert!(r.field_error("tab").is_some(), "{}", r.json);
    let r = d.get("/api/v1/posts?cursor=yesterday").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Deleted: gone from the list, the counts and every endpoint.
    let r = d.delete(&format!("/api/v1/posts/{}", ids[1])).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = d.get(&format!("/api/v1/posts/{}", ids[1])).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let page = d.get("/api/v1/posts").await.json;
    assert_eq!(page["counts"]["draft"], 4);
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn other_doctors_get_404_and_signed_out_callers_401() {
    let app = TestApp::new().await;
    let mut d = author(&app, "13900000109", "张医生").await;
    let mut other = author(&app, "13900000110", "王医生").await;
    let post = draft(&mut d, json!({})).await;
    let id = post["id"].as_i64().unwrap();
    let by_id: Vec<(Method, String, Value)> = vec![
        (Method::GET, format!("/api/v1/posts/{id}"), Value::Null),
        (
            Method::PUT,
            format!("/api/v1/posts/{id}"),
            json!({"kind": "article", "title": "改", "version": 1}),
        ),
        (
            Method::POST,
            format!("/api/v1/posts/{id}/submit"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/posts/{id}/withdraw"),
            json!({"from": "review"}),
        ),
        (Method::DELETE, format!("/api/v1/posts/{id}"), Value::Null),
    ];
    for request in &by_id {
        let r = send(&mut other, request).await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{} {}",
            request.0,
            request.1
        );
    }
    let r = other
        .post_multipart(
            &format!("/api/v1/posts/{id}/images"),
            &[],
            Some(("a.png", &png(2, 2))),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get("/api/v1/posts").await.json["items"], json!([]));
    let mine = d.get(&format!("/api/v1/posts/{id}")).await.json;
    assert_eq!(
        (mine["version"].as_i64(), mine["status"].as_str()),
        (Some(1), Some("draft"))
    );

    let mut stranger = app.browser();
    let lists: Vec<(Method, String, Value)> = vec![
        (Method::GET, "/api/v1/posts".into(), Value::Null),
        (
            Method::POST,
            "/api/v1/posts".into(),
            json!({"kind": "article"}),
        ),
        (
            Method::POST,
            "/api/v1/posts/preview".into(),
            json!({"body": "x"}),
        ),
        (
            Method::POST,
            "/api/v1/posts/check".into(),
            json!({"body": "x"}),
        ),
        (Method::GET, "/api/v1/posts/rules".into(), Value::Null),
        (Method::GET, "/api/v1/questions".into(), Value::Null),
    ];
    for request in by_id.iter().chain(&lists) {
        let r = send(&mut stranger, request).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{} {}",
            request.0,
            request.1
        );
    }
    // A patient's session is not a doctor's.
    let mut p = common::patient(&app, "13700000204", "郑患者").await;
    assert_eq!(
        p.get("/api/v1/posts").await.status,
        StatusCode::UNAUTHORIZED
    );
}

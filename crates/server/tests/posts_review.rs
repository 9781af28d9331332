//! The hospital's review of posts through the real router: the queue oldest first, what
//! the reviewer sees (the rendered revision, findings and kept warnings, the byline),
//! decisions that happen once, the doctor's side of a rejection and of withdrawing, who
//! may review, and which tabs a post is in along the way.

mod common;

use axum::http::{Method, StatusCode};
use common::{
    posts::{author, decide, draft, pending_revision, publish, save, submit},
    TestApp,
};
use serde_json::{json, Value};

async fn tabs(b: &mut common::Browser<'_>) -> Value {
    b.get("/api/v1/posts").await.json["counts"].clone()
}

async fn tab(b: &mut common::Browser<'_>, tab: &str) -> Vec<i64> {
    b.get(&format!("/api/v1/posts?tab={tab}")).await.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_queue_is_oldest_first_and_a_decision_is_made_once() {
    let app = TestApp::new().await;
    let mut a = author(&app, "13900000201", "张医生").await;
    let mut b = author(&app, "13900000202", "王医生").await;
    let mut rv = app.reviewer().await;
    let first = draft(&mut b, json!({"title": "先交的"})).await["id"]
        .as_i64()
        .unwrap();
    let second = draft(&mut a, json!({"title": "后交的", "ai_assisted": true})).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(submit(&mut b, first).await.status, StatusCode::OK);
    app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(submit(&mut a, second).await.status, StatusCode::OK);
    let queue = rv.get("/api/v1/review/posts").await.json;
    let order: Vec<i64> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["post_id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [first, second]);
    assert_eq!(queue["items"][1]["doctor"], "张医生");
    assert_eq!(queue["items"][1]["replaces_published"], false);

    let revision = pending_revision(&mut rv, second).await;
    let seen = rv.get(&format!("/api/v1/review/posts/{revision}")).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.json);
    assert_eq!(seen.json["title"], "后交的");
    assert!(seen.json["html"]
        .as_str()
        .unwrap()
        .contains("<strong>坐位休息 5 分钟</strong>"));
    assert_eq!(seen.json["ai_assisted"], true);
    assert_eq!(
        seen.json["doctor"],
        json!({"name": "张医生", "title": "主治医师", "hospital": "杭州市第一人民医院",
               "department": "内分泌科", "verified": true})
    );
    assert_eq!(seen.json["decision"], Value::Null);

    // A rejection needs a reason; `other` needs a note.
    let r = decide(&mut rv, revision, json!({"approve": false})).await;
    assert!(r.field_error("reason").is_some(), "{}", r.json);
    let r = decide(
        &mut rv,
        revision,
        json!({"approve": false, "reason": "other"}),
    )
    .await;
    assert!(r.field_error("note").is_some(), "{}", r.json);
    let r = decide(
        &mut rv,
        revision,
        json!({"approve": false, "reason": "inaccurate", "note": "测量时间写错了"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(
        r.json["decision"],
        json!({"approve": false, "reason": "inaccurate", "note": "测量时间写错了"})
    );
    let r = decide(&mut rv, revision, json!({"approve": true})).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "already_decided")
    );

    // The doctor sees why, in the post and in the rejected tab.
    let post = a.get(&format!("/api/v1/posts/{second}")).await.json;
    assert_eq!(post["status"], "rejected");
    assert_eq!(post["rejection"]["reason"], "inaccurate");
    assert_eq!(post["rejection"]["note"], "测量时间写错了");
    assert_eq!(post["publication"], Value::Null);
    assert_eq!(tab(&mut a, "rejected").await, [second]);
    let rows = a.get("/api/v1/posts?tab=rejected").await.json;
    assert_eq!(rows["items"][0]["rejection"]["reason"], "inaccurate");
    // Editing keeps the reason in view; the next submission clears it.
    let fixed = save(&mut a, &post, json!({"body": "改正后的内容。"}))
        .await
        .json;
    assert_eq!(fixed["status"], "rejected");
    assert_eq!(fixed["rejection"]["reason"], "inaccurate");
    let r = submit(&mut a, second).await;
    assert_eq!(r.json["status"], "in_review");
    assert_eq!(r.json["rejection"], Value::Null);

    let queue = rv.get("/api/v1/review/posts").await.json;
    assert_eq!(queue["items"].as_array().unwrap().len(), 2);
    let unknown = rv.get("/api/v1/review/posts/999999").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_decisions_exactly_one_is_made() {
    let app = TestApp::new().await;
    let mut a = author(&app, "13900000203", "张医生").await;
    let mut rv = app.reviewer().await;
    let id = draft(&mut a, json!({})).await["id"].as_i64().unwrap();
    submit(&mut a, id).await;
    let revision = pending_revision(&mut rv, id).await;
    let mut requests = Vec::new();
    for n in 0..6 {
        let decision = if n % 2 == 0 {
            json!({"approve": true})
        } else {
            json!({"approve": false, "reason": "quality"})
        };
        let path = format!("/api/v1/review/posts/{revision}/decision");
        requests.push(rv.request(Method::POST, &path, decision).await);
    }
    let replies = app.send_concurrently(requests).await;
    let made: Vec<_> = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .collect();
    assert_eq!(made.len(), 1);
    assert!(replies
        .iter()
        .filter(|r| r.status != StatusCode::OK)
        .all(|r| r.error_code() == "already_decided"));
    let status = a.get(&format!("/api/v1/posts/{id}")).await.json["status"].clone();
    let expected = if made[0].json["decision"]["approve"] == true {
        "published"
    } else {
        "rejected"
    };
    assert_eq!(status, expected);
}

#[tokio::test]
async fn a_kept_warning_goes_through_and_the_reviewer_sees_it() {
    let app = TestApp::new().await;
    let mut a = author(&app, "13900000204", "张医生").await;
    let mut rv = app.reviewer().await;
    let post = draft(&mut a, json!({"body": "控制血压，生活方式调整是首选。"})).await;
    let key = a
        .post(
            "/api/v1/posts/check",
            json!({"title": "", "body": post["body"]}),
        )
        .await
        .json["findings"][0]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let kept = save(
        &mut a,
        &post,
        json!({"kept_warnings": [key, "brand:旧的选择"]}),
    )
    .await
    .json;
    let r = submit(&mut a, kept["id"].as_i64().unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let queue = rv.get("/api/v1/review/posts").await.json;
    assert_eq!(queue["items"][0]["kept"], 1);
    let revision = queue["items"][0]["id"].as_i64().unwrap();
    let seen = rv
        .get(&format!("/api/v1/review/posts/{revision}"))
        .await
        .json;
    assert_eq!(seen["kept_warnings"], json!([key]));
    assert_eq!(seen["findings"][0]["key"], json!(key));
    assert_eq!(seen["findings"][0]["severity"], "warning");
}

#[tokio::test]
async fn the_doctor_withdraws_from_review_and_nobody_decides_it() {
    let app = TestApp::new().await;
    let mut a = author(&app, "13900000205", "张医生").await;
    let mut rv = app.reviewer().await;
    let id = draft(&mut a, json!({})).await["id"].as_i64().unwrap();
    let withdraw = |from: &str| {
        (
            format!("/api/v1/posts/{id}/withdraw"),
            json!({"from": from}),
        )
    };
    let (path, body) = withdraw("review");
    let r = a.post(&path, body.clone()).await;
    assert_eq!(r.error_code(), "invalid_transition", "not in review yet");
    submit(&mut a, id).await;
    let revision = pending_revision(&mut rv, id).await;
    let r = a.post(&path, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["status"], "draft");
    assert_eq!(
        rv.get("/api/v1/review/posts").await.json["items"],
        json!([])
    );
    let r = decide(&mut rv, revision, json!({"approve": true})).await;
    assert_eq!(r.error_code(), "already_decided");
    let seen = rv
        .get(&format!("/api/v1/review/posts/{revision}"))
        .await
        .json;
    assert_eq!(seen["decision"], Value::Null);
    let (path, body) = withdraw("public");
    let r = a.post(&path, body).await;
    assert_eq!(r.error_code(), "invalid_transition", "never public");
    let r = a
        .post(
            &format!("/api/v1/posts/{id}/withdraw"),
            json!({"from": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // It may be changed and submitted again.
    let post = a.get(&format!("/api/v1/posts/{id}")).await.json;
    assert_eq!(
        save(&mut a, &post, json!({"title": "再改"})).await.status,
        StatusCode::OK
    );
    assert_eq!(submit(&mut a, id).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_published_post_in_review_again_is_in_both_tabs() {
    let app = TestApp::new().await;
    let mut a = author(&app, "13900000206", "张医生").await;
    let mut rv = app.reviewer().await;
    let id = draft(&mut a, json!({})).await["id"].as_i64().unwrap();
    let published = publish(&mut a, &mut rv, id).await;
    assert_eq!(published["publication"]["views"], 0);
    assert_eq!(
        tabs(&mut a).await,
        json!({"draft": 0, "in_review": 0, "published": 1, "rejected": 0})
    );
    let r = submit(&mut a, id).await;
    assert_eq!(r.error_code(), "invalid_transition", "nothing changed");
    let edited = save(&mut a, &published, json!({"title": "新标题"}))
        .await
        .json;
    assert_eq!(edited["status"], "draft");
    assert_eq!(edited["publication"]["title"], published["title"]);
    assert_eq!(
        tabs(&mut a).await,
        json!({"draft": 1, "in_review": 0, "published": 1, "rejected": 0})
    );
    submit(&mut a, id).await;
    assert_eq!(tab(&mut a, "in_review").await, [id]);
    assert_eq!(tab(&mut a, "published").await, [id]);
    let revision = pending_revision(&mut rv, id).await;
    let queue = rv.get("/api/v1/review/posts").await.json;
    assert_eq!(queue["items"][0]["replaces_published"], true);
    decide(
        &mut rv,
        revision,
        json!({"approve": false, "reason": "quality"}),
    )
    .await;
    assert_eq!(
        tabs(&mut a).await,
        json!({"draft": 0, "in_review": 0, "published": 1, "rejected": 1})
    );
    let post = a.get(&format!("/api/v1/posts/{id}")).await.json;
    assert_eq!(post["publication"]["url"], published["publication"]["url"]);
    assert_eq!(post["publication"]["title"], published["title"]);
}

#[tokio::test]
async fn only_reviewers_review_and_never_their_own_posts() {
    let app = TestApp::new().await;
    let mut a = author(&app, "13900000207", "张医生").await;
    let id = draft(&mut a, json!({})).await["id"].as_i64().unwrap();
    submit(&mut a, id).await;
    let revision: i64 =
        doctor_desk_server::db::query_scalar("SELECT id FROM post_revisions WHERE post_id = ?")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    for path in [
        "/api/v1/review/posts".to_owned(),
        format!("/api/v1/review/posts/{revision}"),
    ] {
        assert_eq!(a.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            app.browser().get(&path).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    let decision = format!("/api/v1/review/posts/{revision}/decision");
    let r = a.post(&decision, json!({"approve": true})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The author becomes a reviewer too: their post is not in their queue, nor theirs to
    // decide.
    let password = doctor_desk_server::admin::create_reviewer(&app.state, "13900000207")
        .await
        .unwrap();
    assert!(password.is_none(), "an existing account gets the role");
    assert_eq!(a.get("/api/v1/review/posts").await.json["items"], json!([]));
    let r = a.post(&decision, json!({"approve": true})).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::FORBIDDEN, "own_submission")
    );
}

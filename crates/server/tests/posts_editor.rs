//! What the editor works with, through the real router: images judged by content and
//! served publicly, patients' questions to answer, the rules, the preview and the check,
//! the compliance lists a hospital configures, and the API document of posts.

mod common;

use axum::http::StatusCode;
use common::{
    assert_documented,
    posts::{draft, png, question, save},
    TestApp, JPEG, PDF,
};
use serde_json::json;

#[tokio::test]
async fn images_are_judged_by_their_content() {
    let app = TestApp::new().await;
    let mut d = app.doctor("13900000107").await;
    let post = draft(&mut d, json!({})).await;
    let path = format!("/api/v1/posts/{}/images", post["id"]);
    let r = d
        .post_multipart(&path, &[], Some(("血压计.png", &png(640, 480))))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(
        (r.json["width"].as_u64(), r.json["height"].as_u64()),
        (Some(640), Some(480))
    );
    let url = r.json["url"].as_str().unwrap().to_owned();
    assert!(doctor_desk_api::posts::is_image_address(&url), "{url}");
    // Served to anyone, as what it is, for a long time.
    let (status, headers, bytes) = app.browser().get_bytes(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, png(640, 480));
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    assert!(headers.get("set-cookie").is_none());
    let (status, _, _) = app
        .browser()
        .get_bytes("/p/img/AAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let html = b"<!doctype html><script>alert(1)</script>";
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#;
    for (name, bytes) in [("x.jpg", &html[..]), ("x.png", &svg[..]), ("x.jpg", PDF)] {
        let r = d.post_multipart(&path, &[], Some((name, bytes))).await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_file_type"),
            "{name}"
        );
    }
    // A JPEG signature without a frame: nothing a reader could show.
    let r = d.post_multipart(&path, &[], Some(("x.jpg", JPEG))).await;
    assert_eq!(r.error_code(), "unsupported_file_type");
    let r = d
        .post_multipart(&path, &[], Some(("bomb.png", &png(50_000, 50_000))))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert!(r.field_error("file").is_some());

    // The cover is one of this post's images.
    let r = save(&mut d, &post, json!({"cover": url})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["cover"], json!(url));
    let other = draft(&mut d, json!({})).await;
    for cover in [url.as_str(), "https://example.com/a.png", "/p/img/nope"] {
        let r = save(&mut d, &other, json!({"cover": cover})).await;
        assert!(r.field_error("cover").is_some(), "{cover}: {}", r.json);
    }
    let r = d
        .post("/api/v1/posts", json!({"kind": "article", "cover": url}))
        .await;
    assert!(r.field_error("cover").is_some(), "{}", r.json);

    // A deleted post's images are gone too.
    d.delete(&format!("/api/v1/posts/{}", post["id"])).await;
    let (status, _, _) = app.browser().get_bytes(&url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn patients_ask_and_doctors_answer_open_questions() {
    let app = TestApp::new().await;
    let first = question(&app, "13700000201", "高血压需要终身服药吗？").await;
    app.clock.advance(chrono::Duration::minutes(1));
    let second = question(&app, "13700000202", "孩子发烧 39 度要去医院吗？").await;
    let mut d = app.doctor("13900000108").await;
    let list = d.get("/api/v1/questions").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.json);
    let ids: Vec<i64> = list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [second, first]);
    assert_eq!(list.json["items"][0]["department"], "心内科");
    assert_eq!(list.json["items"][0]["answers"], 0);
    let found = d
        .get("/api/v1/questions?q=%E9%AB%98%E8%A1%80%E5%8E%8B")
        .await
        .json;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);

    let answer = draft(&mut d, json!({"kind": "answer", "question_id": first})).await;
    assert_eq!(answer["question"]["text"], "高血压需要终身服药吗？");
    let r = d
        .post(
            "/api/v1/posts",
            json!({"kind": "answer", "question_id": 9999}),
        )
        .await;
    assert!(r.field_error("question_id").is_some(), "{}", r.json);

    // A patient's questions are checked and limited; signed out there are none.
    let mut p = common::patient(&app, "13700000203", "吴患者").await;
    let r = p
        .post("/api/v1/patient/questions", json!({"text": " "}))
        .await;
    assert!(r.field_error("text").is_some(), "{}", r.json);
    for n in 0..5 {
        let r = p
            .post(
                "/api/v1/patient/questions",
                json!({"text": format!("问题 {n}")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    }
    let r = p
        .post("/api/v1/patient/questions", json!({"text": "再问"}))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
    let r = app
        .browser()
        .post("/api/v1/patient/questions", json!({"text": "匿名"}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_editor_gets_the_rules_the_preview_and_the_check() {
    let app = TestApp::new().await;
    let mut d = app.doctor("13900000112").await;
    let rules = d.get("/api/v1/posts/rules").await;
    assert_eq!(rules.status, StatusCode::OK);
    assert!(
        !rules.json["lists"].as_array().unwrap().is_empty(),
        "{}",
        rules.json
    );
    let r = d
        .post(
            "/api/v1/posts/preview",
            json!({"body": "## 小标题\n\n**要点**"}),
        )
        .await;
    assert_eq!(
        r.json["html"],
        "<h2>小标题</h2>\n<p><strong>要点</strong></p>\n"
    );
    let r = d
        .post(
            "/api/v1/posts/preview",
            json!({"body": "长".repeat(20_001)}),
        )
        .await;
    assert!(r.field_error("body").is_some());
    let r = d
        .post(
            "/api/v1/posts/check",
            json!({"title": "根治高血压", "body": ""}),
        )
        .await;
    assert_eq!(r.json["findings"][0]["field"], "title", "{}", r.json);
    assert_eq!(r.json["findings"][0]["severity"], "error");
}

#[tokio::test]
async fn the_hospital_configures_the_lists_and_a_broken_file_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("rules.txt");
    std::fs::write(&own, "[brand warning]\n神奇牌\n").unwrap();
    let app = TestApp::with_config(|c| c.compliance_rules = Some(own.clone())).await;
    let mut d = app.doctor("13900000113").await;
    let r = d
        .post(
            "/api/v1/posts/check",
            json!({"title": "", "body": "神奇牌血压计，根治高血压"}),
        )
        .await;
    let rules: Vec<&str> = r.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["brand"], "only the hospital's lists: {}", r.json);

    let broken = dir.path().join("broken.txt");
    std::fs::write(&broken, "[cure_promise sometimes]\n根治\n").unwrap();
    let mut config = doctor_desk_server::Config::new(dir.path());
    config.compliance_rules = Some(broken);
    let error =
        doctor_desk_server::app(config, std::sync::Arc::new(doctor_desk_server::SystemClock))
            .await
            .err()
            .expect("the start fails");
    assert!(format!("{error:#}").contains("line 1"), "{error:#}");
}

#[tokio::test]
async fn the_api_document_describes_posts() {
    let app = TestApp::new().await;
    let doc = app.browser().get("/api/openapi.json").await.json;
    let posts = [
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
    ];
    assert_documented(&doc, "posts", &posts, |method, path| {
        let mut more = vec![];
        if method != "get" && method != "delete" {
            more.push("400");
        }
        if method != "get" && method != "delete" && !path.ends_with("withdraw") {
            more.push("422");
        }
        if path.ends_with("{id}") && method != "get"
            || path.ends_with("submit")
            || path.ends_with("withdraw")
        {
            more.push("409");
        }
        more
    });
    let review = [
        ("get", "/api/v1/review/posts"),
        ("get", "/api/v1/review/posts/{id}"),
        ("post", "/api/v1/review/posts/{id}/decision"),
    ];
    assert_documented(&doc, "review", &review, |method, _| match method {
        "post" => vec!["400", "409", "415", "422"],
        _ => vec![],
    });
    let ask = &doc["paths"]["/api/v1/patient/questions"]["post"];
    assert_eq!(ask["tags"], json!(["patient"]));
    for status in ["201", "401", "422", "429"] {
        assert!(ask["responses"][status].is_object(), "{status}");
    }
    for (path, statuses) in [
        ("/p/{slug}", &["200", "404", "410"][..]),
        ("/p/img/{name}", &["200", "404"][..]),
    ] {
        let op = &doc["paths"][path]["get"];
        assert_eq!(op["tags"], json!(["public"]), "{path}");
        for status in statuses {
            assert!(op["responses"][status].is_object(), "{path} {status}");
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "Post",
        "PostInput",
        "PostPage",
        "PostImage",
        "ReviewPost",
        "Rules",
        "Finding",
        "SubmitRequest",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
}

//! Onboarding through the real router: profile, uploads checked by content, submission,
//! the reviewer's decision, resubmission, expiry, and who may see what.

mod common;

use axum::http::{header, StatusCode};
use chrono::Duration;
use common::{complete, files_on_disk, profile, upload, TestApp, JPEG, PDF, PNG};
use serde_json::{json, Value};

#[tokio::test]
async fn profile_is_validated_saved_and_masked() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;
    assert_eq!(
        b.get("/api/v1/me/profile").await.status,
        StatusCode::NOT_FOUND
    );
    let v = b.get("/api/v1/me/verification").await;
    assert_eq!(v.json["step"], "profile");

    let mut bad = profile("张伟");
    bad["id_number"] = json!("110105194912310021");
    bad["years_of_practice"] = json!(2);
    let r = b.put("/api/v1/me/profile", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_error("id_number").is_some());
    assert_eq!(
        r.field_error("years_of_practice"),
        Some("互联网诊疗需独立执业满 3 年")
    );

    let r = b.put("/api/v1/me/profile", profile("张伟")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["display_name"], "张伟");
    assert_eq!(r.json["id_number_masked"], "1101**********002X");
    assert!(!r.json.to_string().contains("11010519491231002X"));
    assert_eq!(b.get("/api/v1/me").await.json["display_name"], "张伟");

    // Saving again without the ID number keeps the stored one.
    let mut again = profile("张伟");
    again.as_object_mut().unwrap().remove("id_number");
    again["bio"] = json!("更新后的简介");
    let r = b.put("/api/v1/me/profile", again).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["id_number_masked"], "1101**********002X");
    assert_eq!(r.json["bio"], "更新后的简介");
    assert_eq!(
        b.get("/api/v1/me/verification").await.json["step"],
        "documents"
    );
}

#[tokio::test]
async fn display_names_get_a_suffix_when_taken() {
    let app = TestApp::new().await;
    let mut first = app.doctor("13911110001").await;
    let mut second = app.doctor("13911110002").await;
    let mut third = app.doctor("13911110003").await;
    assert_eq!(
        first.put("/api/v1/me/profile", profile("张伟")).await.json["display_name"],
        "张伟"
    );
    assert_eq!(
        second.put("/api/v1/me/profile", profile("张伟")).await.json["display_name"],
        "张伟(2)"
    );
    assert_eq!(
        third.put("/api/v1/me/profile", profile("张伟")).await.json["display_name"],
        "张伟(3)"
    );
    // Saving again keeps one's own name rather than taking the next suffix.
    assert_eq!(
        second.put("/api/v1/me/profile", profile("张伟")).await.json["display_name"],
        "张伟(2)"
    );
    assert_eq!(
        second.get("/api/v1/me").await.json["display_name"],
        "张伟(2)"
    );
}

#[tokio::test]
async fn uploads_are_checked_by_content() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;
    let front = |file: &'static [u8], name: &'static str| (name, file);

    for (name, bytes) in [
        front(
            b"MZ\x90\x00\x03\x00\x00\x00 this is a Windows program",
            "photo.jpg",
        ),
        front(b"<!doctype html><script>alert(1)</script>", "photo.jpg"),
        front(b"GIF89a\x01\x00", "photo.png"),
    ] {
        let r = b
            .post_multipart(
                "/api/v1/me/documents",
                &[("kind", "id_card_front")],
                Some((name, bytes)),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.json);
        assert_eq!(r.error_code(), "unsupported_file_type");
        assert!(r.field_error("file").is_some());
    }

    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "id_card_front")],
            Some(("empty.jpg", b"")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "empty_file");

    let mut big = JPEG.to_vec();
    big.resize(10 * 1024 * 1024 + 1, 0);
    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "id_card_front")],
            Some(("big.jpg", &big)),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.error_code(), "payload_too_large");

    // Failed uploads leave neither a row nor a file.
    assert!(files_on_disk(&app).is_empty(), "{:?}", files_on_disk(&app));
    assert_eq!(b.get("/api/v1/me/documents").await.json, json!([]));

    // Exactly 10 MB is fine, and the client's file name is never used as a path.
    let mut max = JPEG.to_vec();
    max.resize(10 * 1024 * 1024, 0);
    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "id_card_front")],
            Some(("../../x", &max)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["content_type"], "image/jpeg");
    assert_eq!(r.json["size"], 10 * 1024 * 1024);
    let on_disk = files_on_disk(&app);
    assert_eq!(
        on_disk,
        vec![r.json["file_id"].as_str().unwrap().to_owned()]
    );
    assert!(!app
        .state
        .config
        .data_dir
        .parent()
        .unwrap()
        .join("x")
        .exists());
    let stored: (String, i64) = doctor_desk_server::db::query_as("SELECT sha256, size FROM files")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored.0.len(), 64, "SHA-256 recorded");
    assert_eq!(stored.1, 10 * 1024 * 1024);
}

#[tokio::test]
async fn document_fields_are_validated() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;
    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "practice")],
            Some(("p.jpg", JPEG)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_error("number"), Some("此项必填"));
    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[
                ("kind", "practice"),
                ("number", "110330100000456"),
                ("expires_on", "2026-11-29"),
            ],
            Some(("p.jpg", JPEG)),
        )
        .await;
    assert_eq!(
        r.field_error("expires_on"),
        Some("该证件已过期，请上传有效证件"),
        "today counts as expired"
    );
    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "other")],
            Some(("o.jpg", JPEG)),
        )
        .await;
    assert_eq!(r.field_error("caption"), Some("此项必填"));
    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "passport")],
            Some(("o.jpg", JPEG)),
        )
        .await;
    assert!(r.field_error("kind").is_some());
    assert!(files_on_disk(&app).is_empty());

    // Any number of "other" documents.
    upload(&mut b, "other", &[("caption", "多机构备案表")], PDF).await;
    upload(&mut b, "other", &[("caption", "单位同意函")], JPEG).await;
    let docs = b.get("/api/v1/me/documents").await.json;
    assert_eq!(docs.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn replacing_a_document_removes_the_old_file() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;
    let first = upload(&mut b, "id_card_back", &[], JPEG).await;
    let second = upload(&mut b, "id_card_back", &[], PNG).await;
    let docs = b.get("/api/v1/me/documents").await.json;
    assert_eq!(docs.as_array().unwrap().len(), 1);
    assert_eq!(docs[0]["id"], second["id"]);
    assert_eq!(
        files_on_disk(&app),
        vec![second["file_id"].as_str().unwrap().to_owned()]
    );
    let r = b
        .delete(&format!("/api/v1/me/documents/{}", first["id"]))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the replaced one is gone");
    let r = b
        .delete(&format!("/api/v1/me/documents/{}", second["id"]))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(files_on_disk(&app).is_empty());
}

#[tokio::test]
async fn only_the_owner_or_a_reviewer_sees_a_file() {
    let app = TestApp::new().await;
    let mut owner = app.doctor("13911110001").await;
    let mut other = app.doctor("13911110002").await;
    let doc = upload(&mut owner, "id_card_front", &[], JPEG).await;
    let file = format!("/api/v1/files/{}", doc["file_id"].as_str().unwrap());

    let (status, headers, bytes) = owner.get_bytes(&file).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "image/jpeg",
        "the sniffed type, not the client's"
    );
    assert_eq!(bytes, JPEG);
    assert_eq!(other.get_bytes(&file).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.browser().get_bytes(&file).await.0,
        StatusCode::UNAUTHORIZED
    );
    let mut r = app.reviewer().await;
    assert_eq!(r.get_bytes(&file).await.0, StatusCode::OK);

    // Another doctor cannot delete it either, nor see it listed.
    let del = other
        .delete(&format!("/api/v1/me/documents/{}", doc["id"]))
        .await;
    assert_eq!(del.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get("/api/v1/me/documents").await.json, json!([]));
    assert_eq!(
        owner
            .get("/api/v1/me/documents")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        other
            .get_bytes("/api/v1/files/..%2F..%2Fetc%2Fpasswd")
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // A row whose file is gone from the disk (logged as an error) is not there either.
    let on_disk = app
        .state
        .config
        .data_dir
        .join("files")
        .join(doc["file_id"].as_str().unwrap());
    std::fs::remove_file(on_disk).unwrap();
    let missing = owner.get(&file).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), "not_found");
}

#[tokio::test]
async fn signed_out_gets_401_everywhere() {
    let app = TestApp::new().await;
    let mut anon = app.browser();
    for path in [
        "/api/v1/me/profile",
        "/api/v1/me/documents",
        "/api/v1/me/verification",
        "/api/v1/review/submissions",
        "/api/v1/review/submissions/1",
        "/api/v1/files/abc",
    ] {
        assert_eq!(
            anon.get(path).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    assert_eq!(
        anon.put("/api/v1/me/profile", profile("张伟")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        anon.post("/api/v1/me/verification", json!({})).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = anon
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "other")],
            Some(("a.jpg", JPEG)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = anon
        .post_multipart("/api/v1/me/avatar", &[], Some(("a.jpg", JPEG)))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        anon.delete("/api/v1/me/documents/1").await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = anon
        .post(
            "/api/v1/review/submissions/1/decision",
            json!({"documents": []}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn avatars_must_be_images() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;
    let r = b
        .post_multipart("/api/v1/me/avatar", &[], Some(("a.pdf", PDF)))
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = b
        .post_multipart("/api/v1/me/avatar", &[], Some(("a.png", PNG)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    b.put("/api/v1/me/profile", profile("张伟")).await;
    assert_eq!(
        b.get("/api/v1/me/profile").await.json["avatar_file_id"],
        r.json["file_id"]
    );
}

#[tokio::test]
async fn review_rejection_and_resubmission() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;

    // Incomplete: refused.
    b.put("/api/v1/me/profile", profile("李娜")).await;
    let r = b.post("/api/v1/me/verification", json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "incomplete");
    assert_eq!(
        b.get("/api/v1/me/verification").await.json["missing"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    let ids = complete(&mut b, "李娜").await;
    assert_eq!(
        b.get("/api/v1/me/verification").await.json["step"],
        "submit"
    );
    let r = b.post("/api/v1/me/verification", json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["status"], "pending");
    assert_eq!(r.json["step"], "status");
    assert_eq!(
        b.get("/api/v1/me").await.json["verification_status"],
        "pending"
    );

    // Nothing changes while under review.
    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "id_card_back")],
            Some(("b.jpg", JPEG)),
        )
        .await;
    assert_eq!(r.error_code(), "under_review");
    assert_eq!(
        b.put("/api/v1/me/profile", profile("李娜"))
            .await
            .error_code(),
        "under_review"
    );
    assert_eq!(
        b.post("/api/v1/me/verification", json!({}))
            .await
            .error_code(),
        "under_review"
    );

    // Doctors have no business in the review queue.
    let r = b.get("/api/v1/review/submissions").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let mut rv = app.reviewer().await;
    let queue = rv
        .get("/api/v1/review/submissions?status=pending")
        .await
        .json;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(queue[0]["doctor_name"], "李娜");
    let sid = queue[0]["id"].as_i64().unwrap();
    let detail = rv.get(&format!("/api/v1/review/submissions/{sid}")).await;
    assert_eq!(
        detail.json["id_number"], "11010519491231002X",
        "reviewers compare the full number"
    );
    assert_eq!(
        detail.json["submission"]["documents"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // A rejection needs a reason.
    let mut decisions: Vec<Value> = ids
        .iter()
        .map(|id| json!({"document_id": id, "approve": true}))
        .collect();
    decisions[1] = json!({"document_id": ids[1], "approve": false});
    let r = rv
        .post(
            &format!("/api/v1/review/submissions/{sid}/decision"),
            json!({"documents": decisions}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    decisions[1] = json!({"document_id": ids[1], "approve": false, "reason": "blurry", "note": "反面照片看不清"});
    let r = rv
        .post(
            &format!("/api/v1/review/submissions/{sid}/decision"),
            json!({"documents": decisions[..4]}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "every document needs a decision"
    );
    let r = rv
        .post(
            &format!("/api/v1/review/submissions/{sid}/decision"),
            json!({"documents": decisions}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["submission"]["status"], "rejected");
    let r = rv
        .post(
            &format!("/api/v1/review/submissions/{sid}/decision"),
            json!({"documents": decisions}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "decided once");
    let who: (i64, i64) = doctor_desk_server::db::query_as(
        "SELECT decided_by, decided_at FROM submission_documents WHERE document_id = ?",
    )
    .bind(ids[1])
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(who.0 > 0 && who.1 > 0, "who and when are recorded");

    // The doctor sees the reason on the document and in the history.
    let v = b.get("/api/v1/me/verification").await.json;
    assert_eq!(v["status"], "rejected");
    assert_eq!(v["step"], "status");
    let back = v["submissions"][0]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["document"]["kind"] == "id_card_back")
        .unwrap()
        .clone();
    assert_eq!(back["rejection"]["reason"], "blurry");
    assert_eq!(back["rejection"]["note"], "反面照片看不清");

    // Approved documents are locked; the rejected one is replaced.
    let r = b.delete(&format!("/api/v1/me/documents/{}", ids[0])).await;
    assert_eq!(r.error_code(), "document_locked");
    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "practice"), ("number", "110330100000456")],
            Some(("p.jpg", JPEG)),
        )
        .await;
    assert_eq!(r.error_code(), "document_locked");
    let r = b.post("/api/v1/me/verification", json!({})).await;
    assert_eq!(
        r.error_code(),
        "incomplete",
        "the rejected document must be replaced first"
    );
    let new_back = upload(&mut b, "id_card_back", &[], PNG).await;
    assert_eq!(
        b.get("/api/v1/me/verification").await.json["step"],
        "submit"
    );
    assert_eq!(
        b.post("/api/v1/me/verification", json!({})).await.status,
        StatusCode::CREATED
    );

    // Only the new document waits for a decision.
    let queue = rv.get("/api/v1/review/submissions").await.json;
    let sid2 = queue[0]["id"].as_i64().unwrap();
    assert_ne!(sid, sid2);
    let detail = rv
        .get(&format!("/api/v1/review/submissions/{sid2}"))
        .await
        .json;
    let undecided: Vec<&Value> = detail["submission"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["approved"].is_null())
        .collect();
    assert_eq!(undecided.len(), 1);
    assert_eq!(undecided[0]["document"]["id"], new_back["id"]);
    let r = rv
        .post(
            &format!("/api/v1/review/submissions/{sid2}/decision"),
            json!({"documents": [{"document_id": new_back["id"], "approve": true}]}),
        )
        .await;
    assert_eq!(r.json["submission"]["status"], "approved", "{}", r.json);

    assert_eq!(
        b.get("/api/v1/me").await.json["verification_status"],
        "verified"
    );
    let v = b.get("/api/v1/me/verification").await.json;
    assert_eq!(
        v["submissions"].as_array().unwrap().len(),
        2,
        "history keeps both"
    );
    let account_id = b.get("/api/v1/me").await.json["id"].as_i64().unwrap();
    assert!(
        doctor_desk_server::onboarding::verification::ensure_verified(&app.state, account_id)
            .await
            .is_ok()
    );
    assert_eq!(
        rv.get("/api/v1/review/submissions?status=approved")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_expired_document_requires_reverification() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;
    let ids = complete(&mut b, "王芳").await;
    // The ID card front expires in 20 days.
    let soon = (app.clock_today() + Duration::days(20)).to_string();
    let front = upload(&mut b, "id_card_front", &[("expires_on", &soon)], JPEG).await;
    b.post("/api/v1/me/verification", json!({})).await;
    let mut rv = app.reviewer().await;
    let sid = rv.get("/api/v1/review/submissions").await.json[0]["id"]
        .as_i64()
        .unwrap();
    let mut docs: Vec<i64> = ids[1..].to_vec();
    docs.push(front["id"].as_i64().unwrap());
    let decisions: Vec<Value> = docs
        .iter()
        .map(|id| json!({"document_id": id, "approve": true}))
        .collect();
    rv.post(
        &format!("/api/v1/review/submissions/{sid}/decision"),
        json!({"documents": decisions}),
    )
    .await;
    assert_eq!(
        b.get("/api/v1/me").await.json["verification_status"],
        "verified"
    );
    let v = b.get("/api/v1/me/verification").await.json;
    assert_eq!(
        v["expiring"].as_array().unwrap().len(),
        1,
        "warned 20 days ahead"
    );
    // The home page reads the same answer through the narrower type.
    let home: doctor_desk_api::onboarding::ExpiryWarnings =
        serde_json::from_value(v.clone()).expect("the home page's reading");
    assert_eq!(home.expiring.len(), 1);
    assert_eq!(
        home.expiring[0]
            .expires_on
            .map(|d| d.to_string())
            .as_deref(),
        v["expiring"][0]["expires_on"].as_str()
    );
    let account_id = b.get("/api/v1/me").await.json["id"].as_i64().unwrap();

    app.clock.advance(Duration::days(21));
    // Three weeks away: the idle session ended, the doctor signs in again.
    assert_eq!(
        b.login("13911110001", "secret123").await.status,
        StatusCode::OK
    );
    assert_eq!(
        b.get("/api/v1/me").await.json["verification_status"],
        "needs_reverification"
    );
    let err = doctor_desk_server::onboarding::verification::ensure_verified(&app.state, account_id)
        .await
        .unwrap_err();
    assert!(format!("{err:?}").contains("VerificationRequired"));
    let v = b.get("/api/v1/me/verification").await.json;
    assert_eq!(v["step"], "documents");

    // The expired (approved) document may now be replaced, and the doctor resubmits.
    let later = (app.clock_today() + Duration::days(3650)).to_string();
    upload(&mut b, "id_card_front", &[("expires_on", &later)], JPEG).await;
    let r = b.post("/api/v1/me/verification", json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

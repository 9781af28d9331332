//! Review after verification (issue #11), through the real router: a renewed document is
//! reviewed, a verified profile is not rewritten, every submission can be decided, nobody
//! reviews themselves, and of concurrent decisions exactly one wins.

mod common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use common::{complete, profile, upload, Browser, TestApp, JPEG, PDF, PNG};
use serde_json::{json, Value};

/// Approves (or decides as given) every undecided document of submission `sid`.
async fn approve_all(rv: &mut Browser<'_>, sid: i64) -> Value {
    let detail = rv.get(&format!("/api/v1/review/submissions/{sid}")).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.json);
    let decisions: Vec<Value> = undecided(&detail.json)
        .into_iter()
        .map(|id| json!({"document_id": id, "approve": true}))
        .collect();
    let r = rv
        .post(
            &format!("/api/v1/review/submissions/{sid}/decision"),
            json!({ "documents": decisions }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json
}

fn undecided(review: &Value) -> Vec<i64> {
    review["submission"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["approved"].is_null())
        .map(|d| d["document"]["id"].as_i64().unwrap())
        .collect()
}

async fn pending_queue(rv: &mut Browser<'_>) -> Vec<Value> {
    let r = rv.get("/api/v1/review/submissions?status=pending").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json.as_array().unwrap().clone()
}

async fn status(b: &mut Browser<'_>) -> String {
    let me = b.get("/api/v1/me").await;
    me.json["verification_status"]
        .as_str()
        .unwrap_or_else(|| panic!("{} {}", me.status, me.json))
        .to_owned()
}

/// A verified doctor whose approved practice certificate expires in `days` days, and the
/// reviewer who approved it.
async fn verified_with_expiring_practice<'a>(
    app: &'a TestApp,
    days: i64,
) -> (Browser<'a>, Browser<'a>, i64) {
    let mut b = app.doctor("13911110001").await;
    complete(&mut b, "王芳").await;
    let expires = (app.clock_today() + Duration::days(days)).to_string();
    let practice = upload(
        &mut b,
        "practice",
        &[("number", "110330100000456"), ("expires_on", &expires)],
        JPEG,
    )
    .await;
    let r = b.post("/api/v1/me/verification", json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let mut rv = app.reviewer().await;
    let sid = pending_queue(&mut rv).await[0]["id"].as_i64().unwrap();
    approve_all(&mut rv, sid).await;
    assert_eq!(status(&mut b).await, "verified");
    (b, rv, practice["id"].as_i64().unwrap())
}

/// Renewals span weeks: the reviewer's session must outlive the week-long idle timeout.
async fn renewal_app() -> TestApp {
    TestApp::with_config(|c| c.limits.session_idle_secs = 365 * 24 * 3600).await
}

/// Moves the clock on; the doctor (whose browser session would have lapsed) signs in again.
async fn days_later(app: &TestApp, b: &mut Browser<'_>, days: i64) {
    app.clock.advance(Duration::days(days));
    let r = b.login("13911110001", "secret123").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
}

async fn renew_practice(app: &TestApp, b: &mut Browser<'_>) -> Value {
    let later = (app.clock_today() + Duration::days(5 * 365)).to_string();
    upload(
        b,
        "practice",
        &[("number", "110330100000789"), ("expires_on", &later)],
        PDF,
    )
    .await
}

fn current_practice(docs: &Value) -> Value {
    let practice: Vec<&Value> = docs
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "practice")
        .collect();
    assert_eq!(
        practice.len(),
        1,
        "one practice certificate in force: {docs}"
    );
    practice[0].clone()
}

// ---- 1. an expiring licence is renewed through a reviewer ----

#[tokio::test]
async fn a_renewed_document_is_reviewed_on_its_own_and_takes_over_when_approved() {
    let app = renewal_app().await;
    let (mut b, mut rv, old) = verified_with_expiring_practice(&app, 40).await;
    days_later(&app, &mut b, 15).await; // 25 days left: may be renewed

    let new = renew_practice(&app, &mut b).await;
    assert_eq!(new["status"], "submitted", "{new}");
    assert_eq!(new["replaces"], old);
    assert_eq!(
        status(&mut b).await,
        "verified",
        "the old one is still in force"
    );
    let docs = b.get("/api/v1/me/documents").await.json;
    assert_eq!(current_practice(&docs)["id"], old);
    let v = b.get("/api/v1/me/verification").await.json;
    assert_eq!(v["status"], "verified");
    assert_eq!(v["renewals"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["renewals"][0]["id"], new["id"]);
    assert_eq!(v["renewals"][0]["status"], "submitted");
    assert_eq!(v["submissions"][0]["kind"], "renewal");

    // Nothing else for the doctor to submit; no second replacement while this one waits.
    let r = b.post("/api/v1/me/verification", json!({})).await;
    assert_eq!(r.error_code(), "nothing_to_review", "{}", r.json);
    let r = b
        .post_multipart(
            "/api/v1/me/documents",
            &[("kind", "practice"), ("number", "110330100000789")],
            Some(("p.jpg", JPEG)),
        )
        .await;
    assert_eq!(r.error_code(), "under_review");

    // The reviewers get a renewal holding just the new document.
    let queue = pending_queue(&mut rv).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["kind"], "renewal");
    let sid = queue[0]["id"].as_i64().unwrap();
    let detail = rv
        .get(&format!("/api/v1/review/submissions/{sid}"))
        .await
        .json;
    assert_eq!(detail["submission"]["kind"], "renewal");
    let docs = detail["submission"]["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1, "{detail}");
    assert_eq!(docs[0]["document"]["id"], new["id"]);
    assert_eq!(docs[0]["document"]["replaces"], old);
    assert!(docs[0]["approved"].is_null());

    let r = approve_all(&mut rv, sid).await;
    assert_eq!(r["submission"]["status"], "approved");
    assert_eq!(status(&mut b).await, "verified");
    let docs = b.get("/api/v1/me/documents").await.json;
    let practice = current_practice(&docs);
    assert_eq!(practice["id"], new["id"], "the new document is current");
    assert_eq!(practice["status"], "approved");
    let v = b.get("/api/v1/me/verification").await.json;
    assert_eq!(v["renewals"], json!([]));
    assert_eq!(v["expiring"], json!([]), "{v}");

    // Past the old expiry date nothing changes: the old one is retired.
    days_later(&app, &mut b, 30).await;
    assert_eq!(status(&mut b).await, "verified");
}

#[tokio::test]
async fn a_renewal_undecided_when_the_old_document_expires_needs_reverification() {
    let app = renewal_app().await;
    let (mut b, _rv, _old) = verified_with_expiring_practice(&app, 40).await;
    days_later(&app, &mut b, 15).await;
    let new = renew_practice(&app, &mut b).await;
    assert_eq!(status(&mut b).await, "verified");

    days_later(&app, &mut b, 26).await; // one day past the old expiry
    assert_eq!(status(&mut b).await, "needs_reverification");
    let account_id = b.get("/api/v1/me").await.json["id"].as_i64().unwrap();
    assert!(
        doctor_desk_server::onboarding::verification::ensure_verified(&app.state, account_id)
            .await
            .is_err()
    );
    let v = b.get("/api/v1/me/verification").await.json;
    assert_eq!(v["renewals"][0]["id"], new["id"], "still under review");

    // A reviewer approves it later: the doctor is verified again.
    let mut rv = app.reviewer_with_phone("13800000007").await;
    let sid = pending_queue(&mut rv).await[0]["id"].as_i64().unwrap();
    approve_all(&mut rv, sid).await;
    assert_eq!(status(&mut b).await, "verified");
    let docs = b.get("/api/v1/me/documents").await.json;
    assert_eq!(current_practice(&docs)["id"], new["id"]);
}

#[tokio::test]
async fn a_rejected_renewal_keeps_the_old_document_until_it_expires() {
    let app = renewal_app().await;
    let (mut b, mut rv, old) = verified_with_expiring_practice(&app, 40).await;
    days_later(&app, &mut b, 15).await;
    let new = renew_practice(&app, &mut b).await;
    let sid = pending_queue(&mut rv).await[0]["id"].as_i64().unwrap();
    let r = rv
        .post(
            &format!("/api/v1/review/submissions/{sid}/decision"),
            json!({"documents": [{"document_id": new["id"], "approve": false,
                "reason": "blurry", "note": "证号看不清"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["submission"]["status"], "rejected");

    assert_eq!(status(&mut b).await, "verified", "until the old expiry");
    let docs = b.get("/api/v1/me/documents").await.json;
    assert_eq!(current_practice(&docs)["id"], old);
    let v = b.get("/api/v1/me/verification").await.json;
    assert_eq!(v["renewals"][0]["status"], "rejected", "{v}");
    assert_eq!(v["renewals"][0]["rejection"]["reason"], "blurry");
    assert_eq!(v["renewals"][0]["rejection"]["note"], "证号看不清");

    // Another replacement may follow; it takes the rejected one's place.
    let again = renew_practice(&app, &mut b).await;
    let v = b.get("/api/v1/me/verification").await.json;
    assert_eq!(v["renewals"].as_array().unwrap().len(), 1);
    assert_eq!(v["renewals"][0]["id"], again["id"]);
    let queue = pending_queue(&mut rv).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["kind"], "renewal");

    // Undecided at the old expiry: re-verification, as for any expired document.
    days_later(&app, &mut b, 26).await;
    assert_eq!(status(&mut b).await, "needs_reverification");
}

// ---- 2. a verified profile is not rewritten ----

/// A valid ID number other than the one of `profile()`.
fn other_id_number() -> String {
    let body = "33010619800101123";
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

#[tokio::test]
async fn identity_is_locked_after_verification() {
    let app = TestApp::new().await;
    let mut b = app.verified_doctor("13911110001", "李娜").await;

    for (field, value) in [
        ("real_name", json!("李娜娜")),
        ("gender", json!("male")),
        ("id_number", json!(other_id_number())),
    ] {
        let mut p = profile("李娜");
        p[field] = value;
        let r = b.put("/api/v1/me/profile", p).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{field}: {}", r.json);
        assert_eq!(r.error_code(), "profile_locked");
        assert!(r.field_error(field).is_some(), "{}", r.json);
    }
    let p = b.get("/api/v1/me/profile").await.json;
    assert_eq!(p["real_name"], "李娜");
    assert_eq!(p["gender"], "female");
    assert_eq!(p["id_number_masked"], "1101**********002X");
    assert_eq!(p["identity_locked"], true);

    // The same values (the ID number sent or left out), and free fields, are fine.
    let r = b.put("/api/v1/me/profile", profile("李娜")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let mut p = profile("李娜");
    p.as_object_mut().unwrap().remove("id_number");
    p["display_name"] = json!("李娜医生");
    p["bio"] = json!("新的简介");
    p["specialties"] = json!("甲状腺结节");
    let r = b.put("/api/v1/me/profile", p).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["display_name"], "李娜医生");
    assert_eq!(r.json["bio"], "新的简介");
    assert_eq!(r.json["specialties"], "甲状腺结节");
    assert!(r.json["pending_change"].is_null());
    assert_eq!(status(&mut b).await, "verified");
    let mut rv = app.reviewer().await;
    assert!(pending_queue(&mut rv).await.is_empty(), "nothing to review");

    // Before verification everything may change.
    let mut c = app.doctor("13911110002").await;
    c.put("/api/v1/me/profile", profile("赵敏")).await;
    let mut p = profile("赵敏");
    p["real_name"] = json!("赵敏敏");
    p["id_number"] = json!(other_id_number());
    let r = c.put("/api/v1/me/profile", p).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["identity_locked"], false);
}

#[tokio::test]
async fn practice_fields_change_only_through_a_reviewer() {
    let app = TestApp::new().await;
    let mut b = app.verified_doctor("13911110001", "李娜").await;
    let mut rv = app.reviewer().await;

    let mut p = profile("李娜");
    p["hospital"] = json!("浙江省人民医院");
    p["title"] = json!("associate_chief_physician");
    p["bio"] = json!("调入新医院。");
    let r = b.put("/api/v1/me/profile", p.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["hospital"], "杭州市第一人民医院", "live values stay");
    assert_eq!(r.json["title"], "attending_physician");
    assert_eq!(r.json["bio"], "调入新医院。", "free fields change at once");
    assert_eq!(r.json["pending_change"]["hospital"], "浙江省人民医院");
    assert_eq!(
        r.json["pending_change"]["title"],
        "associate_chief_physician"
    );
    assert_eq!(status(&mut b).await, "verified");
    let shown = b.get("/api/v1/me/profile").await.json;
    assert_eq!(shown["pending_change"]["hospital"], "浙江省人民医院");

    // Sending the pending values again (or the live ones) asks for nothing new; another
    // change must wait.
    assert_eq!(
        b.put("/api/v1/me/profile", p.clone()).await.status,
        StatusCode::OK
    );
    assert_eq!(
        b.put("/api/v1/me/profile", profile("李娜")).await.status,
        StatusCode::OK
    );
    let mut other = p.clone();
    other["department"] = json!("全科");
    let r = b.put("/api/v1/me/profile", other).await;
    assert_eq!(r.error_code(), "under_review", "{}", r.json);

    // The reviewer sees the change beside the approved values.
    let queue = pending_queue(&mut rv).await;
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0]["kind"], "profile_change");
    let sid = queue[0]["id"].as_i64().unwrap();
    let detail = rv
        .get(&format!("/api/v1/review/submissions/{sid}"))
        .await
        .json;
    let change = &detail["submission"]["profile_change"];
    assert_eq!(change["before"]["hospital"], "杭州市第一人民医院");
    assert_eq!(change["after"]["hospital"], "浙江省人民医院");
    assert_eq!(change["before"]["title"], "attending_physician");
    assert_eq!(change["after"]["title"], "associate_chief_physician");
    assert_eq!(detail["profile"]["hospital"], "杭州市第一人民医院");
    assert_eq!(detail["submission"]["documents"], json!([]));

    // A decision must say something about the change, with a reason to reject it.
    let decision = format!("/api/v1/review/submissions/{sid}/decision");
    let r = rv.post(&decision, json!({"documents": []})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    let r = rv
        .post(&decision, json!({"profile_change": {"approve": false}}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    let r = rv
        .post(&decision, json!({"profile_change": {"approve": true}}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["submission"]["status"], "approved");

    let shown = b.get("/api/v1/me/profile").await.json;
    assert_eq!(shown["hospital"], "浙江省人民医院");
    assert_eq!(shown["title"], "associate_chief_physician");
    assert!(shown["pending_change"].is_null());
    assert_eq!(status(&mut b).await, "verified");

    // A rejected change leaves the profile as it was; the doctor sees why.
    let mut p2 = p.clone();
    p2["practice_scope"] = json!("外科专业");
    let r = b.put("/api/v1/me/profile", p2).await;
    assert_eq!(r.json["pending_change"]["practice_scope"], "外科专业");
    let sid = pending_queue(&mut rv).await[0]["id"].as_i64().unwrap();
    let r = rv
        .post(
            &format!("/api/v1/review/submissions/{sid}/decision"),
            json!({"profile_change": {"approve": false, "reason": "mismatch", "note": "与执业证不符"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["submission"]["status"], "rejected");
    let shown = b.get("/api/v1/me/profile").await.json;
    assert_eq!(shown["practice_scope"], "内科专业");
    assert!(shown["pending_change"].is_null());
    assert_eq!(status(&mut b).await, "verified");
    let v = b.get("/api/v1/me/verification").await.json;
    let latest = &v["submissions"][0];
    assert_eq!(latest["kind"], "profile_change");
    assert_eq!(latest["status"], "rejected");
    assert_eq!(
        latest["profile_change"]["rejection"]["reason"], "mismatch",
        "{latest}"
    );
    assert_eq!(
        latest["profile_change"]["rejection"]["note"],
        "与执业证不符"
    );
}

// ---- 3. every submission can be decided ----

#[tokio::test]
async fn removing_a_rejected_optional_document_leads_to_a_decidable_submission() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;
    complete(&mut b, "陈静").await;
    let other = upload(&mut b, "other", &[("caption", "单位同意函")], PNG).await;
    assert_eq!(
        b.post("/api/v1/me/verification", json!({})).await.status,
        StatusCode::CREATED
    );
    let mut rv = app.reviewer().await;
    let sid = pending_queue(&mut rv).await[0]["id"].as_i64().unwrap();
    let detail = rv
        .get(&format!("/api/v1/review/submissions/{sid}"))
        .await
        .json;
    let decisions: Vec<Value> = undecided(&detail)
        .into_iter()
        .map(|id| {
            if id == other["id"].as_i64().unwrap() {
                json!({"document_id": id, "approve": false, "reason": "blurry"})
            } else {
                json!({"document_id": id, "approve": true})
            }
        })
        .collect();
    let r = rv
        .post(
            &format!("/api/v1/review/submissions/{sid}/decision"),
            json!({ "documents": decisions }),
        )
        .await;
    assert_eq!(r.json["submission"]["status"], "rejected", "{}", r.json);

    // The doctor drops the optional document and submits again.
    let r = b
        .delete(&format!("/api/v1/me/documents/{}", other["id"]))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = b.post("/api/v1/me/verification", json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);

    // Nothing new: the reviewer looks at the whole file again, and can decide it.
    let queue = pending_queue(&mut rv).await;
    assert_eq!(queue.len(), 1);
    let sid2 = queue[0]["id"].as_i64().unwrap();
    let detail = rv
        .get(&format!("/api/v1/review/submissions/{sid2}"))
        .await
        .json;
    assert_eq!(undecided(&detail).len(), 5, "{detail}");
    let r = approve_all(&mut rv, sid2).await;
    assert_eq!(r["submission"]["status"], "approved");
    assert_eq!(status(&mut b).await, "verified");

    // Verified with everything approved: nothing to review.
    let r = b.post("/api/v1/me/verification", json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "nothing_to_review");
    let pending: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM verification_submissions s WHERE s.status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM submission_documents d WHERE d.submission_id = s.id AND d.approved IS NULL)
           AND NOT EXISTS (SELECT 1 FROM profile_changes c WHERE c.submission_id = s.id AND c.approved IS NULL)",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(pending, 0, "no submission without anything to decide");
}

// ---- 4. nobody reviews themselves ----

#[tokio::test]
async fn a_reviewer_never_decides_their_own_submission() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;
    let ids = complete(&mut b, "周洋").await;
    assert_eq!(
        b.post("/api/v1/me/verification", json!({})).await.status,
        StatusCode::CREATED
    );
    // The doctor's account is given the reviewer role too.
    let granted = doctor_desk_server::admin::create_reviewer(&app.state, "13911110001")
        .await
        .unwrap();
    assert!(granted.is_none(), "an existing account gets the role");

    assert!(
        pending_queue(&mut b).await.is_empty(),
        "own submissions are not in one's queue"
    );
    let mut rv = app.reviewer().await;
    let sid = pending_queue(&mut rv).await[0]["id"].as_i64().unwrap();
    let seen = b.get(&format!("/api/v1/review/submissions/{sid}")).await;
    assert_eq!(seen.status, StatusCode::OK, "seeing is allowed");
    assert_eq!(seen.json["own"], true);
    assert_eq!(
        rv.get(&format!("/api/v1/review/submissions/{sid}"))
            .await
            .json["own"],
        false
    );

    let decisions: Vec<Value> = ids
        .iter()
        .map(|id| json!({"document_id": id, "approve": true}))
        .collect();
    let decision = format!("/api/v1/review/submissions/{sid}/decision");
    let r = b.post(&decision, json!({ "documents": decisions })).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
    assert_eq!(r.error_code(), "own_submission");
    assert_eq!(status(&mut b).await, "pending");

    // Nor a practice change of their own, once verified by someone else.
    let r = rv.post(&decision, json!({ "documents": decisions })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let mut p = profile("周洋");
    p["hospital"] = json!("浙江省人民医院");
    b.put("/api/v1/me/profile", p).await;
    let sid = pending_queue(&mut rv).await[0]["id"].as_i64().unwrap();
    let r = b
        .post(
            &format!("/api/v1/review/submissions/{sid}/decision"),
            json!({"profile_change": {"approve": true}}),
        )
        .await;
    assert_eq!(r.error_code(), "own_submission");
    assert_eq!(
        b.get("/api/v1/me/profile").await.json["hospital"],
        "杭州市第一人民医院"
    );
}

// ---- 5. one decision wins ----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_decisions_exactly_one_wins() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13911110001").await;
    let ids = complete(&mut b, "孙丽").await;
    b.post("/api/v1/me/verification", json!({})).await;
    let mut first = app.reviewer_with_phone("13800000008").await;
    let mut second = app.reviewer_with_phone("13800000009").await;
    let sid = pending_queue(&mut first).await[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/review/submissions/{sid}/decision");

    let mut requests = Vec::new();
    for i in 0..40 {
        // The two reviewers disagree about the ID card back.
        let approve = i % 2 == 0;
        let decisions: Vec<Value> = ids
            .iter()
            .enumerate()
            .map(|(n, id)| {
                if n == 1 && !approve {
                    json!({"document_id": id, "approve": false, "reason": "blurry"})
                } else {
                    json!({"document_id": id, "approve": true})
                }
            })
            .collect();
        let reviewer = if approve { &mut first } else { &mut second };
        requests.push(
            reviewer
                .request(Method::POST, &path, json!({ "documents": decisions }))
                .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    let won: Vec<usize> = replies
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == StatusCode::OK)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(won.len(), 1, "exactly one decision wins");
    for r in replies.iter().filter(|r| r.status != StatusCode::OK) {
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
        assert_eq!(r.error_code(), "already_decided");
    }

    // What is stored is the winner's decision, whole.
    let winner_approved = won[0] % 2 == 0;
    let back: (bool, i64) = doctor_desk_server::db::query_as(
        "SELECT approved <> 0, decided_by FROM submission_documents WHERE submission_id = ? AND document_id = ?",
    )
    .bind(sid)
    .bind(ids[1])
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(back.0, winner_approved);
    let (status_stored, decided_by): (String, i64) = doctor_desk_server::db::query_as(
        "SELECT status, decided_by FROM verification_submissions WHERE id = ?",
    )
    .bind(sid)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(back.1, decided_by);
    assert_eq!(
        status_stored,
        if winner_approved {
            "approved"
        } else {
            "rejected"
        }
    );
    let deciders: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(DISTINCT decided_by) FROM submission_documents WHERE submission_id = ?",
    )
    .bind(sid)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(deciders, 1, "no mix of two reviewers' decisions");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_decisions_on_a_renewal_exactly_one_wins() {
    let app = renewal_app().await;
    let (mut b, mut first, _old) = verified_with_expiring_practice(&app, 40).await;
    days_later(&app, &mut b, 15).await;
    let new = renew_practice(&app, &mut b).await;
    let mut second = app.reviewer_with_phone("13800000008").await;
    let sid = pending_queue(&mut first).await[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/review/submissions/{sid}/decision");
    let mut requests = Vec::new();
    for i in 0..40 {
        let (reviewer, decision) = if i % 2 == 0 {
            (
                &mut first,
                json!({"document_id": new["id"], "approve": true}),
            )
        } else {
            (
                &mut second,
                json!({"document_id": new["id"], "approve": false, "reason": "expired"}),
            )
        };
        requests.push(
            reviewer
                .request(Method::POST, &path, json!({ "documents": [decision] }))
                .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    let ok = common::with_status(&replies, StatusCode::OK);
    let conflicts = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT && r.error_code() == "already_decided")
        .count();
    let others: Vec<&Value> = replies
        .iter()
        .filter(|r| r.status != StatusCode::OK && r.error_code() != "already_decided")
        .map(|r| &r.json)
        .collect();
    assert_eq!((ok, conflicts), (1, 39), "{others:?}");
    assert_eq!(status(&mut b).await, "verified");
}

/// The same document renewed from two devices at once: one renewal goes to review, the
/// other upload is told a renewal is under review already.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_renewals_of_one_document_one_is_kept() {
    let app = renewal_app().await;
    let (mut b, mut rv, _old) = verified_with_expiring_practice(&app, 40).await;
    days_later(&app, &mut b, 15).await;
    let cookies: String = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let csrf = b.cookies["dd_csrf"].clone();
    let boundary = "----renewal-race";
    let requests = (0..10)
        .map(|i| {
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npractice\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"number\"\r\n\r\n11033010000{i:04}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .into_bytes();
            body.extend(JPEG);
            body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
            axum::http::Request::builder()
                .method(Method::POST)
                .uri("/api/v1/me/documents")
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("cookie", &cookies)
                .header("x-csrf-token", &csrf)
                .body(axum::body::Body::from(body))
                .unwrap()
        })
        .collect();
    let replies = app.send_concurrently(requests).await;
    let created = common::with_status(&replies, StatusCode::CREATED);
    let refused = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT && r.error_code() == "under_review")
        .count();
    assert_eq!(
        (created, refused),
        (1, 9),
        "{:?}",
        replies.iter().map(|r| &r.json).collect::<Vec<_>>()
    );
    let renewals = pending_queue(&mut rv).await;
    assert_eq!(renewals.len(), 1, "one renewal to decide: {renewals:?}");
}

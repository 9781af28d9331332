//! Doctor A's real objects, made through the API as the product makes them, so that every
//! path parameter of the matrix names something that exists and belongs to A.

use std::collections::HashMap;

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{json, Value};

use crate::client::ACTORS;
use crate::common::{
    accept, ask_for, open_service, patient,
    posts::{draft, pending_revision, png, publish, question, save, submit},
    profile, upload, Browser, TestApp, JPEG,
};

/// A's private texts carry this mark: nobody but A may ever get it back.
pub const SECRET: &str = "SECRET-A";

pub const PHONE_A: &str = "13900000001";
pub const PHONE_B: &str = "13900000002";
pub const PASSWORD: &str = "secret123";
pub const PATIENT_A_PHONE: &str = "13600000011";
pub const PATIENT_A_NAME: &str = "王秀英";
/// How the inbox shows that name (nobody else here is a 王).
pub const PATIENT_A_MASKED: &str = "王**";
pub const PATIENT_B_PHONE: &str = "13600000012";

/// The phone each actor asks a register code for (`POST /auth/sms-codes`).
pub fn code_phone(actor: usize) -> String {
    format!("1350000001{actor}")
}

/// The phone each actor signs up (and later resets the password of).
pub fn signup_phone(actor: usize) -> String {
    format!("1350000002{actor}")
}

/// Ids of A's objects (and what the bodies need), each named after what it is for.
pub struct Ids {
    pub doctor_a: i64,
    pub today: chrono::NaiveDate,
    /// Ongoing, with messages and a photo; closed late in the run.
    pub consultation: i64,
    /// New requests: one is asked about then accepted, one declined.
    pub request_to_accept: i64,
    pub request_to_decline: i64,
    /// Patient A as A's patient.
    pub patient: i64,
    pub note: i64,
    pub tag: i64,
    /// Open visits of one plan: reminded, then one done, one missed.
    pub visit_remind: i64,
    pub visit_done: i64,
    pub visit_missed: i64,
    pub quick_reply: i64,
    /// An `other` document A may delete.
    pub document: i64,
    /// The file of an approved licence document (reviewers may read it too).
    pub licence_file: String,
    /// A photo A uploaded for the consultation.
    pub doctor_photo: String,
    /// A record patient A uploaded.
    pub patient_file: String,
    pub question: i64,
    /// Published (an answer to `question`, with an image): its public page and image.
    pub published_post: i64,
    pub public_path: String,
    pub image_name: String,
    /// In review: the post and its revision.
    pub post_in_review: i64,
    pub revision: i64,
    /// Drafts: one edited, given an image and deleted; one submitted.
    pub draft: i64,
    pub draft_to_submit: i64,
    /// A's practice change waiting for a reviewer.
    pub submission: i64,
    /// An appeal matching no account, waiting for a reviewer (filing is `tests/appeal.rs`).
    pub appeal: i64,
    pub agreement_sha256: String,
    pub template: i64,
    /// Another device of A's (a second session), to sign out.
    pub spare_session: String,
    /// The register code of each actor's sign-up phone.
    pub signup_codes: Vec<String>,
    /// B's own objects, for B's requests that name A's ids inside them.
    pub b: OfB,
}

/// Doctor B's patient (patient B) and what B made for them.
pub struct OfB {
    pub patient: i64,
    pub consultation: i64,
    pub tag: i64,
    pub patient_file: String,
}

pub struct World<'a> {
    pub ids: Ids,
    /// The browsers of the actors in the order of `ACTORS` (the signed-out one is empty).
    pub browsers: Vec<Browser<'a>>,
}

impl World<'_> {
    pub fn jars(&self) -> Vec<HashMap<String, String>> {
        self.browsers.iter().map(|b| b.cookies.clone()).collect()
    }
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

async fn ok(b: &mut Browser<'_>, method: &str, path: &str, body: Value) -> Value {
    let method = axum::http::Method::from_bytes(method.as_bytes()).unwrap();
    let r = b.send(method, path, Some(body.to_string()), true).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.json);
    r.json
}

/// Accepts every published agreement, exactly its text.
async fn accept_agreements(b: &mut Browser<'_>) {
    let current = b.get("/api/v1/agreements/current").await.json;
    for c in current.as_array().unwrap() {
        let (kind, version) = (c["kind"].as_str().unwrap(), c["version"].as_str().unwrap());
        let doc = b.get(&format!("/api/v1/agreements/{kind}/{version}")).await;
        let path = format!("/api/v1/agreements/{kind}/{version}/acceptance");
        ok(
            b,
            "POST",
            &path,
            json!({"body_sha256": doc.json["body_sha256"], "health_data_consent": true}),
        )
        .await;
    }
}

pub async fn world(app: &TestApp) -> World<'_> {
    let (mut a, doctor_a) = open_service(app, PHONE_A, "张医生").await;
    let (mut b, doctor_b) = open_service(app, PHONE_B, "李医生").await;
    let mut rv = app.reviewer().await;
    doctor_desk_server::agreements::samples::publish_missing(&app.state)
        .await
        .unwrap();
    accept_agreements(&mut a).await;
    accept_agreements(&mut b).await;
    let agreement = a
        .get("/api/v1/agreements/service-agreement/1.0.0")
        .await
        .json;

    // Patient A's consultations with A: one ongoing with messages both ways and photos.
    let mut pa = patient(app, PATIENT_A_PHONE, PATIENT_A_NAME).await;
    let mut pb = patient(app, PATIENT_B_PHONE, "赵患者").await;
    let consultation = ask_for(&mut pa, doctor_a).await;
    let patient_id = accept(&mut a, consultation).await["patient_id"]
        .as_i64()
        .unwrap();
    let request_to_accept = ask_for(&mut pa, doctor_a).await;
    let request_to_decline = ask_for(&mut pa, doctor_a).await;
    let r = pa
        .post_multipart("/api/v1/patient/files", &[], Some(("化验单.jpg", JPEG)))
        .await;
    let patient_file = r.json["file_id"].as_str().unwrap().to_owned();
    let r = a
        .post_multipart("/api/v1/files", &[], Some(("示意图.jpg", JPEG)))
        .await;
    let doctor_photo = r.json["file_id"].as_str().unwrap().to_owned();
    let messages = format!("/api/v1/consultations/{consultation}/messages");
    let photo = json!({"client_id": "setup-doctor-1", "image_file_id": doctor_photo});
    ok(&mut a, "POST", &messages, photo).await;
    let path = format!("/api/v1/patient/consultations/{consultation}/messages");
    let reply = json!({"client_id": "setup-patient-1", "image_file_id": patient_file});
    ok(&mut pa, "POST", &path, reply).await;

    // The patient record: a private note, clinical facts, a tag, a plan, a template.
    let patient_path = format!("/api/v1/patients/{patient_id}");
    let note = id(&ok(
        &mut a,
        "POST",
        &format!("{patient_path}/notes"),
        json!({"text": format!("{SECRET} 只给我看的笔记")}),
    )
    .await);
    let clinical = json!({"conditions": format!("{SECRET} 高血压 10 年"), "allergies": ""});
    ok(&mut a, "PUT", &format!("{patient_path}/clinical"), clinical).await;
    let tag = id(&ok(
        &mut a,
        "POST",
        "/api/v1/tags",
        json!({"name": format!("{SECRET} 标签"), "color": "red"}),
    )
    .await);
    let tags = json!({"tag_ids": [tag]});
    ok(&mut a, "PUT", &format!("{patient_path}/tags"), tags).await;
    let template = json!({"name": format!("{SECRET} 模板"), "every": 2, "unit": "weeks",
                          "visits": 2, "message": "请复诊"});
    let template = id(&ok(&mut a, "POST", "/api/v1/follow-up-templates", template).await);
    let today = app.clock_today();
    let visits: Vec<Value> = [7, 14, 21]
        .iter()
        .map(|d| json!({"due_on": today + Duration::days(*d), "message": "请按时复诊"}))
        .collect();
    let plan = ok(
        &mut a,
        "POST",
        &format!("{patient_path}/follow-up-plans"),
        json!({"name": "复诊计划", "visits": visits}),
    )
    .await;
    let visit_ids: Vec<i64> = plan["visits"].as_array().unwrap().iter().map(id).collect();
    // A reminder by SMS, so that the dev outbox has a notice for patient A.
    let remind = format!("/api/v1/follow-ups/{}/remind", visit_ids[0]);
    ok(&mut a, "POST", &remind, json!({})).await;
    // The answer is the whole list, this reply its only row.
    let quick_reply = id(&ok(
        &mut a,
        "POST",
        "/api/v1/me/quick-replies",
        json!({"title": SECRET, "text": format!("{SECRET} 您好")}),
    )
    .await[0]);

    // Licence documents: the approved ones, and an optional one A may still delete.
    let document = id(&upload(&mut a, "other", &[("caption", "进修证明")], JPEG).await);
    let documents = a.get("/api/v1/me/documents").await.json;
    let licence_file = documents
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["status"] == "approved")
        .expect("an approved document")["file_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Posts: a published answer with an image, one in review, two drafts.
    let question = question(app, "13600000019", "高血压需要终身服药吗？").await;
    let answer = draft(&mut a, json!({"kind": "answer", "question_id": question})).await;
    let published_post = id(&answer);
    let image = a
        .post_multipart(
            &format!("/api/v1/posts/{published_post}/images"),
            &[],
            Some(("图.png", &png(800, 600))),
        )
        .await
        .json["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = format!("![血压计]({image})\n\n每天早晚各测一次血压。");
    let r = save(&mut a, &answer, json!({"cover": image, "body": body})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let published = publish(&mut a, &mut rv, published_post).await;
    let public_path = published["publication"]["url"].as_str().unwrap().to_owned();
    let post_in_review = id(&draft(&mut a, json!({"title": "在审的文章"})).await);
    assert_eq!(submit(&mut a, post_in_review).await.status, StatusCode::OK);
    let revision = pending_revision(&mut rv, post_in_review).await;
    let draft_id = id(&draft(&mut a, json!({"title": format!("{SECRET} 草稿")})).await);
    let draft_to_submit = id(&draft(&mut a, json!({"title": "待提交的文章"})).await);

    // A practice change for the reviewers (eight years become nine).
    let mut change = profile("张医生");
    change["years_of_practice"] = json!(9);
    ok(&mut a, "PUT", "/api/v1/me/profile", change).await;
    let verification = a.get("/api/v1/me/verification").await.json;
    let submission = verification["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "profile_change" && s["status"] == "pending")
        .expect("the practice change is pending");

    let appeal: i64 = doctor_desk_server::db::query_scalar(
        "INSERT INTO appeals (real_name, id_number, old_phone, new_phone, reason, ip, submitted_at)
         VALUES ('王五', '11010519491231002X', '13900000001', '13900000002', '旧手机号已停机无法使用', '', 0)
         RETURNING id",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();

    // Patient B is doctor B's patient, with a tag of B's.
    let b_consultation = ask_for(&mut pb, doctor_b).await;
    let b_patient = accept(&mut b, b_consultation).await["patient_id"]
        .as_i64()
        .unwrap();
    let b_tag = id(&ok(&mut b, "POST", "/api/v1/tags", json!({"name": "B 的标签"})).await);
    let r = pb
        .post_multipart("/api/v1/patient/files", &[], Some(("B.jpg", JPEG)))
        .await;
    let b_file = r.json["file_id"].as_str().unwrap().to_owned();

    let mut codes = app.browser();
    let mut signup_codes = Vec::new();
    for (n, _) in ACTORS.iter().enumerate() {
        signup_codes.push(codes.sms_code(&signup_phone(n), "register").await);
    }

    // A second device of A's, named by its id in A's list of sessions.
    let mut spare = app.browser();
    assert_eq!(spare.login(PHONE_A, PASSWORD).await.status, 200);
    let sessions = a.get("/api/v1/me/sessions").await.json;
    let spare_session = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap_or_else(|| panic!("A's second device: {sessions}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();

    World {
        ids: Ids {
            spare_session,
            doctor_a,
            today,
            consultation,
            request_to_accept,
            request_to_decline,
            patient: patient_id,
            note,
            tag,
            visit_remind: visit_ids[0],
            visit_done: visit_ids[1],
            visit_missed: visit_ids[2],
            quick_reply,
            document,
            licence_file,
            doctor_photo,
            patient_file,
            question,
            published_post,
            image_name: image.trim_start_matches("/p/img/").to_owned(),
            public_path,
            post_in_review,
            revision,
            draft: draft_id,
            draft_to_submit,
            submission: id(submission),
            appeal,
            agreement_sha256: agreement["body_sha256"].as_str().unwrap().to_owned(),
            template,
            signup_codes,
            b: OfB {
                patient: b_patient,
                consultation: b_consultation,
                tag: b_tag,
                patient_file: b_file,
            },
        },
        browsers: vec![app.browser(), a, b, rv, pa, pb],
    }
}

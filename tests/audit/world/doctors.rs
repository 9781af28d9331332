//! Doctors and the hospital's review of them: agreements accepted, profiles, licence
//! documents, submissions rejected and approved, a practice change waiting, and the
//! consultation service with its greeting and quick replies.

use chrono::NaiveDate;
use reqwest::{header::HeaderValue, Method};
use serde_json::{json, Value};

use super::client::{Api, File, Recorder, Slot, JPEG_FILE, PDF_FILE, PNG_FILE};

/// Accepts every current agreement version the account has not accepted yet; the
/// acceptance records the browser's user agent, which the history shows, so it is one of
/// the caller's texts when one is a valid header value.
pub async fn accept_agreements(rec: &mut Recorder<'_>, api: &Api, agents: &mut Vec<String>) {
    let current = api.get("/api/v1/agreements/current").await;
    assert_eq!(current.status, 200, "{}", current.json);
    for c in current.json.as_array().cloned().unwrap_or_default() {
        if c["accepted_version"] == c["version"] {
            continue;
        }
        let (kind, version) = (c["kind"].as_str().unwrap(), c["version"].as_str().unwrap());
        let doc = api
            .get(&format!("/api/v1/agreements/{kind}/{version}"))
            .await;
        assert_eq!(doc.status, 200, "{}", doc.json);
        let body = json!({"body_sha256": doc.json["body_sha256"], "health_data_consent": true});
        let agent = agents.pop();
        let r = api
            .send(
                Method::POST,
                &format!("/api/v1/agreements/{kind}/{version}/acceptance"),
                Some(body),
                None,
                agent.as_deref(),
            )
            .await;
        assert!(r.ok(), "accept {kind} {version}: {} {}", r.status, r.json);
        if let Some(agent) = agent {
            rec.accepted("acceptance.user_agent", &agent);
        }
    }
}

/// The user agents to send: the caller's texts that a header can carry.
pub fn user_agents(rec: &Recorder<'_>) -> Vec<String> {
    rec.many("acceptance.user_agent", 8, 512)
        .into_iter()
        // The server keeps the first 512 characters.
        .filter(|t| !t.is_empty() && t.chars().count() <= 512 && HeaderValue::from_str(t).is_ok())
        .collect()
}

/// The profile's texts, each the `n`-th of its field (a plain text where there is none).
pub async fn profile(rec: &mut Recorder<'_>, api: &Api, n: usize, plain_name: &str, id: &str) {
    let nth = |field: &str, len: usize| rec.many(field, n + 1, len).into_iter().nth(n);
    let mut slots = vec![
        Slot::new(
            "profile.real_name",
            "real_name",
            "/real_name",
            nth("profile.real_name", 30),
            plain_name,
        ),
        Slot::new(
            "profile.display_name",
            "display_name",
            "/display_name",
            nth("profile.display_name", 20),
            &format!("{plain_name}医生"),
        ),
        Slot::new(
            "profile.hospital",
            "hospital",
            "/hospital",
            nth("profile.hospital", 60),
            "杭州市第一人民医院",
        ),
        Slot::new(
            "profile.department",
            "department",
            "/department",
            nth("profile.department", 30),
            "内分泌科",
        ),
        Slot::new(
            "profile.practice_category",
            "practice_category",
            "/practice_category",
            nth("profile.practice_category", 30),
            "临床",
        ),
        Slot::new(
            "profile.practice_scope",
            "practice_scope",
            "/practice_scope",
            nth("profile.practice_scope", 60),
            "内科专业",
        ),
        Slot::new(
            "profile.specialties",
            "specialties",
            "/specialties",
            nth("profile.specialties", 200),
            "糖尿病、甲状腺疾病",
        ),
        Slot::new(
            "profile.bio",
            "bio",
            "/bio",
            nth("profile.bio", 1000),
            "从事内分泌临床工作十余年。",
        ),
    ];
    let body = json!({
        "real_name": "", "display_name": "", "gender": "female", "id_number": id,
        "hospital": "", "department": "", "title": "chief_physician",
        "practice_category": "", "practice_scope": "", "years_of_practice": 12,
        "specialties": "", "bio": "",
    });
    rec.send(
        api,
        Method::PUT,
        "/api/v1/me/profile",
        body,
        &mut slots,
        None,
        true,
    )
    .await;
}

/// Uploads one document of `kind` with a caption; its id.
async fn document(
    rec: &mut Recorder<'_>,
    api: &Api,
    kind: &str,
    number: &str,
    expires_on: Option<NaiveDate>,
    caption: Option<String>,
    file: File,
) -> i64 {
    let mut body = json!({"kind": kind, "caption": ""});
    if !number.is_empty() {
        body["number"] = json!(number);
    }
    if let Some(date) = expires_on {
        body["expires_on"] = json!(date.to_string());
    }
    let mut slots = [Slot::new(
        "document.caption",
        "caption",
        "/caption",
        caption,
        "证件照片",
    )];
    let doc = rec
        .send(
            api,
            Method::POST,
            "/api/v1/me/documents",
            body,
            &mut slots,
            Some(file),
            true,
        )
        .await
        .expect("with fallback");
    doc["id"].as_i64().expect("a document id")
}

/// The five required documents and one other, captions from the caller; the practice
/// licence expires in 20 days so the expiry warnings have something to show.
pub async fn documents(rec: &mut Recorder<'_>, api: &Api, today: NaiveDate) {
    let mut captions = rec.many("document.caption", 6, 40).into_iter();
    let soon = today + chrono::Duration::days(20);
    let later = today + chrono::Duration::days(3650);
    let plan: [(&str, &str, Option<NaiveDate>, File); 6] = [
        ("id_card_front", "", Some(later), JPEG_FILE),
        ("id_card_back", "", None, PNG_FILE),
        ("qualification", "199833110000123", None, PDF_FILE),
        ("practice", "110330100000456", Some(soon), JPEG_FILE),
        ("professional_title", "ZJ2015000789", None, PNG_FILE),
        ("other", "", None, PDF_FILE),
    ];
    for (kind, number, expires, file) in plan {
        document(rec, api, kind, number, expires, captions.next(), file).await;
    }
}

/// Re-uploads the documents of `kinds` (after a rejection).
pub async fn replace_documents(rec: &mut Recorder<'_>, api: &Api, kinds: &[&str]) {
    let mut captions = rec.many("document.caption", 6, 40).into_iter().rev();
    for kind in kinds {
        let number = if *kind == "professional_title" {
            "ZJ2015000790"
        } else {
            ""
        };
        document(rec, api, kind, number, None, captions.next(), JPEG_FILE).await;
    }
}

pub async fn submit(api: &Api) {
    let r = api.post("/api/v1/me/verification", json!({})).await;
    assert_eq!(r.status, 201, "submit for review: {}", r.json);
}

/// The newest pending submission in the reviewers' queue.
pub async fn newest_pending(reviewer: &Api) -> i64 {
    let queue = reviewer
        .get("/api/v1/review/submissions?status=pending")
        .await;
    assert_eq!(queue.status, 200, "{}", queue.json);
    queue
        .json
        .as_array()
        .and_then(|items| items.iter().filter_map(|i| i["id"].as_i64()).max())
        .unwrap_or_else(|| panic!("nothing pending: {}", queue.json))
}

/// Decides submission `id`: the documents of `reject` kinds are rejected for "other"
/// reasons with the caller's notes, the rest approved.
pub async fn decide(rec: &mut Recorder<'_>, reviewer: &Api, id: i64, reject: &[&str]) {
    let s = reviewer
        .get(&format!("/api/v1/review/submissions/{id}"))
        .await;
    assert_eq!(s.status, 200, "{}", s.json);
    let mut notes = rec.many("review.note", reject.len(), 200).into_iter();
    let mut decisions = Vec::new();
    let mut slots = Vec::new();
    // Documents approved in an earlier submission come along decided already.
    let undecided: Vec<Value> = s.json["submission"]["documents"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d["approved"].is_null())
        .collect();
    for (i, d) in undecided.iter().enumerate() {
        let document = &d["document"];
        let rejected = reject.contains(&document["kind"].as_str().unwrap_or(""));
        decisions.push(if rejected {
            json!({"document_id": document["id"], "approve": false, "reason": "other", "note": ""})
        } else {
            json!({"document_id": document["id"], "approve": true})
        });
        if rejected {
            slots.push(Slot::new(
                "review.note",
                "documents",
                format!("/documents/{i}/note"),
                notes.next(),
                "照片模糊，请重新拍摄上传。",
            ));
        }
    }
    let body = json!({ "documents": decisions });
    let path = format!("/api/v1/review/submissions/{id}/decision");
    rec.send(reviewer, Method::POST, &path, body, &mut slots, None, true)
        .await;
}

/// A verified doctor asks to change the practice fields: a profile change waits in the
/// reviewers' queue, the caller's texts on its "before" side.
pub async fn ask_practice_change(api: &Api) {
    let mut p: Value = api.get("/api/v1/me/profile").await.json;
    p["hospital"] = json!("浙江大学医学院附属第二医院");
    p["department"] = json!("内分泌代谢科");
    p["practice_scope"] = json!("内科专业、全科医学专业");
    let obj = p.as_object_mut().expect("a profile");
    for k in [
        "id_number_masked",
        "avatar_file_id",
        "identity_locked",
        "pending_change",
    ] {
        obj.remove(k);
    }
    let r = api.put("/api/v1/me/profile", p).await;
    assert_eq!(r.status, 200, "practice change: {}", r.json);
}

const QUICK: &str = "/api/v1/me/quick-replies";

/// The consultation service, open, with the caller's greeting and quick replies.
pub async fn open_service(rec: &mut Recorder<'_>, api: &Api) {
    let mut slots = [Slot::new(
        "settings.greeting",
        "greeting",
        "/greeting",
        rec.one("settings.greeting", 500),
        "您好，我已接诊，请描述目前的情况。",
    )];
    let body = json!({"enabled": true, "price_fen": 3000, "daily_limit": 50,
                      "greeting": "", "follow_up_questions": 2});
    let path = "/api/v1/me/consultation-settings";
    rec.send(api, Method::PUT, path, body, &mut slots, None, true)
        .await;

    let titles = rec.many("quick_reply.title", 20, 20);
    let texts = rec.many("quick_reply.text", 20, 2000);
    let mut made = 0;
    for i in 0..titles.len().max(texts.len()) {
        let mut slots = [
            Slot::new(
                "quick_reply.title",
                "title",
                "/title",
                titles.get(i).cloned(),
                &format!("常用回复{i}"),
            ),
            Slot::new(
                "quick_reply.text",
                "text",
                "/text",
                texts.get(i).cloned(),
                "请按时服药，一周后复查。",
            ),
        ];
        let body = json!({"title": "", "text": ""});
        if rec
            .send(api, Method::POST, QUICK, body, &mut slots, None, false)
            .await
            .is_some()
        {
            made += 1;
        }
    }
    if made == 0 {
        let r = api
            .post(
                QUICK,
                json!({"title": "复查提醒", "text": "请一周后复查空腹血糖。"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.json);
    }
}

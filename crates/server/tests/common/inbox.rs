//! Helpers of the inbox suites, shared by the tests of later features: a doctor with the
//! service open, a patient, a consultation asked for and accepted, messages and advice,
//! the event stream, and the tab counts against the rows.

use axum::http::StatusCode;
use http_body_util::BodyExt;
use serde_json::{json, Value};

use super::{Browser, TestApp, JPEG, PDF};

/// A verified doctor with the consultation service on; their account id.
pub async fn open_service<'a>(app: &'a TestApp, phone: &str, name: &str) -> (Browser<'a>, i64) {
    let mut d = app.verified_doctor(phone, name).await;
    let r = d
        .put(
            "/api/v1/me/consultation-settings",
            json!({"enabled": true, "price_fen": 3000, "daily_limit": 20,
                   "greeting": "您好，我已接诊，请描述目前的情况。", "follow_up_questions": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let id = d.get("/api/v1/me").await.json["id"].as_i64().unwrap();
    (d, id)
}

/// A patient, signed in (created on the first sign-in); the clock is past the SMS resend
/// wait so the next sign-in may follow at once.
pub async fn patient<'a>(app: &'a TestApp, phone: &str, name: &str) -> Browser<'a> {
    let mut p = app.browser();
    let r = p.patient_login(phone, name).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    app.clock.advance(chrono::Duration::seconds(61));
    p
}

/// A patient's request to `doctor_id` with one record of the offline diagnosis.
pub async fn ask_for(p: &mut Browser<'_>, doctor_id: i64) -> i64 {
    let record = p
        .post_multipart("/api/v1/patient/files", &[], Some(("病历.pdf", PDF)))
        .await;
    assert_eq!(record.status, StatusCode::CREATED, "{}", record.json);
    let photo = p
        .post_multipart("/api/v1/patient/files", &[], Some(("IMG.jpg", JPEG)))
        .await;
    let r = p
        .post(
            "/api/v1/patient/consultations",
            json!({
                "doctor_id": doctor_id,
                "complaint": "血糖近两周偏高\n空腹 9 左右",
                "prior_diagnosis": {"hospital": "杭州市第一人民医院", "diagnosis": "2 型糖尿病", "visited_on": "2026-09-01"},
                "evidence": [{"kind": "outpatient_record", "file_id": record.json["file_id"]}],
                "images": [photo.json["file_id"]],
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json["id"].as_i64().unwrap()
}

/// The doctor accepts a request as a follow-up.
pub async fn accept(d: &mut Browser<'_>, consultation_id: i64) -> Value {
    let r = d
        .post(
            &format!("/api/v1/consultations/{consultation_id}/accept"),
            json!({"follow_up_confirmed": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json
}

/// Reads Server-Sent Events from a streaming body until `count` arrived (or panics after
/// 5 s): each is the JSON of its `data:` line.
pub async fn read_events(body: &mut axum::body::Body, count: usize) -> Vec<Value> {
    let mut text = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while events.len() < count {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .unwrap_or_else(|_| panic!("only {} of {count} events: {text}", events.len()))
            .expect("the stream stays open")
            .expect("a frame");
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if let Some(json) = block.lines().find_map(|l| l.strip_prefix("data:")) {
                events.push(serde_json::from_str(json.trim()).expect("event JSON"));
            }
        }
    }
    events
}

/// The tab counts the triggers keep (`inbox_counts`) against a count of the rows.
pub async fn assert_tab_counts_match_the_rows(db: &doctor_desk_server::db::Pool) {
    let kept: Vec<(i64, i64, i64, i64)> = doctor_desk_server::db::query_as(
        "SELECT doctor_id, new, ongoing, closed FROM inbox_counts
          WHERE new + ongoing + closed > 0 ORDER BY doctor_id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let counted: Vec<(i64, i64, i64, i64)> = doctor_desk_server::db::query_as(
        "SELECT doctor_id, COUNT(*) FILTER (WHERE status = 'new'),
                COUNT(*) FILTER (WHERE status = 'ongoing'),
                COUNT(*) FILTER (WHERE status NOT IN ('new', 'ongoing'))
           FROM consultations GROUP BY doctor_id ORDER BY doctor_id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert!(!counted.is_empty());
    assert_eq!(kept, counted);
}

/// A text message as a client sends it.
pub fn text(client_id: &str, text: &str) -> Value {
    json!({"client_id": client_id, "text": text})
}

/// Advice that ends a consultation, every field filled.
pub fn advice() -> Value {
    json!({"assessment": "血糖控制欠佳", "advice": "二甲双胍加量，控制饮食", "offline_visit": true,
           "department": "内分泌科", "follow_up": "两周后复查空腹血糖"})
}

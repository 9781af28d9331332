//! The people of the restart run, made over HTTP against the real binary: a reviewer
//! (the `admin create-reviewer` task), verified doctors with the consultation service on,
//! and patients each in a consultation one of them accepted.

use futures_util::{stream, StreamExt};
use serde_json::{json, Value};

use crate::{
    common::{profile, JPEG, PDF, PNG},
    http::Http,
    server,
};

/// A kind of licence document, its text fields and a file of it.
type Document<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [u8]);

pub struct Doctor {
    pub http: Http,
    pub id: i64,
}

pub struct Patient {
    pub http: Http,
    pub consultation: i64,
    pub doctor: usize,
}

/// Creates the reviewer on the (stopped) server's data; their one-time password.
pub fn reviewer(data_dir: &std::path::Path, database: &str, phone: &str) -> String {
    let out = server::admin(data_dir, database, &["create-reviewer", "--phone", phone]);
    out.split("One-time password: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no password in {out:?}"))
        .to_owned()
}

fn ok(what: &str, answer: reqwest::Result<crate::http::Answer>, status: u16) -> Value {
    let answer = answer.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(answer.status, status, "{what}: {answer}");
    answer.json
}

/// A doctor through sign-up, profile, documents and the reviewer's approval, with the
/// consultation service on (room for `daily_limit` requests).
pub async fn doctor(url: &str, reviewer: &Http, phone: &str, name: &str) -> Doctor {
    let http = Http::new(url);
    let code = http.sms_code(phone, "register").await;
    let body = json!({"phone": phone, "sms_code": code, "password": "secret123"});
    ok(
        "register",
        http.post("/api/v1/auth/register", &body).await,
        201,
    );
    ok(
        "profile",
        http.put("/api/v1/me/profile", &profile(name)).await,
        200,
    );
    let documents: [Document; 5] = [
        ("id_card_front", &[("expires_on", "2036-05-01")], JPEG),
        ("id_card_back", &[], PNG),
        ("qualification", &[("number", "199833110000123")], PDF),
        ("practice", &[("number", "110330100000456")], JPEG),
        ("professional_title", &[("number", "ZJ2015000789")], JPEG),
    ];
    let mut ids = Vec::new();
    for (kind, extra, file) in documents {
        let mut fields = vec![("kind", kind)];
        fields.extend_from_slice(extra);
        let r = http.upload("/api/v1/me/documents", &fields, file).await;
        ids.push(ok(kind, r, 201)["id"].as_i64().unwrap());
    }
    ok(
        "verification",
        http.post("/api/v1/me/verification", &json!({})).await,
        201,
    );
    let queue = ok(
        "queue",
        reviewer
            .get("/api/v1/review/submissions?status=pending")
            .await,
        200,
    );
    let submission = queue
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["doctor_name"] == name)
        .expect("the submission is queued")["id"]
        .as_i64()
        .unwrap();
    let decisions: Vec<Value> = ids
        .iter()
        .map(|id| json!({"document_id": id, "approve": true}))
        .collect();
    let r = reviewer
        .post(
            &format!("/api/v1/review/submissions/{submission}/decision"),
            &json!({ "documents": decisions }),
        )
        .await;
    ok("decision", r, 200);
    let settings = json!({"enabled": true, "price_fen": 3000, "daily_limit": 200,
        "greeting": "您好，我已接诊，请描述目前的情况。", "follow_up_questions": 2});
    ok(
        "settings",
        http.put("/api/v1/me/consultation-settings", &settings)
            .await,
        200,
    );
    let id = ok("me", http.get("/api/v1/me").await, 200)["id"]
        .as_i64()
        .unwrap();
    Doctor { http, id }
}

/// `count` patients (16 at a time), patient `n` asking doctor `n % doctors.len()`, every
/// request accepted by its doctor.
pub async fn patients(url: &str, doctors: &[Doctor], count: usize) -> Vec<Patient> {
    let asked: Vec<Patient> = stream::iter(0..count)
        .map(|n| {
            let doctor = n % doctors.len();
            let doctor_id = doctors[doctor].id;
            async move {
                let http = Http::new(url);
                let phone = format!("1665{n:07}");
                let code = http.sms_code(&phone, "patient_login").await;
                let login = json!({"phone": phone, "sms_code": code, "name": format!("患者{n}"),
                    "sex": if n % 2 == 0 { "male" } else { "female" }, "birth_date": "1970-03-15"});
                ok(
                    "patient login",
                    http.post("/api/v1/patient/auth/login", &login).await,
                    200,
                );
                let record = ok(
                    "record",
                    http.upload("/api/v1/patient/files", &[], PDF).await,
                    201,
                );
                let ask = json!({
                    "doctor_id": doctor_id,
                    "complaint": "血糖近两周偏高",
                    "prior_diagnosis": {"hospital": "杭州市第一人民医院", "diagnosis": "2 型糖尿病",
                                        "visited_on": "2026-09-01"},
                    "evidence": [{"kind": "outpatient_record", "file_id": record["file_id"]}],
                });
                let c = ok(
                    "ask",
                    http.post("/api/v1/patient/consultations", &ask).await,
                    201,
                );
                Patient {
                    http,
                    consultation: c["id"].as_i64().unwrap(),
                    doctor,
                }
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    for p in &asked {
        let r = doctors[p.doctor]
            .http
            .post(
                &format!("/api/v1/consultations/{}/accept", p.consultation),
                &json!({"follow_up_confirmed": true}),
            )
            .await;
        ok("accept", r, 200);
    }
    asked
}

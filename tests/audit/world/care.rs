//! Patients and their consultations, one in every state: a request the doctor asked
//! about, a long thread, one ended with advice (and a question after the end), one
//! declined.

use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{json, Value};

use super::client::{Api, Recorder, Slot, PDF_FILE, PNG_FILE};

/// The consultations of the world, by state, and the patients who became the doctor's.
pub struct Care {
    pub new: i64,
    pub ongoing: i64,
    pub closed: i64,
    pub declined: i64,
    /// Patient ids (the ongoing one first, then the closed one).
    pub patients: Vec<i64>,
    /// The patient of the new request, signed in (asks the public questions).
    pub asker: Api,
}

const PLAIN_NAMES: [&str; 4] = ["王建国", "李秀英", "陈志强", "赵丽华"];

/// A patient signed in for the first time (the caller's name if the API takes it).
async fn patient(
    rec: &mut Recorder<'_>,
    base: &str,
    phone: &str,
    name: Option<String>,
    plain: &str,
) -> Api {
    let api = Api::new(base, phone).await;
    let code = api.sms_code("patient_login").await;
    let body = json!({"phone": phone, "sms_code": code, "name": "", "sex": "female",
                      "birth_date": "1968-04-12"});
    let mut slots = [Slot::new("patient.name", "name", "/name", name, plain)];
    rec.send(
        &api,
        Method::POST,
        "/api/v1/patient/auth/login",
        body,
        &mut slots,
        None,
        true,
    )
    .await;
    api
}

fn new_client_id() -> String {
    doctor_desk_server::simulate::new_client_id()
}

/// Patient `n` asks `doctor_id`, with a record (and for the first, a photo).
async fn ask(rec: &mut Recorder<'_>, p: &Api, doctor_id: i64, n: usize, today: NaiveDate) -> i64 {
    let nth = |field: &str, len: usize| rec.many(field, n + 1, len).into_iter().nth(n);
    let record = p
        .upload(
            "/api/v1/patient/files",
            if n % 2 == 0 { PDF_FILE } else { PNG_FILE },
        )
        .await;
    let mut body = json!({
        "doctor_id": doctor_id, "complaint": "",
        "prior_diagnosis": {"hospital": "", "diagnosis": "",
                            "visited_on": (today - chrono::Duration::days(40)).to_string()},
        "evidence": [{"kind": "outpatient_record", "file_id": record["file_id"]}],
    });
    if n == 0 {
        let photo = p.upload("/api/v1/patient/files", PNG_FILE).await;
        body["images"] = json!([photo["file_id"]]);
    }
    let mut slots = [
        Slot::new(
            "consultation.complaint",
            "complaint",
            "/complaint",
            nth("consultation.complaint", 1000),
            "最近两周空腹血糖 8～9，比上次复诊时高",
        ),
        Slot::new(
            "consultation.hospital",
            "hospital",
            "/prior_diagnosis/hospital",
            nth("consultation.hospital", 100),
            "杭州市第一人民医院",
        ),
        Slot::new(
            "consultation.diagnosis",
            "diagnosis",
            "/prior_diagnosis/diagnosis",
            nth("consultation.diagnosis", 200),
            "2 型糖尿病",
        ),
    ];
    let c = rec
        .send(
            p,
            Method::POST,
            "/api/v1/patient/consultations",
            body,
            &mut slots,
            None,
            true,
        )
        .await
        .expect("with fallback");
    c["id"].as_i64().expect("a consultation id")
}

/// One message from the doctor (`patient` None) or a patient; `None` when refused.
async fn message(
    rec: &mut Recorder<'_>,
    doctor: &Api,
    patient: Option<&Api>,
    id: i64,
    field: &'static str,
    text: Option<String>,
    fallback: bool,
) -> Option<Value> {
    let (api, path) = match patient {
        Some(p) => (p, format!("/api/v1/patient/consultations/{id}/messages")),
        None => (doctor, format!("/api/v1/consultations/{id}/messages")),
    };
    let mut slots = [Slot::new(field, "text", "/text", text, "好的，谢谢医生")];
    let body = json!({"client_id": new_client_id(), "text": ""});
    rec.send(api, Method::POST, &path, body, &mut slots, None, fallback)
        .await
}

async fn accept(doctor: &Api, id: i64) -> Value {
    let r = doctor
        .post(
            &format!("/api/v1/consultations/{id}/accept"),
            json!({"follow_up_confirmed": true}),
        )
        .await;
    assert_eq!(r.status, 200, "accept {id}: {}", r.json);
    r.json
}

/// Four patients ask the doctor; the consultations end up new, ongoing, closed, declined.
pub async fn consultations(
    rec: &mut Recorder<'_>,
    base: &str,
    doctor: &Api,
    doctor_id: i64,
    today: NaiveDate,
) -> Care {
    let names = rec.many("patient.name", 4, 30);
    let mut patients = Vec::new();
    let mut ids = Vec::new();
    for (n, plain) in PLAIN_NAMES.iter().enumerate() {
        let phone = format!("1660000{:04}", 1001 + n);
        let p = patient(rec, base, &phone, names.get(n).cloned(), plain).await;
        ids.push(ask(rec, &p, doctor_id, n, today).await);
        patients.push(p);
    }
    let (new, ongoing, closed, declined) = (ids[0], ids[1], ids[2], ids[3]);

    // New: the doctor asks for more before deciding; the patient answers.
    let mut slots = [Slot::new(
        "consultation.ask",
        "text",
        "/text",
        rec.one("consultation.ask", 2000),
        "请补充最近一周的血糖记录。",
    )];
    let body = json!({"client_id": new_client_id(), "text": ""});
    let path = format!("/api/v1/consultations/{new}/ask");
    rec.send(doctor, Method::POST, &path, body, &mut slots, None, true)
        .await;
    message(
        rec,
        doctor,
        Some(&patients[0]),
        new,
        "message.text",
        None,
        true,
    )
    .await;

    // Ongoing: every message text, taking turns, and a photo from each side.
    accept(doctor, ongoing).await;
    for (i, text) in rec.many("message.text", 200, 2000).into_iter().enumerate() {
        let from = (i % 2 == 1).then_some(&patients[1]);
        message(
            rec,
            doctor,
            from,
            ongoing,
            "message.text",
            Some(text),
            false,
        )
        .await;
    }
    message(
        rec,
        doctor,
        Some(&patients[1]),
        ongoing,
        "message.text",
        None,
        true,
    )
    .await;
    let photo = patients[1].upload("/api/v1/patient/files", PNG_FILE).await;
    let r = patients[1]
        .post(
            &format!("/api/v1/patient/consultations/{ongoing}/messages"),
            json!({"client_id": new_client_id(), "image_file_id": photo["file_id"]}),
        )
        .await;
    assert!(r.ok(), "patient photo: {}", r.json);
    let photo = doctor.upload("/api/v1/files", PNG_FILE).await;
    let r = doctor
        .post(
            &format!("/api/v1/consultations/{ongoing}/messages"),
            json!({"client_id": new_client_id(), "image_file_id": photo["file_id"]}),
        )
        .await;
    assert!(r.ok(), "doctor photo: {}", r.json);

    // Closed with advice, then a follow-up question after the end.
    accept(doctor, closed).await;
    message(rec, doctor, None, closed, "message.text", None, true).await;
    let mut slots = [
        Slot::new(
            "advice.assessment",
            "assessment",
            "/assessment",
            rec.one("advice.assessment", 2000),
            "血糖控制欠佳。",
        ),
        Slot::new(
            "advice.advice",
            "advice",
            "/advice",
            rec.one("advice.advice", 2000),
            "二甲双胍加量至每日两次，每次 1 片。",
        ),
        Slot::new(
            "advice.department",
            "department",
            "/department",
            rec.one("advice.department", 50),
            "内分泌科",
        ),
        Slot::new(
            "advice.follow_up",
            "follow_up",
            "/follow_up",
            rec.one("advice.follow_up", 2000),
            "两周后复查空腹血糖。",
        ),
    ];
    let body = json!({"assessment": "", "advice": "", "offline_visit": true,
                      "department": "", "follow_up": ""});
    let path = format!("/api/v1/consultations/{closed}/close");
    rec.send(doctor, Method::POST, &path, body, &mut slots, None, true)
        .await;
    let question = rec.many("message.text", 200, 2000).pop();
    message(
        rec,
        doctor,
        Some(&patients[2]),
        closed,
        "message.text",
        question,
        true,
    )
    .await;

    // Declined with the doctor's reason.
    let mut slots = [Slot::new(
        "decline.text",
        "text",
        "/text",
        rec.one("decline.text", 500),
        "首次就诊请先线下面诊。",
    )];
    let path = format!("/api/v1/consultations/{declined}/decline");
    let body = json!({"reason": "other", "text": ""});
    rec.send(doctor, Method::POST, &path, body, &mut slots, None, true)
        .await;

    let mine = |c: Value| c["patient_id"].as_i64().expect("a patient of mine");
    let ongoing_patient = mine(
        doctor
            .get(&format!("/api/v1/consultations/{ongoing}"))
            .await
            .json,
    );
    let closed_patient = mine(
        doctor
            .get(&format!("/api/v1/consultations/{closed}"))
            .await
            .json,
    );
    Care {
        new,
        ongoing,
        closed,
        declined,
        patients: vec![ongoing_patient, closed_patient],
        asker: patients.swap_remove(0),
    }
}

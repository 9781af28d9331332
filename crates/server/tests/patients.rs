//! Patient management through the real router: a patient becomes mine when I accept their
//! consultation (and only then); other doctors and signed-out callers get nothing; the API
//! document; the demo doctor's patients. The list is in `patient_list.rs`, tags in
//! `patient_tags.rs`, notes, clinical facts and the timeline in `patient_file.rs`.

mod common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use common::{
    accept, ask_for, assert_documented, audit_actions, my_patient, open_service, patient,
    patients::{assert_next_visits_stored, create_tag, ids, patient_id_of},
    send, TestApp,
};
use serde_json::{json, Value};

#[tokio::test]
async fn a_patient_is_mine_from_the_first_consultation_i_accept() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911113001", "陈静").await;

    // Asked, not yet accepted: not mine, and the consultation says so.
    let mut zhang = patient(&app, "13722230001", "张三").await;
    let first = ask_for(&mut zhang, doctor_id).await;
    let zhang_id = patient_id_of(&app, "13722230001").await;
    let c = d.get(&format!("/api/v1/consultations/{first}")).await.json;
    assert_eq!(c["patient_id"], Value::Null);
    let page = d.get("/api/v1/patients").await.json;
    assert_eq!((ids(&page), page["total"].clone()), (vec![], json!(0)));
    let r = d.get(&format!("/api/v1/patients/{zhang_id}")).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::NOT_FOUND, "not_found")
    );

    // Accepting makes them mine.
    let accepted = accept(&mut d, first).await;
    assert_eq!(accepted["patient_id"], zhang_id);
    let c = d.get(&format!("/api/v1/consultations/{first}")).await.json;
    assert_eq!(c["patient_id"], zhang_id);
    let page = d.get("/api/v1/patients").await.json;
    assert_eq!(page["total"], 1);
    assert_eq!(
        page["items"][0],
        json!({"id": zhang_id, "masked_name": "张*", "sex": "male", "age": 56, "tags": [],
               "last_consultation_at": c["created_at"], "next_follow_up": null})
    );

    // A patient whose only consultation I declined is not mine; neither is one I have not
    // answered. Both answer exactly like a patient that does not exist.
    let mut li = patient(&app, "13722230002", "李四").await;
    let declined = ask_for(&mut li, doctor_id).await;
    let r = d
        .post(
            &format!("/api/v1/consultations/{declined}/decline"),
            json!({"reason": "first_visit"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["patient_id"], Value::Null);
    let mut wang = patient(&app, "13722230003", "王五").await;
    ask_for(&mut wang, doctor_id).await;
    let page = d.get("/api/v1/patients").await.json;
    assert_eq!(ids(&page), vec![zhang_id]);
    let missing = d.get("/api/v1/patients/999999").await;
    for phone in ["13722230002", "13722230003"] {
        let id = patient_id_of(&app, phone).await;
        let r = d.get(&format!("/api/v1/patients/{id}")).await;
        assert_eq!((r.status, &r.json), (missing.status, &missing.json));
    }

    // The record: full name, birth date, masked phone; every consultation counts, the
    // last one accepted dates the last consultation.
    app.clock.advance(Duration::hours(1));
    let second = ask_for(&mut zhang, doctor_id).await;
    let r = d.get(&format!("/api/v1/patients/{zhang_id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["name"], "张三");
    assert_eq!(r.json["birth_date"], "1970-03-15");
    assert_eq!(r.json["age"], 56);
    assert_eq!(r.json["masked_phone"], "137****0001");
    assert_eq!(r.json["since"], accepted["accepted_at"]);
    assert_eq!(r.json["last_consultation_at"], c["created_at"]);
    assert_eq!(r.json["consultation_count"], 2);
    assert_eq!(
        r.json["clinical"],
        json!({"conditions": "", "allergies": ""})
    );
    let accepted_again = accept(&mut d, second).await;
    let r = d.get(&format!("/api/v1/patients/{zhang_id}")).await;
    assert_eq!(r.json["last_consultation_at"], accepted_again["created_at"]);
    assert_eq!(r.json["since"], accepted["accepted_at"], "since stays");
}

#[tokio::test]
async fn other_doctors_get_404_and_signed_out_callers_401_everywhere() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911113002", "陈静").await;
    let (mut other, other_id) = open_service(&app, "13911113003", "王芳").await;
    let (_p, _, pid) = my_patient(&app, &mut d, doctor_id, "13722230011", "赵六").await;
    let (_q, _, theirs) = my_patient(&app, &mut other, other_id, "13722230012", "钱七").await;
    let tag = create_tag(&mut d, "高血压", "red").await;
    let r = d
        .put(
            &format!("/api/v1/patients/{pid}/tags"),
            json!({"tag_ids": [tag]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let r = d
        .post(
            &format!("/api/v1/patients/{pid}/notes"),
            json!({"text": "只给我看"}),
        )
        .await;
    let note = r.json["id"].as_i64().unwrap();
    let their_tag = create_tag(&mut other, "随访中", "green").await;

    let mine: Vec<(Method, String, Value)> = vec![
        (Method::GET, format!("/api/v1/patients/{pid}"), Value::Null),
        (
            Method::POST,
            format!("/api/v1/patients/{pid}/reveal-phone"),
            json!({}),
        ),
        (
            Method::PUT,
            format!("/api/v1/patients/{pid}/clinical"),
            json!({"conditions": "x", "allergies": ""}),
        ),
        (
            Method::PUT,
            format!("/api/v1/patients/{pid}/tags"),
            json!({"tag_ids": []}),
        ),
        (
            Method::GET,
            format!("/api/v1/patients/{pid}/notes"),
            Value::Null,
        ),
        (
            Method::POST,
            format!("/api/v1/patients/{pid}/notes"),
            json!({"text": "x"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/patients/{pid}/notes/{note}"),
            json!({"text": "x"}),
        ),
        (
            Method::GET,
            format!("/api/v1/patients/{pid}/timeline"),
            Value::Null,
        ),
        (
            Method::GET,
            format!("/api/v1/patients?tag={tag}"),
            Value::Null,
        ),
        (
            Method::PUT,
            format!("/api/v1/tags/{tag}"),
            json!({"name": "x"}),
        ),
        (Method::DELETE, format!("/api/v1/tags/{tag}"), Value::Null),
        (
            Method::POST,
            format!("/api/v1/tags/{tag}/patients"),
            json!({"patient_ids": [theirs]}),
        ),
        // Their own patient with my tag, their own tag on my patient.
        (
            Method::PUT,
            format!("/api/v1/patients/{theirs}/tags"),
            json!({"tag_ids": [tag]}),
        ),
        (
            Method::POST,
            format!("/api/v1/tags/{their_tag}/patients"),
            json!({"patient_ids": [theirs, pid]}),
        ),
        // My note under their patient's id.
        (
            Method::PUT,
            format!("/api/v1/patients/{theirs}/notes/{note}"),
            json!({"text": "x"}),
        ),
    ];
    for request in &mine {
        let r = send(&mut other, request).await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{} {}",
            request.0,
            request.1
        );
    }
    let page = other.get("/api/v1/patients").await.json;
    assert_eq!(ids(&page), vec![theirs]);
    let tags = other.get("/api/v1/tags").await.json;
    assert_eq!(tags.as_array().unwrap().len(), 1);

    // Nothing of mine changed.
    let record = d.get(&format!("/api/v1/patients/{pid}")).await.json;
    assert_eq!(record["tags"][0]["name"], "高血压");
    assert_eq!(record["clinical"]["conditions"], "");
    let notes = d.get(&format!("/api/v1/patients/{pid}/notes")).await.json;
    assert_eq!(notes[0]["text"], "只给我看");
    assert_eq!(notes[0]["version"], 1);
    let counted: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM patient_tags WHERE patient_id IN (?, ?)",
    )
    .bind(pid)
    .bind(theirs)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(counted, 1);
    assert_eq!(audit_actions(&app, other_id).await, ["tag_created"]);

    // Signed out: 401 everywhere, also for the lists.
    let mut stranger = app.browser();
    let lists = [
        (Method::GET, "/api/v1/patients".to_owned(), Value::Null),
        (Method::GET, "/api/v1/tags".to_owned(), Value::Null),
        (
            Method::POST,
            "/api/v1/tags".to_owned(),
            json!({"name": "x"}),
        ),
    ];
    for request in mine.iter().chain(&lists) {
        let r = send(&mut stranger, request).await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::UNAUTHORIZED, "unauthorized"),
            "{} {}",
            request.0,
            request.1
        );
    }
    // And changes need the CSRF header like every other.
    let r = d
        .post_without_csrf("/api/v1/tags", json!({"name": "x"}))
        .await;
    assert_eq!(r.error_code(), "csrf_failed");
}

#[tokio::test]
async fn the_api_document_describes_patient_management() {
    let app = TestApp::new().await;
    let doc = app.browser().get("/api/openapi.json").await.json;
    let expected = [
        ("get", "/api/v1/patients"),
        ("get", "/api/v1/patients/{id}"),
        ("post", "/api/v1/patients/{id}/reveal-phone"),
        ("put", "/api/v1/patients/{id}/clinical"),
        ("put", "/api/v1/patients/{id}/tags"),
        ("get", "/api/v1/patients/{id}/notes"),
        ("post", "/api/v1/patients/{id}/notes"),
        ("put", "/api/v1/patients/{id}/notes/{note_id}"),
        ("get", "/api/v1/patients/{id}/timeline"),
        ("get", "/api/v1/tags"),
        ("post", "/api/v1/tags"),
        ("put", "/api/v1/tags/{id}"),
        ("delete", "/api/v1/tags/{id}"),
        ("post", "/api/v1/tags/{id}/patients"),
    ];
    assert_documented(&doc, "patients", &expected, |_, _| vec![]);
    let list = &doc["paths"]["/api/v1/patients"]["get"];
    let sort = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "sort")
        .expect("the sort parameter");
    let described = sort["description"].as_str().unwrap();
    for name in ["last_consultation", "newest", "next_follow_up"] {
        assert!(described.contains(name), "{described}");
    }
    assert!(list["responses"]["422"].is_object());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "PatientPage",
        "PatientDetail",
        "Tag",
        "Note",
        "TimelinePage",
        "BulkTagged",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
}

#[tokio::test]
async fn the_demo_doctor_has_tagged_patients_and_notes() {
    use doctor_desk_server::demo::DOCTOR_PHONE;
    let app = TestApp::with_config(|c| c.demo_data = true).await;
    let doctor_id: i64 =
        doctor_desk_server::db::query_scalar("SELECT id FROM accounts WHERE phone = ?")
            .bind(DOCTOR_PHONE)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let (patients, tagged, notes, edited): (i64, i64, i64, i64) = doctor_desk_server::db::query_as(
        "SELECT (SELECT COUNT(*) FROM doctor_patients WHERE doctor_id = ?1),
                (SELECT COUNT(DISTINCT patient_id) FROM patient_tags WHERE doctor_id = ?1),
                (SELECT COUNT(*) FROM patient_notes WHERE doctor_id = ?1),
                (SELECT COUNT(*) FROM patient_notes WHERE doctor_id = ?1 AND version > 1)",
    )
    .bind(doctor_id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(patients, 60, "about sixty patients of their own");
    assert!(tagged * 2 > patients, "{tagged} of {patients} tagged");
    assert_eq!((notes, edited), (8, 3));
    // Names are masked to the surname; the same names every time.
    let names: Vec<String> = doctor_desk_server::db::query_scalar(
        "SELECT p.name FROM doctor_patients dp JOIN patients p ON p.id = dp.patient_id
         WHERE dp.doctor_id = ? ORDER BY p.name",
    )
    .bind(doctor_id)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "all different");
    assert!(
        names.iter().all(|n| (2..=3).contains(&n.chars().count())),
        "{names:?}"
    );
    assert_next_visits_stored(&app).await;
    let with_visit: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM doctor_patients WHERE doctor_id = ? AND next_follow_up IS NOT NULL",
    )
    .bind(doctor_id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(with_visit, 15, "sorting by the next visit shows something");
    let tags: Vec<String> =
        doctor_desk_server::db::query_scalar("SELECT name FROM tags WHERE doctor_id = ?")
            .bind(doctor_id)
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(tags.len(), 4);
}

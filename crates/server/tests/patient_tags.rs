//! Tags on my patients through the real router: added, renamed, recoloured and deleted,
//! with their cap and unique names, also under concurrent requests; bulk tagging counted
//! exactly.

mod common;

use axum::http::{Method, StatusCode};
use common::{
    ask_for, audit_actions, my_patient, open_service, patient,
    patients::{create_tag, patient_id_of},
    TestApp,
};
use serde_json::{json, Value};

#[tokio::test]
async fn tags_are_added_renamed_recoloured_and_deleted() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911113005", "陈静").await;
    let (_p, _, pid) = my_patient(&app, &mut d, doctor_id, "13722230021", "孙八").await;

    let r = d
        .post("/api/v1/tags", json!({"name": " 高血压 ", "color": "red"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let pressure = r.json["id"].as_i64().unwrap();
    assert_eq!(
        r.json,
        json!({"id": pressure, "name": "高血压", "color": "red", "patient_count": 0})
    );
    let r = d.post("/api/v1/tags", json!({"name": "高血压"})).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "name_taken")
    );
    assert!(r.field_error("name").is_some(), "{}", r.json);
    let r = d.post("/api/v1/tags", json!({"name": "  "})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = d.post("/api/v1/tags", json!({"name": "糖尿病"})).await;
    assert_eq!(r.json["color"], "gray", "gray unless chosen");
    let sugar = r.json["id"].as_i64().unwrap();
    let follow = create_tag(&mut d, "随访中", "green").await;

    // A patient's set: repeats count once, chips in name order.
    let r = d
        .put(
            &format!("/api/v1/patients/{pid}/tags"),
            json!({"tag_ids": [sugar, pressure, sugar, follow]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let names = |chips: &Value| -> Vec<String> {
        chips
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&r.json), ["糖尿病", "随访中", "高血压"]);
    let tags = d.get("/api/v1/tags").await.json;
    assert_eq!(names(&tags), ["糖尿病", "随访中", "高血压"]);
    assert!(tags
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["patient_count"] == 1));
    // A tag that is not mine (or none) changes nothing.
    let r = d
        .put(
            &format!("/api/v1/patients/{pid}/tags"),
            json!({"tag_ids": [sugar, 999999]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let record = d.get(&format!("/api/v1/patients/{pid}")).await.json;
    assert_eq!(record["tags"].as_array().unwrap().len(), 3);

    // Rename and recolour; a name another tag has is refused; its own name is fine.
    let r = d
        .put(
            &format!("/api/v1/tags/{pressure}"),
            json!({"name": "高血压病", "color": "orange"}),
        )
        .await;
    assert_eq!(
        r.json,
        json!({"id": pressure, "name": "高血压病", "color": "orange", "patient_count": 1})
    );
    let r = d
        .put(
            &format!("/api/v1/tags/{sugar}"),
            json!({"name": "高血压病"}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "name_taken")
    );
    assert!(r.field_error("name").is_some());
    let r = d
        .put(
            &format!("/api/v1/tags/{sugar}"),
            json!({"name": "糖尿病", "color": "blue"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["color"], "blue");

    // Deleting takes it off the patient, who keeps the others.
    let r = d.delete(&format!("/api/v1/tags/{pressure}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let record = d.get(&format!("/api/v1/patients/{pid}")).await.json;
    assert_eq!(names(&record["tags"]), ["糖尿病", "随访中"]);
    let r = d.delete(&format!("/api/v1/tags/{pressure}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        audit_actions(&app, doctor_id).await,
        [
            "tag_created",
            "tag_created",
            "tag_created",
            "tags_set",
            "tag_updated",
            "tag_updated",
            "tag_deleted"
        ]
    );
    let deleted: String = doctor_desk_server::db::query_scalar(
        "SELECT detail FROM patient_audit WHERE action = 'tag_deleted' AND patient_id IS NULL",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let deleted: Value = serde_json::from_str(&deleted).unwrap();
    assert_eq!(deleted["patient_ids"], json!([pid]));

    // At most 50 tags.
    for n in 0..48 {
        create_tag(&mut d, &format!("标签{n}"), "teal").await;
    }
    let r = d.post("/api/v1/tags", json!({"name": "第五十一个"})).await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "limit_reached")
    );
    assert_eq!(
        d.get("/api/v1/tags").await.json.as_array().unwrap().len(),
        50
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_concurrent_tag_adds_end_with_fifty() {
    let app = TestApp::new().await;
    let (mut d, _) = open_service(&app, "13911113006", "陈静").await;
    let mut requests = Vec::new();
    for n in 0..60 {
        requests.push(
            d.request(
                Method::POST,
                "/api/v1/tags",
                json!({"name": format!("标签{n}")}),
            )
            .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    let created = common::with_status(&replies, StatusCode::CREATED);
    let refused = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT && r.error_code() == "limit_reached")
        .count();
    assert_eq!((created, refused), (50, 10));
    assert_eq!(
        d.get("/api/v1/tags").await.json.as_array().unwrap().len(),
        50
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bulk_tagging_counts_each_patient_once() {
    let app = TestApp::with_config(|c| c.limits.sms_ip_per_hour = 1000).await;
    let (mut d, doctor_id) = open_service(&app, "13911113007", "陈静").await;
    let mut pid = Vec::new();
    for n in 0..4 {
        let phone = format!("1372225000{n}");
        pid.push(my_patient(&app, &mut d, doctor_id, &phone, "周九").await.2);
    }
    let mut stranger = patient(&app, "13722250009", "吴十").await;
    ask_for(&mut stranger, doctor_id).await;
    let not_mine = patient_id_of(&app, "13722250009").await;
    let tag = create_tag(&mut d, "重点关注", "orange").await;

    let path = format!("/api/v1/tags/{tag}/patients");
    let mut requests = Vec::new();
    for _ in 0..20 {
        requests.push(
            d.request(
                Method::POST,
                &path,
                json!({"patient_ids": [pid[0], pid[1], pid[2], pid[1]]}),
            )
            .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    assert!(replies.iter().all(|r| r.status == StatusCode::OK));
    let added: i64 = replies
        .iter()
        .map(|r| r.json["added"].as_i64().unwrap())
        .sum();
    assert_eq!(added, 3);
    assert!(replies.iter().all(|r| r.json["patient_count"] == 3));
    let logged: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM patient_audit WHERE action = 'tag_bulk_add' AND doctor_id = ?",
    )
    .bind(doctor_id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(logged, 3, "one row per patient newly tagged");

    // All or nothing: one patient who is not mine and nobody is tagged.
    let r = d
        .post(&path, json!({"patient_ids": [pid[3], not_mine]}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let page = d.get(&format!("/api/v1/patients?tag={tag}")).await.json;
    assert_eq!(page["total"], 3);
    let r = d.post(&path, json!({"patient_ids": []})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = d
        .post(&path, json!({"patient_ids": [pid[3], pid[0]]}))
        .await;
    assert_eq!(r.json, json!({"added": 1, "patient_count": 4}));
}

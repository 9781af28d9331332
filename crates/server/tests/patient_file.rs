//! A patient's file through the real router: notes keeping every text and never reaching
//! the patient, the audited phone reveal and clinical facts, and the merged timeline.

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{ask_for, audit_actions, my_patient, open_service, walk_pages, TestApp};
use serde_json::{json, Value};

#[tokio::test]
async fn notes_keep_every_text_and_never_reach_the_patient() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911113008", "陈静").await;
    let (mut p, consultation, pid) =
        my_patient(&app, &mut d, doctor_id, "13722230031", "郑一").await;
    let (_q, _, other_pid) = my_patient(&app, &mut d, doctor_id, "13722230032", "冯二").await;
    let notes = format!("/api/v1/patients/{pid}/notes");

    let r = d
        .post(&notes, json!({"text": "  第一版：血糖偏高  "}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let id = r.json["id"].as_i64().unwrap();
    assert_eq!(r.json["text"], "第一版：血糖偏高");
    assert_eq!(r.json["version"], 1);
    assert_eq!(r.json["written_by"], "陈静");
    assert_eq!(r.json["history"], json!([]));
    let first_at = r.json["created_at"].clone();

    app.clock.advance(Duration::minutes(5));
    let r = d
        .put(
            &format!("{notes}/{id}"),
            json!({"text": "第二版：加用二甲双胍", "version": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["version"], 2);
    let second_at = r.json["updated_at"].clone();
    app.clock.advance(Duration::minutes(5));
    let r = d
        .put(
            &format!("{notes}/{id}"),
            json!({"text": "第三版：两周后复查"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["version"], 3);
    assert_eq!(r.json["text"], "第三版：两周后复查");
    assert_eq!(r.json["created_at"], first_at);
    assert_eq!(
        r.json["history"],
        json!([
            {"version": 2, "text": "第二版：加用二甲双胍", "written_at": second_at, "written_by": "陈静"},
            {"version": 1, "text": "第一版：血糖偏高", "written_at": first_at, "written_by": "陈静"},
        ])
    );
    // An edit of a text that changed meanwhile is refused.
    let r = d
        .put(
            &format!("{notes}/{id}"),
            json!({"text": "旧页面上的修改", "version": 2}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::CONFLICT, "conflict")
    );
    let r = d.put(&format!("{notes}/{id}"), json!({"text": " "})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A note is reached through its own patient only.
    let r = d
        .put(
            &format!("/api/v1/patients/{other_pid}/notes/{id}"),
            json!({"text": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    app.clock.advance(Duration::minutes(5));
    d.post(&notes, json!({"text": "另一条"})).await;
    let list = d.get(&notes).await.json;
    let texts: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["另一条", "第三版：两周后复查"], "newest first");
    let other_notes = d
        .get(&format!("/api/v1/patients/{other_pid}/notes"))
        .await
        .json;
    assert_eq!(other_notes, json!([]));

    // The audit names the note, never its text.
    assert_eq!(
        audit_actions(&app, doctor_id).await,
        ["note_added", "note_edited", "note_edited", "note_added"]
    );
    let details: Vec<String> =
        doctor_desk_server::db::query_scalar("SELECT detail FROM patient_audit")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert!(details
        .iter()
        .all(|detail| !detail.contains("版") && !detail.contains("另一条")));
    // Earlier texts are kept as written.
    let edited =
        doctor_desk_server::db::query("UPDATE note_versions SET text = 'x' WHERE note_id = ?")
            .bind(id)
            .execute(&app.state.db)
            .await;
    assert!(edited.is_err());

    // Nothing the patient can read has them.
    let seen = [
        p.get(&format!("/api/v1/patient/consultations/{consultation}"))
            .await,
        p.get(&format!(
            "/api/v1/patient/consultations/{consultation}/messages"
        ))
        .await,
    ];
    for r in seen {
        assert_eq!(r.status, StatusCode::OK);
        let body = r.json.to_string();
        assert!(
            !body.contains("第三版") && !body.contains("另一条"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn revealing_the_phone_and_clinical_facts_are_audited() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911113009", "陈静").await;
    let (_p, _, pid) = my_patient(&app, &mut d, doctor_id, "13722230041", "褚三").await;

    let record = d.get(&format!("/api/v1/patients/{pid}")).await.json;
    assert_eq!(record["masked_phone"], "137****0041");
    let r = d
        .post(&format!("/api/v1/patients/{pid}/reveal-phone"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json, json!({"phone": "13722230041"}));
    let rows: Vec<(i64, Option<i64>, String)> =
        doctor_desk_server::db::query_as("SELECT doctor_id, patient_id, action FROM patient_audit")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(rows, [(doctor_id, Some(pid), "reveal_phone".to_owned())]);

    let clinical = format!("/api/v1/patients/{pid}/clinical");
    let r = d
        .put(
            &clinical,
            json!({"conditions": "高血压 10 年\n2 型糖尿病 3 年", "allergies": "青霉素 "}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(
        r.json,
        json!({"conditions": "高血压 10 年\n2 型糖尿病 3 年", "allergies": "青霉素"})
    );
    let record = d.get(&format!("/api/v1/patients/{pid}")).await.json;
    assert_eq!(record["clinical"], r.json);
    let r = d
        .put(
            &clinical,
            json!({"conditions": "很长".repeat(300), "allergies": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_error("conditions").is_some());
    let (action, detail): (String, String) = doctor_desk_server::db::query_as(
        "SELECT action, detail FROM patient_audit ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(action, "clinical_updated");
    assert!(!detail.contains("青霉素"), "{detail}");
    assert_eq!(
        serde_json::from_str::<Value>(&detail).unwrap()["changed"],
        json!(["conditions", "allergies"])
    );
    // The log is append-only.
    for sql in [
        "UPDATE patient_audit SET action = 'x'",
        "DELETE FROM patient_audit",
    ] {
        assert!(
            doctor_desk_server::db::query(sql)
                .execute(&app.state.db)
                .await
                .is_err(),
            "{sql}"
        );
    }
}

#[tokio::test]
async fn the_timeline_merges_consultations_and_notes_newest_first() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911113010", "陈静").await;
    let (mut p, first, pid) = my_patient(&app, &mut d, doctor_id, "13722230051", "卫四").await;
    let notes = format!("/api/v1/patients/{pid}/notes");
    app.clock.advance(Duration::hours(1));
    let early_note = d.post(&notes, json!({"text": "首次接诊"})).await.json["id"].clone();
    app.clock.advance(Duration::hours(1));
    let r = d
        .post(
            &format!("/api/v1/consultations/{first}/close"),
            json!({"assessment": "血糖控制欠佳", "advice": "二甲双胍加量", "offline_visit": false,
                   "department": "", "follow_up": "两周后复查"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    app.clock.advance(Duration::hours(1));
    let second = ask_for(&mut p, doctor_id).await;
    app.clock.advance(Duration::hours(1));
    let late_note = d.post(&notes, json!({"text": "等待复诊资料"})).await.json["id"].clone();

    let timeline = format!("/api/v1/patients/{pid}/timeline");
    let page = d.get(&timeline).await.json;
    let entries = |page: &Value| -> Vec<(String, Value)> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["item"]["kind"].as_str().unwrap().into(),
                    e["item"]["id"].clone(),
                )
            })
            .collect()
    };
    let expected = vec![
        ("note".to_owned(), late_note),
        ("consultation".to_owned(), json!(second)),
        ("note".to_owned(), early_note),
        ("consultation".to_owned(), json!(first)),
    ];
    assert_eq!(entries(&page), expected);
    assert_eq!(page["next_cursor"], Value::Null);
    let closed = &page["items"][3];
    assert_eq!(closed["item"]["status"], "closed");
    assert_eq!(closed["item"]["advice"]["follow_up"], "两周后复查");
    assert_eq!(closed["item"]["prior_diagnosis"]["diagnosis"], "2 型糖尿病");
    assert_eq!(closed["item"]["complaint"], "血糖近两周偏高\n空腹 9 左右");
    assert_eq!(closed["item"]["evidence"][0]["kind"], "outpatient_record");
    let c = d.get(&format!("/api/v1/consultations/{first}")).await.json;
    assert_eq!(closed["at"], c["created_at"]);
    assert_eq!(page["items"][0]["item"]["text"], "等待复诊资料");
    assert_eq!(page["items"][1]["item"]["status"], "new");

    // Pages: of 3, then of 1 at a time; each entry once, in order.
    let first_page = d.get(&format!("{timeline}?limit=3")).await.json;
    assert_eq!(entries(&first_page), expected[..3]);
    let cursor = first_page["next_cursor"].as_str().unwrap();
    let rest = d
        .get(&format!("{timeline}?limit=3&cursor={cursor}"))
        .await
        .json;
    assert_eq!(entries(&rest), expected[3..]);
    assert_eq!(rest["next_cursor"], Value::Null);
    let seen = json!({ "items": walk_pages(&mut d, &timeline).await });
    assert_eq!(entries(&seen), expected);
    let r = d.get(&format!("{timeline}?cursor=1_message_1")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

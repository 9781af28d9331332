//! Races in patient management, follow-ups and questions: the tag cap and unique names,
//! batch tagging, the template cap, note versions, one end of a visit, questions an hour.

use axum::http::StatusCode;
use serde_json::json;

use crate::{
    app_with,
    common::{my_patient, open_service, patient, patients::create_tag, TestApp},
    scalar,
    wire::{counts, post, put, tally, Checks, Who, Wire},
};

async fn doctor_with_patients(
    app: &TestApp,
    n: usize,
) -> (crate::common::Browser<'_>, i64, Vec<i64>) {
    let (mut d, doctor_id) = open_service(app, "13911116001", "陈静").await;
    let mut ids = Vec::new();
    for i in 0..n {
        let phone = format!("1372226{i:04}");
        ids.push(my_patient(app, &mut d, doctor_id, &phone, "周九").await.2);
    }
    (d, doctor_id, ids)
}

/// 30 tags exist; 40 more at once: 20 get in (the cap is 50).
pub async fn tag_cap() -> Checks {
    let app = app_with(|_| {}).await;
    let (mut d, doctor_id) = open_service(&app, "13911116002", "陈静").await;
    for n in 0..30 {
        create_tag(&mut d, &format!("旧标签{n}"), "blue").await;
    }
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|n| post(&who, "/api/v1/tags", json!({"name": format!("标签{n}")})))
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("201", 20), ("409 limit_reached", 20)]),
    );
    c.eq(
        "tags stored",
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM tags WHERE doctor_id = {doctor_id}"),
        )
        .await,
        50,
    );
    c
}

/// One tag name added 40 times at once: one tag.
pub async fn tag_name_once() -> Checks {
    let app = app_with(|_| {}).await;
    let (d, _) = open_service(&app, "13911116003", "陈静").await;
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|_| post(&who, "/api/v1/tags", json!({"name": "高血压"})))
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("201", 1), ("409 name_taken", 39)]),
    );
    c.eq(
        "tags stored",
        scalar(&app, "SELECT COUNT(*) FROM tags").await,
        1,
    );
    c
}

/// One tag put on the same 3 patients by 40 batch requests at once: each patient is
/// counted (and audited) as added once.
pub async fn batch_tagging() -> Checks {
    let app = app_with(|_| {}).await;
    let (mut d, doctor_id, pid) = doctor_with_patients(&app, 3).await;
    let tag = create_tag(&mut d, "重点关注", "orange").await;
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|_| {
            post(
                &who,
                format!("/api/v1/tags/{tag}/patients"),
                json!({"patient_ids": [pid[0], pid[1], pid[2], pid[1]]}),
            )
        })
        .collect();
    let answers = wire.all_at_once(calls).await;
    let mut c = Checks::default();
    c.eq("answers", tally(&answers), counts(&[("200", 40)]));
    c.eq(
        "added, summed over the answers",
        answers
            .iter()
            .map(|a| a.json["added"].as_i64().unwrap_or(0))
            .sum::<i64>(),
        3,
    );
    c.eq(
        "tagged patients stored",
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM patient_tags WHERE tag_id = {tag}"),
        )
        .await,
        3,
    );
    // The counters the patient list reads for its totals (migration 0020's triggers).
    c.eq(
        "the tag's patient counter",
        scalar(&app, &format!("SELECT patients FROM tags WHERE id = {tag}")).await,
        3,
    );
    c.eq(
        "the doctor's patient counter",
        scalar(
            &app,
            &format!("SELECT patients FROM patient_counts WHERE doctor_id = {doctor_id}"),
        )
        .await,
        3,
    );
    c.eq(
        "audit rows",
        scalar(
            &app,
            &format!(
                "SELECT COUNT(*) FROM patient_audit WHERE action = 'tag_bulk_add' AND doctor_id = {doctor_id}"
            ),
        )
        .await,
        3,
    );
    c
}

/// 10 templates exist; 40 more at once: 20 get in (the cap is 30).
pub async fn template_cap() -> Checks {
    let app = app_with(|_| {}).await;
    let (mut d, doctor_id) = open_service(&app, "13911116004", "陈静").await;
    let template = |n: String| json!({"name": n, "every": 2, "unit": "weeks", "visits": 2, "message": "请按时复诊"});
    for n in 0..10 {
        let r = d
            .post(
                "/api/v1/follow-up-templates",
                template(format!("旧模板{n}")),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    }
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|n| {
            post(
                &who,
                "/api/v1/follow-up-templates",
                template(format!("模板{n}")),
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("201", 20), ("409 limit_reached", 20)]),
    );
    c.eq(
        "templates stored",
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM follow_up_templates WHERE doctor_id = {doctor_id}"),
        )
        .await,
        30,
    );
    c
}

/// 40 edits of a note from its version 1 at once: one wins, one version added.
pub async fn note_versions() -> Checks {
    let app = app_with(|_| {}).await;
    let (mut d, _, pid) = doctor_with_patients(&app, 1).await;
    let pid = pid[0];
    let r = d
        .post(
            &format!("/api/v1/patients/{pid}/notes"),
            json!({"text": "初诊"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let note = r.json["id"].as_i64().unwrap();
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|n| {
            put(
                &who,
                format!("/api/v1/patients/{pid}/notes/{note}"),
                json!({"text": format!("设备 {n} 的修改"), "version": 1}),
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("200", 1), ("409 conflict", 39)]),
    );
    c.eq(
        "stored version",
        scalar(
            &app,
            &format!("SELECT version FROM patient_notes WHERE id = {note}"),
        )
        .await,
        2,
    );
    c.eq(
        "versions kept",
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM note_versions WHERE note_id = {note}"),
        )
        .await,
        2,
    );
    c
}

/// One visit marked done and missed 40 times at once: one end.
pub async fn one_end_of_a_visit() -> Checks {
    let app = app_with(|_| {}).await;
    let (mut d, _, pid) = doctor_with_patients(&app, 1).await;
    let today = app.clock_today();
    let r = d
        .post(
            &format!("/api/v1/patients/{}/follow-up-plans", pid[0]),
            json!({"name": "复诊", "visits": [{"due_on": today, "message": "请复诊"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let visit = r.json["visits"][0]["id"].as_i64().unwrap();
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|n| {
            let action = if n % 2 == 0 { "done" } else { "missed" };
            post(
                &who,
                format!("/api/v1/follow-ups/{visit}/{action}"),
                json!({"note": "到院复诊"}),
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("200", 1), ("409 invalid_transition", 39)]),
    );
    c
}

/// 40 public questions from one patient at once: 5 an hour.
pub async fn questions_per_hour() -> Checks {
    let app = app_with(|_| {}).await;
    let p = patient(&app, "13722226100", "周患者").await;
    let wire = Wire::start(&app).await;
    let who = Who::of(&p);
    let calls = (0..40)
        .map(|n| {
            post(
                &who,
                "/api/v1/patient/questions",
                json!({"text": format!("高血压要终身服药吗？第{n}问"), "department": "心内科"}),
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("201", 5), ("429 rate_limited", 35)]),
    );
    c.eq(
        "questions stored",
        scalar(&app, "SELECT COUNT(*) FROM questions").await,
        5,
    );
    c
}

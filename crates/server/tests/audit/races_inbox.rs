//! Races in the consultation inbox: the daily limit, follow-up questions after the end,
//! one message per client id, one acceptance of a request, the quick-reply cap.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::{
    app_with,
    common::{ask_for, my_patient, open_service, patient, PDF},
    scalar,
    wire::{counts, post, tally, Checks, Who, Wire},
};

fn advice() -> Value {
    json!({"assessment": "血糖控制欠佳", "advice": "二甲双胍加量，控制饮食", "offline_visit": true,
           "department": "内分泌科", "follow_up": "两周后复查空腹血糖"})
}

fn settings(daily_limit: u32, follow_up_questions: u32) -> Value {
    json!({"enabled": true, "price_fen": 3000, "daily_limit": daily_limit,
           "greeting": "您好，我已接诊，请描述目前的情况。",
           "follow_up_questions": follow_up_questions})
}

/// 40 patients ask one doctor at once whose limit is 5 a day: 5 requests are made.
pub async fn daily_consultation_limit() -> Checks {
    let app = app_with(|_| {}).await;
    let (mut d, doctor_id) = open_service(&app, "13911112001", "陈静").await;
    let r = d
        .put("/api/v1/me/consultation-settings", settings(5, 2))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let mut calls = Vec::new();
    for n in 0..40 {
        let mut p = patient(&app, &format!("137222{n:05}"), "张三").await;
        let record = p
            .post_multipart("/api/v1/patient/files", &[], Some(("病历.pdf", PDF)))
            .await;
        assert_eq!(record.status, StatusCode::CREATED, "{}", record.json);
        calls.push(post(
            &Who::of(&p),
            "/api/v1/patient/consultations",
            json!({
                "doctor_id": doctor_id,
                "complaint": "血糖近两周偏高",
                "prior_diagnosis": {"hospital": "杭州市第一人民医院", "diagnosis": "2 型糖尿病",
                                    "visited_on": "2026-09-01"},
                "evidence": [{"kind": "outpatient_record", "file_id": record.json["file_id"]}],
            }),
        ));
    }
    let wire = Wire::start(&app).await;
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("201", 5), ("409 daily_limit_reached", 35)]),
    );
    c.eq(
        "requests stored",
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM consultations WHERE doctor_id = {doctor_id}"),
        )
        .await,
        5,
    );
    c
}

/// After the end with 2 follow-up questions allowed, 40 questions at once: 2 get in.
pub async fn follow_up_question_count() -> Checks {
    let app = app_with(|_| {}).await;
    let (mut d, doctor_id) = open_service(&app, "13911112002", "陈静").await;
    let (p, id, _) = my_patient(&app, &mut d, doctor_id, "13722220002", "张三").await;
    let r = d
        .post(&format!("/api/v1/consultations/{id}/close"), advice())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let before = messages_from(&app, id, "patient").await;
    let wire = Wire::start(&app).await;
    let who = Who::of(&p);
    let calls = (0..40)
        .map(|n| {
            post(
                &who,
                format!("/api/v1/patient/consultations/{id}/messages"),
                json!({"client_id": format!("p-follow-{n:04}"), "text": "药什么时候吃？"}),
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("201", 2), ("409 invalid_transition", 38)]),
    );
    c.eq(
        "questions stored",
        messages_from(&app, id, "patient").await - before,
        2,
    );
    c.eq(
        "questions left",
        scalar(
            &app,
            &format!("SELECT follow_ups_left FROM consultations WHERE id = {id}"),
        )
        .await,
        0,
    );
    c
}

async fn messages_from(app: &crate::common::TestApp, id: i64, sender: &str) -> i64 {
    scalar(
        app,
        &format!(
            "SELECT COUNT(*) FROM messages WHERE consultation_id = {id} AND sender = '{sender}'"
        ),
    )
    .await
}

/// One message sent 40 times at once with one client id (a retry storm), by the doctor
/// and by the patient: one message each; every answer shows that one message.
pub async fn idempotent_message_sends() -> Checks {
    let app = app_with(|_| {}).await;
    let (mut d, doctor_id) = open_service(&app, "13911112003", "陈静").await;
    let (p, id, _) = my_patient(&app, &mut d, doctor_id, "13722220003", "张三").await;
    let wire = Wire::start(&app).await;
    let mut c = Checks::default();
    for (who, path, sender) in [
        (
            Who::of(&d),
            format!("/api/v1/consultations/{id}/messages"),
            "doctor",
        ),
        (
            Who::of(&p),
            format!("/api/v1/patient/consultations/{id}/messages"),
            "patient",
        ),
    ] {
        let calls = (0..40)
            .map(|_| {
                post(
                    &who,
                    path.clone(),
                    json!({"client_id": "retry-0000001", "text": "请按时服药"}),
                )
            })
            .collect();
        let answers = wire.all_at_once(calls).await;
        c.eq(
            &format!("{sender}: answers"),
            tally(&answers),
            counts(&[("201", 1), ("200", 39)]),
        );
        let ids: std::collections::BTreeSet<String> =
            answers.iter().map(|a| a.json["id"].to_string()).collect();
        c.eq(&format!("{sender}: message ids answered"), ids.len(), 1);
        c.eq(
            &format!("{sender}: messages stored"),
            scalar(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM messages WHERE consultation_id = {id}
                     AND sender = '{sender}' AND client_id = 'retry-0000001'"
                ),
            )
            .await,
            1,
        );
    }
    c
}

/// 40 acceptances of one request at once: one, with one greeting and one audit row.
pub async fn one_acceptance_of_a_request() -> Checks {
    let app = app_with(|_| {}).await;
    let (d, doctor_id) = open_service(&app, "13911112004", "陈静").await;
    let mut p = patient(&app, "13722220004", "张三").await;
    let id = ask_for(&mut p, doctor_id).await;
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|_| {
            post(
                &who,
                format!("/api/v1/consultations/{id}/accept"),
                json!({"follow_up_confirmed": true}),
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("200", 1), ("409 invalid_transition", 39)]),
    );
    c.eq(
        "accept audit rows",
        scalar(
            &app,
            &format!(
                "SELECT COUNT(*) FROM consultation_audit WHERE consultation_id = {id}
                 AND action = 'accept'"
            ),
        )
        .await,
        1,
    );
    c.eq("greetings", messages_from(&app, id, "doctor").await, 1);
    c
}

/// 40 quick replies added at once under a cap of 5.
pub async fn quick_reply_cap() -> Checks {
    let app = app_with(|c| c.limits.quick_replies_max = 5).await;
    let d = app.doctor("13911112005").await;
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|i| {
            post(
                &who,
                "/api/v1/me/quick-replies",
                json!({"title": format!("回复{i}"), "text": "请按时服药"}),
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("201", 5), ("409 limit_reached", 35)]),
    );
    c.eq(
        "stored",
        scalar(&app, "SELECT COUNT(*) FROM quick_replies").await,
        5,
    );
    c
}

//! The doctor's records of their patients: tags (and a reminder to everyone with one),
//! notes with a history, clinical facts, and follow-up plans whose visits are reminded,
//! done and missed, the rest lying ahead.

use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{json, Value};

use super::client::{Api, Recorder, Slot};

/// Tags, notes (one edited), clinical facts, follow-up plans and reminders.
pub async fn records(rec: &mut Recorder<'_>, doctor: &Api, patients: &[i64], today: NaiveDate) {
    let (first, second) = (patients[0], patients[1]);
    let mut tags = Vec::new();
    for name in rec.many("tag.name", 20, 12) {
        let mut slots = [Slot::new("tag.name", "name", "/name", Some(name), "")];
        let body = json!({"name": "", "color": "red"});
        if let Some(t) = rec
            .send(
                doctor,
                Method::POST,
                "/api/v1/tags",
                body,
                &mut slots,
                None,
                false,
            )
            .await
        {
            tags.push(t["id"].as_i64().expect("a tag id"));
        }
    }
    let plain = doctor
        .post(
            "/api/v1/tags",
            json!({"name": "糖尿病随访", "color": "blue"}),
        )
        .await;
    assert_eq!(plain.status, 201, "{}", plain.json);
    tags.push(plain.json["id"].as_i64().expect("a tag id"));
    let r = doctor
        .put(
            &format!("/api/v1/patients/{first}/tags"),
            json!({"tag_ids": tags}),
        )
        .await;
    assert!(r.ok(), "tags: {}", r.json);
    let r = doctor
        .post(
            &format!("/api/v1/tags/{}/patients", tags[0]),
            json!({"patient_ids": [second]}),
        )
        .await;
    assert!(r.ok(), "bulk tag: {}", r.json);
    let mut slots = [Slot::new(
        "follow_up.tag_reminder",
        "message",
        "/message",
        rec.one("follow_up.tag_reminder", 200),
        "请本周内回院复查糖化血红蛋白。",
    )];
    let path = format!("/api/v1/tags/{}/remind", tags[0]);
    rec.send(
        doctor,
        Method::POST,
        &path,
        json!({"message": ""}),
        &mut slots,
        None,
        true,
    )
    .await;

    let mut notes = Vec::new();
    for text in rec.many("note.text", 20, 2000) {
        let mut slots = [Slot::new("note.text", "text", "/text", Some(text), "")];
        let path = format!("/api/v1/patients/{first}/notes");
        if let Some(n) = rec
            .send(
                doctor,
                Method::POST,
                &path,
                json!({"text": ""}),
                &mut slots,
                None,
                false,
            )
            .await
        {
            notes.push(n);
        }
    }
    let plain = doctor
        .post(
            &format!("/api/v1/patients/{first}/notes"),
            json!({"text": "患者依从性好，家属支持。"}),
        )
        .await;
    assert_eq!(plain.status, 201, "{}", plain.json);
    // The first note edited: its earlier text stays readable in the history.
    let note = notes.first().unwrap_or(&plain.json);
    let r = doctor
        .put(
            &format!("/api/v1/patients/{first}/notes/{}", note["id"]),
            json!({"text": "复诊后更新：血糖已平稳。", "version": note["version"]}),
        )
        .await;
    assert!(r.ok(), "note edit: {}", r.json);

    for patient in [first, second] {
        let mut slots = [
            Slot::new(
                "clinical.conditions",
                "conditions",
                "/conditions",
                rec.one("clinical.conditions", 500),
                "2 型糖尿病；高血压 2 级",
            ),
            Slot::new(
                "clinical.allergies",
                "allergies",
                "/allergies",
                rec.one("clinical.allergies", 500),
                "青霉素过敏",
            ),
        ];
        let path = format!("/api/v1/patients/{patient}/clinical");
        let body = json!({"conditions": "", "allergies": ""});
        rec.send(doctor, Method::PUT, &path, body, &mut slots, None, true)
            .await;
    }
    follow_ups(rec, doctor, first, second, today).await;
}

/// A template, a plan from it, and a plan of the doctor's own whose visits are
/// reminded, done (with an outcome) and missed; the rest lie ahead.
async fn follow_ups(
    rec: &mut Recorder<'_>,
    doctor: &Api,
    first: i64,
    second: i64,
    today: NaiveDate,
) {
    let mut slots = [
        Slot::new(
            "follow_up.template_name",
            "name",
            "/name",
            rec.one("follow_up.template_name", 30),
            "糖尿病季度随访",
        ),
        Slot::new(
            "follow_up.template_message",
            "message",
            "/message",
            rec.one("follow_up.template_message", 200),
            "请按时复查空腹血糖和糖化血红蛋白。",
        ),
    ];
    let body = json!({"name": "", "every": 4, "unit": "weeks", "visits": 3, "message": ""});
    let template = rec
        .send(
            doctor,
            Method::POST,
            "/api/v1/follow-up-templates",
            body,
            &mut slots,
            None,
            true,
        )
        .await
        .expect("with fallback");
    let path = format!("/api/v1/patients/{second}/follow-up-plans");
    let r = doctor
        .post(
            &path,
            json!({"template_id": template["id"], "start": today.to_string()}),
        )
        .await;
    assert!(r.ok(), "plan from a template: {}", r.json);

    let messages = rec.many("follow_up.visit_message", 4, 200);
    let dates = [0, 0, 0, 30].map(|d| (today + chrono::Duration::days(d)).to_string());
    let visits: Vec<Value> = dates
        .iter()
        .map(|d| json!({"due_on": d, "message": ""}))
        .collect();
    let mut slots = vec![Slot::new(
        "follow_up.plan_name",
        "name",
        "/name",
        rec.one("follow_up.plan_name", 30),
        "术后随访",
    )];
    for i in 0..visits.len() {
        slots.push(Slot::new(
            "follow_up.visit_message",
            "visits.message",
            format!("/visits/{i}/message"),
            messages.get(i).cloned(),
            "请回院复查。",
        ));
    }
    let path = format!("/api/v1/patients/{first}/follow-up-plans");
    let plan = rec
        .send(
            doctor,
            Method::POST,
            &path,
            json!({"name": "", "visits": visits}),
            &mut slots,
            None,
            true,
        )
        .await
        .expect("with fallback");
    let visit = |i: usize| plan["visits"][i]["id"].as_i64().expect("a visit id");
    let r = doctor
        .act(&format!("/api/v1/follow-ups/{}/remind", visit(0)))
        .await;
    assert!(r.ok(), "remind: {}", r.json);
    let mut slots = [Slot::new(
        "follow_up.outcome_note",
        "note",
        "/note",
        rec.one("follow_up.outcome_note", 500),
        "已复查，血糖 6.1。",
    )];
    let path = format!("/api/v1/follow-ups/{}/done", visit(1));
    rec.send(
        doctor,
        Method::POST,
        &path,
        json!({"note": ""}),
        &mut slots,
        None,
        true,
    )
    .await;
    let r = doctor
        .act(&format!("/api/v1/follow-ups/{}/missed", visit(2)))
        .await;
    assert!(r.ok(), "missed: {}", r.json);
}

//! Follow-up care through the real router: plans from templates (month ends, leap years)
//! and by hand, the four lists with their counts and pages, reminders reaching the patient
//! app and the SMS outbox, done and missed (by the doctor, or by itself after 7 days),
//! finished visits refusing changes also under concurrent requests, reminders to everyone
//! with a tag counted exactly, other doctors and signed-out callers getting nothing, the
//! doctor's "today" counts, and the visits in the patient's timeline.

mod common;

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate};
use common::{
    ask_for, assert_documented, audit_actions, my_patient, open_service, patient, send, walk_pages,
    Browser, Reply, TestApp,
};
use serde_json::{json, Value};

/// The id of a built-in template.
async fn builtin(d: &mut Browser<'_>, name: &str) -> i64 {
    let templates = d.get("/api/v1/follow-up-templates").await.json;
    templates
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name && t["builtin"] == true)
        .unwrap_or_else(|| panic!("no built-in {name}: {templates}"))["id"]
        .as_i64()
        .unwrap()
}

async fn plan(d: &mut Browser<'_>, patient_id: i64, body: Value) -> Value {
    let r = d
        .post(
            &format!("/api/v1/patients/{patient_id}/follow-up-plans"),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json
}

/// A plan by hand with one visit per `(date, message)`.
async fn plan_by_hand(
    d: &mut Browser<'_>,
    patient_id: i64,
    name: &str,
    visits: &[(NaiveDate, &str)],
) -> Value {
    let visits: Vec<Value> = visits
        .iter()
        .map(|(due_on, message)| json!({"due_on": due_on, "message": message}))
        .collect();
    plan(d, patient_id, json!({"name": name, "visits": visits})).await
}

fn visit_ids(plan: &Value) -> Vec<i64> {
    plan["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect()
}

fn due_dates(visits: &Value) -> Vec<String> {
    visits
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["due_on"].as_str().unwrap().to_owned())
        .collect()
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect()
}

async fn list(d: &mut Browser<'_>, which: &str) -> Value {
    let r = d.get(&format!("/api/v1/follow-ups?list={which}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json
}

fn counts(today: u32, overdue: u32, upcoming: u32, done: u32) -> Value {
    json!({"today": today, "overdue": overdue, "upcoming": upcoming, "done": done})
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Visits are weeks apart: the doctor's session must outlive the clock's jumps.
async fn weeks_app() -> TestApp {
    TestApp::with_config(|c| {
        c.limits.session_idle_secs = 365 * 24 * 3600;
        c.limits.session_remember_secs = 365 * 24 * 3600;
    })
    .await
}

#[tokio::test]
async fn plans_from_templates_and_by_hand_land_in_the_right_lists() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114001", "陈静").await;
    let (_p, _, pid) = my_patient(&app, &mut d, doctor_id, "13722240001", "张三").await;
    let today = app.clock_today();
    assert_eq!(today, day("2026-11-29"));

    // The built-in templates, then mine.
    let templates = d.get("/api/v1/follow-up-templates").await.json;
    let builtins: Vec<(Value, Value, Value, Value)> = templates
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["builtin"], true);
            assert!(!t["message"].as_str().unwrap().is_empty());
            (
                t["name"].clone(),
                t["every"].clone(),
                t["unit"].clone(),
                t["visits"].clone(),
            )
        })
        .collect();
    assert_eq!(
        builtins,
        vec![
            (json!("高血压"), json!(4), json!("weeks"), json!(3)),
            (json!("2 型糖尿病"), json!(12), json!("weeks"), json!(2)),
            (json!("术后复查"), json!(1), json!("months"), json!(3)),
        ]
    );
    let r = d
        .post(
            "/api/v1/follow-up-templates",
            json!({"name": "甲状腺功能", "every": 3, "unit": "months", "visits": 2,
                   "message": "请空腹抽血复查甲状腺功能"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["builtin"], false);
    let own = r.json["id"].as_i64().unwrap();
    let templates = d.get("/api/v1/follow-up-templates").await.json;
    assert_eq!(templates.as_array().unwrap().len(), 4);
    assert_eq!(templates[3]["id"], own);
    let r = d
        .post(
            "/api/v1/follow-up-templates",
            json!({"name": " ", "every": 0, "unit": "weeks", "visits": 13, "message": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "every", "visits", "message"] {
        assert!(r.field_error(field).is_some(), "{field}: {}", r.json);
    }

    // From a template, starting today: every 4 weeks, three times, its message each time.
    let hypertension = builtin(&mut d, "高血压").await;
    let bp = plan(&mut d, pid, json!({"template_id": hypertension})).await;
    assert_eq!(bp["name"], "高血压");
    assert_eq!(bp["template_id"], hypertension);
    assert_eq!(bp["patient_id"], pid);
    assert_eq!(
        due_dates(&bp["visits"]),
        ["2026-12-27", "2027-01-24", "2027-02-21"]
    );
    let message = templates[0]["message"].clone();
    for v in bp["visits"].as_array().unwrap() {
        assert_eq!(
            (&v["state"], &v["message"], &v["plan_id"]),
            (&json!("planned"), &message, &bp["id"])
        );
        assert_eq!(v["patient"]["masked_name"], "张*");
        assert_eq!(v["plan_name"], "高血压");
        assert_eq!(v["reminder_count"], 0);
        assert_eq!(
            (&v["reminded_at"], &v["finished_at"]),
            (&Value::Null, &Value::Null)
        );
    }

    // Months from Jan 31 of a leap year: clamped to each month's end, counted from the
    // start each time (Feb 29, then Mar 31, not Mar 29); a new name replaces the template's.
    let surgery = builtin(&mut d, "术后复查").await;
    let post_op = plan(
        &mut d,
        pid,
        json!({"template_id": surgery, "start": "2028-01-31", "name": "阑尾切除术后"}),
    )
    .await;
    assert_eq!(post_op["name"], "阑尾切除术后");
    assert_eq!(
        due_dates(&post_op["visits"]),
        ["2028-02-29", "2028-03-31", "2028-04-30"]
    );
    let own_plan = plan(
        &mut d,
        pid,
        json!({"template_id": own, "start": "2027-08-31"}),
    )
    .await;
    assert_eq!(due_dates(&own_plan["visits"]), ["2027-11-30", "2028-02-29"]);

    // By hand: today and next week, in due order whatever the order given.
    let by_hand = plan_by_hand(
        &mut d,
        pid,
        "血糖复查",
        &[
            (day("2026-12-05"), "复查空腹血糖"),
            (today, "今天请测空腹血糖"),
        ],
    )
    .await;
    assert_eq!(by_hand["template_id"], Value::Null);
    assert_eq!(due_dates(&by_hand["visits"]), ["2026-11-29", "2026-12-05"]);
    assert_eq!(by_hand["visits"][0]["message"], "今天请测空腹血糖");

    // The lists: today has today's visit, upcoming the rest in due order; counts of all.
    let page = list(&mut d, "today").await;
    assert_eq!(ids(&page), [visit_ids(&by_hand)[0]]);
    assert_eq!(page["counts"], counts(1, 0, 9, 0));
    assert_eq!(page["next_cursor"], Value::Null);
    assert_eq!(
        d.get("/api/v1/follow-ups").await.json,
        page,
        "today by default"
    );
    let upcoming = list(&mut d, "upcoming").await;
    assert_eq!(
        due_dates(&upcoming["items"]),
        [
            "2026-12-05",
            "2026-12-27",
            "2027-01-24",
            "2027-02-21",
            "2027-11-30",
            "2028-02-29",
            "2028-02-29",
            "2028-03-31",
            "2028-04-30"
        ]
    );
    for empty in ["overdue", "done"] {
        let page = list(&mut d, empty).await;
        assert_eq!((ids(&page), &page["counts"]), (vec![], &counts(1, 0, 9, 0)));
    }
    // Pages of 4: each visit once, in order.
    let mut seen = Vec::new();
    let mut path = "/api/v1/follow-ups?list=upcoming&limit=4".to_owned();
    loop {
        let page = d.get(&path).await.json;
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/follow-ups?list=upcoming&limit=4&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ids(&upcoming));
    let r = d.get("/api/v1/follow-ups?list=missed").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "validation_failed");
    assert!(r.field_error("list").is_some(), "{}", r.json);
    let r = d.get("/api/v1/follow-ups?list=upcoming&cursor=zzz").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The patient's plans, newest first.
    let plans = d
        .get(&format!("/api/v1/patients/{pid}/follow-up-plans"))
        .await
        .json;
    let plan_ids: Vec<Value> = plans
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(
        plan_ids,
        [&by_hand["id"], &own_plan["id"], &post_op["id"], &bp["id"]].map(Clone::clone)
    );
    assert_eq!(plans[3], bp);

    // What is refused: a plan by hand without name or visits, a visit in the past, a
    // start so early a visit would be past, visits with a template, an unknown template.
    let plans_path = format!("/api/v1/patients/{pid}/follow-up-plans");
    let refused = [
        (json!({"visits": []}), vec!["name", "visits"]),
        (
            json!({"name": "x", "visits": [{"due_on": "2026-11-28", "message": "x"}]}),
            vec!["visits.due_on"],
        ),
        (
            json!({"name": "x", "visits": [{"due_on": "2026-12-28", "message": " "}]}),
            vec!["visits.message"],
        ),
        (
            json!({"template_id": hypertension, "start": "2026-10-01"}),
            vec!["start"],
        ),
        (
            json!({"template_id": hypertension,
                   "visits": [{"due_on": "2026-12-28", "message": "x"}]}),
            vec!["visits"],
        ),
    ];
    for (body, fields) in refused {
        let r = d.post(&plans_path, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let got: Vec<&str> = r.json["error"]["fields"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut fields = fields;
        fields.sort();
        assert_eq!(got, fields, "{body}");
    }
    let r = d.post(&plans_path, json!({"template_id": 999999})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(list(&mut d, "today").await["counts"], counts(1, 0, 9, 0));
    let audit = audit_actions(&app, doctor_id).await;
    assert_eq!(
        audit,
        [
            "follow_up_template_created",
            "follow_up_plan_created",
            "follow_up_plan_created",
            "follow_up_plan_created",
            "follow_up_plan_created"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_five_concurrent_template_adds_end_with_thirty() {
    let app = TestApp::new().await;
    let (mut d, _) = open_service(&app, "13911114002", "陈静").await;
    let mut requests = Vec::new();
    for n in 0..35 {
        requests.push(
            d.request(
                Method::POST,
                "/api/v1/follow-up-templates",
                json!({"name": format!("模板{n}"), "every": 2, "unit": "weeks", "visits": 2,
                       "message": "请按时复诊"}),
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
    assert_eq!((created, refused), (30, 5));
    let templates = d.get("/api/v1/follow-up-templates").await.json;
    let own = templates
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["builtin"] == false)
        .count();
    assert_eq!(own, 30);
}

#[tokio::test]
async fn a_visit_due_today_is_reminded_and_done() {
    let app = weeks_app().await;
    let (mut d, doctor_id) = open_service(&app, "13911114003", "陈静").await;
    let (mut p, _, pid) = my_patient(&app, &mut d, doctor_id, "13722240031", "李四").await;
    let hypertension = builtin(&mut d, "高血压").await;
    let bp = plan(&mut d, pid, json!({"template_id": hypertension})).await;
    let first = visit_ids(&bp)[0];
    assert_eq!(list(&mut d, "today").await["counts"], counts(0, 0, 3, 0));
    let next = |page: &Value| page["items"][0]["next_follow_up"].clone();
    let mine = d.get("/api/v1/patients").await.json;
    assert_eq!(
        next(&mine),
        bp["visits"][0]["due_on"],
        "the row shows the next visit"
    );

    // Four weeks later the first visit is due today.
    app.clock.advance(Duration::weeks(4));
    let page = list(&mut d, "today").await;
    assert_eq!(ids(&page), [first]);
    assert_eq!(page["counts"], counts(1, 0, 2, 0));
    assert_eq!(page["items"][0]["due_on"], app.clock_today().to_string());

    // Remind: the patient app shows it, the SMS outbox has it.
    assert_eq!(
        p.get("/api/v1/patient/reminders").await.json,
        json!([]),
        "nothing yet"
    );
    let r = d
        .post(&format!("/api/v1/follow-ups/{first}/remind"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["state"], "reminded");
    assert_eq!(r.json["reminder_count"], 1);
    let reminded_at = r.json["reminded_at"].clone();
    assert!(reminded_at.is_string());
    let reminders = p.get("/api/v1/patient/reminders").await;
    assert_eq!(reminders.status, StatusCode::OK);
    assert_eq!(reminders.json.as_array().unwrap().len(), 1);
    let reminder = &reminders.json[0];
    assert_eq!(reminder["doctor_name"], "陈静");
    assert_eq!(reminder["message"], r.json["message"]);
    assert_eq!(reminder["due_on"], r.json["due_on"]);
    assert_eq!(reminder["sent_at"], reminded_at);
    let sms = d.get("/api/v1/dev/sms-notices?phone=13722240031").await;
    assert_eq!(sms.status, StatusCode::OK, "{}", sms.json);
    let text = sms.json["text"].as_str().unwrap();
    assert!(text.contains("陈静"), "{text}");
    assert!(text.contains(r.json["message"].as_str().unwrap()), "{text}");
    assert!(text.contains(r.json["due_on"].as_str().unwrap()), "{text}");
    let still_today = list(&mut d, "today").await;
    assert_eq!(still_today["items"][0]["state"], "reminded");

    // A second reminder is allowed while the visit is open, and counted.
    app.clock.advance(Duration::hours(2));
    let r = d
        .post(&format!("/api/v1/follow-ups/{first}/remind"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["reminder_count"], 2);
    assert_ne!(r.json["reminded_at"], reminded_at);
    let reminders = p.get("/api/v1/patient/reminders").await.json;
    assert_eq!(reminders.as_array().unwrap().len(), 2);
    assert_eq!(
        reminders[0]["sent_at"], r.json["reminded_at"],
        "newest first"
    );

    // Done, with a note the patient never sees.
    let r = d
        .post(
            &format!("/api/v1/follow-ups/{first}/done"),
            json!({"note": "血压 132/84，继续原方案"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["state"], "done");
    assert_eq!(r.json["outcome_note"], "血压 132/84，继续原方案");
    assert!(r.json["finished_at"].is_string());
    let page = list(&mut d, "today").await;
    assert_eq!((ids(&page), &page["counts"]), (vec![], &counts(0, 0, 2, 1)));
    let mine = d.get("/api/v1/patients").await.json;
    assert_eq!(
        next(&mine),
        bp["visits"][1]["due_on"],
        "done: the next one is next"
    );
    let done = list(&mut d, "done").await;
    assert_eq!(ids(&done), [first]);
    assert_eq!(done["items"][0]["outcome_note"], "血压 132/84，继续原方案");
    let patient_view = p.get("/api/v1/patient/reminders").await.json.to_string();
    assert!(!patient_view.contains("132/84"));
    let r = d
        .post(
            &format!("/api/v1/follow-ups/{}/done", visit_ids(&bp)[1]),
            json!({"note": "x".repeat(501)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_error("note").is_some());

    assert_eq!(
        audit_actions(&app, doctor_id).await,
        [
            "follow_up_plan_created",
            "follow_up_reminded",
            "follow_up_reminded",
            "follow_up_done"
        ]
    );
}

#[tokio::test]
async fn an_open_visit_is_missed_by_itself_seven_days_after_it_was_due() {
    let app = weeks_app().await;
    let (mut d, doctor_id) = open_service(&app, "13911114004", "陈静").await;
    let (_p, _, pid) = my_patient(&app, &mut d, doctor_id, "13722240041", "王五").await;
    let today = app.clock_today();
    let due = today + Duration::days(1);
    let by_hand = plan_by_hand(
        &mut d,
        pid,
        "血糖复查",
        &[
            (due, "复查空腹血糖"),
            (today + Duration::days(30), "复查糖化"),
        ],
    )
    .await;
    let visit = visit_ids(&by_hand)[0];

    // Due tomorrow; the day after, overdue; still overdue on the 6th day after.
    app.clock.advance(Duration::days(2));
    let page = list(&mut d, "overdue").await;
    assert_eq!(ids(&page), [visit]);
    assert_eq!(page["counts"], counts(0, 1, 1, 0));
    app.clock.advance(Duration::days(5));
    assert_eq!(app.clock_today(), due + Duration::days(6));
    assert_eq!(ids(&list(&mut d, "overdue").await), [visit]);

    // On the 7th day it is missed by itself, listed with the finished ones, from the start
    // of that day (China time).
    app.clock.advance(Duration::days(1));
    let page = list(&mut d, "overdue").await;
    assert_eq!((ids(&page), &page["counts"]), (vec![], &counts(0, 0, 1, 1)));
    let done = list(&mut d, "done").await;
    assert_eq!(ids(&done), [visit]);
    assert_eq!(done["items"][0]["state"], "missed");
    let seventh_day_china = format!("{}T16:00:00Z", due + Duration::days(6));
    assert_eq!(done["items"][0]["finished_at"], seventh_day_china);
    let detail: String = doctor_desk_server::db::query_scalar(
        "SELECT detail FROM patient_audit WHERE doctor_id = ? AND action = 'follow_up_missed'",
    )
    .bind(doctor_id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let detail: Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(
        (detail["follow_up_id"].clone(), detail["by"].clone()),
        (json!(visit), json!("system"))
    );

    // The daily housekeeping does the same when nobody looks.
    let other = plan_by_hand(&mut d, pid, "复诊", &[(app.clock_today(), "请复诊")]).await;
    app.clock.advance(Duration::days(8));
    doctor_desk_server::housekeeping::daily(&app.state).await;
    let state: String =
        doctor_desk_server::db::query_scalar("SELECT state FROM follow_ups WHERE id = ?")
            .bind(visit_ids(&other)[0])
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(state, "missed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn finished_visits_refuse_changes_and_concurrent_finishes_have_one_winner() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114005", "陈静").await;
    let (_p, _, pid) = my_patient(&app, &mut d, doctor_id, "13722240051", "赵六").await;
    let today = app.clock_today();
    let by_hand = plan_by_hand(
        &mut d,
        pid,
        "复诊",
        &[(today, "请复诊"), (today, "请复诊"), (today, "请复诊")],
    )
    .await;
    let [done, missed, raced] = visit_ids(&by_hand)[..] else {
        panic!("three visits")
    };
    let r = d
        .post(&format!("/api/v1/follow-ups/{done}/done"), json!({}))
        .await;
    assert_eq!(
        (r.status, &r.json["outcome_note"]),
        (StatusCode::OK, &json!(""))
    );
    let r = d
        .post(&format!("/api/v1/follow-ups/{missed}/missed"), json!({}))
        .await;
    assert_eq!(
        (r.status, &r.json["state"]),
        (StatusCode::OK, &json!("missed"))
    );
    for id in [done, missed] {
        for action in ["remind", "done", "missed"] {
            let r = d
                .post(&format!("/api/v1/follow-ups/{id}/{action}"), json!({}))
                .await;
            assert_eq!(
                (r.status, r.error_code()),
                (StatusCode::CONFLICT, "invalid_transition"),
                "{action} on {id}"
            );
        }
    }

    // Ten at once, half done and half missed: exactly one wins.
    let mut requests = Vec::new();
    for n in 0..10 {
        let action = if n % 2 == 0 { "done" } else { "missed" };
        requests.push(
            d.request(
                Method::POST,
                &format!("/api/v1/follow-ups/{raced}/{action}"),
                json!({"note": "到院复诊"}),
            )
            .await,
        );
    }
    let replies = app.send_concurrently(requests).await;
    let winners: Vec<&Reply> = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(replies
        .iter()
        .filter(|r| r.status != StatusCode::OK)
        .all(|r| r.status == StatusCode::CONFLICT && r.error_code() == "invalid_transition"));
    let stored: String =
        doctor_desk_server::db::query_scalar("SELECT state FROM follow_ups WHERE id = ?")
            .bind(raced)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(json!(stored), winners[0].json["state"]);
    let details: Vec<String> = doctor_desk_server::db::query_scalar(
        "SELECT detail FROM patient_audit WHERE action IN ('follow_up_done', 'follow_up_missed')",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let finishes = details
        .iter()
        .filter(|d| serde_json::from_str::<Value>(d).unwrap()["follow_up_id"] == raced)
        .count();
    assert_eq!(finishes, 1);
    assert_eq!(list(&mut d, "done").await["counts"], counts(0, 0, 0, 3));
}

#[tokio::test]
async fn a_tag_reminder_reaches_every_patient_with_the_tag_once() {
    let app = TestApp::with_config(|c| c.limits.sms_ip_per_hour = 1000).await;
    let (mut d, doctor_id) = open_service(&app, "13911114006", "陈静").await;
    let mut patients = Vec::new();
    for n in 1..=4 {
        let phone = format!("1372224006{n}");
        let (p, _, pid) = my_patient(&app, &mut d, doctor_id, &phone, "钱七").await;
        patients.push((p, pid, phone));
    }
    let r = d
        .post("/api/v1/tags", json!({"name": "高血压", "color": "red"}))
        .await;
    let tag = r.json["id"].as_i64().unwrap();
    let tagged: Vec<i64> = patients[..3].iter().map(|p| p.1).collect();
    let r = d
        .post(
            &format!("/api/v1/tags/{tag}/patients"),
            json!({"patient_ids": tagged}),
        )
        .await;
    assert_eq!(r.json["patient_count"], 3, "{}", r.json);
    let tags = d.get("/api/v1/tags").await.json;
    assert_eq!(tags[0]["patient_count"], 3);

    let r = d
        .post(
            &format!("/api/v1/tags/{tag}/remind"),
            json!({"message": " "}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_error("message").is_some());
    let r = d
        .post(
            &format!("/api/v1/tags/{tag}/remind"),
            json!({"message": "天气转凉，请注意监测血压，按时服药"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json, json!({"sent": 3}));
    for (p, _, phone) in &mut patients[..3] {
        let reminders = p.get("/api/v1/patient/reminders").await.json;
        assert_eq!(
            reminders.as_array().unwrap().len(),
            1,
            "{phone}: {reminders}"
        );
        assert_eq!(
            reminders[0]["message"],
            "天气转凉，请注意监测血压，按时服药"
        );
        assert_eq!(reminders[0]["due_on"], Value::Null);
        assert_eq!(reminders[0]["doctor_name"], "陈静");
        let sms = d
            .get(&format!("/api/v1/dev/sms-notices?phone={phone}"))
            .await;
        assert!(sms.json["text"]
            .as_str()
            .unwrap()
            .contains("天气转凉，请注意监测血压，按时服药"));
    }
    let (untagged, _, phone) = &mut patients[3];
    assert_eq!(
        untagged.get("/api/v1/patient/reminders").await.json,
        json!([])
    );
    let sms = d
        .get(&format!("/api/v1/dev/sms-notices?phone={phone}"))
        .await;
    assert_eq!(sms.status, StatusCode::NOT_FOUND);
    let audited = audit_actions(&app, doctor_id)
        .await
        .into_iter()
        .filter(|a| a == "tag_reminder")
        .count();
    assert_eq!(audited, 3);

    // Another doctor's tag is not mine to use; my tag without patients reminds nobody.
    let (mut other, _) = open_service(&app, "13911114007", "王芳").await;
    let r = other
        .post(
            &format!("/api/v1/tags/{tag}/remind"),
            json!({"message": "x"}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let r = other.post("/api/v1/tags", json!({"name": "空标签"})).await;
    let empty = r.json["id"].as_i64().unwrap();
    let r = other
        .post(
            &format!("/api/v1/tags/{empty}/remind"),
            json!({"message": "x"}),
        )
        .await;
    assert_eq!(r.json, json!({"sent": 0}));
    for (p, _, _) in &mut patients[..3] {
        let reminders = p.get("/api/v1/patient/reminders").await.json;
        assert_eq!(reminders.as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn other_doctors_get_404_and_signed_out_callers_401_everywhere() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114008", "陈静").await;
    let (mut other, other_id) = open_service(&app, "13911114009", "王芳").await;
    let (mut p, _, pid) = my_patient(&app, &mut d, doctor_id, "13722240081", "孙八").await;
    let (_q, _, theirs) = my_patient(&app, &mut other, other_id, "13722240082", "周九").await;
    let today = app.clock_today();
    let by_hand = plan_by_hand(&mut d, pid, "复诊", &[(today, "请复诊")]).await;
    let visit = visit_ids(&by_hand)[0];
    let r = d
        .post(
            "/api/v1/follow-up-templates",
            json!({"name": "我的模板", "every": 2, "unit": "weeks", "visits": 2,
                   "message": "请复诊"}),
        )
        .await;
    let template = r.json["id"].as_i64().unwrap();
    let r = d.post("/api/v1/tags", json!({"name": "随访中"})).await;
    let tag = r.json["id"].as_i64().unwrap();
    d.put(
        &format!("/api/v1/patients/{pid}/tags"),
        json!({"tag_ids": [tag]}),
    )
    .await;

    let mine: Vec<(Method, String, Value)> = vec![
        (
            Method::GET,
            format!("/api/v1/patients/{pid}/follow-up-plans"),
            Value::Null,
        ),
        (
            Method::POST,
            format!("/api/v1/patients/{pid}/follow-up-plans"),
            json!({"name": "x", "visits": [{"due_on": today, "message": "x"}]}),
        ),
        // My template on their own patient.
        (
            Method::POST,
            format!("/api/v1/patients/{theirs}/follow-up-plans"),
            json!({"template_id": template}),
        ),
        (
            Method::POST,
            format!("/api/v1/follow-ups/{visit}/remind"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/follow-ups/{visit}/done"),
            json!({"note": ""}),
        ),
        (
            Method::POST,
            format!("/api/v1/follow-ups/{visit}/missed"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/tags/{tag}/remind"),
            json!({"message": "x"}),
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
    // Their lists show nothing of mine; nothing of mine changed; the patient got nothing.
    for which in ["today", "overdue", "upcoming", "done"] {
        let page = list(&mut other, which).await;
        assert_eq!((ids(&page), &page["counts"]), (vec![], &counts(0, 0, 0, 0)));
    }
    let templates = other.get("/api/v1/follow-up-templates").await.json;
    assert!(templates
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["builtin"] == true));
    let page = list(&mut d, "today").await;
    assert_eq!(ids(&page), [visit]);
    assert_eq!(page["items"][0]["state"], "planned");
    assert_eq!(p.get("/api/v1/patient/reminders").await.json, json!([]));
    assert!(audit_actions(&app, other_id).await.is_empty());
    let today_of_other = other.get("/api/v1/me/today").await.json;
    assert_eq!(today_of_other["follow_ups_today"], 0);

    // Signed out: 401 everywhere, also for the lists.
    let mut stranger = app.browser();
    let lists = [
        (Method::GET, "/api/v1/follow-ups".to_owned(), Value::Null),
        (
            Method::GET,
            "/api/v1/follow-up-templates".to_owned(),
            Value::Null,
        ),
        (
            Method::POST,
            "/api/v1/follow-up-templates".to_owned(),
            json!({"name": "x", "every": 1, "unit": "weeks", "visits": 1, "message": "x"}),
        ),
        (Method::GET, "/api/v1/me/today".to_owned(), Value::Null),
        (
            Method::GET,
            "/api/v1/patient/reminders".to_owned(),
            Value::Null,
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
    // A doctor's session is not a patient's.
    let r = d.get("/api/v1/patient/reminders").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Changes need the CSRF header like every other.
    let r = d
        .post_without_csrf(&format!("/api/v1/follow-ups/{visit}/done"), json!({}))
        .await;
    assert_eq!(r.error_code(), "csrf_failed");
}

#[tokio::test]
async fn today_counts_what_waits_for_the_doctor() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114010", "陈静").await;
    let zero = json!({"new_consultations": 0, "answers_due": 0, "follow_ups_today": 0,
                      "follow_ups_overdue": 0, "documents_expiring": 0});
    assert_eq!(d.get("/api/v1/me/today").await.json, zero);

    // An accepted consultation: the greeting is the doctor's, so nothing to answer yet.
    let (mut p, consultation, pid) =
        my_patient(&app, &mut d, doctor_id, "13722240101", "吴十").await;
    let today = app.clock_today();
    plan_by_hand(
        &mut d,
        pid,
        "复诊",
        &[(today, "请复诊"), (today + Duration::days(1), "请复诊")],
    )
    .await;
    let now = d.get("/api/v1/me/today").await.json;
    assert_eq!(
        (&now["answers_due"], &now["follow_ups_today"]),
        (&json!(0), &json!(1))
    );

    // Nine hours later it is tomorrow in China (16:00 + 9 h): one visit overdue, one due.
    app.clock.advance(Duration::hours(9));
    assert_eq!(app.clock_today(), today + Duration::days(1));
    let mut q = patient(&app, "13722240102", "郑一").await;
    ask_for(&mut q, doctor_id).await;
    let r = p
        .post(
            &format!("/api/v1/patient/consultations/{consultation}/messages"),
            json!({"client_id": "patient-msg-0001", "text": "今天血压 150/95"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    doctor_desk_server::db::query(
        "UPDATE documents SET expires_on = ? WHERE account_id = ? AND kind = 'id_card_front'",
    )
    .bind((app.clock_today() + Duration::days(20)).to_string())
    .bind(doctor_id)
    .execute(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        d.get("/api/v1/me/today").await.json,
        json!({"new_consultations": 1, "answers_due": 1, "follow_ups_today": 1,
               "follow_ups_overdue": 1, "documents_expiring": 1})
    );

    // The doctor answers: nothing due. Ended with advice, a follow-up question is due
    // again until answered.
    let r = d
        .post(
            &format!("/api/v1/consultations/{consultation}/messages"),
            json!({"client_id": "doctor-msg-0001", "text": "继续原方案，一周后复测"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(d.get("/api/v1/me/today").await.json["answers_due"], 0);
    let r = d
        .post(
            &format!("/api/v1/consultations/{consultation}/close"),
            json!({"assessment": "血压控制欠佳", "advice": "继续服药", "offline_visit": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(d.get("/api/v1/me/today").await.json["answers_due"], 0);
    let r = p
        .post(
            &format!("/api/v1/patient/consultations/{consultation}/messages"),
            json!({"client_id": "patient-msg-0002", "text": "需要加药吗？"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(d.get("/api/v1/me/today").await.json["answers_due"], 1);
    d.post(
        &format!("/api/v1/consultations/{consultation}/messages"),
        json!({"client_id": "doctor-msg-0002", "text": "暂不需要"}),
    )
    .await;
    assert_eq!(d.get("/api/v1/me/today").await.json["answers_due"], 0);
}

#[tokio::test]
async fn the_timeline_includes_the_follow_ups() {
    let app = TestApp::new().await;
    let (mut d, doctor_id) = open_service(&app, "13911114011", "陈静").await;
    let (_p, consultation, pid) = my_patient(&app, &mut d, doctor_id, "13722240111", "冯二").await;
    app.clock.advance(Duration::hours(1));
    let note = d
        .post(
            &format!("/api/v1/patients/{pid}/notes"),
            json!({"text": "首次接诊"}),
        )
        .await
        .json["id"]
        .clone();
    let today = app.clock_today();
    let by_hand = plan_by_hand(
        &mut d,
        pid,
        "复诊",
        &[
            (today + Duration::days(1), "请复诊"),
            (today + Duration::days(30), "请复查"),
        ],
    )
    .await;
    let [soon, later] = visit_ids(&by_hand)[..] else {
        panic!("two visits")
    };
    d.post(&format!("/api/v1/follow-ups/{soon}/remind"), json!({}))
        .await;

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
        ("follow_up".to_owned(), json!(later)),
        ("follow_up".to_owned(), json!(soon)),
        ("note".to_owned(), note),
        ("consultation".to_owned(), json!(consultation)),
    ];
    assert_eq!(entries(&page), expected);
    let visit = &page["items"][1];
    assert_eq!(
        visit["at"],
        format!("{}T01:00:00Z", today + Duration::days(1)),
        "09:00 China time of the due date"
    );
    assert_eq!(visit["item"]["state"], "reminded");
    assert_eq!(visit["item"]["plan_name"], "复诊");
    assert_eq!(visit["item"]["message"], "请复诊");

    // One entry a page: the cursor works across kinds.
    let seen = json!({ "items": walk_pages(&mut d, &timeline).await });
    assert_eq!(entries(&seen), expected);
    let r = d.get(&format!("{timeline}?cursor=1_follow_up")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_document_describes_follow_ups() {
    let app = TestApp::new().await;
    let doc = app.browser().get("/api/openapi.json").await.json;
    let expected = [
        ("get", "/api/v1/follow-up-templates"),
        ("post", "/api/v1/follow-up-templates"),
        ("get", "/api/v1/patients/{id}/follow-up-plans"),
        ("post", "/api/v1/patients/{id}/follow-up-plans"),
        ("get", "/api/v1/follow-ups"),
        ("post", "/api/v1/follow-ups/{id}/remind"),
        ("post", "/api/v1/follow-ups/{id}/done"),
        ("post", "/api/v1/follow-ups/{id}/missed"),
        ("post", "/api/v1/tags/{id}/remind"),
        ("get", "/api/v1/me/today"),
    ];
    let with_body = [
        "/api/v1/follow-up-templates",
        "/api/v1/patients/{id}/follow-up-plans",
        "/api/v1/follow-ups/{id}/done",
        "/api/v1/tags/{id}/remind",
    ];
    assert_documented(&doc, "follow-ups", &expected, |method, path| {
        let mut more = vec![];
        if method == "post" && with_body.contains(&path) {
            more.extend(["400", "415", "422"]);
        }
        if path.starts_with("/api/v1/follow-ups/")
            || (path == "/api/v1/follow-up-templates" && method == "post")
        {
            more.push("409");
        }
        more
    });
    let reminders = &doc["paths"]["/api/v1/patient/reminders"]["get"];
    assert_eq!(reminders["tags"], json!(["patient"]));
    assert!(reminders["responses"]["401"].is_object());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "Template",
        "TemplateInput",
        "NewPlan",
        "FollowUpPlan",
        "FollowUpPage",
        "FollowUp",
        "Outcome",
        "TagReminder",
        "RemindersSent",
        "PatientReminder",
        "Today",
        "DevSmsNotice",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
}

#[tokio::test]
async fn the_demo_doctor_has_visits_in_every_state() {
    use doctor_desk_server::demo::DOCTOR_PHONE;
    let app = TestApp::with_config(|c| c.demo_data = true).await;
    let doctor_id: i64 =
        doctor_desk_server::db::query_scalar("SELECT id FROM accounts WHERE phone = ?")
            .bind(DOCTOR_PHONE)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let today = app.clock_today().to_string();
    let (due_today, overdue, upcoming, done, missed, reminded, own): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = doctor_desk_server::db::query_as(
        "SELECT
               (SELECT COUNT(*) FROM follow_ups WHERE doctor_id = ?1
                  AND state IN ('planned', 'reminded') AND due_on = ?2),
               (SELECT COUNT(*) FROM follow_ups WHERE doctor_id = ?1
                  AND state IN ('planned', 'reminded') AND due_on < ?2),
               (SELECT COUNT(*) FROM follow_ups WHERE doctor_id = ?1
                  AND state IN ('planned', 'reminded') AND due_on > ?2),
               (SELECT COUNT(*) FROM follow_ups WHERE doctor_id = ?1 AND state = 'done'),
               (SELECT COUNT(*) FROM follow_ups WHERE doctor_id = ?1 AND state = 'missed'),
               (SELECT COUNT(*) FROM patient_reminders WHERE doctor_id = ?1),
               (SELECT COUNT(*) FROM follow_up_templates WHERE doctor_id = ?1)",
    )
    .bind(doctor_id)
    .bind(&today)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(
        due_today >= 1 && overdue >= 1 && upcoming >= 1,
        "{due_today} {overdue} {upcoming}"
    );
    assert!(done >= 1 && missed >= 1, "{done} {missed}");
    assert_eq!((reminded, own), (4, 1));
    // Nothing there is for the sweep to change: the demo is consistent with the rules.
    assert_eq!(
        doctor_desk_server::follow_ups::sweep(&app.state)
            .await
            .unwrap(),
        0
    );
}

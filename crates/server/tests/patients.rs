//! Patient management through the real router: a patient becomes mine when I accept their
//! consultation (and only then); other doctors and signed-out callers get nothing; search,
//! tag filter, both orders and cursor pages; tags with their cap and unique names, also
//! under concurrent requests; bulk tagging counted exactly; notes keeping every text and
//! never reaching the patient; the audited phone reveal; and the merged timeline.

mod common;

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate};
use common::{
    accept, ask_for, assert_documented, audit_actions, my_patient, open_service, patient, send,
    walk_pages, Browser, TestApp,
};
use serde_json::{json, Value};

async fn patient_id_of(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM patients WHERE phone = ?")
        .bind(phone)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// Visits are weeks apart: the doctor's session must outlive the clock's jumps.
async fn weeks_app() -> TestApp {
    TestApp::with_config(|c| {
        c.limits.sms_ip_per_hour = 1000;
        c.limits.session_idle_secs = 365 * 24 * 3600;
        c.limits.session_remember_secs = 365 * 24 * 3600;
    })
    .await
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_i64().unwrap())
        .collect()
}

async fn create_tag(d: &mut Browser<'_>, name: &str, color: &str) -> i64 {
    let r = d
        .post("/api/v1/tags", json!({"name": name, "color": color}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json["id"].as_i64().unwrap()
}

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
    let counted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM patient_tags WHERE patient_id IN (?, ?)")
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
async fn search_filter_orders_and_cursor_pages() {
    let app = TestApp::with_config(|c| c.limits.sms_ip_per_hour = 1000).await;
    let (mut d, doctor_id) = open_service(&app, "13911113004", "陈静").await;
    let mut patients = Vec::new();
    for (phone, name) in [
        ("13722240001", "张小明"),
        ("13722240002", "张大伟"),
        ("13722240003", "李大海"),
        ("13722240004", "王芳芳"),
        ("13722249999", "赵四"),
    ] {
        app.clock.advance(Duration::minutes(10));
        patients.push(my_patient(&app, &mut d, doctor_id, phone, name).await);
    }
    let pid: Vec<i64> = patients.iter().map(|(_, _, id)| *id).collect();
    // The first patient asks again later: the last consultation, not who came first.
    app.clock.advance(Duration::minutes(10));
    let again = ask_for(&mut patients[0].0, doctor_id).await;
    accept(&mut d, again).await;
    let by_last = vec![pid[0], pid[4], pid[3], pid[2], pid[1]];
    let by_newest = vec![pid[4], pid[3], pid[2], pid[1], pid[0]];

    let page = d.get("/api/v1/patients").await.json;
    assert_eq!(
        (ids(&page), page["total"].clone()),
        (by_last.clone(), json!(5))
    );
    let page = d.get("/api/v1/patients?sort=newest").await.json;
    assert_eq!(ids(&page), by_newest);
    let r = d.get("/api/v1/patients?sort=alphabetical").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_error("sort").is_some(), "{}", r.json);

    // Part of a name, or the last 4 digits of the phone.
    let page = d.get("/api/v1/patients?q=%E5%BC%A0").await.json; // 张
    assert_eq!(
        (ids(&page), page["total"].clone()),
        (vec![pid[0], pid[1]], json!(2))
    );
    let page = d.get("/api/v1/patients?q=%E5%A4%A7").await.json; // 大
    assert_eq!(ids(&page), vec![pid[2], pid[1]]);
    let page = d.get("/api/v1/patients?q=0003").await.json;
    assert_eq!(ids(&page), vec![pid[2]]);
    let page = d.get("/api/v1/patients?q=9999").await.json;
    assert_eq!(ids(&page), vec![pid[4]]);
    let page = d.get("/api/v1/patients?q=1372").await.json;
    assert_eq!(ids(&page), Vec::<i64>::new(), "only the last 4 digits");

    // One of my tags.
    let tag = create_tag(&mut d, "随访中", "green").await;
    for id in [pid[1], pid[3]] {
        let r = d
            .put(
                &format!("/api/v1/patients/{id}/tags"),
                json!({"tag_ids": [tag]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    }
    let page = d.get(&format!("/api/v1/patients?tag={tag}")).await.json;
    assert_eq!(
        (ids(&page), page["total"].clone()),
        (vec![pid[3], pid[1]], json!(2))
    );
    assert_eq!(
        page["items"][0]["tags"],
        json!([{"id": tag, "name": "随访中", "color": "green"}])
    );
    let page = d
        .get(&format!("/api/v1/patients?tag={tag}&q=%E5%BC%A0"))
        .await
        .json;
    assert_eq!(ids(&page), vec![pid[1]]);
    let r = d.get(&format!("/api/v1/patients?tag={}", tag + 1)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Pages of 2 in either order: each patient once, the total on every page.
    for (sort, expected) in [("last_consultation", &by_last), ("newest", &by_newest)] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..3 {
            let mut path = format!("/api/v1/patients?sort={sort}&limit=2");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page = d.get(&path).await.json;
            assert_eq!(page["total"], 5);
            seen.extend(ids(&page));
            cursor = page["next_cursor"].as_str().map(String::from);
        }
        assert_eq!(&seen, expected, "{sort}");
        assert_eq!(cursor, None, "{sort}: three pages hold five");
    }
    let r = d.get("/api/v1/patients?cursor=yesterday").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// A plan by hand for my patient: one visit per due date; the visits' ids.
async fn plan_visits(d: &mut Browser<'_>, patient_id: i64, due: &[NaiveDate]) -> Vec<i64> {
    let visits: Vec<Value> = due
        .iter()
        .map(|day| json!({"due_on": day, "message": "请按时复诊"}))
        .collect();
    let r = d
        .post(
            &format!("/api/v1/patients/{patient_id}/follow-up-plans"),
            json!({"name": "复诊", "visits": visits}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect()
}

/// Every patient of `query` (`sort=…&…`), `limit` at a time: the ids in order, checking
/// the total on each page.
async fn all_pages(d: &mut Browser<'_>, query: &str, limit: usize, total: usize) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..=total {
        let mut path = format!("/api/v1/patients?{query}&limit={limit}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let r = d.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.json);
        assert_eq!(r.json["total"], total, "{path}");
        let page = ids(&r.json);
        assert!(page.len() <= limit, "{path}");
        seen.extend(page);
        cursor = r.json["next_cursor"].as_str().map(String::from);
        if cursor.is_none() {
            return seen;
        }
    }
    panic!("{query}, {limit} a page: more pages than patients: {seen:?}");
}

/// `next_follow_up` of each row of a page, by id.
fn next_visits(page: &Value) -> Vec<(i64, Value)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["id"].as_i64().unwrap(), row["next_follow_up"].clone()))
        .collect()
}

/// The stored next visit of every patient is what their visits say (the triggers kept up).
async fn assert_next_visits_stored(app: &TestApp) {
    let stale: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT doctor_id, patient_id, next_follow_up FROM doctor_patients dp
         WHERE next_follow_up IS NOT (
             SELECT MIN(f.due_on) FROM follow_ups f
             WHERE f.doctor_id = dp.doctor_id AND f.patient_id = dp.patient_id
               AND f.state IN ('planned', 'reminded'))",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(stale, vec![]);
}

#[tokio::test]
async fn by_next_follow_up_the_soonest_visit_first_and_those_without_one_last() {
    let app = weeks_app().await;
    let (mut d, doctor_id) = open_service(&app, "13911113031", "陈静").await;
    let (mut other, other_id) = open_service(&app, "13911113032", "王芳").await;
    let mut patients = Vec::new();
    for (phone, name) in [
        ("13722250001", "张小明"),
        ("13722250002", "张大伟"),
        ("13722250003", "李大海"),
        ("13722250004", "王芳芳"),
        ("13722250005", "赵四"),
        ("13722250006", "孙丽"),
    ] {
        app.clock.advance(Duration::minutes(10));
        patients.push(my_patient(&app, &mut d, doctor_id, phone, name).await);
    }
    let pid: Vec<i64> = patients.iter().map(|(_, _, id)| *id).collect();
    let today = app.clock_today();
    let in_days = |n: i64| today + Duration::days(n);

    // p1 and p4 share a date (then by id); p2 and p5 have no plan with me. p2's plan with
    // another doctor is theirs, not mine.
    let p0 = plan_visits(&mut d, pid[0], &[in_days(1)]).await;
    let p1 = plan_visits(&mut d, pid[1], &[in_days(10), in_days(40)]).await;
    let p3 = plan_visits(&mut d, pid[3], &[in_days(30), in_days(3)]).await;
    plan_visits(&mut d, pid[4], &[in_days(10)]).await;
    let theirs = ask_for(&mut patients[2].0, other_id).await;
    accept(&mut other, theirs).await;
    plan_visits(&mut other, pid[2], &[in_days(2)]).await;

    let by_visit = vec![pid[0], pid[3], pid[1], pid[4], pid[5], pid[2]];
    let r = d.get("/api/v1/patients?sort=next_follow_up").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(
        (ids(&r.json), &r.json["total"]),
        (by_visit.clone(), &json!(6))
    );
    let day = |n: i64| json!(in_days(n));
    assert_eq!(
        next_visits(&r.json),
        vec![
            (pid[0], day(1)),
            (pid[3], day(3)),
            (pid[1], day(10)),
            (pid[4], day(10)),
            (pid[5], Value::Null),
            (pid[2], Value::Null),
        ]
    );
    let theirs = other.get("/api/v1/patients?sort=next_follow_up").await.json;
    assert_eq!(next_visits(&theirs), vec![(pid[2], day(2))]);
    // The other orders show the same next visit on each row.
    let by_last = d.get("/api/v1/patients").await.json;
    assert_eq!(by_last["items"][4]["id"], pid[1]);
    assert_eq!(by_last["items"][4]["next_follow_up"], day(10));

    // Every page size, across the end of the patients with a visit: each patient once.
    for limit in 1..=7 {
        assert_eq!(
            all_pages(&mut d, "sort=next_follow_up", limit, 6).await,
            by_visit,
            "{limit} a page"
        );
    }

    // A visit done or missed moves its patient: to their next open visit, or to the end.
    let r = d
        .post(&format!("/api/v1/follow-ups/{}/done", p0[0]), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let r = d
        .post(&format!("/api/v1/follow-ups/{}/missed", p1[0]), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    // A reminded visit is still open.
    let r = d
        .post(&format!("/api/v1/follow-ups/{}/remind", p3[1]), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let page = d.get("/api/v1/patients?sort=next_follow_up").await.json;
    assert_eq!(
        next_visits(&page),
        vec![
            (pid[3], day(3)),
            (pid[4], day(10)),
            (pid[1], day(40)),
            (pid[5], Value::Null),
            (pid[2], Value::Null),
            (pid[0], Value::Null),
        ]
    );
    let after_changes = ids(&page);
    for limit in [1, 2, 3, 4] {
        assert_eq!(
            all_pages(&mut d, "sort=next_follow_up", limit, 6).await,
            after_changes,
            "{limit} a page"
        );
    }

    // Overdue and still open: first, until the sweep misses it 7 days after it was due.
    app.clock.advance(Duration::days(5));
    let page = d.get("/api/v1/patients?sort=next_follow_up").await.json;
    assert_eq!(next_visits(&page)[0], (pid[3], day(3)));
    app.clock.advance(Duration::days(6));
    let swept = doctor_desk_server::follow_ups::sweep(&app.state)
        .await
        .unwrap();
    assert_eq!(
        swept, 2,
        "p3's, 8 days overdue, and the other doctor's for p2"
    );
    let page = d.get("/api/v1/patients?sort=next_follow_up").await.json;
    assert_eq!(
        &next_visits(&page)[..3],
        [(pid[4], day(10)), (pid[3], day(30)), (pid[1], day(40))],
        "p4's visit, a day overdue, first"
    );

    // With a search or a tag, the same order over the matches.
    let tag = create_tag(&mut d, "随访中", "green").await;
    for id in [pid[2], pid[3], pid[1]] {
        let r = d
            .put(
                &format!("/api/v1/patients/{id}/tags"),
                json!({"tag_ids": [tag]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    }
    let query = format!("sort=next_follow_up&tag={tag}");
    for limit in [1, 2, 3] {
        assert_eq!(
            all_pages(&mut d, &query, limit, 3).await,
            [pid[3], pid[1], pid[2]]
        );
    }
    let page = d
        .get("/api/v1/patients?sort=next_follow_up&q=%E5%BC%A0") // 张
        .await
        .json;
    assert_eq!(ids(&page), [pid[1], pid[0]]);
    let page = d
        .get("/api/v1/patients?sort=next_follow_up&q=0004")
        .await
        .json;
    assert_eq!(ids(&page), [pid[3]]);

    // A cursor is only good for its own sort.
    let by_last = d.get("/api/v1/patients?limit=1").await.json;
    let cursor = by_last["next_cursor"].as_str().unwrap();
    let r = d
        .get(&format!(
            "/api/v1/patients?sort=next_follow_up&cursor={cursor}"
        ))
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let first = d
        .get("/api/v1/patients?sort=next_follow_up&limit=1")
        .await
        .json;
    let cursor = first["next_cursor"].as_str().unwrap();
    let r = d
        .get(&format!("/api/v1/patients?sort=newest&cursor={cursor}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for bad in ["none_x_1", "2026-02-30_1", "none_", "_"] {
        let r = d
            .get(&format!(
                "/api/v1/patients?sort=next_follow_up&cursor={bad}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
    }
    assert_next_visits_stored(&app).await;
}

#[tokio::test]
async fn the_stored_next_visit_follows_every_change_of_a_visit() {
    let app = weeks_app().await;
    let (mut d, doctor_id) = open_service(&app, "13911113033", "陈静").await;
    let (_p, _, pid) = my_patient(&app, &mut d, doctor_id, "13722250011", "周杰").await;
    let stored = || async {
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT next_follow_up FROM doctor_patients WHERE doctor_id = ? AND patient_id = ?",
        )
        .bind(doctor_id)
        .bind(pid)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
    };
    assert_eq!(stored().await, None);
    let today = app.clock_today();
    let visits = plan_visits(
        &mut d,
        pid,
        &[today + Duration::days(7), today + Duration::days(14)],
    )
    .await;
    let earlier = plan_visits(&mut d, pid, &[today + Duration::days(3)]).await;
    let date = |n: i64| Some((today + Duration::days(n)).to_string());
    assert_eq!(stored().await, date(3));
    // Moved (no endpoint moves a visit today; the trigger covers it all the same), done,
    // deleted.
    sqlx::query("UPDATE follow_ups SET due_on = ? WHERE id = ?")
        .bind((today + Duration::days(20)).to_string())
        .bind(earlier[0])
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored().await, date(7));
    let r = d
        .post(&format!("/api/v1/follow-ups/{}/done", visits[0]), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(stored().await, date(14));
    sqlx::query("DELETE FROM follow_ups WHERE id = ?")
        .bind(visits[1])
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored().await, date(20));
    let r = d
        .post(
            &format!("/api/v1/follow-ups/{}/missed", earlier[0]),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(stored().await, None);
    assert_next_visits_stored(&app).await;
}

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
    let deleted: String = sqlx::query_scalar(
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
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
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
    let logged: i64 = sqlx::query_scalar(
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
    let details: Vec<String> = sqlx::query_scalar("SELECT detail FROM patient_audit")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert!(details
        .iter()
        .all(|detail| !detail.contains("版") && !detail.contains("另一条")));
    // Earlier texts are kept as written.
    let edited = sqlx::query("UPDATE note_versions SET text = 'x' WHERE note_id = ?")
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
        sqlx::query_as("SELECT doctor_id, patient_id, action FROM patient_audit")
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
    let (action, detail): (String, String) =
        sqlx::query_as("SELECT action, detail FROM patient_audit ORDER BY id DESC LIMIT 1")
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
            sqlx::query(sql).execute(&app.state.db).await.is_err(),
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
    let doctor_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
        .bind(DOCTOR_PHONE)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let (patients, tagged, notes, edited): (i64, i64, i64, i64) = sqlx::query_as(
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
    let names: Vec<String> = sqlx::query_scalar(
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
    let with_visit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM doctor_patients WHERE doctor_id = ? AND next_follow_up IS NOT NULL",
    )
    .bind(doctor_id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(with_visit, 15, "sorting by the next visit shows something");
    let tags: Vec<String> = sqlx::query_scalar("SELECT name FROM tags WHERE doctor_id = ?")
        .bind(doctor_id)
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(tags.len(), 4);
}

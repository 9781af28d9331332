//! My patient list through the real router: search by name or the phone's last 4 digits,
//! the tag filter, every order and its cursor pages, and the stored next follow-up visit
//! that the `next_follow_up` order reads.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use common::{
    accept, ask_for, my_patient, open_service,
    patients::{assert_next_visits_stored, create_tag, ids},
    Browser, TestApp,
};
use serde_json::{json, Value};

/// Visits are weeks apart: the doctor's session must outlive the clock's jumps.
async fn weeks_app() -> TestApp {
    TestApp::with_config(|c| {
        c.limits.sms_ip_per_hour = 1000;
        c.limits.session_idle_secs = 365 * 24 * 3600;
        c.limits.session_remember_secs = 365 * 24 * 3600;
    })
    .await
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
    // Pages shorter than the tag: their total is the tag's counter, kept by each tagging
    // (the second patient's tag taken off, then put back).
    for (tag_ids, first, total) in [
        (json!([tag]), pid[3], 2),
        (json!([]), pid[1], 1),
        (json!([tag]), pid[3], 2),
    ] {
        let path = format!("/api/v1/patients/{}/tags", pid[3]);
        let r = d.put(&path, json!({ "tag_ids": tag_ids })).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let page = d
            .get(&format!("/api/v1/patients?tag={tag}&limit=1"))
            .await
            .json;
        assert_eq!(
            (ids(&page), page["total"].clone()),
            (vec![first], json!(total))
        );
    }
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

/// The name search reads a copy of the name on my row (migration 0011), found by its
/// characters and pairs (migration 0021): it matches any part of the full name, only among
/// my patients, and follows a renamed patient.
#[tokio::test]
async fn the_name_search_finds_part_of_the_current_name_among_mine_only() {
    let app = TestApp::with_config(|c| c.limits.sms_ip_per_hour = 1000).await;
    let (mut d, doctor_id) = open_service(&app, "13911113041", "陈静").await;
    let (mut other, other_id) = open_service(&app, "13911113042", "王芳").await;
    let mut pid = Vec::new();
    for (phone, name) in [
        ("13722260001", "欧阳明华"),
        ("13722260002", "李明"),
        ("13722260003", "王华"),
    ] {
        app.clock.advance(Duration::minutes(10));
        pid.push(my_patient(&app, &mut d, doctor_id, phone, name).await.2);
    }
    // Another doctor's patient with the same characters never shows in my search.
    let theirs = my_patient(&app, &mut other, other_id, "13722260004", "明华")
        .await
        .2;

    let search = |q: &str| format!("/api/v1/patients?q={q}");
    for (q, expected) in [
        ("明", vec![pid[1], pid[0]]),
        ("阳明", vec![pid[0]]),
        ("欧阳明华", vec![pid[0]]),
        ("华", vec![pid[2], pid[0]]),
        ("明华欧", vec![]),
    ] {
        let page = d.get(&search(q)).await.json;
        assert_eq!(
            (ids(&page), page["total"].clone()),
            (expected.clone(), json!(expected.len())),
            "{q}"
        );
    }
    let page = other.get(&search("明")).await.json;
    assert_eq!(ids(&page), vec![theirs]);

    // No endpoint renames a patient; a correction in the database reaches every copy.
    doctor_desk_server::db::query("UPDATE patients SET name = '赵志刚' WHERE id = ?")
        .bind(pid[1])
        .execute(&app.state.db)
        .await
        .unwrap();
    let page = d.get(&search("志刚")).await.json;
    assert_eq!(ids(&page), vec![pid[1]]);
    assert_eq!(page["items"][0]["masked_name"], "赵**");
    // The search's index of characters and pairs (migration 0021) follows the copy.
    let grams = |patient: i64| {
        let db = app.state.db.clone();
        async move {
            let mut grams: Vec<String> = doctor_desk_server::db::query_scalar(
                "SELECT gram FROM patient_name_grams WHERE patient_id = ? ORDER BY gram",
            )
            .bind(patient)
            .fetch_all(&db)
            .await
            .unwrap();
            grams.sort();
            grams
        }
    };
    let mut expected = vec!["赵", "志", "刚", "赵志", "志刚"];
    expected.sort();
    assert_eq!(grams(pid[1]).await, expected);
    doctor_desk_server::db::query("DELETE FROM doctor_patients WHERE patient_id = ?")
        .bind(theirs)
        .execute(&app.state.db)
        .await
        .unwrap();
    assert!(grams(theirs).await.is_empty(), "gone with the row");
    let page = d.get(&search("明")).await.json;
    assert_eq!(
        (ids(&page), page["total"].clone()),
        (vec![pid[0]], json!(1))
    );
    // Paged, the total comes from its own count: still only the matches.
    let page = d.get(&format!("{}&limit=1", search("华"))).await.json;
    assert_eq!(
        (ids(&page), page["total"].clone()),
        (vec![pid[2]], json!(2))
    );
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
        doctor_desk_server::db::query_scalar::<Option<String>>(
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
    doctor_desk_server::db::query("UPDATE follow_ups SET due_on = ? WHERE id = ?")
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
    doctor_desk_server::db::query("DELETE FROM follow_ups WHERE id = ?")
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

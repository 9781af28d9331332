//! A long writer holds the database: another connection to the same file takes the write
//! lock (`BEGIN IMMEDIATE`) and keeps it. Writes wait up to the configured bound, then
//! answer 503 `busy` with `Retry-After` (never a bare 500); reads go on (WAL); a crowd of
//! writes larger than the pool is refused the same way; once the lock is gone everything
//! works again, and a lock shorter than the bound is simply waited out.

use std::time::{Duration, Instant};

use axum::{http::Method, response::IntoResponse};
use doctor_desk_server::error::AppError;
use serde_json::json;
use sqlx::{Connection, SqliteConnection};

use crate::{
    common::{my_patient, open_service, Reply, TestApp},
    report::{some, Report},
};

/// Short, so the suite is quick; the default is 5 s.
const BOUND: Duration = Duration::from_millis(700);
/// What a loaded machine (two cores, other builds) may add on top of a bound.
const SLACK: Duration = Duration::from_millis(2500);

fn is_busy(r: &Reply) -> bool {
    r.status.as_u16() == 503
        && r.error_code() == "busy"
        && r.headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|s| s >= 1)
        && r.json["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
}

fn shape(r: &Reply) -> String {
    format!(
        "{} retry-after={:?} {}",
        r.status,
        r.headers.get("retry-after"),
        r.json
    )
}

pub async fn run(report: &Report) {
    let app = TestApp::with_config(|c| c.db_busy_timeout = BOUND).await;
    let (mut d, doctor_id) = open_service(&app, "13911115001", "陈静").await;
    let (mut p, consultation, _) = my_patient(&app, &mut d, doctor_id, "13722225001", "钱一").await;
    let send_path = format!("/api/v1/patient/consultations/{consultation}/messages");
    let read_path = send_path.clone();

    let mut holder = SqliteConnection::connect(&app.state.config.database_url())
        .await
        .expect("a second connection to the database file");
    doctor_desk_server::db::query("BEGIN IMMEDIATE")
        .execute(&mut holder)
        .await
        .expect("the long writer takes the lock");

    // A patient's message: waits the bound, then 503 busy with Retry-After.
    let started = Instant::now();
    let r = p
        .post(
            &send_path,
            json!({"client_id": "busy-0000001", "text": "锁住时发送"}),
        )
        .await;
    let took = started.elapsed();
    report.check(
        "busy: a message while the database is locked answers 503 busy + Retry-After",
        is_busy(&r),
        || shape(&r),
    );
    report.check(
        "busy: the message waited for the lock, up to the bound and no longer",
        took >= BOUND.mul_f32(0.8) && took <= BOUND * 2 + SLACK,
        || format!("answered after {took:?} (bound {BOUND:?})"),
    );
    // Another kind of write: a doctor's quick reply (a deferred transaction).
    let started = Instant::now();
    let r = d
        .post(
            "/api/v1/me/quick-replies",
            json!({"title": "复查", "text": "请两周后复查。"}),
        )
        .await;
    let took = started.elapsed();
    report.check(
        "busy: a doctor's write while locked answers 503 busy + Retry-After within the bound",
        is_busy(&r) && took <= BOUND * 2 + SLACK,
        || format!("after {took:?}: {}", shape(&r)),
    );
    // Reads do not need the write lock (WAL): they go on.
    let r = p.get(&read_path).await;
    report.check(
        "busy: a patient's read still answers 200 while a writer holds the lock",
        r.status == 200,
        || shape(&r),
    );
    let r = d.get("/api/v1/consultations?status=ongoing").await;
    report.check(
        "busy: the doctor's inbox still answers 200 while a writer holds the lock",
        r.status == 200,
        || shape(&r),
    );

    // More writes at once than the pool has connections, and reads among them: the writes
    // that get a connection wait for the lock, the others for a connection; all end with
    // 503 busy in bounded time, none with a 500, and reads answer 200 or busy.
    let mut requests = Vec::new();
    for n in 0..24 {
        let body = json!({"client_id": format!("crowd-{n:07}"), "text": format!("第{n}条")});
        requests.push(p.request(Method::POST, &send_path, body).await);
    }
    for _ in 0..6 {
        requests.push(p.request(Method::GET, &read_path, json!(null)).await);
    }
    let started = Instant::now();
    let replies = app.send_concurrently(requests).await;
    let took = started.elapsed();
    let (writes, reads) = replies.split_at(24);
    let bad_writes: Vec<String> = writes.iter().filter(|r| !is_busy(r)).map(shape).collect();
    report.check(
        "busy: 24 writes at once (pool of 8) all answer 503 busy + Retry-After",
        bad_writes.is_empty(),
        || some(&bad_writes, 3),
    );
    let bad_reads: Vec<String> = reads
        .iter()
        .filter(|r| r.status != 200 && !is_busy(r))
        .map(shape)
        .collect();
    let waited_out = reads.iter().filter(|r| r.status == 200).count();
    println!(
        "  busy: {waited_out} of the reads in the crowd got a connection in time, the others 503"
    );
    report.check(
        "busy: reads among them answer 200 or 503 busy, never 500",
        bad_reads.is_empty(),
        || some(&bad_reads, 3),
    );
    report.check(
        "busy: the crowd is answered within twice the bound (lock wait + pool wait)",
        took <= BOUND * 2 + SLACK,
        || format!("{took:?}"),
    );

    doctor_desk_server::db::query("ROLLBACK")
        .execute(&mut holder)
        .await
        .unwrap();
    let stored: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE client_id = 'busy-0000001' OR client_id LIKE 'crowd-%'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    report.check(
        "busy: nothing refused as busy was stored",
        stored == 0,
        || format!("{stored} rows"),
    );
    let r = p
        .post(
            &send_path,
            json!({"client_id": "busy-0000001", "text": "锁住时发送"}),
        )
        .await;
    report.check(
        "busy: released, the same message (same client id) is sent: 201",
        r.status == 201,
        || shape(&r),
    );
    let r = d
        .post(
            "/api/v1/me/quick-replies",
            json!({"title": "复查", "text": "请两周后复查。"}),
        )
        .await;
    report.check(
        "busy: released, the doctor's write succeeds",
        r.status == 201,
        || shape(&r),
    );

    // A lock shorter than the bound is waited out: the request succeeds, only later.
    doctor_desk_server::db::query("BEGIN IMMEDIATE")
        .execute(&mut holder)
        .await
        .unwrap();
    let hold = BOUND / 3;
    let release = tokio::spawn(async move {
        tokio::time::sleep(hold).await;
        doctor_desk_server::db::query("COMMIT")
            .execute(&mut holder)
            .await
            .unwrap();
        holder
    });
    let started = Instant::now();
    let r = p
        .post(
            &send_path,
            json!({"client_id": "busy-0000002", "text": "稍等后发送"}),
        )
        .await;
    let took = started.elapsed();
    let holder = release.await.unwrap();
    report.check(
        "busy: a lock shorter than the bound is waited out (201, after the lock ended)",
        r.status == 201 && took >= hold.mul_f32(0.8),
        || format!("after {took:?}: {}", shape(&r)),
    );
    holder.close().await.ok();

    // The pool's own timeout (no connection came free) is the same 503.
    let response = AppError::from(sqlx::Error::PoolTimedOut).into_response();
    report.check(
        "busy: a pool timeout maps to 503 with Retry-After",
        response.status() == 503 && response.headers().contains_key("retry-after"),
        || format!("{:?}", response.status()),
    );
}

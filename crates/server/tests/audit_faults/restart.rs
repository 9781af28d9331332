//! Kill and restart under load: 200 patients send messages (each with a fresh client id,
//! retried with the same id after a failure) to the real server binary for
//! `AUDIT_FAULT_SECONDS`; halfway through it is SIGKILLed and restarted on the same data
//! while the doctors' event streams reconnect with `Last-Event-ID`. Then every answered
//! message is stored exactly once, nothing is doubled, no answer was a 5xx, connection
//! errors fell only in the restart, and each stream saw every one of its events once.

use std::time::Duration;

use doctor_desk_server::simulate::{new_client_id, MESSAGES};
use rand::Rng;
use serde_json::json;
use tokio::{sync::watch, time::Instant};

use crate::{
    fixture,
    http::Http,
    report::Report,
    server::{free_addr, Server},
    stream::{follow, Seen},
};

const PATIENTS: usize = 200;
const DOCTORS: usize = 4;
/// After the server answers again, stale pooled connections may still fail for a moment.
const GRACE: Duration = Duration::from_secs(3);

/// A message the server acknowledged (2xx).
pub struct Acked {
    pub client_id: String,
    pub consultation: i64,
    pub text: String,
    pub message_id: i64,
    pub attempts: u32,
    /// Answered 200: a retry found the message already stored (its first answer was lost).
    pub replayed: bool,
    pub at: Instant,
}

#[derive(Default)]
pub struct Outcome {
    pub acked: Vec<Acked>,
    /// Every client id sent, answered or not.
    pub sent: Vec<String>,
    /// Answers that were neither 2xx nor a connection error, and sends given up.
    pub problems: Vec<String>,
    /// When a connection error was seen, and what it was.
    pub connection_errors: Vec<(Instant, String)>,
    /// 503 answers with `Retry-After` (the database held long on a slow machine): the
    /// server's documented answer, retried after the delay it gave, so no failure.
    pub busy: usize,
}

pub fn seconds() -> u64 {
    std::env::var("AUDIT_FAULT_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60)
}

/// One patient's loop until `end`: a message every 0.5–1.5 s, each retried with the
/// same client id after a connection error, a 503 with `Retry-After` (after that delay)
/// or another 5xx (bounded in count and time).
async fn patient(n: usize, http: Http, consultation: i64, end: Instant) -> Outcome {
    let mut out = Outcome::default();
    let path = format!("/api/v1/patient/consultations/{consultation}/messages");
    let mut seq = 0;
    while Instant::now() < end {
        seq += 1;
        let client_id = new_client_id();
        let text = format!("{} (#{n}-{seq})", MESSAGES[seq % MESSAGES.len()]);
        out.sent.push(client_id.clone());
        let body = json!({"client_id": client_id, "text": text});
        let mut attempts = 0;
        loop {
            attempts += 1;
            match http.post(&path, &body).await {
                Ok(a) if a.status == 201 || (a.status == 200 && attempts > 1) => {
                    out.acked.push(Acked {
                        client_id: client_id.clone(),
                        consultation,
                        text: text.clone(),
                        message_id: a.json["id"].as_i64().unwrap_or_default(),
                        attempts,
                        replayed: a.status == 200,
                        at: Instant::now(),
                    });
                    break;
                }
                Ok(a) if a.status == 503 && a.retry_after.is_some() => {
                    out.busy += 1;
                    let secs = a.retry_after.unwrap_or(1).clamp(1, 10);
                    if attempts < 100 && Instant::now() <= end + Duration::from_secs(30) {
                        tokio::time::sleep(Duration::from_secs(secs)).await;
                        continue;
                    }
                }
                Ok(a) => {
                    out.problems
                        .push(format!("{client_id} attempt {attempts}: {a}"));
                    if a.status < 500 || attempts >= 20 {
                        break;
                    }
                }
                Err(e) => out.connection_errors.push((Instant::now(), e.to_string())),
            }
            if attempts >= 100 || Instant::now() > end + Duration::from_secs(30) {
                out.problems
                    .push(format!("{client_id}: gave up after {attempts} attempts"));
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let pause = rand::thread_rng().gen_range(500..1500);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    out
}

pub async fn run(report: &Report) {
    let seconds = seconds();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let database = crate::server::database(&data).await;
    let password = fixture::reviewer(&data, &database, "13700000099");
    let mut server = Server::start(&data, &database, &free_addr()).await;
    let setup = Instant::now();
    let reviewer = Http::new(&server.url);
    let login = json!({"phone": "13700000099", "password": password, "remember": true});
    let r = reviewer.post("/api/v1/auth/login", &login).await.unwrap();
    assert_eq!(r.status, 200, "reviewer login: {r}");
    // The one-time password opens nothing else until the reviewer sets their own.
    let own = json!({"current_password": password, "new_password": "reviewer123"});
    let r = reviewer.put("/api/v1/me/password", &own).await.unwrap();
    assert_eq!(r.status, 200, "reviewer's own password: {r}");
    let mut doctors = Vec::new();
    for k in 0..DOCTORS {
        let phone = format!("1391111700{k}");
        doctors.push(fixture::doctor(&server.url, &reviewer, &phone, &format!("医生{k}")).await);
    }
    let patients = fixture::patients(&server.url, &doctors, PATIENTS).await;
    println!(
        "  restart: {DOCTORS} doctors and {PATIENTS} patients in accepted consultations, set up in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    let streams: Vec<_> = doctors
        .iter()
        .map(|d| {
            let (tx, rx) = watch::channel(None);
            (tx, follow(d.http.clone(), rx))
        })
        .collect();

    let started = Instant::now();
    let end = started + Duration::from_secs(seconds);
    let clients: Vec<_> = patients
        .iter()
        .enumerate()
        .map(|(n, p)| tokio::spawn(patient(n, p.http.clone(), p.consultation, end)))
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds) / 2).await;
    let killed_at = Instant::now();
    server.kill();
    // Long enough for every client to meet a refused connection.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    server.restart().await;
    let back_at = Instant::now();
    println!(
        "  restart: SIGKILL at {:.1} s, answering again {:.1} s later",
        (killed_at - started).as_secs_f64(),
        (back_at - killed_at).as_secs_f64()
    );

    let mut outcome = Outcome::default();
    for (n, client) in clients.into_iter().enumerate() {
        match tokio::time::timeout_at(end + Duration::from_secs(90), client).await {
            Ok(Ok(o)) => {
                outcome.acked.extend(o.acked);
                outcome.sent.extend(o.sent);
                outcome.problems.extend(o.problems);
                outcome.connection_errors.extend(o.connection_errors);
                outcome.busy += o.busy;
            }
            Ok(Err(e)) => outcome.problems.push(format!("client {n} panicked: {e}")),
            Err(_) => outcome.problems.push(format!("client {n} did not finish")),
        }
    }
    let traffic = started.elapsed();

    // Each stream must reach the last event of its doctor.
    let db = crate::server::open(&database).await;
    // Every target first, so the streams' 30 s of giving up run side by side.
    let mut handles = Vec::new();
    for ((tx, handle), d) in streams.into_iter().zip(&doctors) {
        let last: Option<i64> = doctor_desk_server::db::query_scalar(
            "SELECT MAX(id) FROM inbox_events WHERE doctor_id = ?",
        )
        .bind(d.id)
        .fetch_one(&db)
        .await
        .unwrap();
        tx.send_replace(Some(last.unwrap_or(0)));
        handles.push((tx, handle));
    }
    let mut seen: Vec<Seen> = Vec::new();
    for (_tx, mut handle) in handles {
        // The stream gives up on its own after 30 s; this bound is for a stuck task.
        match tokio::time::timeout(Duration::from_secs(60), &mut handle).await {
            Ok(Ok(s)) => seen.push(s),
            Ok(Err(e)) => seen.push(Seen {
                problems: vec![format!("the stream task panicked: {e}")],
                ..Seen::default()
            }),
            Err(_) => {
                handle.abort();
                seen.push(Seen {
                    problems: vec!["the stream task did not finish in 60 s".into()],
                    ..Seen::default()
                })
            }
        }
    }
    db.close().await;
    let stopped = server.stop(Duration::from_secs(15)).await;
    report.check(
        "restart: the server stops gracefully on SIGTERM after the run",
        stopped.is_ok(),
        || format!("{stopped:?}: {}", server.log_tail()),
    );
    println!(
        "  restart: traffic ran {:.1} s (AUDIT_FAULT_SECONDS={seconds}), whole part {:.1} s; {} messages acknowledged, {} connection errors, {} answers 503 busy with Retry-After (retried)",
        traffic.as_secs_f64(),
        (Instant::now() - setup).as_secs_f64(),
        outcome.acked.len(),
        outcome.connection_errors.len(),
        outcome.busy
    );
    crate::verdict::check(
        report,
        &database,
        &doctors,
        &patients,
        &outcome,
        &seen,
        (killed_at, back_at + GRACE),
    )
    .await;
}

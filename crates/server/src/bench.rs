//! `doctor-desk-server bench inbox` (run by `cargo xtask bench inbox`): a fresh server on
//! a temporary database filled with consultations and messages, then real HTTP clients
//! measure the inbox list and message sending under concurrency, and the delay from a
//! patient's send to its arrival on the doctor's event stream. Then one doctor's patient
//! list with many patients (`bench/patients.rs`).

mod figures;
mod patients;
mod scratch;
mod streams;

pub use streams::hold_streams;

use figures::{report, report_latency, write_figures, Sample};

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use futures_util::StreamExt;
use reqwest::{cookie::Jar, Client, Url};
use serde_json::{json, Value};

use crate::{
    auth::password,
    simulate::{new_client_id, PatientClient},
    Config, SystemClock,
};

pub struct Options {
    pub consultations: u64,
    pub messages: u64,
    pub doctors: u64,
    pub clients: usize,
    pub conversations: usize,
    /// Patients of the doctor whose patient list is measured; 0 skips those figures.
    pub patients: u64,
    /// Event streams of as many more doctors held open for the memory and delivery
    /// figures; 0 skips them.
    pub streams: usize,
    pub seconds: u64,
    /// A PostgreSQL server (`postgres://…`) to run on, in a database of the benchmark's
    /// own (made and dropped here); SQLite in a temp dir when `None`.
    pub database_url: Option<String>,
}

const PASSWORD: &str = "bench2026";

pub async fn inbox(opts: Options) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = Config::new(dir.path());
    config.dev = true;
    config.limits.sms_ip_per_hour = 1_000_000;
    config.limits.sms_requests_per_ip_per_hour = 1_000_000;
    // The delivery figure runs twice with the same patients signing in.
    config.limits.sms_phone_interval_secs = 0;
    let scratch = match &opts.database_url {
        Some(server) => Some(scratch::Database::create(server).await?),
        None => None,
    };
    config.database_url = scratch.as_ref().map(|s| s.url.clone());
    let running = crate::spawn(config, "127.0.0.1:0", Arc::new(SystemClock)).await?;
    let base = running.url();

    let started = Instant::now();
    seed(&running.state, &opts).await?;
    println!(
        "seeded {} consultations, {} messages, {} doctors in {:.1} s",
        opts.consultations,
        opts.messages,
        opts.doctors,
        started.elapsed().as_secs_f64()
    );

    // Every client is a signed-in doctor (spread over the doctors); they live as long as
    // this command does.
    let mut doctors = Vec::new();
    for n in 0..opts.clients {
        doctors.push(DoctorClient::sign_in(&base, n as u64 % opts.doctors + 1).await?);
    }
    let doctors: &'static [DoctorClient] = doctors.leak();

    // The ceiling: the same HTTP stack, clients and machine, and no database.
    let health = measure(opts.clients, opts.seconds, doctors, |d, _| async move {
        d.get("/api/v1/health").await
    })
    .await;
    report("health (GET /health, the ceiling)", opts.clients, &health);

    let list = measure(opts.clients, opts.seconds, doctors, |d, _| async move {
        d.get("/api/v1/consultations?status=ongoing&limit=30").await
    })
    .await;
    report(
        "inbox list (GET /consultations, 30 rows)",
        opts.clients,
        &list,
    );

    let send = measure(opts.clients, opts.seconds, doctors, |d, n| async move {
        let id = d.ongoing[n % d.ongoing.len()];
        d.post(
            &format!("/api/v1/consultations/{id}/messages"),
            json!({"client_id": new_client_id(), "text": "请继续监测血糖，按时服药"}),
        )
        .await
    })
    .await;
    report("send a message (POST …/messages)", opts.clients, &send);

    let delivery = sse_delivery(&running, &base, &opts).await?;
    report_latency(
        &format!(
            "patient send → doctor event stream ({} open conversations)",
            opts.conversations
        ),
        opts.conversations,
        &delivery,
    );

    if opts.streams > 0 {
        streams::many_streams(&running, &base, &opts).await?;
    }
    if opts.patients > 0 {
        patients::patient_list(&running.state, &base, &opts).await?;
    }
    running.stop().await;
    if let Some(scratch) = scratch {
        scratch.drop_it().await?;
    }
    write_figures(&opts)
}

/// A verified doctor account, written directly (the sign-up flow has its own tests).
async fn insert_doctor(
    tx: &mut crate::db::Conn,
    phone: &str,
    password_hash: &str,
    now: i64,
) -> anyhow::Result<i64> {
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO accounts (phone, password_hash, created_at, verification_status)
         VALUES (?, ?, ?, 'verified') RETURNING id",
    )
    .bind(phone)
    .bind(password_hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    crate::db::query("INSERT INTO account_roles (account_id, role) VALUES (?, 'doctor')")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(id)
}

/// Doctors, patients, consultations and messages, written by SQL in bulk.
async fn seed(state: &crate::AppState, opts: &Options) -> anyhow::Result<()> {
    let hash = password::hash(PASSWORD.into()).await?;
    let now = state.clock.unix();
    let db = &state.db;
    let mut tx = db.begin().await?;
    for d in 1..=opts.doctors {
        let id = insert_doctor(&mut tx, &format!("1390{d:07}"), &hash, now).await?;
        crate::db::query("INSERT INTO consultation_settings VALUES (?, 1, 0, 200, '', 2)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let patients = (opts.consultations / 10).max(opts.conversations as u64);
    crate::db::query(
        "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?)
         INSERT INTO patients (phone, name, sex, birth_date, created_at)
         SELECT CAST(16500000000 + n AS TEXT), '患者' || n, CASE n % 2 WHEN 0 THEN 'male' ELSE 'female' END,
                '1970-01-01', ? FROM seq",
    )
    .bind(patients as i64)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Ongoing first (a tenth of them), so every doctor has some; the rest closed.
    crate::db::query(
        "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?1)
         INSERT INTO consultations (doctor_id, patient_id, status, complaint, prior_hospital,
           prior_diagnosis, prior_visited_on, price_fen, created_at, accepted_at, deadline_at,
           close_reason, follow_ups_left, last_activity_at, closed_at)
         SELECT n % ?2 + 1, n % ?3 + 1,
                CASE WHEN n < ?1 / 10 THEN 'ongoing' ELSE 'closed' END,
                '血糖控制不佳，想调整用药', '医院', '2 型糖尿病', '2026-09-01', 0, ?4 - n, ?4 - n,
                CASE WHEN n < ?1 / 10 THEN ?4 + 86400 END,
                CASE WHEN n < ?1 / 10 THEN NULL ELSE 'advice' END, 0, ?4 - n,
                CASE WHEN n < ?1 / 10 THEN NULL ELSE ?4 - n END
         FROM seq",
    )
    .bind(opts.consultations as i64)
    .bind(opts.doctors as i64)
    .bind(patients as i64)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::db::query(
        "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?)
         INSERT INTO messages (consultation_id, sender, client_id, text, created_at)
         SELECT n % ? + 1, CASE n % 2 WHEN 0 THEN 'patient' ELSE 'doctor' END, 'seed-' || n,
                '最近空腹血糖在 7 到 8 之间', ? - n FROM seq",
    )
    .bind(opts.messages as i64)
    .bind(opts.consultations as i64)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    crate::db::query("ANALYZE").execute(db).await?;
    Ok(())
}

struct DoctorClient {
    http: Client,
    jar: Arc<Jar>,
    base: Url,
    ongoing: Vec<i64>,
}

impl DoctorClient {
    async fn sign_in(base: &str, id: u64) -> anyhow::Result<DoctorClient> {
        let jar = Arc::new(Jar::default());
        let http = Client::builder()
            .cookie_provider(jar.clone())
            .pool_max_idle_per_host(4)
            .build()?;
        let mut me = DoctorClient {
            http,
            jar,
            base: Url::parse(base)?,
            ongoing: vec![],
        };
        me.http.get(me.url("/api/v1/health")).send().await?;
        let r = me
            .post(
                "/api/v1/auth/login",
                json!({"phone": format!("1390{id:07}"), "password": PASSWORD}),
            )
            .await?;
        if r.0 != 200 {
            bail!("doctor {id} sign-in: {r:?}");
        }
        let page: Value = me
            .http
            .get(me.url("/api/v1/consultations?status=ongoing&limit=100"))
            .send()
            .await?
            .json()
            .await?;
        me.ongoing = page["items"]
            .as_array()
            .context("a page")?
            .iter()
            .filter_map(|c| c["id"].as_i64())
            .collect();
        if me.ongoing.is_empty() {
            bail!("doctor {id} has no ongoing consultation");
        }
        Ok(me)
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).expect("a path")
    }

    fn csrf(&self) -> String {
        use reqwest::cookie::CookieStore;
        self.jar
            .cookies(&self.base)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
            .unwrap_or_default()
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| *k == doctor_desk_api::CSRF_COOKIE)
            .map(|(_, v)| v.to_owned())
            .unwrap_or_default()
    }

    async fn get(&self, path: &str) -> anyhow::Result<(u16, Value)> {
        let r = self.http.get(self.url(path)).send().await?;
        let status = r.status().as_u16();
        let _ = r.bytes().await?;
        Ok((status, Value::Null))
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
        let r = self
            .http
            .post(self.url(path))
            .header(doctor_desk_api::CSRF_HEADER, self.csrf())
            .json(&body)
            .send()
            .await?;
        let status = r.status().as_u16();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }
}

/// `clients` tasks call `request` in a loop for `seconds`; latencies of successes.
async fn measure<F, Fut>(
    clients: usize,
    seconds: u64,
    doctors: &'static [DoctorClient],
    request: F,
) -> Sample
where
    F: Fn(&'static DoctorClient, usize) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = anyhow::Result<(u16, Value)>> + Send,
{
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            tokio::spawn(async move {
                let doctor = &doctors[c % doctors.len()];
                let (mut latencies, mut errors, mut n) = (Vec::new(), 0u64, c);
                while Instant::now() < until {
                    let t = Instant::now();
                    match request(doctor, n).await {
                        Ok((s, _)) if s < 300 => latencies.push(t.elapsed()),
                        _ => errors += 1,
                    }
                    n += clients;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut sample = Sample {
        latencies: vec![],
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        if let Ok((l, e)) = task.await {
            sample.latencies.extend(l);
            sample.errors += e;
        }
    }
    sample.elapsed = started.elapsed();
    sample
}

/// Patients in `conversations` ongoing consultations each send one message a second;
/// their doctors' event streams report when each arrives.
async fn sse_delivery(
    running: &crate::Running,
    base: &str,
    opts: &Options,
) -> anyhow::Result<Sample> {
    let rows: Vec<(i64, i64, String)> = crate::db::query_as(
        "SELECT c.id, c.doctor_id, p.phone FROM consultations c JOIN patients p ON p.id = c.patient_id
         WHERE c.id = (SELECT MIN(o.id) FROM consultations o
                        WHERE o.patient_id = c.patient_id AND o.status = 'ongoing')
         ORDER BY c.id LIMIT ?",
    )
    .bind(opts.conversations as i64)
    .fetch_all(&running.state.db)
    .await?;
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let received: Arc<Mutex<Vec<Duration>>> = Arc::default();
    // One event stream per doctor involved.
    let mut doctor_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    doctor_ids.sort();
    doctor_ids.dedup();
    let mut streams = Vec::new();
    for id in doctor_ids {
        let doctor = DoctorClient::sign_in(base, id as u64).await?;
        let response = doctor.http.get(doctor.url("/api/v1/events")).send().await?;
        let (sent, received) = (sent.clone(), received.clone());
        streams.push(tokio::spawn(async move {
            let mut body = response.bytes_stream();
            let mut text = String::new();
            while let Some(Ok(chunk)) = body.next().await {
                text.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = text.find("\n\n") {
                    let block: String = text.drain(..end + 2).collect();
                    let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) else {
                        continue;
                    };
                    let Ok(event) = serde_json::from_str::<Value>(data.trim()) else {
                        continue;
                    };
                    if let Some(client_id) = event["message"]["client_id"].as_str() {
                        if let Some(at) = sent.lock().unwrap().remove(client_id) {
                            received.lock().unwrap().push(at.elapsed());
                        }
                    }
                }
            }
            drop(doctor);
        }));
    }
    let mut patients = Vec::new();
    for (consultation, _, phone) in &rows {
        let p = PatientClient::new(base, phone, "患者")?;
        p.sign_in().await?;
        patients.push((p, *consultation));
    }
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let started = Instant::now();
    let until = started + Duration::from_secs(opts.seconds);
    let senders: Vec<_> = patients
        .into_iter()
        .enumerate()
        .map(|(k, (patient, consultation))| {
            let (sent, errors) = (sent.clone(), errors.clone());
            tokio::spawn(async move {
                // Spread the sends over the second.
                tokio::time::sleep(Duration::from_millis((k as u64 * 997) % 1000)).await;
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                while Instant::now() < until {
                    tick.tick().await;
                    let id = new_client_id();
                    sent.lock().unwrap().insert(id.clone(), Instant::now());
                    if patient
                        .send_with_id(consultation, &id, "今天血糖 7.1", false)
                        .await
                        .is_err()
                    {
                        errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for s in senders {
        let _ = s.await;
    }
    // Let the last events arrive.
    let settle = Instant::now();
    while !sent.lock().unwrap().is_empty() && settle.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let lost = sent.lock().unwrap().len() as u64;
    for s in streams {
        s.abort();
    }
    let latencies = received.lock().unwrap().clone();
    Ok(Sample {
        latencies,
        errors: errors.load(std::sync::atomic::Ordering::Relaxed) + lost,
        elapsed: started.elapsed(),
    })
}

//! Issue 15, suite "faults": the server survives the machine misbehaving.
//! - busy: a long writer holds the database; requests wait a bounded time, then 503 busy.
//! - disk: a full disk; 507 storage_full, nothing half-written, the database intact.
//! - restart: the real binary is SIGKILLed under 200 patients' traffic and restarted;
//!   no acknowledged message is lost or doubled, the doctors' event streams resume. The
//!   only part that also runs on PostgreSQL (`DOCTOR_DESK_TEST_STORE=postgres`).
//!
//! Prints `AUDIT faults tried=.. passed=.. failed=..` and panics listing every failure.
//! `AUDIT_FAULT_SECONDS` (default 60) is how long the restart traffic runs.

#[path = "audit_faults/busy.rs"]
mod busy;
mod common;
#[path = "audit_faults/disk.rs"]
mod disk;
#[path = "audit_faults/fixture.rs"]
mod fixture;
#[path = "audit_faults/http.rs"]
mod http;
#[path = "audit_faults/report.rs"]
mod report;
#[path = "audit_faults/restart.rs"]
mod restart;
#[path = "audit_faults/server.rs"]
mod server;
#[path = "audit_faults/stream.rs"]
mod stream;
#[path = "audit_faults/tmpfs.rs"]
mod tmpfs;
#[path = "audit_faults/verdict.rs"]
mod verdict;

use std::{
    future::Future,
    pin::Pin,
    time::{Duration, Instant},
};

use report::Report;

type Part = fn(Report) -> Pin<Box<dyn Future<Output = ()> + Send>>;

#[ignore = "run by cargo xtask audit"]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn faults() {
    // The server's own log when asked for (RUST_LOG=error: what a 5xx was about).
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "off".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
    let report = Report::default();
    let parts: [(&str, Part); 3] = [
        ("busy", |r| Box::pin(async move { busy::run(&r).await })),
        ("disk", |r| Box::pin(async move { disk::run(&r).await })),
        ("restart", |r| {
            Box::pin(async move { restart::run(&r).await })
        }),
    ];
    let only = std::env::var("AUDIT_FAULT_PARTS").unwrap_or_default();
    for (name, part) in parts {
        if !only.is_empty() && !only.split(',').any(|p| p == name) {
            continue;
        }
        // "busy" and "disk" break SQLite's own file (its writer lock, a full disk under
        // it); on PostgreSQL the server holds neither.
        if common::postgres::asked() && name != "restart" {
            continue;
        }
        println!("faults: {name}");
        let started = Instant::now();
        // A deadlock is a failed case too, and the AUDIT line still prints; aborting the
        // part drops its server (killed) and its tmpfs (unmounted).
        let bound = Duration::from_secs(match name {
            "restart" => restart::seconds() + 240,
            _ => 120,
        });
        let mut task = tokio::spawn(part(report.clone()));
        let result = match tokio::time::timeout(bound, &mut task).await {
            Ok(result) => result,
            Err(_) => {
                task.abort();
                let _ = task.await;
                report.fail(
                    &format!("{name}: the part ran to its end"),
                    format!("still running after {} s: aborted", bound.as_secs()),
                );
                Ok(())
            }
        };
        // A panic in a part (a broken fixture) is a failed case, and the other parts still run.
        if let Err(e) = result {
            let why = match e.try_into_panic() {
                Ok(p) => p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "a panic".into()),
                Err(e) => e.to_string(),
            };
            report.fail(&format!("{name}: the part ran to its end"), why);
        }
        println!(
            "faults: {name} took {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    report.finish("faults");
}

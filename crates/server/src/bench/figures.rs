//! What the benchmark measured: each figure printed as req/s, p50, p99 and its share of
//! the health endpoint's throughput, and kept for `target/bench/inbox.json`.

use std::{sync::Mutex, time::Duration};

use serde_json::{json, Value};

use super::Options;

/// Every figure printed, also as JSON in `target/bench/inbox.json` (from the directory the
/// command runs in: the workspace under `cargo xtask bench`).
static FIGURES: Mutex<Vec<Value>> = Mutex::new(Vec::new());

pub(super) fn write_figures(opts: &Options) -> anyhow::Result<()> {
    let dir = std::path::Path::new("target/bench");
    std::fs::create_dir_all(dir)?;
    let store = if opts.database_url.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let path = dir.join(if opts.database_url.is_some() {
        "inbox-postgres.json"
    } else {
        "inbox.json"
    });
    let report = json!({
        "store": store,
        "consultations": opts.consultations,
        "messages": opts.messages,
        "doctors": opts.doctors,
        "clients": opts.clients,
        "seconds": opts.seconds,
        "figures": *FIGURES.lock().unwrap(),
    });
    std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
    println!("figures written to {}", path.display());
    Ok(())
}

pub(super) struct Sample {
    pub(super) latencies: Vec<Duration>,
    pub(super) errors: u64,
    pub(super) elapsed: Duration,
}

pub(super) fn report(what: &str, concurrency: usize, s: &Sample) {
    record(what, concurrency, s, true)
}

/// A figure whose rate is set by the benchmark (the patients' sends): no share of the ceiling.
pub(super) fn report_latency(what: &str, concurrency: usize, s: &Sample) {
    record(what, concurrency, s, false)
}

/// A figure that is not a throughput (memory, say), for `inbox.json`.
pub(super) fn record_figure(figure: Value) {
    FIGURES.lock().unwrap().push(figure);
}

fn record(what: &str, concurrency: usize, s: &Sample, vs_ceiling: bool) {
    let mut l = s.latencies.clone();
    l.sort();
    let pct = |p: f64| {
        l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(f64::NAN)
    };
    let rps = l.len() as f64 / s.elapsed.as_secs_f64();
    let mut figures = FIGURES.lock().unwrap();
    // Throughput as a share of the health endpoint's, when it was measured first.
    let ceiling = figures
        .first()
        .and_then(|f| f["req_per_s"].as_f64())
        .filter(|_| vs_ceiling);
    let ratio = ceiling.map(|c| rps / c);
    println!(
        "{what}: {concurrency} concurrent, {} ok, {} errors, {rps:.0} req/s, p50 {:.1} ms, p99 {:.1} ms{}",
        l.len(),
        s.errors,
        pct(0.50),
        pct(0.99),
        ratio
            .map(|r| format!(", {:.1} % of health", r * 100.0))
            .unwrap_or_default()
    );
    figures.push(json!({
        "what": what,
        "concurrency": concurrency,
        "ok": l.len(),
        "errors": s.errors,
        "req_per_s": rps,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "ratio_to_health": ratio,
    }));
}

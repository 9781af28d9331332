//! Many open event streams: `streams` more doctors, each signed in with one stream open
//! (held by a child process, so the server's and the clients' sockets do not share one
//! process's file limit), then the server's memory per stream and the delivery figure
//! again with all of them open.

use std::{
    io::{BufRead, BufReader, Write},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use futures_util::StreamExt;

use super::{report_latency, sse_delivery, Options};
use crate::auth::session::{new_token, token_hash};

pub async fn many_streams(
    running: &crate::Running,
    base: &str,
    opts: &Options,
) -> anyhow::Result<()> {
    let tokens = seed_doctors(&running.state, opts.streams).await?;
    let before = resident_bytes()?;
    let mut child = StreamHolder::start(base, &tokens)?;
    // Every stream is subscribed once the server counts every doctor listening.
    let started = Instant::now();
    while running.state.hub.doctors_listening() < tokens.len() {
        if started.elapsed() > Duration::from_secs(120) {
            bail!(
                "only {} of {} streams open after 120 s",
                running.state.hub.doctors_listening(),
                tokens.len()
            );
        }
        child.check()?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let opened_in = started.elapsed();
    let after = resident_bytes()?;
    let per_stream = after.saturating_sub(before) as f64 / tokens.len() as f64;
    println!(
        "{} event streams open in {:.1} s: server memory {:.0} MiB -> {:.0} MiB, {:.1} KiB per stream",
        tokens.len(),
        opened_in.as_secs_f64(),
        before as f64 / 1048576.0,
        after as f64 / 1048576.0,
        per_stream / 1024.0
    );
    super::figures::record_figure(serde_json::json!({
        "what": "open event streams",
        "streams": tokens.len(),
        "open_seconds": opened_in.as_secs_f64(),
        "rss_before_bytes": before,
        "rss_after_bytes": after,
        "bytes_per_stream": per_stream,
    }));
    let delivery = sse_delivery(running, base, opts).await?;
    report_latency(
        &format!(
            "patient send → doctor event stream ({} open conversations, {} more streams open)",
            opts.conversations,
            tokens.len()
        ),
        opts.conversations,
        &delivery,
    );
    child.stop()
}

/// `count` verified doctors with a session each; their session tokens.
async fn seed_doctors(state: &crate::AppState, count: usize) -> anyhow::Result<Vec<String>> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let mut tokens = Vec::with_capacity(count);
    for n in 0..count {
        let id = super::insert_doctor(&mut tx, &format!("1391{n:07}"), "", now).await?;
        let token = new_token();
        crate::db::query(
            "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, ip, user_agent,
                                   last_seen_at, public_id)
             VALUES (?, ?, ?, ?, '127.0.0.1', 'bench', ?, ?)",
        )
        .bind(token_hash(&token))
        .bind(id)
        .bind(now)
        .bind(now + 86_400)
        .bind(now)
        .bind(format!("bench-{n}"))
        .execute(&mut *tx)
        .await?;
        tokens.push(token);
    }
    tx.commit().await?;
    Ok(tokens)
}

/// This process's resident memory (Linux).
fn resident_bytes() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS in /proc/self/status")?;
    Ok(kib * 1024)
}

/// The child process holding the streams (`bench hold-streams`).
struct StreamHolder(Child);

impl StreamHolder {
    fn start(base: &str, tokens: &[String]) -> anyhow::Result<StreamHolder> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["bench", "hold-streams", "--url", base])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .context("cannot start the stream holder")?;
        let mut stdin = child.stdin.take().context("stdin")?;
        for t in tokens {
            writeln!(stdin, "{t}")?;
        }
        // An empty line ends the list; closing stdin later ends the child.
        writeln!(stdin)?;
        child.stdin = Some(stdin);
        Ok(StreamHolder(child))
    }

    fn check(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.0.try_wait()? {
            bail!("the stream holder ended early: {status}");
        }
        Ok(())
    }

    fn stop(mut self) -> anyhow::Result<()> {
        drop(self.0.stdin.take());
        self.0.wait()?;
        Ok(())
    }
}

impl Drop for StreamHolder {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

/// `bench hold-streams --url U`: session tokens on stdin, one per line, up to an empty
/// line; opens one event stream per token and holds them all until stdin closes.
pub async fn hold_streams(url: &str) -> anyhow::Result<()> {
    let mut lines = BufReader::new(std::io::stdin()).lines();
    let mut tokens = Vec::new();
    for line in lines.by_ref() {
        let line = line?;
        if line.is_empty() {
            break;
        }
        tokens.push(line);
    }
    let http = reqwest::Client::new();
    let events = reqwest::Url::parse(url)?.join("/api/v1/events")?;
    let mut held = Vec::with_capacity(tokens.len());
    // A few hundred at a time, so the server's accept queue is not flooded.
    for chunk in tokens.chunks(200) {
        let opened = futures_util::future::join_all(chunk.iter().map(|t| {
            http.get(events.clone())
                .header("cookie", format!("{}={t}", doctor_desk_api::SESSION_COOKIE))
                .send()
        }))
        .await;
        for response in opened {
            let response = response?;
            if !response.status().is_success() {
                bail!("an event stream answered {}", response.status());
            }
            // Read (and drop) what arrives, so the server never blocks on a full socket.
            held.push(tokio::spawn(async move {
                let mut body = response.bytes_stream();
                while let Some(Ok(_)) = body.next().await {}
            }));
        }
    }
    // Until the parent closes stdin.
    tokio::task::spawn_blocking(move || for _ in lines {}).await?;
    for h in held {
        h.abort();
    }
    Ok(())
}

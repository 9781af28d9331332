//! A benchmark, not a test (`cargo xtask bench dom`; ignored by `cargo xtask test`): how
//! long a patient's message takes from the patient's send to the doctor's screen, in a
//! real browser on a phone viewport. Prints p50/p99 and writes `target/bench/dom.json`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;

/// Messages sent, and how far apart.
const MESSAGES: usize = 100;
const EVERY: Duration = Duration::from_millis(200);

pub async fn patient_message_to_doctor_screen(h: &Harness) {
    let (_, patient, _, id) = super::patients::doctor_asked_by_a_patient(h).await;
    h.goto(&format!("/inbox/{id}")).await;
    h.click("confirm-follow-up").await;
    h.click("accept-consultation").await;
    h.wait_text("consultation-status", "进行中").await;

    // The page notes when each benchmark message first shows, on the wall clock the
    // sender reads too (same machine).
    h.js("window.__shown = {};
          const look = () => {
            for (const p of document.querySelectorAll(\"[data-testid='message'] p\")) {
              const t = p.innerText;
              if (t.startsWith('bench ') && !(t in window.__shown))
                window.__shown[t] = performance.timeOrigin + performance.now();
            }
          };
          new MutationObserver(look).observe(document.body,
            { childList: true, subtree: true, characterData: true });
          return true;")
        .await;

    let mut sent = Vec::with_capacity(MESSAGES);
    let mut tick = tokio::time::interval(EVERY);
    for k in 0..MESSAGES {
        tick.tick().await;
        let text = format!("bench {k}");
        let at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        patient.send(id, &text, false).await.expect("patient sends");
        sent.push((text, at.as_secs_f64() * 1000.0));
    }
    h.wait_until(
        "every message on screen",
        &format!("return Object.keys(window.__shown).length === {MESSAGES}"),
    )
    .await;
    let shown = h.js("return window.__shown").await;
    let mut delays: Vec<f64> = sent
        .iter()
        .map(|(text, at)| shown[text].as_f64().expect("shown") - at)
        .collect();
    delays.sort_by(f64::total_cmp);
    let pct = |p: f64| delays[((delays.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    let (p50, p99, max) = (pct(0.50), pct(0.99), delays[delays.len() - 1]);
    println!(
        "patient send → doctor's screen (Chromium, 375 px, {MESSAGES} messages {} ms apart): \
         p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms",
        EVERY.as_millis()
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    std::fs::write(
        dir.join("dom.json"),
        serde_json::json!({
            "what": "patient send -> doctor's DOM",
            "browser": "chromium",
            "messages": MESSAGES,
            "every_ms": EVERY.as_millis() as u64,
            "p50_ms": p50,
            "p99_ms": p99,
            "max_ms": max,
        })
        .to_string(),
    )
    .expect("dom.json");
}

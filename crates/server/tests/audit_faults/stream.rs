//! A doctor's event stream (SSE) the way a browser keeps it: from the first event on,
//! reconnecting with `Last-Event-ID` whenever the connection drops (the server killed),
//! until it has seen the last event id it is told to wait for.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokio::{sync::watch, task::JoinHandle, time::Instant};

use crate::http::Http;

pub struct SeenEvent {
    pub id: i64,
    pub kind: String,
    pub message_id: Option<i64>,
    /// Which connection (1 = the first) delivered it.
    pub connection: u32,
}

#[derive(Default)]
pub struct Seen {
    pub events: Vec<SeenEvent>,
    pub connections: u32,
    /// Ids that came again or out of order, refused answers, unreadable events.
    pub problems: Vec<String>,
}

/// Follows the stream until `target` holds an id it has reached, or `give_up` passes
/// after a target was set.
pub fn follow(http: Http, target: watch::Receiver<Option<i64>>) -> JoinHandle<Seen> {
    tokio::spawn(async move {
        let mut seen = Seen::default();
        let mut last = 0_i64;
        let mut give_up: Option<Instant> = None;
        let done = |last: i64, target: &watch::Receiver<Option<i64>>| {
            target.borrow().is_some_and(|t| last >= t)
        };
        'connect: loop {
            if done(last, &target) {
                break;
            }
            if target.borrow().is_some() {
                let at = *give_up.get_or_insert(Instant::now() + Duration::from_secs(30));
                if Instant::now() > at {
                    seen.problems.push(format!("gave up at event {last}"));
                    break;
                }
            }
            let response = http
                .client
                .get(http.url("/api/v1/events"))
                .header("last-event-id", last.to_string())
                .send()
                .await;
            let response = match response {
                Ok(r) if r.status() == 200 => r,
                Ok(r) => {
                    seen.problems
                        .push(format!("the stream answered {}", r.status()));
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            seen.connections += 1;
            let mut body = response.bytes_stream();
            let mut text = String::new();
            loop {
                // A lost event would otherwise keep a live connection waiting forever.
                if target.borrow().is_some() {
                    let at = *give_up.get_or_insert(Instant::now() + Duration::from_secs(30));
                    if Instant::now() > at {
                        seen.problems.push(format!("gave up at event {last}"));
                        break 'connect;
                    }
                }
                let chunk = tokio::select! {
                    chunk = body.next() => chunk,
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {
                        if done(last, &target) { break 'connect }
                        continue;
                    }
                };
                let Some(Ok(bytes)) = chunk else {
                    continue 'connect;
                };
                text.push_str(&String::from_utf8_lossy(&bytes));
                while let Some(end) = text.find("\n\n") {
                    let block: String = text.drain(..end + 2).collect();
                    let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) else {
                        continue;
                    };
                    let Ok(event) = serde_json::from_str::<Value>(data.trim()) else {
                        seen.problems
                            .push(format!("an unreadable event: {block:?}"));
                        continue;
                    };
                    let id = event["id"].as_i64().unwrap_or_default();
                    if id <= last {
                        seen.problems.push(format!("event {id} after {last}"));
                    }
                    last = last.max(id);
                    seen.events.push(SeenEvent {
                        id,
                        kind: event["kind"].as_str().unwrap_or_default().to_owned(),
                        message_id: event["message"]["id"].as_i64(),
                        connection: seen.connections,
                    });
                }
                if done(last, &target) {
                    break 'connect;
                }
            }
        }
        seen
    })
}

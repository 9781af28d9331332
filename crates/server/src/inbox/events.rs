//! Real time: every change a doctor should see is appended to `inbox_events` in the same
//! transaction as the change, then `GET /events` streams them as Server-Sent Events. The
//! table is the source of truth: a client that reconnects with `Last-Event-ID` gets
//! everything after it, in order, exactly once; the in-memory hub only wakes streams up.

use std::{
    collections::{HashMap, VecDeque},
    convert::Infallible,
    sync::Mutex,
    time::Duration,
};

use crate::db::Conn;
use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use doctor_desk_api::inbox::{ConsultationStatus, EventKind, InboxEvent};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use tokio::sync::{broadcast, watch};

use super::messages::message_view;
use crate::{clock::from_unix, error::AppResult, extractor::CareDoctor, state::AppState};

/// Wakes the event streams of a doctor when something was recorded for them, ends the
/// streams of a session that ended, and ends every stream when the server shuts down.
pub struct Hub {
    /// One wake-up channel per doctor with a stream open: news for one doctor wakes
    /// that doctor's streams only (one channel for all woke every stream on every send),
    /// and wake-ups that come faster than a stream reads fold into one.
    doctors: Mutex<HashMap<i64, watch::Sender<u64>>>,
    ended_sessions: broadcast::Sender<Vec<u8>>,
    closing: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            doctors: Mutex::default(),
            ended_sessions: broadcast::channel(256).0,
            closing: watch::channel(false).0,
        }
    }
}

impl Hub {
    /// Call after the transaction that recorded events for `doctor_id` committed.
    pub fn notify(&self, doctor_id: i64) {
        if let Some(wake) = self.doctors.lock().unwrap().get(&doctor_id) {
            wake.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Changes to `true` when the server closes; ends (an error) when the hub is dropped.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Wakes every stream (after wake-ups may have been missed: see `relay`).
    pub fn wake_all(&self) {
        for wake in self.doctors.lock().unwrap().values() {
            wake.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// A stream's wake-up for `doctor_id`: it has seen everything notified so far.
    fn subscribe(&self, doctor_id: i64) -> watch::Receiver<u64> {
        self.doctors
            .lock()
            .unwrap()
            .entry(doctor_id)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }

    /// A stream of `doctor_id` ended: forget the doctor's channel if it was the last.
    fn unsubscribe(&self, doctor_id: i64, wake: watch::Receiver<u64>) {
        let mut doctors = self.doctors.lock().unwrap();
        drop(wake);
        if doctors
            .get(&doctor_id)
            .is_some_and(|tx| tx.receiver_count() == 0)
        {
            doctors.remove(&doctor_id);
        }
    }

    /// How many doctors have a stream open (the benchmark's check that they all are).
    pub fn doctors_listening(&self) -> usize {
        self.doctors.lock().unwrap().len()
    }

    /// Call when a session ended (sign-out, password reset, expiry): its streams close,
    /// so a revoked session receives nothing more.
    pub fn session_ended(&self, token_hash: &[u8]) {
        let _ = self.ended_sessions.send(token_hash.to_vec());
    }

    /// Ends every open stream, so a graceful shutdown (a deploy) does not wait for
    /// doctors' browsers, which reconnect with `Last-Event-ID` to the next server.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }
}

pub fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::ConsultationNew => "consultation_new",
        EventKind::Message => "message",
        EventKind::StatusChanged => "status_changed",
        EventKind::Notification => "notification",
    }
}

fn parse_kind(name: &str) -> EventKind {
    match name {
        "consultation_new" => EventKind::ConsultationNew,
        "message" => EventKind::Message,
        "notification" => EventKind::Notification,
        _ => EventKind::StatusChanged,
    }
}

/// Binds: doctor id, consultation id, kind, status, message id, at.
pub const RECORD: &str =
    "INSERT INTO inbox_events (doctor_id, consultation_id, kind, status, message_id, at)
     VALUES (?, ?, ?, ?, ?, ?)";

/// Appends an event (inside the caller's transaction).
pub async fn record(
    tx: &mut Conn,
    doctor_id: i64,
    consultation_id: i64,
    kind: EventKind,
    status: ConsultationStatus,
    message_id: Option<i64>,
    at: i64,
) -> AppResult<()> {
    crate::db::query(RECORD)
        .bind(doctor_id)
        .bind(consultation_id)
        .bind(kind_name(kind))
        .bind(status.as_str())
        .bind(message_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The doctor's events after `after`, oldest first.
pub async fn since(state: &AppState, doctor_id: i64, after: i64) -> AppResult<Vec<InboxEvent>> {
    // The message an event carries comes in the same statement (one read per wake-up,
    // not one more per message).
    let rows: Vec<EventRow> = crate::db::query_as(
        "SELECT e.id, e.kind, e.consultation_id, e.status, e.at, e.message_id,
                m.sender, m.client_id, m.text, m.image_file_id, m.created_at
           FROM inbox_events e LEFT JOIN messages m ON m.id = e.message_id
          WHERE e.doctor_id = ? AND e.id > ? ORDER BY e.id LIMIT 500",
    )
    .bind(doctor_id)
    .bind(after)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (id, kind, consultation_id, status, at) = (r.0, r.1, r.2, r.3, r.4);
            // None also for a message removed since (retention).
            let message = match (r.5, r.6, r.10) {
                (Some(m), Some(sender), Some(created_at)) => Some(message_view((
                    m,
                    consultation_id,
                    sender,
                    r.7,
                    r.8,
                    r.9,
                    created_at,
                ))),
                _ => None,
            };
            InboxEvent {
                id,
                kind: parse_kind(&kind),
                consultation_id,
                status: ConsultationStatus::parse(&status).unwrap_or(ConsultationStatus::New),
                message,
                at: from_unix(at),
            }
        })
        .collect())
}

/// An event and the message it carries, if any.
type EventRow = (
    i64,
    String,
    i64,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

#[derive(Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// Resume after this event id (what `Last-Event-ID` says; the header wins).
    last_event_id: Option<i64>,
}

struct Stream_ {
    state: AppState,
    doctor_id: i64,
    token_hash: Vec<u8>,
    last: i64,
    /// Always `Some` until the stream is dropped.
    wake: Option<watch::Receiver<u64>>,
    ended_sessions: broadcast::Receiver<Vec<u8>>,
    session_check: tokio::time::Interval,
    closing: watch::Receiver<bool>,
    buffer: VecDeque<InboxEvent>,
}

impl Stream_ {
    /// Whether an end of this stream's session was announced since the last look (a busy
    /// stream checks before each event, not only while it sleeps).
    async fn ended(&mut self) -> bool {
        loop {
            match self.ended_sessions.try_recv() {
                Ok(hash) if hash == self.token_hash => return true,
                Ok(_) => continue,
                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                    return !self.session_live().await
                }
                Err(broadcast::error::TryRecvError::Empty) => return false,
                Err(broadcast::error::TryRecvError::Closed) => return true,
            }
        }
    }

    /// Whether the stream's session still stands (it may have expired or gone idle, or
    /// a wake-up about its end may have been lost to lag).
    async fn session_live(&self) -> bool {
        match crate::auth::session::lookup_hash(&self.state, self.token_hash.clone()).await {
            Ok(found) => found.is_some(),
            Err(e) => {
                tracing::warn!(error = %e, "event stream could not check its session");
                false
            }
        }
    }
}

impl Drop for Stream_ {
    fn drop(&mut self) {
        if let Some(wake) = self.wake.take() {
            self.state.hub.unsubscribe(self.doctor_id, wake);
        }
    }
}

/// The signed-in doctor's events as Server-Sent Events: new consultations, messages and
/// status changes, never another doctor's. Without `Last-Event-ID` it starts from now.
#[utoipa::path(get, path = "/events", tag = "inbox", params(EventsQuery),
    responses(
        (status = 200, description = "`text/event-stream` of `InboxEvent`s (`id:` is the event id)", body = InboxEvent, content_type = "text/event-stream"),
        (status = 401, body = doctor_desk_api::ErrorBody),
    ))]
pub async fn stream(
    State(state): State<AppState>,
    me: CareDoctor,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> AppResult<(
    [(&'static str, &'static str); 1],
    Sse<impl Stream<Item = Result<Event, Infallible>>>,
)> {
    super::deadlines::sweep(&state).await?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(q.last_event_id);
    let last = match resume {
        Some(id) => id,
        None => crate::db::query_scalar::<Option<i64>>(
            "SELECT MAX(id) FROM inbox_events WHERE doctor_id = ?",
        )
        .bind(me.account_id)
        .fetch_one(&state.db)
        .await?
        .unwrap_or(0),
    };
    let wake = Some(state.hub.subscribe(me.account_id));
    let ended_sessions = state.hub.ended_sessions.subscribe();
    let closing = state.hub.closing.subscribe();
    let period = Duration::from_secs(state.config.limits.stream_session_check_secs.max(1));
    let mut session_check = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    session_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let start = Stream_ {
        state,
        doctor_id: me.account_id,
        token_hash: me.token_hash,
        last,
        wake,
        ended_sessions,
        session_check,
        closing,
        buffer: VecDeque::new(),
    };
    let events = futures_util::stream::unfold(start, |mut s| async move {
        loop {
            if *s.closing.borrow() || s.ended().await {
                return None;
            }
            if let Some(event) = s.buffer.pop_front() {
                s.last = event.id;
                let sse = Event::default()
                    .id(event.id.to_string())
                    .event(kind_name(event.kind))
                    .json_data(&event)
                    .unwrap_or_default();
                return Some((Ok(sse), s));
            }
            match since(&s.state, s.doctor_id, s.last).await {
                Ok(events) if !events.is_empty() => {
                    s.buffer.extend(events);
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "event stream stopped");
                    return None;
                }
            }
            // Nothing new: sleep until this doctor has news (or a missed wake-up), unless
            // the session ends meanwhile.
            loop {
                let woken = tokio::select! {
                    woken = s.wake.as_mut().expect("until dropped").changed() => woken,
                    _ = s.closing.changed() => return None,
                    ended = s.ended_sessions.recv() => {
                        match ended {
                            Ok(hash) if hash == s.token_hash => return None,
                            Ok(_) => continue,
                            Err(broadcast::error::RecvError::Lagged(_)) => {
                                if s.session_live().await { continue } else { return None }
                            }
                            Err(broadcast::error::RecvError::Closed) => return None,
                        }
                    }
                    _ = s.session_check.tick() => {
                        if s.session_live().await { continue } else { return None }
                    }
                };
                match woken {
                    Ok(()) => break,
                    // The hub keeps the sender while any stream of the doctor is open.
                    Err(_) => return None,
                }
            }
        }
    });
    // Browsers wait 3–5 s before reconnecting by default; after a phone's network blip
    // two seconds is enough (the replay makes up for anything missed meanwhile).
    let retry =
        futures_util::stream::once(async { Ok(Event::default().retry(Duration::from_secs(2))) });
    let sse = Sse::new(retry.chain(events))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)));
    // A proxy in front (nginx) would otherwise hold the events back to fill its buffer.
    Ok(([("x-accel-buffering", "no")], sse))
}

#[cfg(test)]
mod tests {
    use super::Hub;

    #[test]
    fn news_wakes_only_its_doctor_and_channels_go_with_the_last_stream() {
        let hub = Hub::default();
        let (a1, a2, b) = (hub.subscribe(1), hub.subscribe(1), hub.subscribe(2));
        hub.notify(1);
        hub.notify(1);
        assert!(a1.has_changed().unwrap() && a2.has_changed().unwrap());
        assert!(!b.has_changed().unwrap());
        // Nobody listening: nothing kept for doctor 3.
        hub.notify(3);
        assert_eq!(hub.doctors_listening(), 2);
        hub.unsubscribe(1, a1);
        assert_eq!(hub.doctors_listening(), 2);
        hub.unsubscribe(1, a2);
        hub.unsubscribe(2, b);
        assert_eq!(hub.doctors_listening(), 0);
    }
}

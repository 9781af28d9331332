//! Wake-ups from other instances (PostgreSQL only): the triggers of migration 0024 notify
//! `doctor_desk_events` with a doctor's id when events for them commit, and
//! `doctor_desk_sessions` with a session's token hash when it ends. This instance's hub
//! wakes or ends its own streams for them. The streams read the events table itself, so a
//! wake-up that comes twice (this instance's own, told directly too) costs one read.

use std::{
    sync::{Arc, Weak},
    time::Duration,
};

use sqlx::{postgres::PgListener, PgPool};
use tokio::task::JoinHandle;

use super::events::Hub;

const EVENTS: &str = "doctor_desk_events";
const SESSIONS: &str = "doctor_desk_sessions";

/// Listens until the server closes or its hub is gone (an app dropped: its pool goes with
/// this task).
pub fn start(pool: PgPool, hub: &Arc<Hub>) -> JoinHandle<()> {
    let mut closing = hub.closing();
    let hub = Arc::downgrade(hub);
    tokio::spawn(async move {
        let relay = async {
            loop {
                if let Err(e) = listen(&pool, &hub).await {
                    tracing::warn!(error = %e, "the wake-ups of other instances stopped; again in 1 s");
                }
                // Whatever was notified meanwhile was missed: every stream reads again.
                match hub.upgrade() {
                    Some(hub) => hub.wake_all(),
                    None => return,
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        };
        tokio::select! {
            _ = relay => {}
            _ = closing.wait_for(|closed| *closed) => {}
        }
    })
}

async fn listen(pool: &PgPool, hub: &Weak<Hub>) -> sqlx::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([EVENTS, SESSIONS]).await?;
    let Some(first) = hub.upgrade() else {
        return Ok(());
    };
    // Anything committed before the listening began was missed.
    first.wake_all();
    drop(first);
    loop {
        // `None`: the connection was lost (and is made again on the next call).
        let notification = listener.try_recv().await?;
        let Some(hub) = hub.upgrade() else {
            return Ok(());
        };
        let Some(notification) = notification else {
            hub.wake_all();
            continue;
        };
        match notification.channel() {
            EVENTS => {
                if let Ok(doctor_id) = notification.payload().parse() {
                    hub.notify(doctor_id);
                }
            }
            SESSIONS => {
                if let Ok(token_hash) = hex::decode(notification.payload()) {
                    hub.session_ended(&token_hash);
                }
            }
            _ => {}
        }
    }
}

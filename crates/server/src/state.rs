use std::sync::Arc;

use doctor_desk_api::posts::compliance::Rules;
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{clock::Clock, config::Config, sms::SmsSender};

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub sms: Arc<dyn SmsSender>,
    /// Wakes the doctors' event streams.
    pub hub: Arc<crate::inbox::events::Hub>,
    /// When the inbox's next deadline falls (reads skip the sweep until then).
    pub next_deadline: Arc<crate::inbox::deadlines::NextDeadline>,
    /// Whose turn it is to write (see [`AppState::begin_write`]).
    pub writer: Arc<Mutex<()>>,
    /// What the signed-in check last read for each session.
    pub sessions: Arc<crate::auth::session_cache::SessionCache>,
    /// The compliance word lists posts are checked against (read once at start).
    pub rules: Arc<Rules>,
}

impl AppState {
    /// A write transaction (`BEGIN IMMEDIATE`), one at a time. SQLite has one writer;
    /// writers that race for its lock wait in its busy handler, which sleeps in steps of
    /// up to 100 ms, so a send under load waited for the sleep, not the writer. Taking
    /// turns here first queues them fairly and wakes each the moment the lock is free.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        // As long as SQLite itself would wait for the lock; then the same 503 as a pool
        // that has no connection to lend.
        let turn = tokio::time::timeout(
            self.config.db_busy_timeout,
            self.writer.clone().lock_owned(),
        )
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)?;
        let tx = self.db.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx { tx, _turn: turn })
    }
}

/// A transaction from [`AppState::begin_write`]: holds the turn until it ends.
pub struct WriteTx {
    // Declared first so it ends (or queues its rollback) before the turn passes on.
    tx: Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

use std::sync::Arc;

use doctor_desk_api::posts::compliance::Rules;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{
    clock::Clock,
    config::Config,
    db::{Conn, Pool, Tx},
    sms::SmsSender,
};

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Pool,
    /// The same database for the hottest reads (see [`crate::db::Reads`]); SQLite only.
    pub reads: Option<Arc<crate::db::Reads>>,
    /// The same database for the busiest write (see [`AppState::quick_write`]); SQLite only.
    pub writes: Option<Arc<crate::db::Writes>>,
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
    /// Where uploaded files are stored.
    pub files: crate::files::FileStore,
}

impl AppState {
    /// A write transaction. On SQLite (`BEGIN IMMEDIATE`) one at a time: SQLite has one
    /// writer; writers that race for its lock wait in its busy handler, which sleeps in
    /// steps of up to 100 ms, so a send under load waited for the sleep, not the writer.
    /// Taking turns here first queues them fairly and wakes each the moment the lock is
    /// free. PostgreSQL writes at once: each rule a write relies on holds by its own row
    /// or key lock (`Conn::lock_key`, `Statements::lock`), as it must with several
    /// instances anyway.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        let turn = match self.db {
            Pool::Sqlite(_) => Some(self.writers_turn().await?),
            Pool::Postgres(_) => None,
        };
        let tx = self.db.begin_write().await?;
        Ok(WriteTx { tx, _turn: turn })
    }
}

impl AppState {
    /// As long as SQLite itself would wait for the lock; then the same 503 as a pool that
    /// has no connection to lend.
    async fn writers_turn(&self) -> sqlx::Result<OwnedMutexGuard<()>> {
        tokio::time::timeout(
            self.config.db_busy_timeout,
            self.writer.clone().lock_owned(),
        )
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)
    }

    /// Runs a short `write` in a `BEGIN IMMEDIATE` transaction on [`crate::db::Writes`]'
    /// connection, in the writers' turn, on this thread (see that module for why and
    /// figures). Committed if `write` answers `Ok`, rolled back otherwise. If the lock is
    /// held elsewhere, the write waits for it on a blocking thread instead.
    pub async fn quick_write<T, F>(&self, write: F) -> crate::error::AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> crate::error::AppResult<T> + Send + 'static,
    {
        let writes = self.writes.clone().ok_or_else(|| {
            crate::error::AppError::Internal(anyhow::anyhow!(
                "quick_write is SQLite's own API: callers check `state.writes` first"
            ))
        })?;
        let turn = self.writers_turn().await?;
        let write = match writes.try_run(write) {
            Ok(done) => return done,
            Err(write) => write,
        };
        // The turn goes with the write: a request dropped meanwhile does not end the write,
        // so it must not let the next writer in before it ends.
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            writes.run(write)
        })
        .await
        .map_err(|e| crate::error::AppError::Internal(e.into()))?
    }
}

/// A transaction from [`AppState::begin_write`]: holds the turn (SQLite) until it ends.
pub struct WriteTx {
    // Declared first so it ends (or queues its rollback) before the turn passes on.
    tx: Tx,
    _turn: Option<OwnedMutexGuard<()>>,
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
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
}

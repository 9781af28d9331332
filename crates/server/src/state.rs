use std::sync::Arc;

use doctor_desk_api::posts::compliance::Rules;
use sqlx::{pool::PoolConnection, Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{clock::Clock, config::Config, sms::SmsSender};

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
    /// The same database for the hottest reads (see [`crate::db::Reads`]).
    pub reads: Arc<crate::db::Reads>,
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
        let turn = self.writers_turn().await?;
        let tx = self.db.begin_with("BEGIN IMMEDIATE").await?;
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

    /// A write whose `BEGIN IMMEDIATE` and `COMMIT` go with its first and last statements
    /// ([`InlineWrite::BEGIN`], [`InlineWrite::COMMIT`]) instead of a round trip each: for
    /// the send, whose whole write is two statements, so writers queue half as long. sqlx
    /// does not know of this transaction, so one not committed (an error, or the request
    /// dropped) closes its connection, and SQLite rolls back.
    pub async fn write_inline(&self) -> sqlx::Result<InlineWrite> {
        let turn = self.writers_turn().await?;
        let conn = self.db.acquire().await?;
        Ok(InlineWrite {
            conn,
            committed: false,
            _turn: turn,
        })
    }
}

/// See [`AppState::write_inline`].
pub struct InlineWrite {
    // Declared first so it is closed (or back in the pool) before the turn passes on.
    conn: PoolConnection<Sqlite>,
    committed: bool,
    _turn: OwnedMutexGuard<()>,
}

impl InlineWrite {
    /// Put before the first statement.
    pub const BEGIN: &'static str = "BEGIN IMMEDIATE;";
    /// Put after the last statement; then call [`InlineWrite::committed`].
    pub const COMMIT: &'static str = "; COMMIT";

    /// The statement with [`InlineWrite::COMMIT`] succeeded: the connection is clean.
    pub fn committed(&mut self) {
        self.committed = true;
    }
}

impl Drop for InlineWrite {
    fn drop(&mut self) {
        if !self.committed {
            self.conn.close_on_drop();
        }
    }
}

impl std::ops::Deref for InlineWrite {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for InlineWrite {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
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

//! Short writes on SQLite's own API, whole, on the request's thread: for the send, the
//! busiest write. Through sqlx its `BEGIN IMMEDIATE`, read, write and `COMMIT` were round
//! trips to the connection's own thread while every other writer waited. Measured on the
//! send (2 cores, 64 clients, three interleaved runs): sqlx 1 604 req/s (p99 51 ms); this
//! on tokio's blocking pool 2 318 (p99 36); on the request's thread 3 305 (p99 28).
//!
//! In WAL mode with `synchronous = NORMAL` a commit appends to the log without syncing it,
//! and checkpoints run elsewhere (`super::checkpoints`), so a short write takes
//! microseconds. Only waiting could be long: a write finds the lock held (by a statement
//! outside the writers' turn) without waiting, and is then run again on a blocking thread
//! where it may wait ([`crate::state::AppState::quick_write`]).

use std::{
    path::PathBuf,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{checkpoints::Checkpoints, watch::Hooks};
use crate::error::AppResult;

/// One read-write connection, used by one write at a time (in the writers' turn).
pub struct Writes {
    path: PathBuf,
    busy_timeout: Duration,
    hooks: Arc<Hooks>,
    /// Checkpoints run as long as the database is open, which is as long as this is.
    _checkpoints: Arc<Checkpoints>,
    conn: Mutex<Option<Connection>>,
}

impl Writes {
    pub(super) fn new(
        path: PathBuf,
        busy_timeout: Duration,
        hooks: Arc<Hooks>,
        checkpoints: Arc<Checkpoints>,
    ) -> Self {
        Writes {
            path,
            busy_timeout,
            hooks,
            _checkpoints: checkpoints,
            conn: Mutex::new(None),
        }
    }

    /// Runs `write` in one `BEGIN IMMEDIATE` transaction, committed if it answers `Ok` and
    /// changed a row, rolled back otherwise, unless another connection holds the write lock: then hands
    /// `write` back at once.
    pub fn try_run<T, F>(&self, write: F) -> Result<AppResult<T>, F>
    where
        F: FnOnce(&Connection) -> AppResult<T>,
    {
        match self.begin(Duration::ZERO) {
            Ok(began) => Ok(began.finish(write)),
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => Err(write),
            Err(e) => Ok(Err(e.into())),
        }
    }

    /// As [`Writes::try_run`], waiting up to the busy timeout for the lock. Blocks: call it
    /// off the async threads.
    pub fn run<T>(&self, write: impl FnOnce(&Connection) -> AppResult<T>) -> AppResult<T> {
        self.begin(self.busy_timeout)?.finish(write)
    }

    fn begin(&self, wait: Duration) -> rusqlite::Result<Began<'_>> {
        // A write that panicked poisoned the lock with the slot empty (its connection was
        // taken, and closed as the panic unwound): the next write opens a new one.
        let mut slot = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let conn = match slot.take() {
            Some(conn) => conn,
            None => self.open()?,
        };
        match conn
            .busy_timeout(wait)
            .and_then(|()| conn.execute_batch("BEGIN IMMEDIATE"))
        {
            Ok(()) => Ok(Began { slot, conn }),
            Err(e) => {
                *slot = Some(conn);
                Err(e)
            }
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // As the sqlx pool's connections (`super::connect`).
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        conn.set_prepared_statement_cache_capacity(32);
        self.hooks.clone().attach_to(&conn);
        Ok(conn)
    }
}

/// The connection inside its `BEGIN IMMEDIATE`, taken from its slot until it ends.
struct Began<'a> {
    slot: MutexGuard<'a, Option<Connection>>,
    conn: Connection,
}

impl Began<'_> {
    fn finish<T>(self, write: impl FnOnce(&Connection) -> AppResult<T>) -> AppResult<T> {
        let Began { mut slot, conn } = self;
        let before = conn.total_changes();
        let result = write(&conn).and_then(|value| {
            // One that changed no row (a retried send) has nothing to keep: a commit would
            // only be counted by the hooks as a change.
            let end = if conn.total_changes() == before {
                "ROLLBACK"
            } else {
                "COMMIT"
            };
            conn.execute_batch(end)?;
            Ok(value)
        });
        // One still in a transaction it cannot end is dropped: closing it rolls back.
        if conn.is_autocommit() || conn.execute_batch("ROLLBACK").is_ok() {
            *slot = Some(conn);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{db::TableWatch, error::AppError};

    fn count(writes: &Writes, table: &str) -> i64 {
        writes
            .run(|conn| {
                Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
            })
            .unwrap()
    }

    #[tokio::test]
    async fn a_refused_write_leaves_nothing_and_watched_commits_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let watch = Arc::new(TableWatch::new(vec!["watched".into()]));
        let db = crate::db::connect(&url, Duration::from_secs(5), watch.clone())
            .await
            .unwrap();
        let writes = &db.writes.as_ref().unwrap();
        crate::db::query("CREATE TABLE watched (x INTEGER); CREATE TABLE other (x INTEGER)")
            .execute(&db.pool)
            .await
            .unwrap();

        let refused = writes.run(|conn| {
            conn.execute("INSERT INTO watched VALUES (1)", [])?;
            Err::<(), _>(AppError::Code(doctor_desk_api::ErrorCode::Conflict))
        });
        assert!(refused.is_err());
        assert_eq!(count(writes, "watched"), 0, "rolled back");
        // `count` changed no row: rolled back too, so the hooks saw no commit (one with no
        // change to the log gets no WAL hook, and would stay "under way").
        assert!(watch.settled().is_some(), "no commit under way");
        // The connection is lent again: a transaction left open would make BEGIN fail.
        writes
            .run(|conn| Ok(conn.execute("INSERT INTO other VALUES (1)", [])?))
            .unwrap();
        let seen: i64 = crate::db::query_scalar("SELECT COUNT(*) FROM other")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(seen, 1, "committed, and seen by the other connections");

        let before = watch.settled().expect("nothing under way");
        writes
            .run(|conn| Ok(conn.execute("INSERT INTO watched VALUES (2)", [])?))
            .unwrap();
        assert_eq!(watch.settled(), Some(before + 1), "a watched commit, done");
        writes
            .run(|conn| Ok(conn.execute("INSERT INTO other VALUES (2)", [])?))
            .unwrap();
        assert_eq!(watch.settled(), Some(before + 1), "not a watched table");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_that_finds_the_lock_held_is_handed_back_then_waits() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Arc::new(
            crate::db::connect(&url, Duration::from_secs(5), Default::default())
                .await
                .unwrap(),
        );
        crate::db::query("CREATE TABLE t (x INTEGER)")
            .execute(&db.pool)
            .await
            .unwrap();
        let mut other = db.pool.begin_write().await.unwrap();
        crate::db::query("INSERT INTO t VALUES (1)")
            .execute(&mut *other)
            .await
            .unwrap();

        let insert = |conn: &Connection| Ok(conn.execute("INSERT INTO t VALUES (2)", [])?);
        let Err(insert) = db.writes.as_ref().unwrap().try_run(insert) else {
            panic!("ran while another connection held the lock");
        };
        let waiting = {
            let db = db.clone();
            tokio::task::spawn_blocking(move || db.writes.as_ref().unwrap().run(insert))
        };
        other.commit().await.unwrap();
        waiting.await.unwrap().unwrap();
        assert_eq!(count(db.writes.as_ref().unwrap(), "t"), 2);
    }
}

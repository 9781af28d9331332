//! Reads on SQLite's own API, run on the request's own thread, for the hottest reads.
//!
//! sqlx runs each connection on a thread of its own and hands every statement there, and
//! every row back, through channels: a 30-row page cost dozens of thread wake-ups, the
//! largest share of the inbox list's time in issue 17's profile. Measured on the inbox
//! list (2 cores, 64 clients, interleaved runs): sqlx 2 952 req/s; these reads on tokio's
//! blocking pool 3 507; in `block_in_place` 3 709; on the request's thread 4 307. The
//! patient list's first page, moved from sqlx the same way: 3 944 → 7 003 req/s (p99
//! 24–31 → 14–16 ms).
//!
//! Running on the request's thread blocks its tokio worker while SQLite works, so only
//! short reads belong there ([`Reads::run`]): a few index ranges of at most a page of
//! rows, well under a millisecond with the database in the page cache. In WAL mode a
//! reader never waits for the writer. A read that may scan runs on a blocking thread
//! ([`Reads::run_blocking`]); writes go through sqlx or [`super::Writes`].

use std::{
    path::PathBuf,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use rusqlite::{Connection, OpenFlags};

use crate::error::{AppError, AppResult};

/// Read-only connections to the database file, one lent to each read while it runs.
pub struct Reads {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
}

/// More reads than this never run at once (one per worker thread); the rest are closed.
const IDLE_MAX: usize = 16;

impl Reads {
    pub fn new(path: PathBuf, busy_timeout: Duration) -> Self {
        Reads {
            path,
            busy_timeout,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` inside one read transaction, so that all its statements see the same
    /// state of the database. Keep it short (see the module's comment).
    pub fn run<T, E>(&self, read: impl FnOnce(&Connection) -> Result<T, E>) -> AppResult<T>
    where
        E: From<rusqlite::Error>,
        AppError: From<E>,
    {
        // The lock is never held while a read runs: it cannot be poisoned by one.
        let conn = match self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
        {
            Some(conn) => conn,
            None => self.open()?,
        };
        let result = in_snapshot(&conn, read);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_MAX && conn.is_autocommit() {
            idle.push(conn);
        }
        Ok(result?)
    }

    /// As [`Reads::run`], on one of tokio's blocking threads: for a read that may scan.
    pub async fn run_blocking<T, E, F>(self: &Arc<Self>, read: F) -> AppResult<T>
    where
        T: Send + 'static,
        E: From<rusqlite::Error>,
        AppError: From<E>,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let reads = self.clone();
        tokio::task::spawn_blocking(move || reads.run(read))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(self.busy_timeout)?;
        Ok(conn)
    }
}

fn in_snapshot<T, E: From<rusqlite::Error>>(
    conn: &Connection,
    read: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<T, E> {
    conn.execute_batch("BEGIN")?;
    let result = read(conn);
    // A read-only transaction: ending it cannot lose anything, only release the snapshot.
    let ended = conn.execute_batch("COMMIT");
    let value = result?;
    ended?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::response::IntoResponse;
    use doctor_desk_api::ErrorCode;

    use super::*;
    use crate::error::pending_code;

    fn count(reads: &Reads) -> i64 {
        reads
            .run(|conn| conn.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0)))
            .unwrap()
    }

    #[tokio::test]
    async fn a_read_sees_each_commit_and_a_failed_read_holds_no_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let crate::db::Database {
            pool: db, reads, ..
        } = crate::db::connect(&url, Duration::from_secs(5), Default::default())
            .await
            .unwrap();
        let reads = reads.unwrap();
        crate::db::query("CREATE TABLE t (x INTEGER)")
            .execute(&db)
            .await
            .unwrap();
        assert_eq!(count(&reads), 0);
        crate::db::query("INSERT INTO t VALUES (1)")
            .execute(&db)
            .await
            .unwrap();
        assert_eq!(count(&reads), 1, "a commit is seen by the next read");

        // A read that fails after its first statement: its connection goes back to the
        // pool, and must not keep the snapshot that statement began.
        let failed = reads.run(|conn| {
            conn.query_row("SELECT COUNT(*) FROM t", [], |r| r.get::<_, i64>(0))?;
            conn.query_row("SELECT nothing FROM t", [], |r| r.get::<_, i64>(0))
        });
        assert!(failed.is_err());
        assert_eq!(
            reads.idle.lock().unwrap().len(),
            1,
            "the connection is kept"
        );
        crate::db::query("INSERT INTO t VALUES (2)")
            .execute(&db)
            .await
            .unwrap();
        assert_eq!(count(&reads), 2, "the failed read's snapshot is gone");

        // These connections cannot write, whatever a caller asks.
        let wrote = reads.run(|conn| conn.execute("INSERT INTO t VALUES (3)", []));
        assert!(wrote.is_err());
        assert_eq!(count(&reads), 2);
    }

    #[test]
    fn a_locked_database_is_busy_not_an_internal_error() {
        let busy = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(5 | (3 << 8)), None);
        let response = AppError::from(busy).into_response();
        assert_eq!(pending_code(&response), Some(ErrorCode::Busy));
        let broken = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(11), None);
        let response = AppError::from(broken).into_response();
        assert_eq!(pending_code(&response), Some(ErrorCode::Internal));
    }
}

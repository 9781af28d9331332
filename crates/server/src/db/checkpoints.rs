//! WAL checkpoints on a thread of their own. A checkpoint copies the log's pages back into
//! the database and syncs both files: milliseconds, and with SQLite's default it ran at
//! the end of whichever commit crossed the size, while that writer's turn, and since
//! [`super::Writes`] runs on the request's thread, a tokio worker, waited for it. Now the
//! commit only wakes this thread. A passive checkpoint takes no lock writers need.

use std::{
    path::PathBuf,
    sync::{
        mpsc::{sync_channel, RecvTimeoutError, SyncSender},
        Arc,
    },
    time::Duration,
};

/// A checkpoint that could not copy the whole log is tried again this often, this many
/// times (then at the next commit that asks).
const RETRY_AFTER: Duration = Duration::from_millis(10);
const RETRIES: usize = 500;

pub struct Checkpoints {
    wake: SyncSender<()>,
}

impl Checkpoints {
    /// Asks for a checkpoint; several asked before it runs make one.
    pub fn wake(&self) {
        let _ = self.wake.try_send(());
    }
}

/// Starts the thread; it ends once the returned handle is dropped (the database closed).
pub fn start(path: PathBuf) -> Arc<Checkpoints> {
    let (wake, woken) = sync_channel::<()>(1);
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoints".into())
        .spawn(move || {
            let mut conn = None;
            while woken.recv().is_ok() {
                if conn.is_none() {
                    conn = rusqlite::Connection::open(&path)
                        .inspect_err(|e| tracing::error!(error = %e, "cannot open for checkpoints"))
                        .ok();
                }
                let Some(conn) = &conn else { continue };
                // Until the whole log is copied back: a reader's older snapshot can hold
                // part of it back, and a log never wholly copied is never started over, so
                // it would keep growing and every read would look through it.
                for _ in 0..RETRIES {
                    match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                        Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
                    }) {
                        Ok((log, copied)) if copied >= log => break,
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "checkpoint failed");
                            break;
                        }
                    }
                    if let Err(RecvTimeoutError::Disconnected) = woken.recv_timeout(RETRY_AFTER) {
                        return;
                    }
                }
            }
        });
    if let Err(e) = spawned {
        // Then every commit that asks finds no one: the log grows until the next start.
        tracing::error!(error = %e, "cannot start the checkpoint thread");
    }
    Arc::new(Checkpoints { wake })
}

#[cfg(test)]
mod tests {
    use std::{
        path::{Path, PathBuf},
        time::{Duration, Instant},
    };

    use crate::db::Database;

    /// A database file, and its size before [`big_write`].
    async fn open() -> (tempfile::TempDir, PathBuf, Database, u64) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.db");
        let url = format!("sqlite://{}", file.display());
        let db = crate::db::connect(&url, Duration::from_secs(5), Default::default())
            .await
            .unwrap();
        let before = std::fs::metadata(&file).unwrap().len();
        (dir, file, db, before)
    }

    /// About 1 500 pages (4.5 MB) in one commit: past the 1 000 frames that ask for a
    /// checkpoint. Until one copies them back, they are only in the log.
    fn big_write(db: &Database) {
        db.writes
            .as_ref()
            .unwrap()
            .run(|conn| {
                conn.execute_batch(
                    "CREATE TABLE big (b BLOB);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
                     INSERT INTO big SELECT randomblob(3000) FROM n;",
                )?;
                Ok(())
            })
            .unwrap();
    }

    fn copied_back(file: &Path, before: u64) -> bool {
        std::fs::metadata(file).unwrap().len() >= before + 4_000_000
    }

    async fn wait_until_copied_back(file: &Path, before: u64, failure: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !copied_back(file, before) {
            assert!(Instant::now() < deadline, "{failure}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    #[tokio::test]
    async fn a_commit_past_the_size_has_the_log_copied_back_by_the_thread() {
        let (_dir, file, db, before) = open().await;
        big_write(&db);
        wait_until_copied_back(&file, before, "no checkpoint copied the log back").await;
    }

    #[tokio::test]
    async fn a_log_held_back_by_a_reader_is_copied_back_once_it_ends() {
        let (_dir, file, db, before) = open().await;
        // A reader whose snapshot is older than the write: no checkpoint can copy the
        // write back while it reads.
        let reader = rusqlite::Connection::open(&file).unwrap();
        reader
            .execute_batch("BEGIN; SELECT COUNT(*) FROM sqlite_master;")
            .unwrap();
        big_write(&db);
        // Give the woken checkpoint time to try, and be held back.
        let held = Instant::now() + Duration::from_millis(300);
        while Instant::now() < held {
            assert!(
                !copied_back(&file, before),
                "copied past a reader's snapshot"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        reader.execute_batch("COMMIT").unwrap();
        // No other commit comes to ask again: the thread must try again on its own.
        let failure = "the log was not copied back after the reader ended";
        wait_until_copied_back(&file, before, failure).await;
    }
}

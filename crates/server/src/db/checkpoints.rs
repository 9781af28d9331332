//! WAL checkpoints on a thread of their own. A checkpoint copies the log's pages back into
//! the database and syncs both files: milliseconds, and with SQLite's default it ran at
//! the end of whichever commit crossed the size, while that writer's turn, and since
//! [`super::Writes`] runs on the request's thread, a tokio worker, waited for it. Now the
//! commit only wakes this thread. A passive checkpoint takes no lock writers need.

use std::{
    path::PathBuf,
    sync::{
        mpsc::{sync_channel, SyncSender},
        Arc,
    },
};

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
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "checkpoint failed");
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
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn a_commit_past_the_size_has_the_log_copied_back_by_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.db");
        let url = format!("sqlite://{}", file.display());
        let db = crate::db::connect(&url, Duration::from_secs(5), Default::default())
            .await
            .unwrap();
        let before = std::fs::metadata(&file).unwrap().len();
        // About 1 500 pages in one commit: past the 1 000 frames that ask for a checkpoint.
        db.writes
            .run(|conn| {
                conn.execute_batch(
                    "CREATE TABLE big (b BLOB);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
                     INSERT INTO big SELECT randomblob(3000) FROM n;",
                )?;
                Ok(())
            })
            .unwrap();
        // Until checkpointed, the pages are only in the log.
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::fs::metadata(&file).unwrap().len() < before + 4_000_000 {
            assert!(
                Instant::now() < deadline,
                "no checkpoint copied the log back"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

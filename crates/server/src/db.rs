use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Connection, SqlitePool,
};

/// Opens (creating if needed) the database and brings its schema up to date. A query
/// waits at most `busy_timeout` for another writer's lock, and a request at most as long
/// for a free connection, so a long writer makes requests fail (503) rather than pile up.
pub async fn connect(url: &str, busy_timeout: Duration) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("bad database URL {url}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(busy_timeout);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(busy_timeout)
        // An in-process database cannot hang up: the default ping before lending a
        // connection was one more round trip to its worker thread per statement.
        .test_before_acquire(false)
        // A transaction SQLite ended on its own (SQLITE_FULL, an I/O error) makes sqlx's
        // ROLLBACK fail, and the connection goes on counting a transaction that is gone
        // (launchbadge/sqlx#3742): every later `begin_with` on it would fail. Such a
        // connection is closed instead of lent out again. (Here, not on release: a
        // dropped transaction's rollback is still queued then.)
        .before_acquire(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open database {url}"))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("database migration failed")?;
    Ok(pool)
}

//! The database: SQLite in WAL mode (the embedded default) or PostgreSQL (several
//! instances, issue 18), behind one query layer: each statement is written once, in
//! SQLite's SQL ([`query`], [`Sql`]), and `dialect` gives PostgreSQL its own words.
//! SQLite is reached three ways: sqlx's pool for most statements; [`Reads`] and
//! [`Writes`], SQLite's own API on the request's thread, for the hottest statements (the
//! inbox and patient lists, and sending a message; issue 17's figures are in their
//! modules), which are written once over [`Statements`] and run on the pool on PostgreSQL.

mod checkpoints;
mod dialect;
mod pool;
mod query;
mod reader;
mod reads;
mod sql;
mod watch;
mod writes;

pub use dialect::for_postgres;
pub use pool::{Conn, Executor, Pool, Pooled, Tx};
pub use query::{
    query, query_as, query_scalar, Args, Bind, Done, Query, QueryAs, QueryScalar, Row, Scalar,
    Value,
};
pub use reader::{run_sync, FromSqlite, OnSqlite, OnStore, Statements};
pub use reads::Reads;
pub use sql::Sql;
pub use watch::TableWatch;
pub use writes::Writes;

use std::{path::PathBuf, str::FromStr, sync::Arc, time::Duration};

use anyhow::Context;
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Connection,
};

use watch::Hooks;

/// The ways in (see the module's comment). `reads` and `writes` are SQLite's own API:
/// on PostgreSQL the same statements go through the pool.
pub struct Database {
    pub pool: Pool,
    pub reads: Option<Reads>,
    pub writes: Option<Writes>,
}

/// Opens (creating if needed) the database and brings its schema up to date. A query
/// waits at most `busy_timeout` for another writer's lock, and a request at most as long
/// for a free connection, so a long writer makes requests fail (503) rather than pile up.
/// Commits that change the tables `watch` names are counted in it.
pub async fn connect(
    url: &str,
    busy_timeout: Duration,
    watch: Arc<TableWatch>,
) -> anyhow::Result<Database> {
    if is_postgres(url) {
        watch.blind();
        return connect_postgres(url, busy_timeout).await;
    }
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("bad database URL {url}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(busy_timeout);
    let path: PathBuf = options.get_filename().to_owned();
    // Each of the three ways in opens the file by name; in memory, each would get a
    // database of its own.
    anyhow::ensure!(
        !url.contains(":memory:") && !url.contains("mode=memory"),
        "the database must be a file, not {url}"
    );
    let checkpoints = checkpoints::start(path.clone());
    let hooks = Arc::new(Hooks::new(watch, &checkpoints));
    let pool_hooks = hooks.clone();
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
        .after_connect(move |conn, _| Box::pin(pool_hooks.clone().attach(conn)))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open database {url}"))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("database migration failed")?;
    Ok(Database {
        pool: Pool::Sqlite(pool),
        reads: Some(Reads::new(path.clone(), busy_timeout)),
        writes: Some(Writes::new(path, busy_timeout, hooks, checkpoints)),
    })
}

pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A statement waits at most `busy_timeout` for a row another transaction holds
/// (`lock_timeout`), and a request as long for a free connection: the same 503 as SQLite's
/// busy writer.
async fn connect_postgres(url: &str, busy_timeout: Duration) -> anyhow::Result<Database> {
    let lock_timeout = format!("{}ms", busy_timeout.as_millis());
    let options = PgConnectOptions::from_str(url)
        .context("bad PostgreSQL URL")?
        .options([("lock_timeout", lock_timeout.as_str())]);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(busy_timeout)
        .connect_with(options)
        .await
        // The URL may hold a password: never in the message.
        .context("cannot connect to PostgreSQL")?;
    sqlx::migrate!("./migrations-postgres")
        .run(&pool)
        .await
        .context("database migration failed")?;
    // Text sorts (tag names, the order of text indexes) as SQLite sorts it, by code point,
    // only in the C collation.
    let collation: String =
        sqlx::query_scalar("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            .fetch_one(&pool)
            .await?;
    if !matches!(collation.as_str(), "C" | "POSIX" | "C.UTF-8" | "C.utf8") {
        tracing::warn!(
            collation,
            "the database sorts text in another order than SQLite does; create it with \
             LC_COLLATE 'C' (README, Production)"
        );
    }
    Ok(Database {
        pool: Pool::Postgres(pool),
        reads: None,
        writes: None,
    })
}

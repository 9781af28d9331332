use std::{
    cell::Cell,
    ffi::{c_char, c_int, c_void},
    str::FromStr,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

mod reads;

pub use reads::Reads;

use anyhow::Context;
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Connection, SqliteConnection, SqlitePool,
};

/// Opens (creating if needed) the database and brings its schema up to date. A query
/// waits at most `busy_timeout` for another writer's lock, and a request at most as long
/// for a free connection, so a long writer makes requests fail (503) rather than pile up.
/// Commits that change the tables `watch` names are counted in it.
pub async fn connect(
    url: &str,
    busy_timeout: Duration,
    watch: Arc<TableWatch>,
) -> anyhow::Result<SqlitePool> {
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
        .after_connect(move |conn, _| Box::pin(TableWatch::attach(conn, watch.clone())))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open database {url}"))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("database migration failed")?;
    Ok(pool)
}

/// Read-only connections to the same database as [`connect`]'s, for [`Reads`].
pub fn reads(url: &str, busy_timeout: Duration) -> anyhow::Result<Reads> {
    let options =
        SqliteConnectOptions::from_str(url).with_context(|| format!("bad database URL {url}"))?;
    Ok(Reads::new(options.get_filename().to_owned(), busy_timeout))
}

/// Counts the commits that changed any of some tables, so a cache of what those tables
/// say can tell whether it still holds (the signed-in check's, `auth::session_cache`).
/// A commit is counted as it starts (SQLite's commit hook) and as done once its write lock
/// is released (the WAL hook): [`TableWatch::settled`] answers only while every counted
/// commit is done, so what a reader reads then is as new as the count. Only this
/// process's writes are seen: a cache must also age out, for `admin` commands run beside
/// the server.
#[derive(Default)]
pub struct TableWatch {
    tables: Vec<String>,
    /// A watched row changed in the transaction now writing. SQLite lets one transaction
    /// write at a time, so one flag serves every connection. One that rolls back leaves it
    /// set, and the next commit is counted for nothing: a cache miss, never a stale hit.
    pending: AtomicBool,
    started: AtomicU64,
    done: AtomicU64,
}

thread_local! {
    /// `started` as the commit now ending on this thread left it: its commit hook and its
    /// WAL hook run in the same `sqlite3_step` call.
    static COMMITTING: Cell<u64> = const { Cell::new(0) };
}

impl TableWatch {
    pub fn new(tables: Vec<String>) -> Self {
        TableWatch {
            tables,
            ..TableWatch::default()
        }
    }

    /// The number of watched commits, when none is under way; read it before reading the
    /// tables and again before keeping what was read.
    ///
    /// A statement that SQLite commits while sqlx resets it rather than steps it to its
    /// end (`RETURNING` read with `fetch_optional`) gets no WAL hook: its commit is taken
    /// for done only at the next commit that ends normally, and until then this says
    /// "under way" (the cache reads the database: slower, never stale).
    pub fn settled(&self) -> Option<u64> {
        let done = self.done.load(Ordering::SeqCst);
        let started = self.started.load(Ordering::SeqCst);
        (done == started).then_some(started)
    }

    /// Hooks one new connection up to the watch.
    async fn attach(conn: &mut SqliteConnection, watch: Arc<TableWatch>) -> sqlx::Result<()> {
        let mut handle = conn.lock_handle().await?;
        let marks = watch.clone();
        handle.set_update_hook(move |change| {
            if marks.tables.iter().any(|t| t == change.table) {
                marks.pending.store(true, Ordering::SeqCst);
            }
        });
        let counts = watch.clone();
        handle.set_commit_hook(move || {
            if counts.pending.swap(false, Ordering::SeqCst) {
                counts.started.fetch_add(1, Ordering::SeqCst);
            }
            // Holding the write lock: every commit counted before this one is done once
            // this one is.
            COMMITTING.set(counts.started.load(Ordering::SeqCst));
            true
        });
        // SAFETY: the handle is locked, so no statement runs on it meanwhile. The hook's
        // argument is one strong count of the watch that is never given back, so it
        // outlives the connection (a few bytes per connection the pool opens).
        unsafe {
            libsqlite3_sys::sqlite3_wal_hook(
                handle.as_raw_handle().as_ptr(),
                Some(after_commit),
                Arc::into_raw(watch) as *mut c_void,
            );
        }
        Ok(())
    }
}

/// SQLite's own auto-checkpoint is this same WAL hook, which ours replaces: we checkpoint
/// at its default size too.
const AUTOCHECKPOINT_FRAMES: c_int = 1000;

unsafe extern "C" fn after_commit(
    watch: *mut c_void,
    db: *mut libsqlite3_sys::sqlite3,
    name: *const c_char,
    frames: c_int,
) -> c_int {
    // SAFETY: the pointer `attach` gave, kept alive for good.
    let watch = unsafe { &*(watch as *const TableWatch) };
    watch.done.fetch_max(COMMITTING.get(), Ordering::SeqCst);
    if frames >= AUTOCHECKPOINT_FRAMES {
        // SAFETY: what SQLite's default hook does with the same arguments.
        unsafe { libsqlite3_sys::sqlite3_wal_checkpoint(db, name) };
    }
    libsqlite3_sys::SQLITE_OK
}

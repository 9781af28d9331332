use std::{
    cell::Cell,
    ffi::{c_char, c_int, c_void},
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Weak,
    },
};

use sqlx::SqliteConnection;

use super::checkpoints::Checkpoints;

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
    /// Commits are not seen at all (PostgreSQL): never settled, so nothing is cached.
    blind: AtomicBool,
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
        if self.blind.load(Ordering::Relaxed) {
            return None;
        }
        let done = self.done.load(Ordering::SeqCst);
        let started = self.started.load(Ordering::SeqCst);
        (done == started).then_some(started)
    }

    /// For a store whose commits this process cannot see.
    pub fn blind(&self) {
        self.blind.store(true, Ordering::Relaxed);
    }

    fn row_changed(&self, table: &str) {
        if self.tables.iter().any(|t| t == table) {
            self.pending.store(true, Ordering::SeqCst);
        }
    }

    /// From the commit hook, which runs holding the write lock: every commit counted
    /// before this one is done once this one is.
    fn committing(&self) {
        if self.pending.swap(false, Ordering::SeqCst) {
            self.started.fetch_add(1, Ordering::SeqCst);
        }
        COMMITTING.set(self.started.load(Ordering::SeqCst));
    }
}

/// What a connection's hooks hold: the watch they count commits in, and the checkpointer
/// they wake.
pub(super) struct Hooks {
    watch: Arc<TableWatch>,
    checkpoints: Weak<Checkpoints>,
}

impl Hooks {
    pub(super) fn new(watch: Arc<TableWatch>, checkpoints: &Arc<Checkpoints>) -> Self {
        Hooks {
            watch,
            checkpoints: Arc::downgrade(checkpoints),
        }
    }

    /// Hooks one new connection of the sqlx pool up.
    pub(super) async fn attach(self: Arc<Self>, conn: &mut SqliteConnection) -> sqlx::Result<()> {
        let mut handle = conn.lock_handle().await?;
        let marks = self.watch.clone();
        handle.set_update_hook(move |change| marks.row_changed(change.table));
        let counts = self.watch.clone();
        handle.set_commit_hook(move || {
            counts.committing();
            true
        });
        // SAFETY: the handle is locked, so no statement runs on it meanwhile.
        unsafe { set_wal_hook(handle.as_raw_handle().as_ptr(), self) };
        Ok(())
    }

    /// Hooks [`super::Writes`]' connection up.
    pub(super) fn attach_to(self: Arc<Self>, conn: &rusqlite::Connection) {
        let marks = self.watch.clone();
        conn.update_hook(Some(move |_, _: &str, table: &str, _| {
            marks.row_changed(table)
        }));
        let counts = self.watch.clone();
        conn.commit_hook(Some(move || {
            counts.committing();
            false // rusqlite's hook answers "roll back?"
        }));
        // SAFETY: `conn` is borrowed, so no statement runs on it meanwhile.
        unsafe { set_wal_hook(conn.handle(), self) };
    }
}

/// # Safety
/// `db` is an open connection on which nothing runs meanwhile. The hook's argument is
/// one strong count of `hooks` that is never given back, so it outlives the connection
/// (a few bytes per connection opened).
unsafe fn set_wal_hook(db: *mut libsqlite3_sys::sqlite3, hooks: Arc<Hooks>) {
    unsafe {
        libsqlite3_sys::sqlite3_wal_hook(
            db,
            Some(after_commit),
            Arc::into_raw(hooks) as *mut c_void,
        );
    }
}

/// SQLite's own auto-checkpoint is this same WAL hook, which ours replaces: we checkpoint
/// at its default size too.
const AUTOCHECKPOINT_FRAMES: c_int = 1000;

/// SQLite's WAL hook: runs once a commit is done and its write lock released.
unsafe extern "C" fn after_commit(
    hooks: *mut c_void,
    db: *mut libsqlite3_sys::sqlite3,
    name: *const c_char,
    frames: c_int,
) -> c_int {
    // SAFETY: the pointer `set_wal_hook` gave, kept alive for good.
    let hooks = unsafe { &*(hooks as *const Hooks) };
    hooks
        .watch
        .done
        .fetch_max(COMMITTING.get(), Ordering::SeqCst);
    if frames >= AUTOCHECKPOINT_FRAMES {
        match hooks.checkpoints.upgrade() {
            Some(checkpoints) => checkpoints.wake(),
            // The database is closing: as SQLite's default hook would.
            // SAFETY: the arguments SQLite gave this hook.
            None => unsafe {
                libsqlite3_sys::sqlite3_wal_checkpoint(db, name);
            },
        }
    }
    libsqlite3_sys::SQLITE_OK
}

//! What the signed-in check last read for each session, kept in memory so most requests
//! need no statement for it. An entry holds while no commit has changed a table the check
//! reads ([`TableWatch`]): a sign-out, a password change, a new agreement version, an
//! acceptance, a withdrawn consent or a deletion request takes effect on the very next
//! request, as when every request read the database. The session's own limits (expiry,
//! idle timeout, the `last_seen_at` resolution) are checked on every hit, and an entry is
//! read again after [`MAX_AGE`] whatever happens, for changes made by another process
//! (`admin publish-agreement` beside a running server).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::{db::TableWatch, extractor::SignedIn};

/// How long an entry may stand for changes this process cannot see.
pub const MAX_AGE: Duration = Duration::from_secs(1);

/// Entries at most; past it the cache starts again (one read per live session).
const CAPACITY: usize = 50_000;

pub struct SessionCache {
    watch: Arc<TableWatch>,
    cached: Mutex<Cached>,
}

#[derive(Default)]
struct Cached {
    /// The watch's count the entries were read under.
    commits: u64,
    entries: HashMap<Vec<u8>, Entry>,
}

struct Entry {
    signed_in: SignedIn,
    /// Unix seconds from which the database must be asked again: expiry, idle timeout, or
    /// time to write `last_seen_at`, whichever comes first.
    until: i64,
    read_at: Instant,
}

impl SessionCache {
    pub fn new(watch: Arc<TableWatch>) -> Self {
        SessionCache {
            watch,
            cached: Mutex::default(),
        }
    }

    /// The watch's count, read before asking the database and given back to
    /// [`SessionCache::put`]; `None` while a change is being committed.
    pub fn settled(&self) -> Option<u64> {
        self.watch.settled()
    }

    /// The session as last read, if nothing it depends on changed since and `now` (unix
    /// seconds, the app's clock) is still before its limits.
    pub fn get(&self, token_hash: &[u8], now: i64) -> Option<SignedIn> {
        let commits = self.watch.settled()?;
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if cached.commits != commits {
            cached.entries.clear();
            cached.commits = commits;
            return None;
        }
        let entry = cached.entries.get(token_hash)?;
        (now < entry.until && entry.read_at.elapsed() < MAX_AGE).then(|| entry.signed_in.clone())
    }

    /// Keeps what was read with the watch settled at `commits`, unless a change began
    /// since (the read may have missed it).
    pub fn put(&self, commits: u64, signed_in: &SignedIn, until: i64) {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if self.watch.settled() != Some(commits) {
            return;
        }
        if cached.commits != commits || cached.entries.len() >= CAPACITY {
            cached.entries.clear();
            cached.commits = commits;
        }
        cached.entries.insert(
            signed_in.token_hash.clone(),
            Entry {
                signed_in: signed_in.clone(),
                until,
                read_at: Instant::now(),
            },
        );
    }
}

//! The store the statements run on: SQLite (embedded, the default) or PostgreSQL, behind one
//! pool, one connection and one transaction type, so each statement is written once
//! ([`super::query`]) and runs on either.

use std::ops::{Deref, DerefMut};

use sqlx::{
    pool::PoolConnection, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool,
    Transaction,
};

#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connection lent by the pool, or a transaction on one.
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    SqliteTx(Transaction<'static, Sqlite>),
    PostgresTx(Transaction<'static, Postgres>),
}

/// A transaction: rolled back when dropped unless committed.
pub struct Tx(Conn);

/// A connection lent by the pool, outside any transaction.
pub struct Pooled(Conn);

impl Pool {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Pool::Postgres(_))
    }

    pub async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(Tx(match self {
            Pool::Sqlite(p) => Conn::SqliteTx(p.begin().await?),
            Pool::Postgres(p) => Conn::PostgresTx(p.begin().await?),
        }))
    }

    /// A transaction that will write: SQLite takes its one writer's lock at the start
    /// (`BEGIN IMMEDIATE`), so it never fails half-way to upgrade a read lock. PostgreSQL
    /// locks rows as it writes them.
    pub async fn begin_write(&self) -> sqlx::Result<Tx> {
        Ok(Tx(match self {
            Pool::Sqlite(p) => Conn::SqliteTx(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Conn::PostgresTx(p.begin().await?),
        }))
    }

    /// A transaction whose reads all see one moment. SQLite's (in WAL mode) do; in
    /// PostgreSQL each statement would otherwise see its own.
    pub async fn begin_snapshot(&self) -> sqlx::Result<Tx> {
        Ok(Tx(match self {
            Pool::Sqlite(p) => Conn::SqliteTx(p.begin().await?),
            Pool::Postgres(p) => Conn::PostgresTx(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?,
            ),
        }))
    }

    pub async fn acquire(&self) -> sqlx::Result<Pooled> {
        Ok(Pooled(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
        }))
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.0 {
            Conn::SqliteTx(t) => t.commit().await,
            Conn::PostgresTx(t) => t.commit().await,
            Conn::Sqlite(_) | Conn::Postgres(_) => Ok(()),
        }
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        match self.0 {
            Conn::SqliteTx(t) => t.rollback().await,
            Conn::PostgresTx(t) => t.rollback().await,
            Conn::Sqlite(_) | Conn::Postgres(_) => Ok(()),
        }
    }
}

impl Conn {
    /// Makes every other transaction that locks `key` wait until this one ends: a count
    /// and the write it allows ("at most N") are then atomic. SQLite's one writer already
    /// holds the whole database in a write transaction (`begin_write`); PostgreSQL takes
    /// a transaction-scoped advisory lock.
    pub async fn lock_key(&mut self, key: &str) -> sqlx::Result<()> {
        if let Conn::PostgresTx(t) = self {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    /// sqlx's own SQLite connection, for what only SQLite has (its hooks, `PRAGMA`s).
    pub fn as_sqlite(&mut self) -> Option<&mut SqliteConnection> {
        match self {
            Conn::Sqlite(c) => Some(c),
            Conn::SqliteTx(t) => Some(t),
            Conn::Postgres(_) | Conn::PostgresTx(_) => None,
        }
    }
}

macro_rules! derefs_to_conn {
    ($($t:ty),*) => {$(
        impl Deref for $t {
            type Target = Conn;
            fn deref(&self) -> &Conn {
                &self.0
            }
        }
        impl DerefMut for $t {
            fn deref_mut(&mut self) -> &mut Conn {
                &mut self.0
            }
        }
    )*};
}
derefs_to_conn!(Tx, Pooled);

/// Where one statement runs: a pool (any free connection) or one connection.
pub enum Exec<'e> {
    SqlitePool(&'e SqlitePool),
    PostgresPool(&'e PgPool),
    Sqlite(&'e mut SqliteConnection),
    Postgres(&'e mut PgConnection),
}

/// What a statement can run on: `&pool`, `&mut conn`, `&mut *tx`.
pub trait Executor<'e>: Send {
    fn exec(self) -> Exec<'e>;
}

impl<'e> Executor<'e> for &'e Pool {
    fn exec(self) -> Exec<'e> {
        match self {
            Pool::Sqlite(p) => Exec::SqlitePool(p),
            Pool::Postgres(p) => Exec::PostgresPool(p),
        }
    }
}

impl<'e> Executor<'e> for &'e mut Conn {
    fn exec(self) -> Exec<'e> {
        match self {
            Conn::Sqlite(c) => Exec::Sqlite(c),
            Conn::Postgres(c) => Exec::Postgres(c),
            Conn::SqliteTx(t) => Exec::Sqlite(t),
            Conn::PostgresTx(t) => Exec::Postgres(t),
        }
    }
}

impl<'e> Executor<'e> for &'e mut Tx {
    fn exec(self) -> Exec<'e> {
        (&mut self.0).exec()
    }
}

impl<'e> Executor<'e> for &'e mut Pooled {
    fn exec(self) -> Exec<'e> {
        (&mut self.0).exec()
    }
}

/// A store's own connection, opened apart from the app's pool (tools, tests).
impl<'e> Executor<'e> for &'e mut SqliteConnection {
    fn exec(self) -> Exec<'e> {
        Exec::Sqlite(self)
    }
}

impl<'e> Executor<'e> for &'e mut PgConnection {
    fn exec(self) -> Exec<'e> {
        Exec::Postgres(self)
    }
}

impl<'e> Executor<'e> for &'e SqlitePool {
    fn exec(self) -> Exec<'e> {
        Exec::SqlitePool(self)
    }
}

impl<'e> Executor<'e> for &'e PgPool {
    fn exec(self) -> Exec<'e> {
        Exec::PostgresPool(self)
    }
}

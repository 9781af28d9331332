//! Statements written once for both ways in: SQLite's own API on the request's thread
//! ([`super::Reads`] and [`super::Writes`], for the hottest lists and the send) or a
//! connection of the pool (PostgreSQL). Such work is an `async fn` over [`Statements`]; on
//! SQLite its statements never wait, so it runs to its end in one poll ([`run_sync`]).

use std::future::Future;

use futures_util::FutureExt;

use super::{query::Row, Conn, Sql};
use crate::error::AppResult;

/// A row as SQLite's own API reads it, in the order of the statement's columns.
pub trait FromSqlite: Sized {
    fn from_sqlite(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

macro_rules! tuple_from_sqlite {
    ($($t:ident $i:tt),+) => {
        impl<$($t: rusqlite::types::FromSql),+> FromSqlite for ($($t,)+) {
            fn from_sqlite(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($(r.get::<_, $t>($i)?,)+))
            }
        }
    };
}
tuple_from_sqlite!(A 0);
tuple_from_sqlite!(A 0, B 1);
tuple_from_sqlite!(A 0, B 1, C 2);
tuple_from_sqlite!(A 0, B 1, C 2, D 3);
tuple_from_sqlite!(A 0, B 1, C 2, D 3, E 4);

/// Where the statements run.
pub trait Statements {
    fn all<T: Row + FromSqlite>(
        &mut self,
        sql: &Sql,
    ) -> impl Future<Output = AppResult<Vec<T>>> + Send;

    fn optional<T: Row + FromSqlite>(
        &mut self,
        sql: &Sql,
    ) -> impl Future<Output = AppResult<Option<T>>> + Send;

    /// How many rows the statement changed.
    fn execute(&mut self, sql: &Sql) -> impl Future<Output = AppResult<u64>> + Send;

    /// Holds the row `id` of `table` until the transaction ends. SQLite's writer holds the
    /// whole database already; PostgreSQL locks the row (`FOR UPDATE`).
    fn lock(&mut self, table: &'static str, id: i64) -> impl Future<Output = AppResult<()>> + Send;
}

/// SQLite's own API: each statement is done when its call returns.
pub struct OnSqlite<'c>(pub &'c rusqlite::Connection);

/// A connection of the pool, or a transaction on one.
pub struct OnStore<'c>(pub &'c mut Conn);

impl OnSqlite<'_> {
    fn rows<T: FromSqlite>(&self, sql: &Sql) -> AppResult<Vec<T>> {
        let mut statement = self.0.prepare_cached(sql.text())?;
        let rows = statement.query_map(sql.params(), T::from_sqlite)?;
        Ok(rows.collect::<rusqlite::Result<Vec<T>>>()?)
    }
}

impl Statements for OnSqlite<'_> {
    fn all<T: Row + FromSqlite>(
        &mut self,
        sql: &Sql,
    ) -> impl Future<Output = AppResult<Vec<T>>> + Send {
        std::future::ready(self.rows(sql))
    }

    fn optional<T: Row + FromSqlite>(
        &mut self,
        sql: &Sql,
    ) -> impl Future<Output = AppResult<Option<T>>> + Send {
        std::future::ready(self.rows(sql).map(|rows| rows.into_iter().next()))
    }

    fn execute(&mut self, sql: &Sql) -> impl Future<Output = AppResult<u64>> + Send {
        let changed = (|| Ok(self.0.prepare_cached(sql.text())?.execute(sql.params())? as u64))();
        std::future::ready(changed)
    }

    fn lock(&mut self, _: &'static str, _: i64) -> impl Future<Output = AppResult<()>> + Send {
        std::future::ready(Ok(()))
    }
}

impl Statements for OnStore<'_> {
    async fn all<T: Row + FromSqlite>(&mut self, sql: &Sql) -> AppResult<Vec<T>> {
        Ok(sql.query_as::<T>().fetch_all(&mut *self.0).await?)
    }

    async fn optional<T: Row + FromSqlite>(&mut self, sql: &Sql) -> AppResult<Option<T>> {
        Ok(sql.query_as::<T>().fetch_optional(&mut *self.0).await?)
    }

    async fn execute(&mut self, sql: &Sql) -> AppResult<u64> {
        Ok(sql.query().execute(&mut *self.0).await?.rows_affected())
    }

    async fn lock(&mut self, table: &'static str, id: i64) -> AppResult<()> {
        if self.0.as_sqlite().is_none() {
            let sql = format!("SELECT CAST(1 AS BIGINT) FROM {table} WHERE id = ? FOR UPDATE");
            crate::db::query(&sql)
                .bind(id)
                .execute(&mut *self.0)
                .await?;
        }
        Ok(())
    }
}

/// Runs work on SQLite's own API to its end: its statements never wait, so it is done in
/// its first poll.
pub fn run_sync<T>(read: impl Future<Output = AppResult<T>>) -> AppResult<T> {
    read.now_or_never()
        .expect("a statement on SQLite's own API never waits")
}

//! One statement, written once, run on SQLite or PostgreSQL: `query`, `query_as` and
//! `query_scalar` read like sqlx's own, but keep their arguments as plain values until they
//! know which store they run on. Statements are written in SQLite's SQL, which
//! [`super::dialect`] turns into PostgreSQL's.

use std::{borrow::Cow, marker::PhantomData};

use sqlx::{
    error::BoxDynError, postgres::PgArguments, sqlite::SqliteArguments, Arguments, Decode, FromRow,
    Postgres, Sqlite, Type,
};

use super::{
    dialect::for_postgres as numbered,
    pool::{Exec, Executor},
};

/// An argument, typed even when it is NULL (PostgreSQL types every parameter).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

/// What can be bound to a placeholder. Booleans are stored as 0 and 1 in both stores.
pub trait Bind {
    fn value(self) -> Value;
    fn null() -> Value
    where
        Self: Sized;
}

macro_rules! bind_as {
    ($variant:ident: $($t:ty => |$v:ident| $e:expr),* $(,)?) => {$(
        impl Bind for $t {
            fn value(self) -> Value {
                let $v = self;
                Value::$variant(Some($e))
            }
            fn null() -> Value {
                Value::$variant(None)
            }
        }
    )*};
}

bind_as!(Int:
    i64 => |v| v,
    &i64 => |v| *v,
    i32 => |v| v.into(),
    u32 => |v| v.into(),
    u16 => |v| v.into(),
    u8 => |v| v.into(),
    bool => |v| v.into(),
);
bind_as!(Real: f64 => |v| v);
bind_as!(Text:
    String => |v| v,
    &String => |v| v.clone(),
    &str => |v| v.to_owned(),
    &&str => |v| (*v).to_owned(),
    Cow<'_, str> => |v| v.into_owned(),
    // The form sqlx gave dates in SQLite, and what the `…_on` columns hold.
    chrono::NaiveDate => |v| v.format("%F").to_string(),
    &chrono::NaiveDate => |v| v.format("%F").to_string(),
);
bind_as!(Blob:
    Vec<u8> => |v| v,
    &Vec<u8> => |v| v.clone(),
    &[u8] => |v| v.to_vec(),
);

impl<T: Bind> Bind for Option<T> {
    fn value(self) -> Value {
        match self {
            Some(v) => v.value(),
            None => T::null(),
        }
    }
    fn null() -> Value {
        T::null()
    }
}

impl Bind for &Option<&str> {
    fn value(self) -> Value {
        Value::Text(self.map(str::to_owned))
    }
    fn null() -> Value {
        Value::Text(None)
    }
}

impl Bind for &Option<String> {
    fn value(self) -> Value {
        Value::Text(self.clone())
    }
    fn null() -> Value {
        Value::Text(None)
    }
}

impl Bind for Value {
    fn value(self) -> Value {
        self
    }
    fn null() -> Value {
        Value::Int(None)
    }
}

/// The arguments of one statement.
#[derive(Debug, Default, Clone)]
pub struct Args(Vec<Value>);

impl Args {
    pub fn push(&mut self, v: impl Bind) {
        self.0.push(match v.value() {
            // PostgreSQL's text cannot hold U+0000 (it refuses the whole statement); no
            // text of ours needs it, so both stores drop it alike.
            Value::Text(Some(t)) if t.contains('\0') => Value::Text(Some(t.replace('\0', ""))),
            v => v,
        });
    }

    pub fn values(&self) -> &[Value] {
        &self.0
    }

    fn sqlite<'q>(&self) -> sqlx::Result<SqliteArguments<'q>> {
        self.sqlite_args().map_err(sqlx::Error::Encode)
    }

    fn postgres(&self) -> sqlx::Result<PgArguments> {
        self.postgres_args().map_err(sqlx::Error::Encode)
    }

    fn sqlite_args<'q>(&self) -> Result<SqliteArguments<'q>, BoxDynError> {
        let mut a = SqliteArguments::default();
        for v in &self.0 {
            match v.clone() {
                Value::Int(v) => a.add(v)?,
                Value::Real(v) => a.add(v)?,
                Value::Text(v) => a.add(v)?,
                Value::Blob(v) => a.add(v)?,
            }
        }
        Ok(a)
    }

    fn postgres_args(&self) -> Result<PgArguments, BoxDynError> {
        let mut a = PgArguments::default();
        for v in &self.0 {
            match v.clone() {
                Value::Int(v) => a.add(v)?,
                Value::Real(v) => a.add(v)?,
                Value::Text(v) => a.add(v)?,
                Value::Blob(v) => a.add(v)?,
            }
        }
        Ok(a)
    }
}

/// What a statement that returns no rows did.
#[derive(Debug, Clone, Copy)]
pub struct Done {
    rows_affected: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// A row type both stores can decode.
pub trait Row:
    for<'r> FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> FromRow<'r, sqlx::postgres::PgRow>
    + Send
    + Unpin
{
}
impl<T> Row for T where
    T: for<'r> FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin
{
}

/// A column type both stores can decode.
pub trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

pub fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Args::default(),
    }
}

pub fn query_as<T: Row>(sql: &str) -> QueryAs<'_, T> {
    QueryAs {
        q: query(sql),
        row: PhantomData,
    }
}

pub fn query_scalar<T: Scalar>(sql: &str) -> QueryScalar<'_, T> {
    QueryScalar {
        q: query(sql),
        row: PhantomData,
    }
}

/// A statement whose rows, if any, are not read.
#[must_use = "a query does nothing until it is run"]
pub struct Query<'q> {
    sql: &'q str,
    args: Args,
}

#[must_use = "a query does nothing until it is run"]
pub struct QueryAs<'q, T> {
    q: Query<'q>,
    row: PhantomData<fn() -> T>,
}

#[must_use = "a query does nothing until it is run"]
pub struct QueryScalar<'q, T> {
    q: Query<'q>,
    row: PhantomData<fn() -> T>,
}

impl<'q> Query<'q> {
    pub fn bind(mut self, v: impl Bind) -> Self {
        self.args.push(v);
        self
    }

    /// The statement with arguments collected elsewhere (see [`super::Sql`]).
    pub fn with_args(sql: &'q str, args: Args) -> Self {
        Query { sql, args }
    }

    pub async fn execute<'e>(self, db: impl Executor<'e>) -> sqlx::Result<Done> {
        let sql = self.sql;
        let done = match db.exec() {
            Exec::SqlitePool(p) => sqlx::query_with(sql, self.args.sqlite()?)
                .execute(p)
                .await
                .map(|d| d.rows_affected()),
            Exec::Sqlite(c) => sqlx::query_with(sql, self.args.sqlite()?)
                .execute(c)
                .await
                .map(|d| d.rows_affected()),
            Exec::PostgresPool(p) => sqlx::query_with(&numbered(sql), self.args.postgres()?)
                .execute(p)
                .await
                .map(|d| d.rows_affected()),
            Exec::Postgres(c) => sqlx::query_with(&numbered(sql), self.args.postgres()?)
                .execute(c)
                .await
                .map(|d| d.rows_affected()),
        };
        let rows_affected = done.inspect_err(|e| wrong_types(sql, e))?;
        Ok(Done { rows_affected })
    }
}

/// The same body for the three ways of reading rows, on each of the four executors.
macro_rules! read_rows {
    ($self:ident, $db:ident, $with:path, $how:ident) => {{
        let sql = $self.q.sql;
        let read = match $db.exec() {
            Exec::SqlitePool(p) => $with($self.q.sql, $self.q.args.sqlite()?).$how(p).await,
            Exec::Sqlite(c) => $with($self.q.sql, $self.q.args.sqlite()?).$how(c).await,
            Exec::PostgresPool(p) => {
                let sql = numbered($self.q.sql);
                $with(&*sql, $self.q.args.postgres()?).$how(p).await
            }
            Exec::Postgres(c) => {
                let sql = numbered($self.q.sql);
                $with(&*sql, $self.q.args.postgres()?).$how(c).await
            }
        };
        read.inspect_err(|e| wrong_types(sql, e))
    }};
}

/// A statement the store cannot run, or whose row does not fit its Rust types, is a bug
/// in the statement: which one, logged.
fn wrong_types(sql: &str, e: &sqlx::Error) {
    let bad_statement = match e {
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => true,
        // PostgreSQL's classes for a statement that cannot run as written: syntax or
        // access rule (42), data (22), unsupported feature (0A).
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("42") || c.starts_with("22") || c.starts_with("0A")),
        _ => false,
    };
    if bad_statement {
        tracing::error!(sql, "the store cannot run this statement as written");
    }
}

impl<'q, T: Row> QueryAs<'q, T> {
    pub fn bind(mut self, v: impl Bind) -> Self {
        self.q = self.q.bind(v);
        self
    }

    pub fn with_args(sql: &'q str, args: Args) -> Self {
        QueryAs {
            q: Query::with_args(sql, args),
            row: PhantomData,
        }
    }

    pub async fn fetch_all<'e>(self, db: impl Executor<'e>) -> sqlx::Result<Vec<T>> {
        read_rows!(self, db, sqlx::query_as_with, fetch_all)
    }

    pub async fn fetch_one<'e>(self, db: impl Executor<'e>) -> sqlx::Result<T> {
        read_rows!(self, db, sqlx::query_as_with, fetch_one)
    }

    pub async fn fetch_optional<'e>(self, db: impl Executor<'e>) -> sqlx::Result<Option<T>> {
        read_rows!(self, db, sqlx::query_as_with, fetch_optional)
    }
}

impl<'q, T: Scalar> QueryScalar<'q, T> {
    pub fn bind(mut self, v: impl Bind) -> Self {
        self.q = self.q.bind(v);
        self
    }

    pub async fn fetch_all<'e>(self, db: impl Executor<'e>) -> sqlx::Result<Vec<T>> {
        read_rows!(self, db, sqlx::query_scalar_with, fetch_all)
    }

    pub async fn fetch_one<'e>(self, db: impl Executor<'e>) -> sqlx::Result<T> {
        read_rows!(self, db, sqlx::query_scalar_with, fetch_one)
    }

    pub async fn fetch_optional<'e>(self, db: impl Executor<'e>) -> sqlx::Result<Option<T>> {
        read_rows!(self, db, sqlx::query_scalar_with, fetch_optional)
    }
}

//! A statement whose shape depends on the request (a search, a tag, a cursor), built with
//! its arguments in order, for either way in: the query layer ([`Sql::query_as`]) or
//! SQLite's own API ([`super::Reads`], [`super::Writes`]).

use super::query::{Args, Bind, Query, QueryAs, Row, Value};

#[derive(Debug, Default)]
pub struct Sql {
    text: String,
    args: Args,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql {
            text: text.to_owned(),
            args: Args::default(),
        }
    }

    /// Appends SQL text as it is: never anything a request sent.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a `?` bound to `value`.
    pub fn push_bind(&mut self, value: impl Bind) -> &mut Self {
        self.text.push('?');
        self.args.push(value);
        self
    }

    /// Binds the next `?` already in the text.
    pub fn bind(&mut self, value: impl Bind) -> &mut Self {
        self.args.push(value);
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn params(&self) -> impl rusqlite::Params + '_ {
        use rusqlite::types::Value as Sqlite;
        rusqlite::params_from_iter(self.args.values().iter().map(|v| match v.clone() {
            Value::Int(v) => v.map_or(Sqlite::Null, Sqlite::Integer),
            Value::Real(v) => v.map_or(Sqlite::Null, Sqlite::Real),
            Value::Text(v) => v.map_or(Sqlite::Null, Sqlite::Text),
            Value::Blob(v) => v.map_or(Sqlite::Null, Sqlite::Blob),
        }))
    }

    /// The statement, to run on either store.
    pub fn query_as<T: Row>(&self) -> QueryAs<'_, T> {
        QueryAs::with_args(&self.text, self.args.clone())
    }

    pub fn query(&self) -> Query<'_> {
        Query::with_args(&self.text, self.args.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_argument_binds_where_it_was_pushed() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut sql = Sql::new("SELECT ");
        sql.push_bind(2_i64)
            .push(" * 10 + ")
            .push_bind(3_i64)
            .push(", ")
            .push_bind("x".to_owned());
        let row: (i64, String) = conn
            .query_row(sql.text(), sql.params(), |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!(row, (23, "x".to_owned()));
    }
}

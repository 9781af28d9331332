//! The benchmark's own PostgreSQL database: made empty (C collation, as the README asks of
//! a production database) on the server `--database-url` names, dropped at the end.

use anyhow::Context;
use sqlx::{Connection, PgConnection};

pub struct Database {
    server: String,
    name: String,
    pub url: String,
}

impl Database {
    pub async fn create(server: &str) -> anyhow::Result<Database> {
        anyhow::ensure!(
            crate::db::is_postgres(server),
            "bench inbox: --database-url names a PostgreSQL server (postgres://…); \
             without it the benchmark runs on SQLite"
        );
        let name = format!("doctor_desk_bench_{}", std::process::id());
        let mut admin = PgConnection::connect(server)
            .await
            .context("cannot connect to PostgreSQL")?;
        sqlx::query(&format!(
            "CREATE DATABASE {name} TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
        ))
        .execute(&mut admin)
        .await?;
        let (base, _) = server
            .rsplit_once('/')
            .context("a PostgreSQL URL ends with a database name")?;
        Ok(Database {
            server: server.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }

    pub async fn drop_it(self) -> anyhow::Result<()> {
        let mut admin = PgConnection::connect(&self.server).await?;
        sqlx::query(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .execute(&mut admin)
            .await?;
        Ok(())
    }
}

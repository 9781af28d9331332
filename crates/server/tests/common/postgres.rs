//! PostgreSQL for the suites: `cargo xtask test` starts a throwaway cluster and names it
//! in `DOCTOR_DESK_TEST_POSTGRES` (or set it yourself to an existing server, as a role that
//! may create databases). With `DOCTOR_DESK_TEST_STORE=postgres` every API test's app (and
//! every e2e flow's server, whose harness includes this file) runs on a database of its own
//! there instead of an SQLite file.

use std::{
    process::Command,
    sync::atomic::{AtomicU32, Ordering},
};

use sqlx::Connection;

const SERVER: &str = "DOCTOR_DESK_TEST_POSTGRES";

/// Whether the suite was asked to run its apps on PostgreSQL.
pub fn asked() -> bool {
    std::env::var("DOCTOR_DESK_TEST_STORE").is_ok_and(|s| s == "postgres")
}

/// The server's URL (its maintenance database).
pub fn server() -> String {
    std::env::var(SERVER).unwrap_or_else(|_| {
        panic!(
            "{SERVER} is not set: run the suites through `cargo xtask test`, which starts \
             a throwaway PostgreSQL, or set it to postgres://user@host:port/postgres"
        )
    })
}

/// A new, empty database on the server, named after this process so that runs side by
/// side never meet; its URL.
pub async fn fresh_database(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let server = server();
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {SERVER}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create the test database");
    let _ = admin.close().await;
    let (base, _) = server.rsplit_once('/').expect("a URL with a database name");
    format!("{base}/{name}")
}

/// `psql` on the database at `url`, stopping at the first error; its rows, one per line,
/// fields joined by `|`.
pub fn psql(url: &str, args: &[&str]) -> String {
    let out = Command::new("psql")
        .args(["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url])
        .args(args)
        .output()
        .expect("psql runs (apt postgresql-client)");
    assert!(
        out.status.success(),
        "psql {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

//! The PostgreSQL migrations (`migrations-postgres/`) against the SQLite ones
//! (`migrations/`): each file applies, in order, to an empty PostgreSQL database (on the
//! server `cargo xtask test` starts, see `common/postgres.rs`), and the schema they build
//! is the one SQLite gets: the same tables with the same columns in the same order and
//! nullability, the same indexes, triggers and foreign keys (with their ON DELETE).

mod common;

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use common::{postgres, TestApp};

fn migrations(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

fn lines(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn sqlite_rows(app: &TestApp, sql: &str) -> BTreeSet<String> {
    doctor_desk_server::db::query_scalar::<String>(sql)
        .fetch_all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Lines in one set and not the other, for a readable failure.
fn differences(what: &str, sqlite: &BTreeSet<String>, postgres: &BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = sqlite
        .difference(postgres)
        .map(|l| format!("{what} only in SQLite: {l}"))
        .collect();
    out.extend(
        postgres
            .difference(sqlite)
            .map(|l| format!("{what} only in PostgreSQL: {l}")),
    );
    out
}

#[tokio::test]
async fn the_postgresql_migrations_build_the_schema_sqlite_gets() {
    let sqlite_files: Vec<String> = migrations("migrations")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let postgres_files = migrations("migrations-postgres");
    let names: Vec<String> = postgres_files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names, sqlite_files,
        "one PostgreSQL migration per SQLite one, same names"
    );

    let url = postgres::fresh_database("schema_check").await;
    for file in &postgres_files {
        // As sqlx applies each: in a transaction of its own.
        postgres::psql(
            &url,
            &["--single-transaction", "-f", &file.display().to_string()],
        );
    }
    let app = TestApp::new().await;

    let mut problems = Vec::new();
    // Columns in order, with nullability (a primary key column is never NULL in PostgreSQL).
    let sqlite = sqlite_rows(
        &app,
        "SELECT m.name || '|' || printf('%03d', p.cid) || '|' || p.name || '|'
                || CASE WHEN p.\"notnull\" OR p.pk > 0 THEN 'NOT NULL' ELSE 'NULL' END
           FROM sqlite_master m, pragma_table_info(m.name) p
          WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .await;
    let postgres = lines(&postgres::psql(
        &url,
        &["-c", "SELECT c.relname || '|' || lpad((row_number() OVER (PARTITION BY c.relname ORDER BY a.attnum) - 1)::text, 3, '0')
                        || '|' || a.attname || '|' || CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                  WHERE n.nspname = 'public' AND c.relkind = 'r'"],
    ));
    problems.extend(differences("column", &sqlite, &postgres));

    // Indexes made by CREATE INDEX (those of constraints are compared as constraints).
    let sqlite = sqlite_rows(
        &app,
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .await;
    let postgres = lines(&postgres::psql(
        &url,
        &[
            "-c",
            "SELECT i.indexname FROM pg_indexes i
                  WHERE i.schemaname = 'public'
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        ],
    ));
    problems.extend(differences("index", &sqlite, &postgres));

    let sqlite = sqlite_rows(
        &app,
        "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    )
    .await;
    let postgres = lines(&postgres::psql(
        &url,
        &[
            "-c",
            // Those of several instances, which SQLite has no use for (migration 0024).
            "SELECT DISTINCT tgname FROM pg_trigger WHERE NOT tgisinternal
                AND tgname NOT IN ('inbox_events_in_order', 'inbox_events_wake', 'sessions_end_wake',
                                   'follow_ups_one_at_a_time')",
        ],
    ));
    problems.extend(differences("trigger", &sqlite, &postgres));

    // Foreign keys: column, the table it refers to, what a delete there does.
    let sqlite = sqlite_rows(
        &app,
        "SELECT m.name || '.' || f.\"from\" || ' -> ' || f.\"table\" || ' ON DELETE ' || f.on_delete
           FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
    )
    .await;
    let postgres = lines(&postgres::psql(
        &url,
        &["-c", "SELECT c.conrelid::regclass::text || '.' || a.attname || ' -> ' || c.confrelid::regclass::text
                        || ' ON DELETE ' || CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
                           WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END
                   FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) k(n)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                  WHERE c.contype = 'f'"],
    ));
    problems.extend(differences("foreign key", &sqlite, &postgres));

    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Not vacuous: the schema has what this compares.
    let tables = sqlite_rows(&app, "SELECT name FROM sqlite_master WHERE type = 'table'").await;
    assert!(tables.len() > 40, "{tables:?}");
}

#[test]
fn the_command_line_names_an_unreachable_postgresql_without_its_password() {
    let port = common::free_port();
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_doctor-desk-server"))
        .args([
            "--database-url",
            &format!("postgres://desk:secret@127.0.0.1:{port}/desk"),
        ])
        .env("DOCTOR_DESK_DATA_DIR", data.path())
        .output()
        .unwrap();
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(error.contains("cannot connect to PostgreSQL"), "{error}");
    assert!(
        !error.contains("secret"),
        "the password stays out of it: {error}"
    );
}

#[tokio::test]
async fn an_unreachable_postgresql_stops_the_start_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = doctor_desk_server::Config::new(dir.path());
    let port = common::free_port();
    config.database_url = Some(format!("postgres://desk:secret@127.0.0.1:{port}/desk"));
    let clock = doctor_desk_server::ManualClock::new(chrono::Utc::now());
    let started = doctor_desk_server::app(config, std::sync::Arc::new(clock)).await;
    let error = format!("{:#}", started.err().expect("refused"));
    assert!(error.contains("cannot connect to PostgreSQL"), "{error}");
    assert!(
        !error.contains("secret"),
        "the password stays out of it: {error}"
    );
}

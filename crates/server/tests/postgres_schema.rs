//! The PostgreSQL migrations (`migrations-postgres/`) against the SQLite ones
//! (`migrations/`): each file applies, in order, to an empty PostgreSQL database of a
//! throwaway cluster this test starts (Debian's `postgresql`, which `cargo xtask test`
//! installs), and the schema they build is the one SQLite gets: the same tables with the
//! same columns in the same order and nullability, the same indexes, triggers and foreign
//! keys (with their ON DELETE). The step before the server runs on PostgreSQL (issue 18).

mod common;

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    process::Command,
};

use common::TestApp;

/// A PostgreSQL cluster in a temp dir on a free port, stopped on drop (also on failure).
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Cluster {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL is not installed: `cargo xtask test` installs it (apt postgresql)")
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .max()
            .map(|v| PathBuf::from(format!("/usr/lib/postgresql/{v}/bin")))
            .expect("no PostgreSQL version under /usr/lib/postgresql");
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        // initdb refuses root: the cluster then belongs to the package's postgres user.
        let as_postgres =
            String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim()
                == "0";
        if as_postgres {
            run(
                "chown",
                &["postgres:postgres", &dir.path().display().to_string()],
                false,
            );
        }
        let port = common::free_port();
        let cluster = Cluster {
            bin,
            data,
            port,
            as_postgres,
            _dir: dir,
        };
        cluster.pg(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            cluster.port,
            cluster.data()
        );
        cluster.pg(
            "pg_ctl",
            &[
                "-D",
                &cluster.data(),
                "-l",
                &format!("{}/log", cluster.data()),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
        cluster
    }

    fn data(&self) -> String {
        self.data.display().to_string()
    }

    fn pg(&self, program: &str, args: &[&str]) -> String {
        let program = self.bin.join(program).display().to_string();
        run(&program, args, self.as_postgres)
    }

    /// `sql` (a file with `-f`, or a query with `-c`) on the database `db`; its rows, one
    /// per line, fields joined by `|`.
    fn psql(&self, db: &str, args: &[&str]) -> String {
        let port = self.port.to_string();
        let mut all = vec![
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-U",
            "postgres",
            "-d",
            db,
        ];
        all.extend_from_slice(args);
        self.pg("psql", &all)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
        if self.as_postgres {
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"))
                .args(["-D", &self.data(), "-m", "immediate", "stop"])
                .output();
        }
    }
}

/// Runs a program (as the postgres user when `as_postgres`), panicking with its errors.
fn run(program: &str, args: &[&str], as_postgres: bool) -> String {
    let mut command = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", program]);
        c
    } else {
        Command::new(program)
    };
    let out = command
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

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

    let cluster = Cluster::start();
    cluster.psql("postgres", &["-c", "CREATE DATABASE schema_check"]);
    for file in &postgres_files {
        // As sqlx applies each: in a transaction of its own.
        cluster.psql(
            "schema_check",
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
    let postgres = lines(&cluster.psql(
        "schema_check",
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
    let postgres = lines(&cluster.psql(
        "schema_check",
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
    let postgres = lines(&cluster.psql(
        "schema_check",
        &[
            "-c",
            "SELECT DISTINCT tgname FROM pg_trigger WHERE NOT tgisinternal",
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
    let postgres = lines(&cluster.psql(
        "schema_check",
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

#[tokio::test]
async fn a_postgresql_url_is_refused_in_words_until_the_queries_are_ported() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = doctor_desk_server::Config::new(dir.path());
    config.database_url = Some("postgres://desk:secret@127.0.0.1/desk".into());
    let clock = doctor_desk_server::ManualClock::new(chrono::Utc::now());
    let started = doctor_desk_server::app(config, std::sync::Arc::new(clock)).await;
    let error = format!("{:#}", started.err().expect("refused"));
    assert!(error.contains("PostgreSQL is not supported yet"), "{error}");
    assert!(
        !error.contains("secret"),
        "the password stays out of it: {error}"
    );
}

//! The real server binary as a child process on 127.0.0.1: started with its CLI flags on a
//! data dir, killed with SIGKILL, restarted on the same data, stopped with SIGTERM, and
//! always killed on drop. Its output goes to a log file for the failure messages.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const BINARY: &str = env!("CARGO_BIN_EXE_doctor-desk-server");

pub struct Server {
    child: Option<Child>,
    pub addr: String,
    pub url: String,
    data_dir: PathBuf,
    database: String,
    log: PathBuf,
}

/// The database a part's server runs on: a PostgreSQL database of its own when the suite
/// runs on PostgreSQL (`DOCTOR_DESK_TEST_STORE`), else the SQLite file in `data_dir`.
pub async fn database(data_dir: &Path) -> String {
    if crate::common::postgres::asked() {
        crate::common::postgres::fresh_database("faults").await
    } else {
        format!("sqlite://{}", data_dir.join("doctor-desk.db").display())
    }
}

/// A pool on `database`, to read what the server stored.
pub async fn open(database: &str) -> doctor_desk_server::db::Pool {
    use doctor_desk_server::db::Pool;
    if database.starts_with("postgres") {
        Pool::Postgres(sqlx::PgPool::connect(database).await.expect("the database"))
    } else {
        Pool::Sqlite(
            sqlx::SqlitePool::connect(database)
                .await
                .expect("the database"),
        )
    }
}

/// A port that was free a moment ago.
pub fn free_addr() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().unwrap().to_string()
}

/// Runs an `admin` task of the binary on `data_dir` and `database`; its standard output.
pub fn admin(data_dir: &Path, database: &str, args: &[&str]) -> String {
    let out = Command::new(BINARY)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--database-url", database])
        .arg("admin")
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the server binary runs");
    assert!(
        out.status.success(),
        "admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Server {
    /// Starts the binary in dev mode and waits (30 s at most) until it answers.
    pub async fn start(data_dir: &Path, database: &str, addr: &str) -> Server {
        let mut server = Server {
            child: None,
            addr: addr.to_owned(),
            url: format!("http://{addr}"),
            data_dir: data_dir.to_owned(),
            database: database.to_owned(),
            log: data_dir.with_extension("log"),
        };
        server.launch().await;
        server
    }

    async fn launch(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("the log file");
        let child = Command::new(BINARY)
            .args(["--dev", "--addr", &self.addr, "--data-dir"])
            .arg(&self.data_dir)
            .args(["--database-url", &self.database])
            .arg("serve")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("the server binary starts");
        self.child = Some(child);
        let health = format!("{}/api/v1/health", self.url);
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = client.get(&health).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!(
                    "the server exited with {status} at start: {}",
                    self.log_tail()
                );
            }
            assert!(
                Instant::now() < deadline,
                "the server did not answer within 30 s: {}",
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush, whatever was in flight is cut.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the binary again on the same data dir and address.
    pub async fn restart(&mut self) {
        self.kill();
        self.launch().await;
    }

    /// SIGTERM, then waits up to `within` for a graceful exit; whether it exited cleanly.
    pub async fn stop(&mut self, within: Duration) -> Result<(), String> {
        let Some(mut child) = self.child.take() else {
            return Err("not running".into());
        };
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        if !sent.is_ok_and(|s| s.success()) {
            let _ = child.kill();
            let _ = child.wait();
            return Err("could not send SIGTERM".into());
        }
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return if status.success() {
                    Ok(())
                } else {
                    Err(format!("exited with {status}"))
                };
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running {within:?} after SIGTERM"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

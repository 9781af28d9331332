//! A throwaway PostgreSQL cluster for the API suites: Debian's `postgresql` (apt, as
//! `tools::ensure_test_servers` installs it), initialised in a temp dir, on a free port,
//! stopped and deleted on drop. The suites get its URL in `DOCTOR_DESK_TEST_POSTGRES`;
//! set that variable yourself to run them on an existing server instead.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Command, Output},
};

/// Where the suites find PostgreSQL.
pub const URL_VAR: &str = "DOCTOR_DESK_TEST_POSTGRES";

/// The server the suites use: the one `DOCTOR_DESK_TEST_POSTGRES` names, else a throwaway
/// cluster (kept running while the returned value lives). An empty URL when neither can
/// be had: the suites that need it then fail, saying why.
pub fn for_suites() -> (String, Option<Cluster>) {
    match std::env::var(URL_VAR) {
        Ok(url) => (url, None),
        Err(_) => match Cluster::start() {
            Ok(cluster) => (cluster.url(), Some(cluster)),
            Err(e) => {
                eprintln!("xtask: PostgreSQL: {e}");
                (String::new(), None)
            }
        },
    }
}

/// The store-selecting variable: with it, every test app runs on PostgreSQL.
pub const ON_POSTGRES: (&str, &str) = ("DOCTOR_DESK_TEST_STORE", "postgres");

pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

impl Cluster {
    pub fn start() -> Result<Cluster, String> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .map_err(|_| "PostgreSQL is not installed (apt-get install postgresql)".to_owned())?
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .max()
            .map(|v| PathBuf::from(format!("/usr/lib/postgresql/{v}/bin")))
            .ok_or("no PostgreSQL version under /usr/lib/postgresql")?;
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let data = dir.path().join("data");
        // initdb refuses root: the cluster then belongs to the package's postgres user.
        let as_postgres = crate::tools::output_of("id", &["-u"]).trim() == "0";
        if as_postgres {
            run(
                Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(dir.path()),
                "chown",
            )?;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let cluster = Cluster {
            bin,
            data,
            port,
            as_postgres,
            _dir: dir,
        };
        let data = cluster.data.display().to_string();
        cluster.pg(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        )?;
        // fsync off: a test database need not survive a power cut. Enough connections
        // for the suites' tests at once, each with the app's pool.
        let options = format!(
            "-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=400"
        );
        cluster.pg(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-l",
                &format!("{data}/log"),
                "-o",
                &options,
                "-w",
                "start",
            ],
        )?;
        Ok(cluster)
    }

    /// The maintenance database's URL; a test creates a database of its own from it.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg(&self, program: &str, args: &[&str]) -> Result<Output, String> {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        run(command.args(args), &program.display().to_string())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data.display().to_string();
        let _ = self.pg("pg_ctl", &["-D", &data, "-m", "immediate", "stop"]);
    }
}

fn run(command: &mut Command, what: &str) -> Result<Output, String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out)
}

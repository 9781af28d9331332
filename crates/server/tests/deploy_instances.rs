//! The production setup as the README installs it, on this machine: two server processes
//! as `deploy/systemd/doctor-desk@.service` starts them, with the settings of
//! `deploy/doctor-desk.env.example`, on PostgreSQL and an S3 bucket, behind nginx running
//! `deploy/nginx/doctor-desk.conf` (`common::deploy`).

mod common;

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::{
    deploy::{browser, Nginx},
    s3::S3Server,
};

/// A server process started as `deploy/systemd/doctor-desk@.service` starts one, killed on
/// drop (also on failure).
struct Instance {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn deploy_file(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../deploy")
            .join(name),
    )
    .unwrap()
}

/// `deploy/doctor-desk.env.example` as `EnvironmentFile=` reads it, with this machine's
/// database, object store and SPA in place of the example's (every other line as written).
fn settings(database: &str, s3: &S3Server, dist: &Path) -> Vec<(String, String)> {
    let mut swaps = [
        ("DATABASE_URL", database.to_owned()),
        ("AWS_ENDPOINT_URL", s3.url.clone()),
        ("DOCTOR_DESK_DIST", dist.display().to_string()),
    ];
    let mut vars: Vec<(String, String)> = deploy_file("doctor-desk.env.example")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (key, value) = l.split_once('=').expect("KEY=value");
            let value = match swaps.iter_mut().find(|(k, _)| *k == key) {
                Some((k, swapped)) => {
                    *k = "";
                    swapped.clone()
                }
                None => value.to_owned(),
            };
            (key.to_owned(), value)
        })
        .collect();
    assert!(
        swaps.iter().all(|(k, _)| k.is_empty()),
        "the example lacks {swaps:?}"
    );
    // moto speaks plain http on loopback.
    vars.push(("AWS_ALLOW_HTTP".into(), "true".into()));
    vars
}

/// The program with the settings, run in `root` (where a relative data dir would land).
fn program(settings: &[(String, String)], root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_doctor-desk-server"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(settings.iter().map(|(k, v)| (k, v)))
        .current_dir(root);
    c
}

impl Instance {
    /// The unit's `ExecStart` for instance `port`, its installed paths swapped for the
    /// built binary and a data dir under `root`.
    fn start(port: u16, settings: &[(String, String)], root: &Path) -> Instance {
        let unit = deploy_file("systemd/doctor-desk@.service");
        let exec = unit
            .lines()
            .find_map(|l| l.strip_prefix("ExecStart="))
            .expect("the unit has an ExecStart");
        let mut words = exec.split_whitespace().map(|w| {
            w.replace("%i", &port.to_string())
                .replace("/var/lib/doctor-desk", &root.display().to_string())
        });
        assert_eq!(
            words.next().as_deref(),
            Some("/opt/doctor-desk/doctor-desk-server")
        );
        // systemd makes the unit's StateDirectory.
        std::fs::create_dir_all(root.join(port.to_string())).unwrap();
        let log = root.join(format!("instance-{port}.log"));
        let child = program(settings, root)
            .args(words)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the server binary runs");
        Instance { child, port, log }
    }

    async fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = format!("http://127.0.0.1:{}/api/v1/health", self.port);
        loop {
            if let Ok(r) = reqwest::get(&url).await {
                if r.status().is_success() {
                    return;
                }
            }
            let log = || std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("instance {} stopped ({status}):\n{}", self.port, log());
            }
            assert!(
                Instant::now() < deadline,
                "instance {} did not answer within 60 s:\n{}",
                self.port,
                log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The README's production setup on this machine, from the files of `deploy/` with only
/// hosts, ports and paths swapped: two instances as the systemd unit starts them, with the
/// settings of the env example (PostgreSQL, an S3 bucket, secure cookies, one trusted
/// proxy), started at once on an empty database; the README's admin commands; nginx in
/// front with the site file. A session made through one instance holds on the other, and
/// when one instance dies the proxy keeps serving from the other.
#[tokio::test]
async fn two_instances_run_as_deployed() {
    let root = tempfile::tempdir().unwrap();
    let dist = root.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    // A stand-in build (this suite runs before the SPA is built).
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Doctor Desk</title>",
    )
    .unwrap();
    std::fs::write(
        dist.join("lazy-parts.json"),
        common::parts_manifest().to_string(),
    )
    .unwrap();
    let s3 = S3Server::start().await;
    let database = common::postgres::fresh_database("deploy").await;
    let settings = settings(&database, &s3, &dist);
    let (a, b) = (common::free_port(), common::free_port());
    // Both at once on an empty database: the migrations run once, the other start waits.
    let mut first = Instance::start(a, &settings, root.path());
    let mut second = Instance::start(b, &settings, root.path());
    first.wait_ready().await;
    second.wait_ready().await;

    // The README's administration, with the same settings.
    let agreement = root.path().join("agreement.md");
    std::fs::write(&agreement, "# 医生服务协议\n\n第一条 …\n").unwrap();
    let admin = |args: &[&str]| {
        let out = program(&settings, root.path())
            .arg("admin")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "admin {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    admin(&[
        "publish-agreement",
        "--kind",
        "service-agreement",
        "--version",
        "1.0.0",
        "--file",
        &agreement.display().to_string(),
        "--summary",
        "首次发布",
    ]);
    let created = admin(&["create-reviewer", "--phone", "13800009999"]);
    let password = created
        .split("One-time password: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no password in {created:?}"))
        .to_owned();

    let nginx = Nginx::start(&[a, b], root.path()).await;
    let reviewer = browser(&nginx.https).await;
    reviewer.sign_in("13800009999", &password).await;
    let me = |base: String| {
        let client = &reviewer.client;
        async move {
            client
                .get(format!("{base}/api/v1/me"))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    };
    // Round robin: these reach both instances, and each knows the session.
    for _ in 0..4 {
        assert_eq!(me(nginx.https.clone()).await, 200);
    }
    let published = reviewer.get("/api/v1/agreements/current").await;
    assert!(
        published.to_string().contains("1.0.0"),
        "the published version: {published}"
    );

    // One instance dies as in a crash; the proxy sends everything to the other.
    drop(first);
    for _ in 0..4 {
        assert_eq!(
            me(nginx.https.clone()).await,
            200,
            "served by the instance left"
        );
    }
    drop(nginx);
    drop(second);
}

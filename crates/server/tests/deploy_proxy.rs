//! The production setup of `deploy/`: the server with the flags of
//! `deploy/doctor-desk.env.example` (secure cookies, trusting one proxy) behind nginx
//! running `deploy/nginx/doctor-desk.conf` as written, with only its ports, upstream and
//! certificate (self-signed, made here) changed. Checked over real sockets: https, the
//! redirect from http, `Secure` cookies, an event stream that flows at once through the
//! proxy, the client address the proxy saw (not one the client claims), and an upload of the
//! largest size allowed.

mod common;

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::Utc;
use common::http::{wait_for, HttpClient};
use doctor_desk_server::{Config, ManualClock};

/// nginx with the repository's site configuration, stopped on drop (also on failure).
struct Nginx {
    child: Child,
    https: String,
    http: String,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): `cargo xtask test` installs it"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The site as deployed, on this test's ports and certificate.
fn site(upstream: u16, https: u16, http: u16, dir: &Path) -> String {
    let conf = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/nginx/doctor-desk.conf"),
    )
    .unwrap();
    let replace = |conf: String, from: &str, to: &str| {
        assert!(
            conf.contains(from),
            "deploy/nginx/doctor-desk.conf has no `{from}`"
        );
        conf.replace(from, to)
    };
    let conf = replace(
        conf,
        "server 127.0.0.1:8081;",
        &format!("server 127.0.0.1:{upstream};"),
    );
    // One instance here (two are the e2e suite's `two_instances_flow`).
    let conf = replace(conf, "    server 127.0.0.1:8082;\n", "");
    let conf = replace(
        conf,
        "    listen 443 ssl http2;",
        &format!("    listen 127.0.0.1:{https} ssl http2;"),
    );
    let conf = replace(
        conf,
        "    listen 80;",
        &format!("    listen 127.0.0.1:{http};"),
    );
    // This machine may have no IPv6.
    let conf = conf
        .lines()
        .filter(|l| !l.contains("listen [::]"))
        .collect::<Vec<_>>()
        .join("\n");
    let conf = replace(
        conf,
        "/etc/nginx/tls/desk.example.cn.crt",
        &dir.join("tls.crt").display().to_string(),
    );
    let conf = replace(
        conf,
        "/etc/nginx/tls/desk.example.cn.key",
        &dir.join("tls.key").display().to_string(),
    );
    // The redirect keeps the port the browser asked on.
    replace(
        conf,
        "return 301 https://$host$request_uri;",
        &format!("return 301 https://$host:{https}$request_uri;"),
    )
}

impl Nginx {
    async fn start(upstream: u16, dir: &Path) -> Nginx {
        run(
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=desk.example.cn",
                "-keyout",
                &dir.join("tls.key").display().to_string(),
                "-out",
                &dir.join("tls.crt").display().to_string(),
            ],
        );
        let (https, http) = (common::free_port(), common::free_port());
        let logs = dir.display();
        let main = format!(
            "daemon off;\nmaster_process off;\npid {logs}/nginx.pid;\nerror_log {logs}/error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log {logs}/access.log;\n  client_body_temp_path {logs}/body;\n  \
             proxy_temp_path {logs}/proxy;\n{}\n}}\n",
            site(upstream, https, http, dir)
        );
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, main).unwrap();
        let child = Command::new("nginx")
            .args([
                "-p",
                &dir.display().to_string(),
                "-c",
                &conf.display().to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start nginx: `cargo xtask test` installs it");
        let nginx = Nginx {
            child,
            https: format!("https://127.0.0.1:{https}"),
            http: format!("http://127.0.0.1:{http}"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", https)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx did not listen within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        nginx
    }
}

/// A browser that accepts the test's own certificate and does not follow redirects.
async fn browser(base: &str) -> HttpClient {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .danger_accept_invalid_certs(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    HttpClient::with_client(base, client).await
}

#[tokio::test]
async fn the_server_works_behind_the_deployed_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("data"));
    // As deploy/doctor-desk.env.example has it.
    config.secure_cookies = true;
    config.trust_proxy = true;
    config.trusted_proxies = 1;
    config.demo_data = true;
    config.dev = true;
    let clock = ManualClock::new(Utc::now());
    let server = doctor_desk_server::spawn(config, "127.0.0.1:0", Arc::new(clock))
        .await
        .unwrap();
    let nginx = Nginx::start(server.addr.port(), dir.path()).await;

    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let moved = plain
        .get(format!("{}/inbox", nginx.http))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 301);
    assert_eq!(
        moved.headers()["location"],
        format!("{}/inbox", nginx.https)
    );

    let d = browser(&nginx.https).await;
    let signed_in = d
        .client
        .post(format!("{}/api/v1/auth/login", nginx.https))
        .header("x-csrf-token", &d.csrf)
        // Whatever a client writes here, the address is the one the proxy saw.
        .header("x-forwarded-for", "203.0.113.9")
        .json(
            &serde_json::json!({"phone": "13800000001", "password": "demo2026", "remember": true}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let cookies: Vec<String> = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("dd_session=") && c.contains("; Secure")),
        "{cookies:?}"
    );
    let activity = d.get("/api/v1/me/activity?kind=sign_in").await;
    let ip = activity["items"][0]["ip_masked"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        ip.starts_with("127.0.0."),
        "the proxy's view of the client: {activity}"
    );

    // The stream's first line comes through at once: the proxy does not buffer it.
    d.accept_agreements().await;
    let mut events = d.events().await;
    wait_for(&mut events, "retry:").await;

    // A photo of the largest size the server takes fits the proxy's body limit too.
    let mut photo = b"\xFF\xD8\xFF\xE0".to_vec();
    photo.resize(doctor_desk_api::onboarding::MAX_UPLOAD_BYTES, 0x42);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(photo.clone()).file_name("IMG_0001.jpg"),
    );
    let stored = d
        .client
        .post(format!("{}/api/v1/files", nginx.https))
        .header("x-csrf-token", &d.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);
    let id = stored.json::<serde_json::Value>().await.unwrap()["file_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let back = d
        .client
        .get(format!("{}/api/v1/files/{id}", nginx.https))
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 200);
    assert_eq!(back.bytes().await.unwrap().len(), photo.len());
    drop(events);
    drop(nginx);
    server.stop().await;
}

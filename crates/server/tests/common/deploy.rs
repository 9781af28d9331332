//! nginx running `deploy/nginx/doctor-desk.conf` as written, with only its ports,
//! upstreams and certificate (self-signed, made here) changed, for the deployment suites
//! (`deploy_proxy.rs`, `deploy_instances.rs`).

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use super::http::HttpClient;

/// nginx with the repository's site configuration, stopped on drop (also on failure).
pub struct Nginx {
    child: Child,
    pub https: String,
    pub http: String,
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

/// The site as deployed, on this test's ports and certificate, balancing over `upstreams`
/// (one or two instances).
fn site(upstreams: &[u16], https: u16, http: u16, dir: &Path) -> String {
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
        &format!("server 127.0.0.1:{};", upstreams[0]),
    );
    let conf = match upstreams.get(1) {
        Some(second) => replace(
            conf,
            "server 127.0.0.1:8082;",
            &format!("server 127.0.0.1:{second};"),
        ),
        None => replace(conf, "    server 127.0.0.1:8082;\n", ""),
    };
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
    pub async fn start(upstreams: &[u16], dir: &Path) -> Nginx {
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
        let (https, http) = (super::free_port(), super::free_port());
        let logs = dir.display();
        let main = format!(
            "daemon off;\nmaster_process off;\npid {logs}/nginx.pid;\nerror_log {logs}/error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log {logs}/access.log;\n  client_body_temp_path {logs}/body;\n  \
             proxy_temp_path {logs}/proxy;\n{}\n}}\n",
            site(upstreams, https, http, dir)
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
pub async fn browser(base: &str) -> HttpClient {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .danger_accept_invalid_certs(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    HttpClient::with_client(base, client).await
}

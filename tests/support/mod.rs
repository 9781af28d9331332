//! End-to-end harness: the real server (in-process, fresh SQLite, the release `dist/`),
//! a private chromedriver, and headless Chromium driven through WebDriver. Everything is
//! torn down even when the test body panics.

#![allow(dead_code)]

use std::{
    net::TcpListener,
    panic::AssertUnwindSafe,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use doctor_desk_server::{Config, Running, SystemClock};
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use futures::FutureExt;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long any single wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

pub const WECHAT_ANDROID_UA: &str =
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) \
AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 \
XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 \
Weixin NetType/WIFI Language/zh_CN ABI/arm64";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewport {
    /// 375×812, touch, WeChat's in-app browser user agent.
    Phone,
    /// 1280×800 desktop browser.
    Desktop,
}

impl Viewport {
    pub fn name(self) -> &'static str {
        match self {
            Viewport::Phone => "phone",
            Viewport::Desktop => "desktop",
        }
    }
}

pub struct Harness {
    pub client: Client,
    pub server: Running,
    pub viewport: Viewport,
    pub name: String,
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn dist_dir() -> PathBuf {
    std::env::var_os("DOCTOR_DESK_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Runs `body` against a fresh server and browser; cleans up whatever happens.
pub async fn run<F>(name: &str, viewport: Viewport, body: F)
where
    F: for<'a> FnOnce(&'a Harness) -> futures::future::BoxFuture<'a, ()>,
{
    let dist = dist_dir();
    assert!(
        dist.join("index.html").exists(),
        "{} has no build of the SPA: run `cargo xtask build` (or `cargo xtask test`) first",
        dist.display()
    );
    let data = tempfile::tempdir().expect("temp dir");
    let profile = tempfile::tempdir().expect("temp dir");
    let config = Config {
        dev: true,
        dist_dir: Some(dist),
        ..Config::new(data.path())
    };
    let server = doctor_desk_server::spawn(config, "127.0.0.1:0", Arc::new(SystemClock))
        .await
        .expect("server starts");

    let port = free_port();
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {chromedriver}: {e} (cargo xtask test installs it)")
            }),
    );
    let deadline = Instant::now() + WAIT;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not start listening"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let client = tokio::time::timeout(WAIT, connect(port, viewport, profile.path()))
        .await
        .expect("browser session within the time limit")
        .expect("browser session");
    let harness = Harness {
        client,
        server,
        viewport,
        name: format!("{name}-{}", viewport.name()),
    };
    let outcome = AssertUnwindSafe(body(&harness)).catch_unwind().await;
    if outcome.is_err() {
        harness.screenshot("failure").await;
    }
    let Harness { client, server, .. } = harness;
    let _ = client.close().await;
    drop(driver);
    server.stop().await;
    drop(profile);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn connect(
    port: u16,
    viewport: Viewport,
    profile: &std::path::Path,
) -> Result<Client, String> {
    let binary = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut options = json!({ "binary": binary });
    match viewport {
        Viewport::Phone => {
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": 375, "height": 812, "pixelRatio": 3.0, "touch": true },
                "userAgent": WECHAT_ANDROID_UA,
            });
        }
        Viewport::Desktop => args.push("--window-size=1280,800".into()),
    }
    options["args"] = json!(args);
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .map_err(|e| e.to_string())
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&self.url(path)).await.expect("navigate");
    }

    /// Waits for an element with this `data-testid`.
    pub async fn testid(&self, id: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&format!("[data-testid='{id}']")))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={id}] within {WAIT:?}: {e}"))
    }

    /// Waits until the element's text is `expected`.
    pub async fn wait_text(&self, id: &str, expected: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = match self
                .client
                .find(Locator::Css(&format!("[data-testid='{id}']")))
                .await
            {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "[data-testid={id}] shows {text:?}, expected {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page's path (and query) is `expected`.
    pub async fn wait_path(&self, expected: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.client.current_url().await.expect("url");
            let here = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            };
            if here == expected {
                return;
            }
            assert!(Instant::now() < deadline, "at {here}, expected {expected}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn fill(&self, id: &str, text: &str) {
        let input = self.testid(id).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    pub async fn click(&self, id: &str) {
        self.testid(id).await.click().await.expect("click");
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .expect("script runs")
    }

    /// Saves a screenshot under `target/e2e-screenshots/` for people to look at.
    pub async fn screenshot(&self, label: &str) {
        if let Ok(png) = self.client.screenshot().await {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("{}-{label}.png", self.name)), png);
        }
    }

    /// The latest code in the dev SMS outbox, fetched over HTTP like any client would.
    pub async fn sms_code(&self, phone: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let (status, body) = http_get(
                self.server.addr,
                &format!("/api/v1/dev/sms-outbox?phone={phone}"),
            )
            .await;
            if status == 200 {
                let v: Value = serde_json::from_str(&body).expect("outbox JSON");
                return v["code"].as_str().expect("code").to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "no SMS code for {phone} (status {status})"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A minimal HTTP/1.1 GET (the responses are small and carry Content-Length).
async fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.expect("read");
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A fresh mainland mobile number per test run, so parallel tests never collide.
pub fn unique_phone() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("139{:08}", nanos % 100_000_000)
}

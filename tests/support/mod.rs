//! End-to-end harness: the real server (in-process, on a fresh SQLite file or PostgreSQL
//! database ([`postgres`]), serving the release `dist/`), a private WebDriver and a
//! browser of either engine: headless Chromium (Android WeChat's engine) or WebKitGTK's
//! MiniBrowser under a private Xvfb (the engine of iOS Safari and iOS WeChat). Everything is torn down even when the test body panics: the session is
//! closed, then the driver killed, then Xvfb.

#![allow(dead_code)]

pub mod device;
pub mod instances;
mod network;
// The API suites' own, so both make their databases alike.
#[path = "../../crates/server/tests/common/postgres.rs"]
pub mod postgres;
#[path = "../../crates/server/tests/common/s3.rs"]
pub mod s3;
pub use network::Network;

use std::{
    net::TcpListener,
    panic::AssertUnwindSafe,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use doctor_desk_server::{Config, Running, ShiftedClock};
use fantoccini::{elements::Element, wd::TimeoutConfiguration, Client, ClientBuilder, Locator};
use futures::FutureExt;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long any single wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);
/// How long a whole test body may take: a hung browser fails the test, it never hangs CI.
pub const TEST_LIMIT: Duration = Duration::from_secs(180);

pub const WECHAT_IPHONE_UA: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) \
AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) \
NetType/WIFI Language/zh_CN";

pub const WECHAT_ANDROID_UA: &str =
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) \
AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 \
XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 \
Weixin NetType/WIFI Language/zh_CN ABI/arm64";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    WebKit,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::WebKit => "webkit",
        }
    }
}

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

    pub fn size(self) -> (u32, u32) {
        match self {
            Viewport::Phone => (375, 812),
            Viewport::Desktop => (1280, 800),
        }
    }
}

pub struct Harness {
    pub client: Client,
    pub server: Running,
    /// The server's clock: real time, moved ahead when a test needs days to pass.
    pub clock: ShiftedClock,
    /// What the browser goes through to reach the server.
    pub network: Network,
    pub engine: Engine,
    pub viewport: Viewport,
    pub name: String,
    /// Processes this test started (driver, Xvfb), for the leak check.
    pub own_pids: Vec<u32>,
    /// Chromium's profile directory: every Chromium process names it on its command line.
    pub profile_dir: PathBuf,
    /// The second instance and the proxy in front of both (`run_on_two_instances`).
    pub instances: Option<instances::Instances>,
    /// Other devices the test opened (`Harness::other_device`), closed with the first.
    others: std::sync::Mutex<Vec<device::Opened>>,
    started: Instant,
}

/// A child process killed (and reaped) when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A private X display for WebKit, which has no headless mode.
struct Xvfb {
    process: Process,
    display: String,
}

static NEXT_DISPLAY: AtomicU32 = AtomicU32::new(0);

impl Xvfb {
    fn start() -> Xvfb {
        // Parallel tests (and other runs) may hold a display: try numbers until one starts.
        let base = 100 + (std::process::id() % 500) * 20;
        for _ in 0..50 {
            let n = base + NEXT_DISPLAY.fetch_add(1, Ordering::Relaxed) % 1000;
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            if socket.exists() || PathBuf::from(format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .args([
                    &format!(":{n}"),
                    "-screen",
                    "0",
                    "1280x1024x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb runs (cargo xtask test installs it)");
            let deadline = Instant::now() + WAIT;
            loop {
                if socket.exists() {
                    return Xvfb {
                        process: Process(child),
                        display: format!(":{n}"),
                    };
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break; // lost the race for this display
                }
                assert!(Instant::now() < deadline, "Xvfb :{n} did not start");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("no free X display for Xvfb");
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
pub async fn run<F>(name: &str, engine: Engine, viewport: Viewport, body: F)
where
    F: for<'a> FnOnce(&'a Harness) -> futures::future::BoxFuture<'a, ()>,
{
    run_with(name, engine, viewport, false, body).await
}

/// As [`run`], with two instances on a fresh PostgreSQL database behind nginx
/// ([`instances`]); `Harness::server` is the first.
pub async fn run_on_two_instances<F>(name: &str, engine: Engine, viewport: Viewport, body: F)
where
    F: for<'a> FnOnce(&'a Harness) -> futures::future::BoxFuture<'a, ()>,
{
    run_with(name, engine, viewport, true, body).await
}

async fn run_with<F>(name: &str, engine: Engine, viewport: Viewport, two: bool, body: F)
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
    let database_url = match two || postgres::asked() {
        true => Some(postgres::fresh_database("e2e").await),
        false => None,
    };
    let mut config = Config {
        dev: true,
        dist_dir: Some(dist),
        database_url,
        ..Config::new(data.path())
    };
    // Two instances share one object store, as in production.
    let bucket = if two {
        let s3 = s3::S3Server::start().await;
        s3.configure(&mut config, s3::BUCKET);
        Some(s3)
    } else {
        None
    };
    let clock = ShiftedClock::default();
    let server = doctor_desk_server::spawn(config.clone(), "127.0.0.1:0", Arc::new(clock.clone()))
        .await
        .expect("server starts");
    let instances = if two {
        let second = doctor_desk_server::spawn(config, "127.0.0.1:0", Arc::new(clock.clone()))
            .await
            .expect("the second instance starts");
        let dir = data.path().join("proxy");
        std::fs::create_dir_all(&dir).expect("proxy dir");
        let bucket = bucket.expect("started with the second instance");
        Some(instances::Instances::start(server.addr, second, bucket, &dir).await)
    } else {
        None
    };

    let xvfb = (engine == Engine::WebKit).then(Xvfb::start);
    let (driver, port, program) = start_driver(engine, xvfb.as_ref()).await;
    let mut own_pids = vec![driver.0.id()];
    own_pids.extend(xvfb.as_ref().map(|x| x.process.0.id()));

    // WebKit waits forever on capabilities it dislikes: never wait unbounded.
    let client =
        match tokio::time::timeout(WAIT, connect(port, engine, viewport, profile.path())).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!("{program} refused the session: {e}"),
            Err(_) => panic!(
            "{program} did not create a browser session within {WAIT:?}; check the capabilities \
             (WebKit needs --automation) and that the browser binary exists"
        ),
        };
    let network = Network::to(instances.as_ref().map_or(server.addr, |i| i.proxy)).await;
    let harness = Harness {
        client,
        server,
        clock,
        network,
        engine,
        viewport,
        name: format!("{name}-{}-{}", engine.name(), viewport.name()),
        own_pids,
        profile_dir: profile.path().to_owned(),
        instances,
        others: Default::default(),
        started: Instant::now(),
    };
    if engine == Engine::WebKit {
        let (w, h) = viewport.size();
        harness
            .client
            .set_window_rect(0, 0, w, h)
            .await
            .expect("window size");
    }
    // WebDriver commands themselves are bounded too (a click that starts a page load
    // would otherwise wait up to 5 minutes for it in WebKit).
    let _ = harness
        .client
        .update_timeouts(TimeoutConfiguration::new(
            Some(WAIT),
            Some(WAIT),
            Some(Duration::ZERO),
        ))
        .await;
    let outcome =
        match tokio::time::timeout(TEST_LIMIT, AssertUnwindSafe(body(&harness)).catch_unwind())
            .await
        {
            Ok(outcome) => outcome,
            Err(_) => Err(Box::new(format!(
                "{} did not finish within {TEST_LIMIT:?}",
                harness.name
            )) as Box<dyn std::any::Any + Send>),
        };
    if outcome.is_err() {
        let _ = tokio::time::timeout(WAIT, harness.screenshot("failure")).await;
        if let Ok(state) = tokio::time::timeout(WAIT, harness.page_state()).await {
            eprintln!("[{}] the page when it failed: {state}", harness.name);
        }
    }
    let Harness {
        client,
        server,
        network,
        others,
        instances,
        ..
    } = harness;
    for other in others.into_inner().unwrap_or_else(|e| e.into_inner()) {
        other.close().await;
    }
    let _ = tokio::time::timeout(WAIT, client.close()).await;
    drop(network);
    drop(driver);
    drop(xvfb);
    if let Some(instances) = instances {
        let instances::Instances { second, .. } = instances;
        second.stop().await;
    }
    server.stop().await;
    drop(profile);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Starts the engine's WebDriver on a free port and waits until it listens.
async fn start_driver(engine: Engine, xvfb: Option<&Xvfb>) -> (Process, u16, String) {
    let port = free_port();
    let (program, default) = match engine {
        Engine::Chromium => ("CHROMEDRIVER", "chromedriver"),
        Engine::WebKit => ("WEBKIT_WEBDRIVER", "WebKitWebDriver"),
    };
    let program = std::env::var(program).unwrap_or_else(|_| default.into());
    let mut command = Command::new(&program);
    command
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(x) = xvfb {
        command.env("DISPLAY", &x.display);
    }
    let driver =
        Process(command.spawn().unwrap_or_else(|e| {
            panic!("cannot start {program}: {e} (cargo xtask test installs it)")
        }));
    let deadline = Instant::now() + WAIT;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{program} did not start listening"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (driver, port, program)
}

async fn connect(
    port: u16,
    engine: Engine,
    viewport: Viewport,
    profile: &std::path::Path,
) -> Result<Client, String> {
    let mut caps = serde_json::Map::new();
    match engine {
        Engine::Chromium => {
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
            caps.insert("goog:chromeOptions".into(), options);
        }
        Engine::WebKit => {
            let binary = std::env::var("WEBKIT_MINIBROWSER")
                .unwrap_or_else(|_| "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser".into());
            let mut args = vec!["--automation".to_owned(), "--full-screen".into()];
            if viewport == Viewport::Phone {
                args.push(format!("--user-agent={WECHAT_IPHONE_UA}"));
            }
            caps.insert("browserName".into(), json!("MiniBrowser"));
            caps.insert(
                "webkitgtk:browserOptions".into(),
                json!({ "binary": binary, "args": args }),
            );
        }
    }
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .map_err(|e| e.to_string())
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.network.addr)
    }

    /// The id of the account signed up with `phone`, from the test's database.
    pub async fn account_id(&self, phone: &str) -> i64 {
        doctor_desk_server::db::query_scalar("SELECT id FROM accounts WHERE phone = ?")
            .bind(phone)
            .fetch_one(&self.server.state.db)
            .await
            .expect("account")
    }

    pub async fn goto(&self, path: &str) {
        self.step(&format!("goto {path}"));
        self.client.goto(&self.url(path)).await.expect("navigate");
    }

    /// Logs a step (shown only for failing tests) so a failure says where it stopped.
    pub fn step(&self, what: &str) {
        eprintln!(
            "[{} +{:.1}s] {what}",
            self.name,
            self.started.elapsed().as_secs_f64()
        );
    }

    /// Waits for an element with this `data-testid`, and scrolls it to the middle of the
    /// screen as a person would before touching it.
    pub async fn testid(&self, id: &str) -> Element {
        self.step(id);
        let element = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&format!("[data-testid='{id}']")))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={id}] within {WAIT:?}: {e}"));
        let _ = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})",
                vec![serde_json::to_value(&element).expect("element as JSON")],
            )
            .await;
        element
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

    /// Waits until the element's text contains `part`.
    pub async fn wait_contains(&self, id: &str, part: &str) {
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
            if text.contains(part) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "[data-testid={id}] shows {text:?}, not containing {part:?}"
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
            // After a page load (a reload, a typed address) the URL
            // changes as soon as it commits: wait for the load to finish too, or the next
            // WebDriver navigation races it (WebKit then never reports that load as done).
            if here == expected && self.loaded().await {
                return;
            }
            assert!(Instant::now() < deadline, "at {here}, expected {expected}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn loaded(&self) -> bool {
        self.client
            .execute("return document.readyState", vec![])
            .await
            .is_ok_and(|state| state == "complete")
    }

    /// Waits for an element with this `data-testid` without touching or scrolling to it.
    pub async fn present(&self, id: &str) -> Element {
        self.step(&format!("{id} (present)"));
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&format!("[data-testid='{id}']")))
            .await
            .unwrap_or_else(|e| panic!("no [data-testid={id}] within {WAIT:?}: {e}"))
    }

    /// Waits until a script returns `true` (it must `return` a boolean).
    pub async fn wait_until(&self, what: &str, script: &str) {
        self.step(what);
        let deadline = Instant::now() + WAIT;
        loop {
            if self.js(script).await == Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "not within {WAIT:?}: {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn fill(&self, id: &str, text: &str) {
        let input = self.testid(id).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    /// Sets an input's value as a picker would (date inputs take typed keys differently in
    /// each engine and locale), then tells the page with an `input` event.
    pub async fn set_value(&self, id: &str, value: &str) {
        self.testid(id).await;
        let script = r#"
            const [testid, value] = arguments;
            const el = document.querySelector(`[data-testid='${testid}']`);
            el.value = value;
            el.dispatchEvent(new Event('input', { bubbles: true }));
            el.dispatchEvent(new Event('change', { bubbles: true }));
        "#;
        self.client
            .execute(script, vec![id.into(), value.into()])
            .await
            .expect("set value");
    }

    /// Chooses an option of the `<select>` with this `data-testid`, once the page has it
    /// (options often come with a later answer of the API).
    pub async fn select(&self, id: &str, value: &str) {
        self.wait_until(
            &format!("option {value:?} of {id}"),
            &format!(
                "return !!document.querySelector(\"[data-testid='{id}'] option[value='{value}']\")"
            ),
        )
        .await;
        self.testid(id)
            .await
            .select_by_value(value)
            .await
            .expect("select");
    }

    /// Draws a photo-like JPEG of `width`×`height` in the page and gives it to the file
    /// input with this `data-testid`, as if the doctor had taken it. Returns its size.
    pub async fn attach_photo(&self, id: &str, width: u32, height: u32) -> u64 {
        self.testid(id).await;
        let script = r#"
            const [testid, w, h, done] = arguments;
            const canvas = document.createElement('canvas');
            canvas.width = w; canvas.height = h;
            const ctx = canvas.getContext('2d');
            const g = ctx.createLinearGradient(0, 0, w, h);
            g.addColorStop(0, '#d8e4f0'); g.addColorStop(1, '#f5efe0');
            ctx.fillStyle = g; ctx.fillRect(0, 0, w, h);
            // Grain like a phone camera's, so the JPEG is as large as a real photo.
            const img = ctx.getImageData(0, 0, w, h);
            let seed = 42;
            for (let i = 0; i < img.data.length; i += 4) {
                seed = (seed * 1103515245 + 12345) & 0x7fffffff;
                const n = (seed % 48) - 24;
                img.data[i] += n; img.data[i + 1] += n; img.data[i + 2] += n;
            }
            ctx.putImageData(img, 0, 0);
            ctx.fillStyle = '#1c2430';
            ctx.font = `${Math.round(h / 12)}px sans-serif`;
            ctx.fillText('证件 TEST 12345', w / 10, h / 2);
            canvas.toBlob(blob => {
                const file = new File([blob], 'IMG_0001.jpg', { type: 'image/jpeg' });
                const dt = new DataTransfer();
                dt.items.add(file);
                const input = document.querySelector(`[data-testid='${testid}']`);
                input.files = dt.files;
                input.dispatchEvent(new Event('change', { bubbles: true }));
                done(blob.size);
            }, 'image/jpeg', 0.92);
        "#;
        let size = self
            .client
            .execute_async(script, vec![json!(id), json!(width), json!(height)])
            .await
            .expect("photo drawn");
        size.as_u64().expect("blob size")
    }

    /// Clicks the element; if the page re-rendered it between finding and clicking (a
    /// live update), finds it again.
    pub async fn click(&self, id: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.testid(id).await.click().await {
                Ok(_) => return,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                        && Instant::now() < deadline => {}
                Err(e) => panic!("click {id}: {e:?}"),
            }
        }
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .expect("script runs")
    }

    /// What a person would see of the page's state when a step fails (CI keeps no
    /// screenshot): its address, every alert, status and toast, and every field's value.
    pub async fn page_state(&self) -> Value {
        let script = r#"
            const text = e => e.innerText.trim().slice(0, 200);
            return {
                url: location.pathname + location.search,
                said: [...document.querySelectorAll('[role=alert], [role=status], [aria-live]')]
                    .map(text).filter(t => t),
                fields: Object.fromEntries([...document.querySelectorAll(
                    'input[data-testid], textarea[data-testid], select[data-testid]')]
                    .map(e => [e.dataset.testid, e.value.slice(0, 80)])),
                focused: document.activeElement && document.activeElement.outerHTML.slice(0, 120),
            };
        "#;
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| Value::String(format!("unreadable: {e}")))
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
        // Each instance keeps the codes it sent in its own outbox.
        let mut instances = vec![self.server.addr];
        instances.extend(self.instances.as_ref().map(|i| i.second.addr));
        loop {
            let mut found = (0, String::new());
            for addr in &instances {
                found = http_get(*addr, &format!("/api/v1/dev/sms-outbox?phone={phone}")).await;
                if found.0 == 200 {
                    break;
                }
            }
            let (status, body) = found;
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

impl Harness {
    /// Every live process this test owns: its driver, Xvfb, and all their descendants
    /// (the browser and its helpers), plus any process naming the Chromium profile.
    pub fn processes(&self) -> Vec<u32> {
        let mut found = descendants(&self.own_pids);
        found.extend(processes_mentioning(
            &self.profile_dir.display().to_string(),
        ));
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The live (not zombie) processes among `pids`.
pub fn alive(pids: &[u32]) -> Vec<u32> {
    pids.iter()
        .copied()
        .filter(|pid| matches!(stat(*pid), Some((_, state)) if state != 'Z' && state != 'X'))
        .collect()
}

/// `(parent pid, state)` of a process, from /proc.
fn stat(pid: u32) -> Option<(u32, char)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: read after the last `)`.
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((ppid, state))
}

fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// `roots` and every process below them.
fn descendants(roots: &[u32]) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = all_pids()
        .into_iter()
        .filter_map(|pid| stat(pid).map(|(ppid, _)| (pid, ppid)))
        .collect();
    let mut found: Vec<u32> = roots.to_vec();
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    found
}

fn processes_mentioning(needle: &str) -> Vec<u32> {
    all_pids()
        .into_iter()
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(needle))
                .unwrap_or(false)
        })
        .collect()
}

//! `cargo xtask bench web`: Lighthouse performance figures of the release SPA, as a
//! doctor on a mid-range phone over slow 4G sees it (mobile form factor, DevTools
//! throttling: slow 4G and a 4× slower CPU).
//!
//! It builds the release SPA and server, starts the server on a fresh database with the
//! demo accounts, signs the demo doctor in (and accepts the current agreements, otherwise
//! every signed-in page shows the agreements gate instead of its content), then runs
//! Lighthouse a few times per page and prints the median run of each page. Every figure
//! and the path of every raw Lighthouse report go to `target/bench/web.json`.

use std::{
    collections::BTreeMap,
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use serde_json::{json, Value};

use crate::{build, cargo, project_root, tools};

/// Lighthouse 12.8, pinned: figures from different Lighthouse versions do not compare.
const LIGHTHOUSE_VERSION: &str = "12.8.2";
const CHROMIUM: &str = "/usr/bin/chromium";
/// What headless Chromium needs on these machines (as root, on a closed network: without
/// the background-networking flags it keeps trying to reach Google's hosts).
const CHROME_FLAGS: &str = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
     --disable-background-networking --disable-component-update --disable-sync";
const DEMO_PHONE: &str = "13800000001";
const DEMO_PASSWORD: &str = "demo2026";

/// The pages measured; `path` of the consultation page is filled in once the server runs.
#[derive(Clone)]
struct Page {
    name: &'static str,
    path: String,
    signed_in: bool,
}

const PAGE_NAMES: [&str; 6] = [
    "login",
    "home",
    "inbox",
    "consultation",
    "posts",
    "post_editor",
];

fn page(name: &'static str) -> Page {
    let (path, signed_in) = match name {
        "login" => ("/login", false),
        "home" => ("/", true),
        "inbox" => ("/inbox", true),
        "posts" => ("/posts", true),
        "post_editor" => ("/posts/new", true),
        // `/inbox/:id` in src/app.rs; the id comes from the running server.
        _ => ("/inbox/{id}", true),
    };
    Page {
        name,
        path: path.into(),
        signed_in,
    }
}

struct Options {
    runs: usize,
    pages: Vec<Page>,
    build: bool,
    /// Keep each run's trace (`--save-assets`) beside its report, for finding where the
    /// time goes.
    trace: bool,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        runs: 3,
        pages: PAGE_NAMES.iter().map(|n| page(n)).collect(),
        build: true,
        trace: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        // `--runs 5` and `--runs=5` both work.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag {
            "--runs" => {
                options.runs = value()?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--runs needs a whole number above 0")?
            }
            "--pages" => {
                let mut pages = Vec::new();
                for name in value()?.split(',').filter(|n| !n.is_empty()) {
                    let known = PAGE_NAMES.iter().find(|n| **n == name).ok_or(format!(
                        "unknown page `{name}`; pages: {}",
                        PAGE_NAMES.join(", ")
                    ))?;
                    pages.push(page(known));
                }
                if pages.is_empty() {
                    return Err("--pages names no page".into());
                }
                options.pages = pages;
            }
            "--no-build" => options.build = false,
            "--trace" => options.trace = true,
            _ => {
                return Err(format!(
                    "unknown flag `{arg}`; flags: --runs N, --pages {}, --no-build, --trace",
                    PAGE_NAMES.join(",")
                ))
            }
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_options(args)?;
    let started = Instant::now();
    let lighthouse = ensure_lighthouse()?;
    tools::ensure_browsers()?;
    if options.build {
        tools::ensure_build_tools()?;
        build::spa()?;
        build_server()?;
    } else if !project_root().join("dist/index.html").exists() {
        return Err("--no-build but dist/ has no build: run `cargo xtask build`".into());
    }
    let out_dir = project_root().join("target/bench");
    let reports_dir = out_dir.join("lighthouse");
    std::fs::create_dir_all(&reports_dir)
        .map_err(|e| format!("cannot create target/bench: {e}"))?;

    // The guard stops the server when it goes out of scope, also on an early `?` return.
    let server = Server::start(&out_dir)?;
    let mut pages = options.pages.clone();
    let cookie = if pages.iter().any(|p| p.signed_in) {
        let session = sign_in(server.port)?;
        if let Some(p) = pages.iter_mut().find(|p| p.name == "consultation") {
            p.path = format!("/inbox/{}", ongoing_consultation(server.port, &session)?);
        }
        Some(session.header())
    } else {
        None
    };

    let mut results = Vec::new();
    for p in &pages {
        let mut runs = Vec::new();
        for i in 1..=options.runs {
            println!(
                "xtask: lighthouse {} ({}), run {i}/{}",
                p.name, p.path, options.runs
            );
            let report = reports_dir.join(format!("{}-{i}.json", p.name));
            let url = format!("http://127.0.0.1:{}{}", server.port, p.path);
            let headers = p.signed_in.then_some(cookie.as_deref()).flatten();
            lighthouse_run(&lighthouse, &url, headers, &report, options.trace)?;
            runs.push(read_report(&report)?);
        }
        results.push((p.clone(), runs));
    }
    drop(server);

    print_table(&results);
    let elapsed = started.elapsed();
    let json_path = out_dir.join("web.json");
    write_json(&json_path, &results, options.runs, elapsed)?;
    println!(
        "\nmedian run per page by LCP; first load = transferred bytes of the document, JS, CSS and wasm; \
         total = every request (Lighthouse total-byte-weight)\nwritten to {} ({:.0} s)",
        json_path.display(),
        elapsed.as_secs_f64()
    );
    Ok(())
}

// ---- tools -------------------------------------------------------------------------

/// Lighthouse lives in the project's target dir (not a global install), so it cannot
/// clash with another project's, and a fresh machine gets it from the npm registry alone.
/// Returns the path of its CLI script.
fn ensure_lighthouse() -> Result<PathBuf, String> {
    tools::ensure_npm_package(
        &project_root().join("target/bench/node"),
        "lighthouse",
        LIGHTHOUSE_VERSION,
        "cli/index.js",
    )
}

fn build_server() -> Result<(), String> {
    println!("xtask: cargo build --release -p doctor-desk-server");
    crate::run_command(
        Command::new(cargo())
            .args(["build", "--release", "--quiet", "-p", "doctor-desk-server"])
            .current_dir(project_root()),
    )
    .map_err(|e| format!("release build of the server: {e}"))
}

/// The release server binary, wherever cargo puts it (CARGO_TARGET_DIR or config):
/// `cargo metadata` knows without building anything.
fn server_binary() -> Result<PathBuf, String> {
    let out = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(project_root())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    let meta: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cannot read cargo metadata: {e}"))?;
    let dir = meta["target_directory"]
        .as_str()
        .ok_or("cargo metadata has no target_directory")?;
    let binary = Path::new(dir).join("release/doctor-desk-server");
    if binary.exists() {
        Ok(binary)
    } else {
        Err(format!(
            "no release server at {} (drop --no-build, or `cargo build --release -p doctor-desk-server`)",
            binary.display()
        ))
    }
}

// ---- the server --------------------------------------------------------------------

/// The release server on a free loopback port with a fresh data dir. Started as the
/// binary itself rather than through `cargo run`: killing `cargo run` would leave the
/// server running. Dropping the guard kills it and removes the data dir.
struct Server {
    child: Child,
    port: u16,
    data_dir: PathBuf,
}

impl Server {
    fn start(out_dir: &Path) -> Result<Server, String> {
        let binary = server_binary()?;
        let port = free_port()?;
        let data_dir = fresh_temp_dir("dd-bench-web-data")?;
        let log_path = out_dir.join("server.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(&binary)
            .args(["--dev", "--demo", "--dist"])
            .arg(project_root().join("dist"))
            .arg("--data-dir")
            .arg(&data_dir)
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut server = Server {
            child,
            port,
            data_dir,
        };
        server.wait_healthy(&log_path)?;
        Ok(server)
    }

    /// Polls `/api/v1/health`; the demo seed hashes two passwords, so it takes a moment.
    fn wait_healthy(&mut self, log: &Path) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "the server exited ({status}); see {}",
                    log.display()
                ));
            }
            if matches!(http(self.port, "GET", "/api/v1/health", &[], None), Ok(r) if r.status == 200)
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "the server did not answer /api/v1/health within 60 s; see {}",
            log.display()
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// A port the OS says is free (it could be taken before the server binds it; then the
/// server exits and the health wait says so).
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn fresh_temp_dir(prefix: &str) -> Result<PathBuf, String> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

// ---- signing in --------------------------------------------------------------------

/// The cookies of the signed-in demo doctor.
struct Session {
    cookies: BTreeMap<String, String>,
}

impl Session {
    fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn csrf(&self) -> &str {
        self.cookies
            .get("dd_csrf")
            .map(String::as_str)
            .unwrap_or("")
    }

    fn absorb(&mut self, response: &Response) {
        for (k, v) in &response.cookies {
            self.cookies.insert(k.clone(), v.clone());
        }
    }

    /// A JSON API call with the cookies and the CSRF header; fails on a non-2xx answer.
    fn call(
        &mut self,
        port: u16,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let cookie = self.header();
        let csrf = self.csrf().to_owned();
        let body = body.map(Value::to_string);
        let response = http(
            port,
            method,
            path,
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            body.as_deref(),
        )?;
        self.absorb(&response);
        if !(200..300).contains(&response.status) {
            return Err(format!(
                "{method} {path}: {} {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            ));
        }
        if response.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&response.body).map_err(|e| format!("{method} {path}: {e}"))
    }
}

/// Signs the demo doctor in and accepts the current agreements, so the signed-in pages
/// show their content (a doctor who has not accepted them sees the agreements gate).
fn sign_in(port: u16) -> Result<Session, String> {
    let mut session = Session {
        cookies: BTreeMap::new(),
    };
    // Any response hands out the CSRF cookie that the POSTs must echo.
    session.call(port, "GET", "/api/v1/health", None)?;
    session.call(
        port,
        "POST",
        "/api/v1/auth/login",
        Some(&json!({"phone": DEMO_PHONE, "password": DEMO_PASSWORD, "remember": true})),
    )?;
    if !session.cookies.contains_key("dd_session") {
        return Err("signed in but got no dd_session cookie".into());
    }
    let current = session.call(port, "GET", "/api/v1/agreements/current", None)?;
    for agreement in current.as_array().into_iter().flatten() {
        let (Some(kind), Some(version)) =
            (agreement["kind"].as_str(), agreement["version"].as_str())
        else {
            return Err(format!("unexpected agreement entry {agreement}"));
        };
        if agreement["accepted_version"].as_str() == Some(version) {
            continue;
        }
        let path = format!("/api/v1/agreements/{kind}/{version}");
        let document = session.call(port, "GET", &path, None)?;
        let sha = document["body_sha256"]
            .as_str()
            .ok_or("agreement without body_sha256")?;
        session.call(
            port,
            "POST",
            &format!("{path}/acceptance"),
            Some(&json!({"body_sha256": sha, "health_data_consent": true})),
        )?;
    }
    Ok(session)
}

/// The id of an ongoing consultation of the demo doctor (the demo seed has several).
fn ongoing_consultation(port: u16, session: &Session) -> Result<i64, String> {
    let mut session = Session {
        cookies: session.cookies.clone(),
    };
    let page = session.call(
        port,
        "GET",
        "/api/v1/consultations?status=ongoing&limit=1",
        None,
    )?;
    page["items"][0]["id"]
        .as_i64()
        .ok_or_else(|| "the demo doctor has no ongoing consultation".into())
}

// ---- a tiny HTTP client ------------------------------------------------------------

/// Enough HTTP/1.1 for a few JSON calls to our own server on loopback: one connection
/// per request (`Connection: close`), Content-Length or chunked bodies. Not worth a
/// client crate and its TLS stack in xtask.
struct Response {
    status: u16,
    cookies: Vec<(String, String)>,
    body: Vec<u8>,
}

fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Response, String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("{method} {path}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\naccept: application/json\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!(
            "content-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("{method} {path}: {e}"))?;
    parse_response(&raw).ok_or_else(|| format!("{method} {path}: unreadable response"))
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let mut cookies = Vec::new();
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "set-cookie" => {
                let pair = value.split(';').next().unwrap_or("");
                if let Some((k, v)) = pair.split_once('=') {
                    cookies.push((k.trim().to_owned(), v.trim().to_owned()));
                }
            }
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let rest = &raw[split + 4..];
    let body = if chunked {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Some(Response {
        status,
        cookies,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

// ---- Lighthouse --------------------------------------------------------------------

/// One Lighthouse run: its own Chromium with a fresh profile (so no cache or service
/// worker carries over between runs), mobile, DevTools throttling (slow 4G, 4× CPU).
fn lighthouse_run(
    cli: &Path,
    url: &str,
    cookie: Option<&str>,
    report: &Path,
    trace: bool,
) -> Result<(), String> {
    let profile = fresh_temp_dir("dd-bench-web-chromium")?;
    let mut cmd = Command::new("node");
    cmd.arg(cli)
        .arg(url)
        .args([
            "--quiet",
            "--form-factor=mobile",
            "--throttling-method=devtools",
            "--only-categories=performance",
            "--output=json",
            // The full-page screenshot is not a performance figure and makes the report big.
            "--disable-full-page-screenshot",
        ])
        .arg(format!("--output-path={}", report.display()))
        .arg(format!(
            "--chrome-flags={CHROME_FLAGS} --user-data-dir={}",
            profile.display()
        ))
        .env("CHROME_PATH", CHROMIUM);
    if trace {
        cmd.arg("--save-assets");
    }
    if let Some(cookie) = cookie {
        // Lighthouse sends these headers with every request of the page. The browser's
        // cookie jar stays empty, so the SPA cannot read dd_csrf and its POSTs fail (403):
        // reported as warnings, see `failed_requests`.
        cmd.arg(format!("--extra-headers={}", json!({ "Cookie": cookie })));
    }
    let status = cmd.status().map_err(|e| format!("cannot run node: {e}"));
    let _ = std::fs::remove_dir_all(&profile);
    let status = status?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("lighthouse {url} failed ({status})"))
    }
}

/// The figures of one run.
#[derive(Clone, Debug, PartialEq)]
struct Figures {
    score: f64,
    fcp_ms: f64,
    lcp_ms: f64,
    tbt_ms: f64,
    cls: f64,
    first_load_bytes: u64,
    total_bytes: u64,
    report: PathBuf,
    /// Lighthouse's own complaints (a runtime error, or warnings such as a page that did
    /// not go quiet): a run with these is doubtful.
    warnings: Vec<String>,
}

fn read_report(path: &Path) -> Result<Figures, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let lhr: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut figures = figures_of(&lhr);
    figures.report = path.to_owned();
    Ok(figures)
}

fn figures_of(lhr: &Value) -> Figures {
    let audit = |id: &str| {
        lhr["audits"][id]["numericValue"]
            .as_f64()
            .unwrap_or(f64::NAN)
    };
    let mut warnings: Vec<String> = lhr["runWarnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w.as_str().map(str::to_owned))
        .collect();
    if let Some(error) = lhr["runtimeError"]["code"].as_str() {
        warnings.push(format!("runtime error {error}"));
    }
    warnings.extend(failed_requests(lhr));
    Figures {
        score: lhr["categories"]["performance"]["score"]
            .as_f64()
            .map(|s| s * 100.0)
            .unwrap_or(f64::NAN),
        fcp_ms: audit("first-contentful-paint"),
        lcp_ms: audit("largest-contentful-paint"),
        tbt_ms: audit("total-blocking-time"),
        cls: audit("cumulative-layout-shift"),
        first_load_bytes: first_load_bytes(lhr),
        total_bytes: audit("total-byte-weight") as u64,
        report: PathBuf::new(),
        warnings,
    }
}

/// Requests the server refused, except the signed-out `/me` probe (401 is its answer).
/// Known one: the SPA echoes `dd_csrf` from `document.cookie`, which a cookie sent by
/// `--extra-headers` never reaches, so its POSTs (marking a consultation read) get 403.
fn failed_requests(lhr: &Value) -> Vec<String> {
    let items = lhr["audits"]["network-requests"]["details"]["items"].as_array();
    items
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let status = item["statusCode"].as_i64()?;
            let url = item["url"].as_str()?;
            let path = url.splitn(4, '/').nth(3).map(|p| format!("/{p}"))?;
            (status >= 400 && !(status == 401 && path == "/api/v1/me"))
                .then(|| format!("HTTP {status} {path}"))
        })
        .collect()
}

/// Transferred bytes of what the app needs before it can draw: the HTML document, the
/// JS, the CSS and the wasm (by resource type, and by extension for the wasm, which
/// Chromium files as Fetch or Other).
fn first_load_bytes(lhr: &Value) -> u64 {
    let items = lhr["audits"]["network-requests"]["details"]["items"].as_array();
    items
        .into_iter()
        .flatten()
        .filter(|item| {
            let kind = item["resourceType"].as_str().unwrap_or("");
            let url = item["url"].as_str().unwrap_or("");
            let path = url.split(['?', '#']).next().unwrap_or("");
            matches!(kind, "Document" | "Script" | "Stylesheet")
                || path.ends_with(".wasm")
                || item["mimeType"].as_str() == Some("application/wasm")
        })
        .filter_map(|item| item["transferSize"].as_f64())
        .map(|b| b as u64)
        .sum()
}

/// The run with the median LCP (the lower middle for an even count): LCP is what a
/// doctor waits for, and a whole run is kept so its figures belong together.
fn median_by_lcp(runs: &[Figures]) -> &Figures {
    let mut order: Vec<&Figures> = runs.iter().collect();
    order.sort_by(|a, b| a.lcp_ms.total_cmp(&b.lcp_ms));
    order[(order.len() - 1) / 2]
}

// ---- output ------------------------------------------------------------------------

fn print_table(results: &[(Page, Vec<Figures>)]) {
    println!(
        "\n{:<14} {:<12} {:>5} {:>7} {:>7} {:>7} {:>6} {:>11} {:>10} {:>15}",
        "page",
        "path",
        "score",
        "FCP ms",
        "LCP ms",
        "TBT ms",
        "CLS",
        "first load",
        "total",
        "LCP range ms"
    );
    for (page, runs) in results {
        let m = median_by_lcp(runs);
        let lo = runs.iter().map(|r| r.lcp_ms).fold(f64::INFINITY, f64::min);
        let hi = runs
            .iter()
            .map(|r| r.lcp_ms)
            .fold(f64::NEG_INFINITY, f64::max);
        println!(
            "{:<14} {:<12} {:>5.0} {:>7.0} {:>7.0} {:>7.0} {:>6.3} {:>11} {:>10} {:>15}",
            page.name,
            page.path,
            m.score,
            m.fcp_ms,
            m.lcp_ms,
            m.tbt_ms,
            m.cls,
            m.first_load_bytes,
            m.total_bytes,
            format!("{lo:.0}–{hi:.0}")
        );
        for w in runs.iter().flat_map(|r| &r.warnings) {
            println!("    lighthouse warning ({}): {w}", page.name);
        }
    }
}

fn write_json(
    path: &Path,
    results: &[(Page, Vec<Figures>)],
    runs: usize,
    elapsed: Duration,
) -> Result<(), String> {
    let figures = |f: &Figures| {
        json!({
            "score": f.score, "fcp_ms": f.fcp_ms, "lcp_ms": f.lcp_ms, "tbt_ms": f.tbt_ms,
            "cls": f.cls, "first_load_bytes": f.first_load_bytes, "total_bytes": f.total_bytes,
            "report": f.report.display().to_string(), "warnings": f.warnings,
        })
    };
    let pages: Vec<Value> = results
        .iter()
        .map(|(p, r)| {
            json!({
                "page": p.name, "path": p.path, "signed_in": p.signed_in,
                "median": figures(median_by_lcp(r)),
                "runs": r.iter().map(figures).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "commit": commit(),
        "lighthouse": LIGHTHOUSE_VERSION,
        "chromium": tools::output_of(CHROMIUM, &["--version"]).trim(),
        "settings": "mobile, --throttling-method=devtools (slow 4G, 4x CPU), performance only",
        "runs_per_page": runs,
        "median_by": "lcp",
        "first_load_bytes": "transferSize of the document, script, stylesheet and wasm requests",
        "total_bytes": "Lighthouse total-byte-weight (transferSize of every request)",
        "seconds": elapsed.as_secs_f64().round(),
        "pages": pages,
    });
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The commit measured, `-dirty` when the work tree has changes.
fn commit() -> String {
    let root = project_root().display().to_string();
    let head = tools::output_of("git", &["-C", &root, "rev-parse", "--short=12", "HEAD"]);
    let dirty = !tools::output_of("git", &["-C", &root, "status", "--porcelain"])
        .trim()
        .is_empty();
    format!("{}{}", head.trim(), if dirty { "-dirty" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_options() {
        let o = parse_options(&[]).unwrap();
        assert_eq!(
            (o.runs, o.pages.len(), o.build),
            (3, PAGE_NAMES.len(), true)
        );
        let o =
            parse_options(&args(&["--runs", "5", "--pages=login,inbox", "--no-build"])).unwrap();
        assert_eq!((o.runs, o.build), (5, false));
        assert_eq!(
            o.pages.iter().map(|p| p.name).collect::<Vec<_>>(),
            ["login", "inbox"]
        );
        assert!(!o.pages[0].signed_in && o.pages[1].signed_in);
        assert!(parse_options(&args(&["--runs", "0"])).is_err());
        assert!(parse_options(&args(&["--pages", "nope"])).is_err());
        assert!(parse_options(&args(&["--fast"])).is_err());
    }

    #[test]
    fn parses_responses() {
        let raw = b"HTTP/1.1 200 OK\r\nSet-Cookie: dd_csrf=abc; Path=/; SameSite=Strict\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n";
        let r = parse_response(raw).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.cookies, [("dd_csrf".to_owned(), "abc".to_owned())]);
        assert_eq!(r.body, b"{\"a\":1}");
        let r = parse_response(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").unwrap();
        assert_eq!((r.status, r.body.len()), (204, 0));
    }

    #[test]
    fn reads_lighthouse_figures() {
        let lhr = json!({
            "categories": {"performance": {"score": 0.87}},
            "audits": {
                "first-contentful-paint": {"numericValue": 1200.0},
                "largest-contentful-paint": {"numericValue": 2500.0},
                "total-blocking-time": {"numericValue": 80.0},
                "cumulative-layout-shift": {"numericValue": 0.01},
                "total-byte-weight": {"numericValue": 250000.0},
                "network-requests": {"details": {"items": [
                    {"url": "http://x/", "resourceType": "Document", "transferSize": 1000},
                    {"url": "http://x/app-1.js", "resourceType": "Script", "transferSize": 7000},
                    {"url": "http://x/app-1_bg.wasm", "resourceType": "Fetch", "transferSize": 200000},
                    {"url": "http://x/app-1.css", "resourceType": "Stylesheet", "transferSize": 5000},
                    {"url": "http://x/api/v1/me", "resourceType": "Fetch", "transferSize": 900, "statusCode": 401},
                    {"url": "http://x/api/v1/consultations/3/read", "resourceType": "Fetch", "transferSize": 90, "statusCode": 403},
                    {"url": "http://x/logo.svg", "resourceType": "Image", "transferSize": 3000}
                ]}}
            },
            "runWarnings": []
        });
        let f = figures_of(&lhr);
        assert_eq!(f.score.round(), 87.0);
        assert_eq!(f.first_load_bytes, 213_000);
        assert_eq!(f.total_bytes, 250_000);
        assert_eq!(f.warnings, ["HTTP 403 /api/v1/consultations/3/read"]);
    }

    #[test]
    fn median_is_by_lcp() {
        let run = |lcp: f64, score: f64| Figures {
            score,
            fcp_ms: 0.0,
            lcp_ms: lcp,
            tbt_ms: 0.0,
            cls: 0.0,
            first_load_bytes: 0,
            total_bytes: 0,
            report: PathBuf::new(),
            warnings: vec![],
        };
        let runs = [run(3000.0, 70.0), run(2000.0, 90.0), run(2500.0, 80.0)];
        assert_eq!(median_by_lcp(&runs).lcp_ms, 2500.0);
        let runs = [run(3000.0, 70.0), run(2000.0, 90.0)];
        assert_eq!(median_by_lcp(&runs).lcp_ms, 2000.0);
    }
}

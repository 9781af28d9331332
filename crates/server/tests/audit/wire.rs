#![allow(dead_code)]

//! Real sockets for the audit suites (issue 15). A `TestApp` prepares accounts in process
//! (its helpers are the suites' own); `Wire::start` then runs the real server on the same
//! data dir, database and clock on 127.0.0.1, and the requests under test go to it over
//! TCP, all released at the same moment. A suite collects every case's failures and
//! prints `AUDIT <suite> tried=.. passed=.. failed=..` once.

use std::{collections::BTreeMap, future::Future, sync::Arc, time::Duration};

use doctor_desk_server::Running;
use reqwest::{header::HeaderMap, Method};
use serde_json::Value;

use crate::common::{Browser, TestApp};

pub struct Wire {
    pub server: Running,
    http: reqwest::Client,
}

/// Who sends a request: the cookies and CSRF header of a browser, and the client address
/// our proxy would report (with `trust_proxy`).
#[derive(Clone, Default)]
pub struct Who {
    cookie: String,
    csrf: String,
    pub forwarded_for: Option<String>,
}

impl Who {
    /// The browser's cookies as they are now (session and CSRF token).
    pub fn of(b: &Browser<'_>) -> Who {
        let mut cookies: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let csrf = b.cookies.get("dd_csrf").cloned().unwrap_or_else(|| {
            cookies.push("dd_csrf=audit".to_owned());
            "audit".to_owned()
        });
        Who {
            cookie: cookies.join("; "),
            csrf,
            forwarded_for: None,
        }
    }

    /// Nobody signed in; any CSRF token passes as long as cookie and header match.
    pub fn anonymous() -> Who {
        Who {
            cookie: "dd_csrf=audit".to_owned(),
            csrf: "audit".to_owned(),
            forwarded_for: None,
        }
    }

    pub fn at_ip(mut self, ip: impl Into<String>) -> Who {
        self.forwarded_for = Some(ip.into());
        self
    }
}

/// One request to send: JSON, a multipart form, or nothing.
#[derive(Clone)]
pub enum Payload {
    None,
    Json(Value),
    /// Raw `multipart/form-data` bytes with their boundary (to send what no client would).
    Multipart {
        boundary: String,
        body: Vec<u8>,
    },
}

#[derive(Clone)]
pub struct Call {
    pub who: Who,
    pub method: Method,
    pub path: String,
    pub payload: Payload,
}

pub fn post(who: &Who, path: impl Into<String>, body: Value) -> Call {
    Call {
        who: who.clone(),
        method: Method::POST,
        path: path.into(),
        payload: Payload::Json(body),
    }
}

pub fn put(who: &Who, path: impl Into<String>, body: Value) -> Call {
    Call {
        method: Method::PUT,
        ..post(who, path, body)
    }
}

pub fn get(who: &Who, path: impl Into<String>) -> Call {
    Call {
        who: who.clone(),
        method: Method::GET,
        path: path.into(),
        payload: Payload::None,
    }
}

/// A `multipart/form-data` body: text fields, then the part `file` if given, with its
/// file name and content type as written (`None`: no such header at all).
pub fn multipart(
    fields: &[(&str, &str)],
    file: Option<(Option<&str>, Option<&str>, &[u8])>,
) -> Payload {
    let boundary = "----doctor-desk-audit-7MA4YWxkTrZu0gW".to_owned();
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((file_name, content_type, bytes)) = file {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"").as_bytes(),
        );
        if let Some(file_name) = file_name {
            body.extend(b"; filename=\"");
            body.extend(file_name.as_bytes());
            body.extend(b"\"");
        }
        body.extend(b"\r\n");
        if let Some(content_type) = content_type {
            body.extend(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend(b"\r\n");
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    Payload::Multipart { boundary, body }
}

pub fn upload(who: &Who, path: impl Into<String>, payload: Payload) -> Call {
    Call {
        who: who.clone(),
        method: Method::POST,
        path: path.into(),
        payload,
    }
}

/// An answer read off the socket.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub json: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl Wire {
    /// The app's server on a free port of 127.0.0.1, on the app's database and clock.
    pub async fn start(app: &TestApp) -> Wire {
        let config = app.state.config.as_ref().clone();
        let server = doctor_desk_server::spawn(config, "127.0.0.1:0", Arc::new(app.clock.clone()))
            .await
            .expect("the server starts");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(64)
            .build()
            .expect("an HTTP client");
        Wire { server, http }
    }

    pub async fn send(&self, call: Call) -> Answer {
        send(&self.http, &self.server.url(), call).await
    }

    /// Sends every call at once (each on its own task and connection, released together);
    /// the answers come in the order of the calls.
    pub async fn all_at_once(&self, calls: Vec<Call>) -> Vec<Answer> {
        let gate = Arc::new(tokio::sync::Barrier::new(calls.len()));
        let tasks: Vec<_> = calls
            .into_iter()
            .map(|call| {
                let (http, base, gate) = (self.http.clone(), self.server.url(), gate.clone());
                tokio::spawn(async move {
                    gate.wait().await;
                    send(&http, &base, call).await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.expect("the request task ran"));
        }
        answers
    }

    /// The code the dev outbox of this server holds for `phone`.
    pub async fn outbox_code(&self, phone: &str) -> String {
        let a = self
            .send(get(
                &Who::anonymous(),
                format!("/api/v1/dev/sms-outbox?phone={phone}"),
            ))
            .await;
        a.json["code"].as_str().unwrap_or_default().to_owned()
    }
}

async fn send(http: &reqwest::Client, base: &str, call: Call) -> Answer {
    let mut req = http
        .request(call.method, format!("{base}{}", call.path))
        .header("cookie", &call.who.cookie)
        .header("x-csrf-token", &call.who.csrf)
        .header("user-agent", "audit");
    if let Some(ip) = &call.who.forwarded_for {
        req = req.header("x-forwarded-for", ip);
    }
    req = match call.payload {
        Payload::None => req,
        Payload::Json(v) => req
            .header("content-type", "application/json")
            .body(v.to_string()),
        Payload::Multipart { boundary, body } => req
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body),
    };
    match req.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            let headers = r.headers().clone();
            let bytes = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            Answer {
                status,
                headers,
                bytes,
                json,
            }
        }
        // A connection the server dropped: status 0, so a tally shows it.
        Err(e) => Answer {
            status: 0,
            headers: HeaderMap::new(),
            bytes: Vec::new(),
            json: Value::String(e.to_string()),
        },
    }
}

/// How many answers had each (status, error code): `"201"`, `"409 limit_reached"`.
pub fn tally(answers: &[Answer]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for a in answers {
        let key = match a.code() {
            "" => a.status.to_string(),
            code => format!("{} {code}", a.status),
        };
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

/// A tally written out: `[("201", 5), ("409 limit_reached", 35)]`.
pub fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| ((*k).to_owned(), *n))
        .collect()
}

/// The failures of one case, each said in words.
#[derive(Default)]
pub struct Checks(pub Vec<String>);

impl Checks {
    pub fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got != want {
            self.0.push(format!("{what}: got {got:?}, want {want:?}"));
        }
    }

    pub fn that(&mut self, what: &str, ok: bool) {
        if !ok {
            self.0.push(what.to_owned());
        }
    }
}

/// A suite's cases and their outcome.
pub struct Audit {
    suite: &'static str,
    tried: usize,
    failed: Vec<String>,
}

impl Audit {
    pub fn new(suite: &'static str) -> Audit {
        Audit {
            suite,
            tried: 0,
            failed: Vec::new(),
        }
    }

    /// Runs one case on its own task: a panic or a timeout is a failure like any other.
    pub async fn case<F>(&mut self, name: &str, case: F)
    where
        F: Future<Output = Checks> + Send + 'static,
    {
        self.tried += 1;
        let started = std::time::Instant::now();
        let mut task = tokio::spawn(case);
        let outcome = tokio::time::timeout(Duration::from_secs(60), &mut task).await;
        let problems = match outcome {
            Ok(Ok(checks)) => checks.0,
            Ok(Err(e)) => vec![format!("panicked: {e}")],
            Err(_) => {
                // Left running, it would keep sending into the next cases.
                task.abort();
                vec!["did not finish within 60 s".to_owned()]
            }
        };
        let took = started.elapsed().as_millis();
        if problems.is_empty() {
            println!("  ok    {name} ({took} ms)");
        } else {
            println!("  FAIL  {name} ({took} ms)");
            for p in &problems {
                println!("          {p}");
            }
            self.failed
                .push(format!("{name}:\n    {}", problems.join("\n    ")));
        }
    }

    /// Prints the suite's line and fails listing every broken case.
    pub fn finish(self) {
        let failed = self.failed.len();
        println!(
            "AUDIT {} tried={} passed={} failed={failed}",
            self.suite,
            self.tried,
            self.tried - failed
        );
        assert!(
            self.failed.is_empty(),
            "{failed} of {} {} cases failed:\n{}",
            self.tried,
            self.suite,
            self.failed.join("\n")
        );
    }
}

/// Stored files that no `files` or `patient_files` row names, and leftover `.part`s.
pub async fn orphans(app: &TestApp) -> Vec<String> {
    let (stored, spooled) = crate::common::file_store(app).await;
    let mut known: Vec<String> = doctor_desk_server::db::query_scalar("SELECT id FROM files")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    known.extend(
        doctor_desk_server::db::query_scalar::<String>("SELECT id FROM patient_files")
            .fetch_all(&app.state.db)
            .await
            .unwrap(),
    );
    let mut out: Vec<String> = stored
        .into_iter()
        .filter(|name| !known.contains(name))
        .chain(spooled)
        .collect();
    out.sort();
    out
}

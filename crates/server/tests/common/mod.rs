//! Test harness: the real router on a fresh SQLite file per test, called in-process
//! (`tower::ServiceExt::oneshot`), with a cookie jar per simulated browser.

#![allow(dead_code)]

pub mod deploy;
pub mod http;
mod inbox;
pub mod patients;
pub mod postgres;
pub mod posts;
pub mod s3;

use std::{collections::HashMap, sync::Arc};

use axum::{
    body::Body,
    http::{header, HeaderMap, Method, Request, StatusCode},
    Router,
};
use chrono::{TimeZone, Utc};
use doctor_desk_server::{AppState, Config, ManualClock};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

// Each suite is its own crate and uses only some of them.
#[allow(unused_imports)]
pub use inbox::{
    accept, advice, ask_for, assert_tab_counts_match_the_rows, open_service, patient, read_events,
    text,
};

/// The password test reviewers set at their first sign-in.
pub const REVIEWER_PASSWORD: &str = "reviewer123";

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub clock: ManualClock,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Reply {
    pub fn error_code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
    pub fn field_error(&self, field: &str) -> Option<&str> {
        self.json["error"]["fields"][field].as_str()
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(tweak: impl FnOnce(&mut Config)) -> TestApp {
        // RUST_LOG=error shows what the server logs (an internal error's cause) per test.
        if std::env::var_os("RUST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_test_writer()
                .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
                .try_init();
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(dir.path());
        config.dev = true;
        tweak(&mut config);
        if postgres::asked() && config.database_url.is_none() {
            config.database_url = Some(postgres::fresh_database("desk").await);
        }
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap());
        let (router, state) = doctor_desk_server::app(config, Arc::new(clock.clone()))
            .await
            .expect("app builds");
        TestApp {
            router,
            state,
            clock,
            _dir: dir,
        }
    }

    /// Today in China, by the test clock.
    pub fn clock_today(&self) -> chrono::NaiveDate {
        use doctor_desk_server::Clock;
        let china = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        self.clock.now().with_timezone(&china).date_naive()
    }

    /// A new browser: its own cookie jar.
    /// A newly signed-up doctor, signed in; the clock is past the SMS resend wait so the
    /// next sign-up may follow at once.
    pub async fn doctor(&self, phone: &str) -> Browser<'_> {
        let mut b = self.browser();
        b.register(phone, "secret123").await;
        self.clock.advance(chrono::Duration::seconds(61));
        b
    }

    /// The reviewer 13800000009, created and signed in.
    pub async fn reviewer(&self) -> Browser<'_> {
        self.reviewer_with_phone("13800000009").await
    }

    pub async fn reviewer_with_phone(&self, phone: &str) -> Browser<'_> {
        let password = doctor_desk_server::admin::create_reviewer(&self.state, phone)
            .await
            .unwrap()
            .expect("new reviewer");
        let mut r = self.browser();
        assert_eq!(r.login(phone, &password).await.status, StatusCode::OK);
        // The one-time password opens nothing else until it is replaced.
        let own = json!({"current_password": password, "new_password": REVIEWER_PASSWORD});
        let changed = r.put("/api/v1/me/password", own).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.json);
        r
    }

    /// A doctor who went through onboarding and whom a reviewer approved.
    pub async fn verified_doctor(&self, phone: &str, name: &str) -> Browser<'_> {
        let mut b = self.doctor(phone).await;
        let ids = complete(&mut b, name).await;
        let r = b
            .post("/api/v1/me/verification", serde_json::json!({}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let mut rv = self
            .reviewer_with_phone(&format!("137{}", &phone[3..]))
            .await;
        let queue = rv
            .get("/api/v1/review/submissions?status=pending")
            .await
            .json;
        let sid = queue
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["doctor_name"] == name)
            .expect("the submission is queued")["id"]
            .as_i64()
            .unwrap();
        let decisions: Vec<Value> = ids
            .iter()
            .map(|id| serde_json::json!({"document_id": id, "approve": true}))
            .collect();
        let r = rv
            .post(
                &format!("/api/v1/review/submissions/{sid}/decision"),
                serde_json::json!({ "documents": decisions }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        b
    }

    /// `n` copies of one request of `d`'s, sent at once: a client retrying, a double tap.
    pub async fn same_at_once(
        &self,
        d: &mut Browser<'_>,
        n: usize,
        method: Method,
        path: &str,
        body: Value,
    ) -> Vec<Reply> {
        let mut requests = Vec::with_capacity(n);
        for _ in 0..n {
            requests.push(d.request(method.clone(), path, body.clone()).await);
        }
        self.send_concurrently(requests).await
    }

    /// Sends every request at once, each through its own clone of the router on its own
    /// task (run the test on a multi-thread runtime for real parallelism); the replies
    /// come back in the order of the requests.
    pub async fn send_concurrently(&self, requests: Vec<Request<Body>>) -> Vec<Reply> {
        let tasks: Vec<_> = requests
            .into_iter()
            .map(|req| {
                let router = self.router.clone();
                tokio::spawn(async move { router.oneshot(req).await.expect("infallible") })
            })
            .collect();
        let mut replies = Vec::with_capacity(tasks.len());
        for response in futures_util::future::join_all(tasks).await {
            let response = response.expect("the request task ran");
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            replies.push(Reply {
                status,
                headers,
                json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            });
        }
        replies
    }

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: HashMap::new(),
            lang: None,
        }
    }
}

pub struct Browser<'a> {
    app: &'a TestApp,
    pub cookies: HashMap<String, String>,
    pub lang: Option<&'static str>,
}

impl Browser<'_> {
    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None, true).await
    }

    pub async fn post(&mut self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body.to_string()), true)
            .await
    }

    /// Sends without the CSRF header.
    pub async fn post_without_csrf(&mut self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body.to_string()), false)
            .await
    }

    pub async fn post_raw(&mut self, path: &str, content_type: Option<&str>, body: &str) -> Reply {
        self.ensure_csrf().await;
        let mut req = Request::builder().method(Method::POST).uri(path);
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        req = self.with_cookies(req, true);
        self.dispatch(req.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    /// A multipart/form-data POST: text fields, then an optional file `(file name, bytes)`
    /// in the field `file`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Reply {
        self.post_form(path, fields, "file", file).await
    }

    /// `post_multipart` with the file in the field `file_field`.
    pub async fn post_form(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file: Option<(&str, &[u8])>,
    ) -> Reply {
        let req = self.form_request(path, fields, file_field, file).await;
        self.dispatch(req).await
    }

    /// The request `post_form` sends, to send later (e.g. many at once).
    pub async fn form_request(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file: Option<(&str, &[u8])>,
    ) -> Request<Body> {
        self.ensure_csrf().await;
        let boundary = "----doctor-desk-test-boundary";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((file_name, bytes)) = file {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::builder().method(Method::POST).uri(path).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        let req = self.with_cookies(req, true);
        req.body(Body::from(body)).unwrap()
    }

    pub async fn delete(&mut self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None, true).await
    }

    pub async fn put(&mut self, path: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(body.to_string()), true)
            .await
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<String>,
        csrf: bool,
    ) -> Reply {
        if method != Method::GET && csrf {
            self.ensure_csrf().await;
        }
        let mut req = Request::builder().method(method).uri(path);
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        req = self.with_cookies(req, csrf);
        self.dispatch(req.body(body.map(Body::from).unwrap_or_default()).unwrap())
            .await
    }

    /// A JSON request as this browser would send it (cookies, CSRF header), to send later,
    /// e.g. many at once with `TestApp::send_concurrently`.
    pub async fn request(&mut self, method: Method, path: &str, body: Value) -> Request<Body> {
        self.ensure_csrf().await;
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        self.with_cookies(req, true)
            .body(Body::from(body.to_string()))
            .unwrap()
    }

    async fn ensure_csrf(&mut self) {
        if !self.cookies.contains_key("dd_csrf") {
            let req = Request::get("/api/v1/health").body(Body::empty()).unwrap();
            self.dispatch(req).await;
        }
    }

    fn with_cookies(
        &self,
        mut req: axum::http::request::Builder,
        csrf: bool,
    ) -> axum::http::request::Builder {
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header(header::COOKIE, jar.join("; "));
        }
        if csrf {
            if let Some(token) = self.cookies.get("dd_csrf") {
                req = req.header("x-csrf-token", token);
            }
        }
        if let Some(lang) = self.lang {
            req = req.header(header::ACCEPT_LANGUAGE, lang);
        }
        req.header(header::USER_AGENT, "api-test")
    }

    async fn dispatch(&mut self, req: Request<Body>) -> Reply {
        let response = self
            .app
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("infallible");
        for set in response.headers().get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (pair, attrs) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            json,
        }
    }

    /// Requests a code and reads it from the dev outbox.
    pub async fn sms_code(&mut self, phone: &str, purpose: &str) -> String {
        let r = self
            .post(
                "/api/v1/auth/sms-codes",
                serde_json::json!({"phone": phone, "purpose": purpose}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "sms code: {}", r.json);
        let r = self
            .get(&format!("/api/v1/dev/sms-outbox?phone={phone}"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        r.json["code"].as_str().unwrap().to_owned()
    }

    /// Signs up a new doctor and stays signed in.
    pub async fn register(&mut self, phone: &str, password: &str) -> Reply {
        let code = self.sms_code(phone, "register").await;
        let r = self
            .post(
                "/api/v1/auth/register",
                serde_json::json!({"phone": phone, "sms_code": code, "password": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "register: {}", r.json);
        r
    }

    /// A GET whose body streams (Server-Sent Events), as it comes.
    pub async fn open_stream(
        &mut self,
        path: &str,
        last_event_id: Option<i64>,
    ) -> axum::response::Response {
        let mut req = Request::get(path);
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let req = self.with_cookies(req, false);
        self.app
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    /// Signs in a patient (creating them on the first sign-in) with a code from the outbox.
    pub async fn patient_login(&mut self, phone: &str, name: &str) -> Reply {
        let code = self.sms_code(phone, "patient_login").await;
        self.post(
            "/api/v1/patient/auth/login",
            json!({"phone": phone, "sms_code": code, "name": name, "sex": "male", "birth_date": "1970-03-15"}),
        )
        .await
    }

    /// Raw bytes of a GET (files).
    pub async fn get_bytes(&mut self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let req = Request::get(path);
        let req = self.with_cookies(req, false);
        let response = self
            .app
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, headers, bytes)
    }

    pub async fn login(&mut self, phone: &str, password: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            serde_json::json!({"phone": phone, "password": password, "remember": true}),
        )
        .await
    }
}

// ---- onboarding helpers, shared by the tests of later features ----

pub const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00 a tiny stand-in photo";
/// A PNG header of 1 × 1 px (the size is read: a stand-in claiming gigapixels is refused).
pub const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\0\0\0 stand-in";
pub const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF";

pub fn profile(name: &str) -> Value {
    json!({
        "real_name": name,
        "gender": "female",
        "id_number": "11010519491231002X",
        "hospital": "杭州市第一人民医院",
        "department": "内分泌科",
        "title": "attending_physician",
        "practice_category": "临床",
        "practice_scope": "内科专业",
        "years_of_practice": 8,
        "specialties": "糖尿病、甲状腺疾病",
        "bio": "从事内分泌临床工作十余年。"
    })
}

pub async fn upload(b: &mut Browser<'_>, kind: &str, extra: &[(&str, &str)], file: &[u8]) -> Value {
    let mut fields = vec![("kind", kind)];
    fields.extend_from_slice(extra);
    let r = b
        .post_multipart("/api/v1/me/documents", &fields, Some(("photo.jpg", file)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{kind}: {}", r.json);
    r.json
}

/// Profile plus the five required documents.
pub async fn complete(b: &mut Browser<'_>, name: &str) -> Vec<i64> {
    let r = b.put("/api/v1/me/profile", profile(name)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let mut ids = vec![];
    ids.push(
        upload(b, "id_card_front", &[("expires_on", "2036-05-01")], JPEG).await["id"]
            .as_i64()
            .unwrap(),
    );
    ids.push(
        upload(b, "id_card_back", &[], PNG).await["id"]
            .as_i64()
            .unwrap(),
    );
    ids.push(
        upload(b, "qualification", &[("number", "199833110000123")], PDF).await["id"]
            .as_i64()
            .unwrap(),
    );
    ids.push(
        upload(b, "practice", &[("number", "110330100000456")], JPEG).await["id"]
            .as_i64()
            .unwrap(),
    );
    ids.push(
        upload(b, "professional_title", &[("number", "ZJ2015000789")], JPEG).await["id"]
            .as_i64()
            .unwrap(),
    );
    ids
}

/// A `SELECT COUNT(*) … ?` over the database, with `id` bound: what a test checks was
/// kept or removed.
pub async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    doctor_desk_server::db::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// Every item of a cursor-paged list, one page of `limit=1` at a time from `path` (no
/// query of its own): each page's `next_cursor` must lead on to the next item.
pub async fn walk_pages(b: &mut Browser<'_>, path: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    let mut next = format!("{path}?limit=1");
    loop {
        let page = b.get(&next).await.json;
        seen.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(c) => next = format!("{path}?limit=1&cursor={c}"),
            None => return seen,
        }
    }
}

/// Each of `ops` is in the OpenAPI document under `tag` and declares 401, 403 and 500,
/// 404 where its path names an id, and what `more(method, path)` adds.
pub fn assert_documented(
    doc: &Value,
    tag: &str,
    ops: &[(&str, &str)],
    more: impl Fn(&str, &str) -> Vec<&'static str>,
) {
    for (method, path) in ops {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert_eq!(op["tags"], json!([tag]), "{method} {path}");
        let responses = op["responses"].as_object().unwrap();
        let mut needed = vec!["401", "403", "500"];
        if path.contains("{id}") {
            needed.push("404");
        }
        needed.extend(more(method, path));
        for status in needed {
            assert!(
                responses.contains_key(status),
                "{method} {path} does not document {status}"
            );
        }
    }
    assert!(
        doc["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == tag),
        "tag {tag} is not listed"
    );
}

/// A new patient whose consultation `d` accepted: their browser, the consultation, their id.
pub async fn my_patient<'a>(
    app: &'a TestApp,
    d: &mut Browser<'_>,
    doctor_id: i64,
    phone: &str,
    name: &str,
) -> (Browser<'a>, i64, i64) {
    let mut p = patient(app, phone, name).await;
    let consultation = ask_for(&mut p, doctor_id).await;
    let accepted = accept(d, consultation).await;
    let patient_id = accepted["patient_id"].as_i64().expect("mine once accepted");
    (p, consultation, patient_id)
}

/// The audit actions, in order, for this doctor.
pub async fn audit_actions(app: &TestApp, doctor_id: i64) -> Vec<String> {
    doctor_desk_server::db::query_scalar(
        "SELECT action FROM patient_audit WHERE doctor_id = ? ORDER BY id",
    )
    .bind(doctor_id)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

/// Sends `(method, path, body)`; a null body is no body.
pub async fn send(b: &mut Browser<'_>, (method, path, body): &(Method, String, Value)) -> Reply {
    let body = (!body.is_null()).then(|| body.to_string());
    b.send(method.clone(), path, body, true).await
}

/// How many of the replies (of requests sent at once) have this status.
pub fn with_status(replies: &[Reply], status: StatusCode) -> usize {
    replies.iter().filter(|r| r.status == status).count()
}

/// Exactly one of the replies (of requests sent at once) has this status.
pub fn assert_one_with_status(replies: &[Reply], status: StatusCode) {
    assert_eq!(
        with_status(replies, status),
        1,
        "one {status} among {:?}",
        replies
            .iter()
            .map(|r| (r.status, &r.json))
            .collect::<Vec<_>>()
    );
}

/// The ids of the stored files (read through the file store, wherever it keeps them) and
/// the names left in the spool folder, once deletions the server started in the
/// background (an upload whose row did not commit) have ended.
pub async fn file_store(app: &TestApp) -> (Vec<String>, Vec<String>) {
    app.state.files.settled().await;
    let mut stored: Vec<String> = app
        .state
        .files
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    stored.sort();
    let mut spooled: Vec<String> = std::fs::read_dir(app.state.files.spool())
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    spooled.sort();
    (stored, spooled)
}

/// A port free on 127.0.0.1 a moment ago, for a server a test starts of its own.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The names in `<data dir>/files`, the local file store's folder (empty when absent).
pub fn files_on_disk(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(app.state.config.data_dir.join("files"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A build's `lazy-parts.json`: where each lazy part's pack is (a stand-in build's).
pub fn parts_manifest() -> Value {
    let parts = doctor_desk_api::preload::parts::ALL.map(|part| {
        (
            part.to_owned(),
            format!("/wasm-0123456789abcdef/part_{part}.bin").into(),
        )
    });
    Value::Object(parts.into_iter().collect())
}

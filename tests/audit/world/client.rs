//! A REST client as the SPA and the patient app are (a cookie jar, the CSRF double-submit
//! header, multipart uploads), and the recorder that sends caller-supplied texts through
//! it: what the API accepted goes to `stored`, what it refused to `refused`, and a refused
//! text is replaced by a plain one so the world stays complete.

use std::{sync::Arc, time::Duration};

use reqwest::{cookie::Jar, header, multipart, Client, Method, Url};
use serde_json::{json, Value};

use super::Texts;

/// A real 8×8 light-grey baseline JPEG (one DC-only block; browsers decode it).
pub const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00,
    0x08, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0A, 0xFF, 0xC4, 0x00, 0x14, 0x10,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x60, 0x0F, 0xFF, 0xD9,
];
/// A real PNG (a page of records).
pub const PNG: &[u8] = doctor_desk_server::simulate::RECORD_PNG;
/// A real one-page PDF with a correct cross-reference table.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n\
3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>\nendobj\n\
xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n\
trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n";

/// A file to upload: `(file name, bytes, content type)`.
pub type File = (&'static str, &'static [u8], &'static str);
pub const JPEG_FILE: File = ("licence.jpg", JPEG, "image/jpeg");
pub const PNG_FILE: File = ("record.png", PNG, "image/png");
pub const PDF_FILE: File = ("record.pdf", PDF, "application/pdf");

/// One browser (or patient app): its own cookies.
pub struct Api {
    http: Client,
    jar: Arc<Jar>,
    base: Url,
    pub phone: String,
}

/// A reply: status and JSON body (`Null` when there is none).
pub struct Reply {
    pub status: u16,
    pub json: Value,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl Api {
    pub async fn new(base: &str, phone: &str) -> Api {
        let jar = Arc::new(Jar::default());
        let http = Client::builder()
            .cookie_provider(jar.clone())
            .timeout(Duration::from_secs(60))
            .user_agent("doctor-desk-audit-world")
            .build()
            .expect("an HTTP client");
        let api = Api {
            http,
            jar,
            base: Url::parse(base).expect("the server's address"),
            phone: phone.to_owned(),
        };
        // The CSRF cookie comes with any response.
        api.get("/api/v1/health").await;
        api
    }

    fn csrf(&self) -> String {
        use reqwest::cookie::CookieStore;
        self.jar
            .cookies(&self.base)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
            .unwrap_or_default()
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| *k == doctor_desk_api::CSRF_COOKIE)
            .map(|(_, v)| v.to_owned())
            .unwrap_or_default()
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, None, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body), None, None).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(body), None, None).await
    }

    /// A POST without a body (actions such as "remind").
    pub async fn act(&self, path: &str) -> Reply {
        self.send(Method::POST, path, None, None, None).await
    }

    /// `body` as JSON, or, with `file`, as multipart: its string members as text fields
    /// and the file as `file`. `user_agent` replaces the client's own for this request.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        file: Option<File>,
        user_agent: Option<&str>,
    ) -> Reply {
        let url = self.base.join(path).expect("a path");
        let mut req = self.http.request(method.clone(), url);
        if method != Method::GET {
            req = req.header(doctor_desk_api::CSRF_HEADER, self.csrf());
        }
        if let Some(ua) = user_agent {
            req = req.header(header::USER_AGENT, ua);
        }
        req = match (body, file) {
            (body, Some((name, bytes, mime))) => {
                let mut form = multipart::Form::new();
                if let Some(Value::Object(fields)) = body {
                    for (k, v) in fields {
                        form = form.text(k, v.as_str().unwrap_or_default().to_owned());
                    }
                }
                let part = multipart::Part::bytes(bytes)
                    .file_name(name)
                    .mime_str(mime)
                    .expect("a content type");
                req.multipart(form.part("file", part))
            }
            (Some(body), None) => req.json(&body),
            (None, None) => req,
        };
        let response = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = response.status().as_u16();
        let json = response.json().await.unwrap_or(Value::Null);
        Reply { status, json }
    }

    /// Requests an SMS code and reads it from the dev server's outbox.
    pub async fn sms_code(&self, purpose: &str) -> String {
        let r = self
            .post(
                "/api/v1/auth/sms-codes",
                json!({"phone": self.phone, "purpose": purpose}),
            )
            .await;
        assert_eq!(r.status, 204, "sms code for {}: {}", self.phone, r.json);
        let r = self
            .get(&format!("/api/v1/dev/sms-outbox?phone={}", self.phone))
            .await;
        r.json["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no code in the outbox (a --dev server?): {}", r.json))
            .to_owned()
    }

    /// Signs up a doctor (SMS code, then password) and stays signed in.
    pub async fn register(&self, password: &str) {
        let code = self.sms_code("register").await;
        let r = self
            .post(
                "/api/v1/auth/register",
                json!({"phone": self.phone, "sms_code": code, "password": password}),
            )
            .await;
        assert_eq!(r.status, 201, "register {}: {}", self.phone, r.json);
    }

    pub async fn login(&self, password: &str) {
        let r = self
            .post(
                "/api/v1/auth/login",
                json!({"phone": self.phone, "password": password, "remember": true}),
            )
            .await;
        assert_eq!(r.status, 200, "sign-in {}: {}", self.phone, r.json);
    }

    /// Uploads a file to `path` (field `file`); the reply's JSON.
    pub async fn upload(&self, path: &str, file: File) -> Value {
        let r = self
            .send(Method::POST, path, Some(json!({})), Some(file), None)
            .await;
        assert!(r.ok(), "upload to {path}: {} {}", r.status, r.json);
        r.json
    }
}

/// One caller-supplied text in a request: `field` names it in the world, `key` is the
/// name the API's error `fields` use for it, `at` where it goes in the body (a JSON
/// pointer). `text` is `None` once the API refused it (the plain text goes instead).
pub struct Slot {
    pub field: &'static str,
    pub key: &'static str,
    pub at: String,
    pub text: Option<String>,
    pub plain: String,
}

impl Slot {
    pub fn new(
        field: &'static str,
        key: &'static str,
        at: impl Into<String>,
        text: Option<String>,
        plain: &str,
    ) -> Slot {
        Slot {
            field,
            key,
            at: at.into(),
            text,
            plain: plain.to_owned(),
        }
    }

    /// What was sent last.
    pub fn value(&self) -> &str {
        self.text.as_deref().unwrap_or(&self.plain)
    }
}

/// The texts source plus what became of every text sent.
pub struct Recorder<'a> {
    texts: &'a dyn Texts,
    pub stored: Vec<(String, String)>,
    pub refused: Vec<(String, String, u16)>,
}

impl<'a> Recorder<'a> {
    pub fn new(texts: &'a dyn Texts) -> Recorder<'a> {
        Recorder {
            texts,
            stored: Vec::new(),
            refused: Vec::new(),
        }
    }

    /// Up to `max` texts for `field`, each meant to fit `max_len` characters.
    pub fn many(&self, field: &str, max: usize, max_len: usize) -> Vec<String> {
        let mut texts = self.texts.texts(field, max, max_len);
        texts.truncate(max);
        texts
    }

    /// The first text for `field`, if the source has one.
    pub fn one(&self, field: &str, max_len: usize) -> Option<String> {
        self.many(field, 1, max_len).into_iter().next()
    }

    pub fn accepted(&mut self, field: &str, text: &str) {
        self.stored.push((field.to_owned(), text.to_owned()));
    }

    pub fn refuse(&mut self, field: &str, text: &str, status: u16) {
        self.refused
            .push((field.to_owned(), text.to_owned(), status));
    }

    /// Sends `body` with each slot's text in place; a refusal blames the slots the error
    /// names (or all that still carry a caller's text), records them and retries with
    /// their plain texts. With `fallback` false a refusal that leaves no caller's text is
    /// given up (`None`) instead of retried with plain texts only.
    #[allow(clippy::too_many_arguments)]
    pub async fn send(
        &mut self,
        api: &Api,
        method: Method,
        path: &str,
        mut body: Value,
        slots: &mut [Slot],
        file: Option<File>,
        fallback: bool,
    ) -> Option<Value> {
        self.send_as(api, method, path, &mut body, slots, file, fallback, None)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn send_as(
        &mut self,
        api: &Api,
        method: Method,
        path: &str,
        body: &mut Value,
        slots: &mut [Slot],
        file: Option<File>,
        fallback: bool,
        user_agent: Option<&str>,
    ) -> Option<Value> {
        loop {
            for slot in slots.iter() {
                assert!(
                    body.pointer(&slot.at).is_some(),
                    "{} has no place in {body}",
                    slot.at
                );
                *body.pointer_mut(&slot.at).expect("checked") =
                    Value::String(slot.value().to_owned());
            }
            let r = api
                .send(method.clone(), path, Some(body.clone()), file, user_agent)
                .await;
            if r.ok() {
                for slot in slots.iter() {
                    if let Some(text) = &slot.text {
                        self.stored.push((slot.field.to_owned(), text.clone()));
                    }
                }
                return Some(r.json);
            }
            let named: Vec<&str> = r.json["error"]["fields"]
                .as_object()
                .map(|f| f.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let carrying = |s: &Slot| s.text.is_some();
            let mut blamed: Vec<usize> = (0..slots.len())
                .filter(|&i| carrying(&slots[i]) && named.contains(&slots[i].key))
                .collect();
            if blamed.is_empty() {
                blamed = (0..slots.len()).filter(|&i| carrying(&slots[i])).collect();
            }
            assert!(
                !blamed.is_empty(),
                "{method} {path} refused plain texts: {} {}",
                r.status,
                r.json
            );
            for i in blamed {
                let text = slots[i].text.take().expect("carrying");
                self.refused
                    .push((slots[i].field.to_owned(), text, r.status));
            }
            if !fallback && !slots.iter().any(carrying) {
                return None;
            }
        }
    }
}

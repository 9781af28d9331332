//! The six callers of the matrix and how one request goes out. Each caller sends its own
//! fixed cookies: what a call answers with (a new session from `login`, a cleared cookie)
//! never changes who the next call is, so one actor stays one actor for the whole run.

use std::collections::HashMap;

use axum::{
    body::Body,
    http::{header, Request},
    Router,
};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    SignedOut,
    DoctorA,
    DoctorB,
    /// A reviewer account without the doctor role.
    Reviewer,
    PatientA,
    PatientB,
}

pub use Actor::*;

pub const ACTORS: [Actor; 6] = [SignedOut, DoctorA, DoctorB, Reviewer, PatientA, PatientB];

impl Actor {
    pub fn name(self) -> &'static str {
        match self {
            SignedOut => "signed-out",
            DoctorA => "doctor-A",
            DoctorB => "doctor-B",
            Reviewer => "reviewer",
            PatientA => "patient-A",
            PatientB => "patient-B",
        }
    }

    pub fn index(self) -> usize {
        ACTORS.iter().position(|a| *a == self).expect("listed")
    }
}

pub enum Payload {
    Empty,
    Json(Value),
    /// Text fields, then a file `(name, bytes)` in the field `file`.
    Multipart(Vec<(&'static str, String)>, Option<(&'static str, Vec<u8>)>),
}

/// One request of the matrix: the path with A's ids filled in (and its query), the body,
/// and, for sign-in bodies, a fresh SMS code `(phone, purpose)` fetched just before the
/// call into the body's `sms_code` (a code works once, and only the latest one does).
pub struct Req {
    pub path: String,
    pub body: Payload,
    pub sms: Option<(String, &'static str)>,
}

pub fn req(path: impl Into<String>) -> Req {
    Req {
        path: path.into(),
        body: Payload::Empty,
        sms: None,
    }
}

impl Req {
    pub fn json(mut self, body: Value) -> Req {
        self.body = Payload::Json(body);
        self
    }

    pub fn multipart(
        mut self,
        fields: &[(&'static str, &str)],
        file: Option<(&'static str, Vec<u8>)>,
    ) -> Req {
        let fields = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.body = Payload::Multipart(fields, file);
        self
    }

    pub fn fresh_sms(mut self, phone: &str, purpose: &'static str) -> Req {
        self.sms = Some((phone.to_owned(), purpose));
        self
    }
}

pub struct Answer {
    pub status: u16,
    /// `error.code` of an error body.
    pub code: String,
    /// The body as text (empty for an event stream, which never ends).
    pub text: String,
}

/// The cookies of each actor, as a `Cookie` header, and the CSRF token they echo.
pub struct Callers {
    pub router: Router,
    jars: Vec<(String, String)>,
}

impl Callers {
    /// `jars[i]` is the cookie jar of `ACTORS[i]`; one without a CSRF cookie gets one.
    pub fn new(router: Router, jars: Vec<HashMap<String, String>>) -> Callers {
        let jars = jars
            .into_iter()
            .enumerate()
            .map(|(i, mut jar)| {
                let csrf = jar
                    .entry("dd_csrf".to_owned())
                    .or_insert_with(|| format!("audit-csrf-{i}"))
                    .clone();
                let header: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
                (header.join("; "), csrf)
            })
            .collect();
        Callers { router, jars }
    }

    pub async fn send(&self, actor: Actor, method: &str, mut r: Req) -> Answer {
        if let Some((phone, purpose)) = r.sms.take() {
            let code = self.sms_code(&phone, purpose).await;
            if let Payload::Json(body) = &mut r.body {
                body["sms_code"] = json!(code);
            }
        }
        self.raw(actor, method, &r.path, r.body).await
    }

    /// A code for `phone` from the dev outbox, asked as the signed-out caller.
    async fn sms_code(&self, phone: &str, purpose: &str) -> String {
        let body = Payload::Json(json!({"phone": phone, "purpose": purpose}));
        let sent = self
            .raw(SignedOut, "POST", "/api/v1/auth/sms-codes", body)
            .await;
        assert_eq!(sent.status, 204, "sms code for {phone}: {}", sent.text);
        let path = format!("/api/v1/dev/sms-outbox?phone={phone}");
        let outbox = self.raw(SignedOut, "GET", &path, Payload::Empty).await;
        let json: Value = serde_json::from_str(&outbox.text).unwrap_or(Value::Null);
        json["code"]
            .as_str()
            .expect("a code in the outbox")
            .to_owned()
    }

    pub async fn raw(&self, actor: Actor, method: &str, path: &str, body: Payload) -> Answer {
        let (cookies, csrf) = &self.jars[actor.index()];
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, cookies)
            .header("x-csrf-token", csrf)
            .header(header::USER_AGENT, "audit-authz");
        let request = match body {
            Payload::Empty => request.body(Body::empty()),
            Payload::Json(v) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string())),
            Payload::Multipart(fields, file) => {
                let boundary = "----audit-authz-boundary";
                request
                    .header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .body(Body::from(multipart(boundary, &fields, file)))
            }
        };
        let response = self
            .router
            .clone()
            .oneshot(request.expect("a valid request"))
            .await
            .expect("infallible");
        let status = response.status().as_u16();
        let stream = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        let text = if stream {
            String::new()
        } else {
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let code = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_owned))
            .unwrap_or_default();
        Answer { status, code, text }
    }
}

fn multipart(
    boundary: &str,
    fields: &[(&'static str, String)],
    file: Option<(&'static str, Vec<u8>)>,
) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    body
}

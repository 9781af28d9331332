//! A browser over a real socket (reqwest with cookies), for what only a real connection
//! shows: event streams that the server ends.

use serde_json::{json, Value};

/// A browser over a real socket: cookies, and the CSRF header echoed from its cookie.
pub struct HttpClient {
    pub client: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

impl HttpClient {
    pub async fn new(base: &str) -> HttpClient {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        Self::with_client(base, client).await
    }

    /// With a client of the caller's (one that keeps cookies).
    pub async fn with_client(base: &str, client: reqwest::Client) -> HttpClient {
        let health = client
            .get(format!("{base}/api/v1/health"))
            .send()
            .await
            .unwrap();
        let csrf = health
            .cookies()
            .find(|c| c.name() == "dd_csrf")
            .unwrap()
            .value()
            .to_owned();
        HttpClient {
            client,
            base: base.to_owned(),
            csrf,
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> Value {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn sms_code(&self, phone: &str, purpose: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/auth/sms-codes",
                json!({"phone": phone, "purpose": purpose}),
            )
            .await;
        assert_eq!(status, 204, "{body}");
        self.get(&format!("/api/v1/dev/sms-outbox?phone={phone}"))
            .await["code"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn sign_in_demo_doctor(&self, remember: bool) {
        let (status, body) = self
            .post(
                "/api/v1/auth/login",
                json!({"phone": "13800000001", "password": "demo2026", "remember": remember}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    /// Accepts the demo's published agreements (1.0.0), health-data consent given.
    pub async fn accept_agreements(&self) {
        for kind in ["service-agreement", "privacy-policy"] {
            let doc = self.get(&format!("/api/v1/agreements/{kind}/1.0.0")).await;
            let (status, body) = self
                .post(
                    &format!("/api/v1/agreements/{kind}/1.0.0/acceptance"),
                    json!({"body_sha256": doc["body_sha256"], "health_data_consent": true}),
                )
                .await;
            assert_eq!(status, 201, "{body}");
        }
    }

    pub async fn events(&self) -> reqwest::Response {
        let r = self
            .client
            .get(format!("{}/api/v1/events", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r
    }
}

/// Reads the stream until `text` shows up; panics after 5 s.
pub async fn wait_for(stream: &mut reqwest::Response, text: &str) {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !seen.contains(text) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("no `{text}` within 5 s: {seen}"))
            .unwrap()
            .unwrap_or_else(|| panic!("the stream ended before `{text}`: {seen}"));
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// Reads the stream until the server ends it; panics if it is still open after 5 s.
pub async fn ends(stream: &mut reqwest::Response, why: &str) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Err(_) => panic!("{why}: the stream is still open after 5 s"),
            Ok(Ok(None)) | Ok(Err(_)) => return,
            Ok(Ok(Some(chunk))) => {
                let text = String::from_utf8_lossy(&chunk);
                assert!(
                    !text.contains("data:"),
                    "{why}: an event after the end: {text}"
                );
            }
        }
    }
}

impl HttpClient {
    /// Any request with a JSON body (or none), the CSRF header echoed; status and body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            r = r.json(&body);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn sign_in(&self, phone: &str, password: &str) {
        let (status, body) = self
            .post(
                "/api/v1/auth/login",
                json!({"phone": phone, "password": password, "remember": true}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
}

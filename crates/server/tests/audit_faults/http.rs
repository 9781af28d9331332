//! A browser over real HTTP (reqwest): its own cookie jar, the CSRF header on writes.
//! Errors stay errors (`Err` is a connection failure), so callers tell a refused or reset
//! connection from an answer.

use std::{sync::Arc, time::Duration};

use reqwest::{cookie::CookieStore, cookie::Jar, multipart, Client, RequestBuilder, Url};
use serde_json::Value;

#[derive(Clone)]
pub struct Http {
    pub client: Client,
    jar: Arc<Jar>,
    pub base: Url,
}

pub struct Answer {
    pub status: u16,
    pub json: Value,
    /// Seconds from a `Retry-After` header, when the answer had a readable one.
    pub retry_after: Option<u64>,
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.json)
    }
}

impl Http {
    pub fn new(base: &str) -> Http {
        let jar = Arc::new(Jar::default());
        let client = Client::builder()
            .cookie_provider(jar.clone())
            .connect_timeout(Duration::from_secs(5))
            .no_proxy()
            .build()
            .expect("an HTTP client");
        Http {
            client,
            jar,
            base: Url::parse(base).expect("a base URL"),
        }
    }

    pub fn url(&self, path: &str) -> Url {
        self.base.join(path).expect("a path")
    }

    fn csrf(&self) -> String {
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

    async fn send(&self, request: RequestBuilder) -> reqwest::Result<Answer> {
        let response = request.timeout(Duration::from_secs(30)).send().await?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()?.trim().parse().ok());
        let bytes = response.bytes().await?;
        Ok(Answer {
            status,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            retry_after,
        })
    }

    pub async fn get(&self, path: &str) -> reqwest::Result<Answer> {
        self.send(self.client.get(self.url(path))).await
    }

    /// A write: fetches the CSRF cookie first if this browser has none yet.
    pub async fn write(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> reqwest::Result<Answer> {
        if self.csrf().is_empty() {
            self.get("/api/v1/health").await?;
        }
        let request = self
            .client
            .request(method, self.url(path))
            .header(doctor_desk_api::CSRF_HEADER, self.csrf())
            .json(body);
        self.send(request).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Result<Answer> {
        self.write(reqwest::Method::POST, path, body).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> reqwest::Result<Answer> {
        self.write(reqwest::Method::PUT, path, body).await
    }

    /// A multipart upload: text fields, then `file`.
    pub async fn upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: &[u8],
    ) -> reqwest::Result<Answer> {
        if self.csrf().is_empty() {
            self.get("/api/v1/health").await?;
        }
        let mut form = multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let part = multipart::Part::bytes(file.to_vec()).file_name("scan.jpg");
        let request = self
            .client
            .post(self.url(path))
            .header(doctor_desk_api::CSRF_HEADER, self.csrf())
            .multipart(form.part("file", part));
        self.send(request).await
    }

    /// A code for `phone` from the dev server's SMS outbox.
    pub async fn sms_code(&self, phone: &str, purpose: &str) -> String {
        let r = self
            .post(
                "/api/v1/auth/sms-codes",
                &serde_json::json!({"phone": phone, "purpose": purpose}),
            )
            .await
            .expect("the server answers");
        assert_eq!(r.status, 204, "sms code for {phone}: {r}");
        let r = self
            .get(&format!("/api/v1/dev/sms-outbox?phone={phone}"))
            .await
            .expect("the server answers");
        r.json["code"].as_str().expect("a code").to_owned()
    }
}

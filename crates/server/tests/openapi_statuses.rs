//! The statuses declared on every operation by the shared rules (src/openapi.rs) are the
//! true ones: who may call each operation (its security requirement) is checked against
//! what the server answers signed out, as a reviewer, as a doctor and without the CSRF
//! header, and every error status seen is one the operation declares.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::Value;

/// Each documented operation with a concrete path (its parameters filled in).
fn operations(doc: &Value) -> Vec<(Method, String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let concrete = path
                .replace("{id}", "1")
                .replace("{note_id}", "1")
                .replace("{kind}", "privacy-policy")
                .replace("{version}", "1.0.0")
                .replace("{slug}", "abcdefghij")
                .replace("{name}", "x");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            ops.push((method, path.clone(), concrete, op.clone()));
        }
    }
    ops
}

/// The schemes of the operation's security requirement, with their scopes.
fn requirement(op: &Value) -> serde_json::Map<String, Value> {
    op["security"][0].as_object().cloned().unwrap_or_default()
}

fn declares(op: &Value, status: StatusCode) -> bool {
    op["responses"]
        .as_object()
        .unwrap()
        .contains_key(status.as_str())
}

#[tokio::test]
async fn each_operation_answers_its_declared_guard() {
    let app = TestApp::new().await;
    let mut doctor = app.doctor("13800000101").await;
    let mut reviewer = app.reviewer().await;
    let mut anonymous = app.browser();
    let doc = anonymous.get("/api/openapi.json").await.json;
    let mut wrong = Vec::new();
    for (method, path, concrete, op) in operations(&doc) {
        let need = requirement(&op);
        let session = need.get("session").or(need.get("patient_session"));
        let body = (method != Method::GET).then(|| "{}".to_owned());

        let r = anonymous
            .send(method.clone(), &concrete, body.clone(), true)
            .await;
        let refused = r.status == StatusCode::UNAUTHORIZED;
        if refused != session.is_some() {
            wrong.push(format!(
                "{method} {path} signed out: {} but requires {need:?}",
                r.status
            ));
        }
        if r.status.as_u16() >= 400 && !declares(&op, r.status) {
            wrong.push(format!("{method} {path} answers {} undeclared", r.status));
        }

        let role = need
            .get("session")
            .and_then(|scopes| scopes[0].as_str())
            .unwrap_or("");
        // A doctor's operation refuses a reviewer, and the other way round.
        let other = match role {
            "doctor" => Some(&mut reviewer),
            "reviewer" => Some(&mut doctor),
            _ => None,
        };
        if let Some(b) = other {
            let r = b.send(method.clone(), &concrete, body.clone(), true).await;
            if r.status != StatusCode::FORBIDDEN || r.error_code() != "forbidden" {
                wrong.push(format!(
                    "{method} {path} for the wrong role: {} {}",
                    r.status,
                    r.error_code()
                ));
            }
        }

        let state_changing = method != Method::GET;
        if state_changing != need.contains_key("csrf") && path.starts_with("/api/") {
            wrong.push(format!("{method} {path}: CSRF requirement {need:?}"));
        }
        if state_changing {
            let r = doctor.send(method.clone(), &concrete, body, false).await;
            if r.error_code() != "csrf_failed" || !declares(&op, r.status) {
                wrong.push(format!("{method} {path} without CSRF header: {}", r.status));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn shared_statuses_are_declared_with_the_error_body() {
    let app = TestApp::new().await;
    let doc = app.browser().get("/api/openapi.json").await.json;
    let mut wrong = Vec::new();
    for (method, path, _, op) in operations(&doc) {
        let mut needed = vec!["500"];
        let json_body = op["requestBody"]["content"]["application/json"].is_object();
        let upload = op["requestBody"]["content"]["multipart/form-data"].is_object();
        if json_body {
            needed.extend(["400", "413"]);
        }
        if upload {
            needed.extend(["400", "413", "415"]);
        }
        // Any write may find the disk full (SQLITE_FULL), not only an upload's file.
        if method != Method::GET {
            needed.push("507");
        }
        if path.contains('{') {
            needed.extend(["400", "404"]);
        }
        if !path.contains("/dev/") {
            needed.push("503");
        }
        for status in needed {
            let response = &op["responses"][status];
            if response["content"]["text/html"].is_object() {
                continue; // a public page's own answer
            }
            if response["content"]["application/json"]["schema"]["$ref"]
                != "#/components/schemas/ErrorBody"
                || response["description"].as_str().unwrap_or("").is_empty()
            {
                wrong.push(format!("{method} {path}: {status} {response}"));
            }
        }
        if op["responses"]["503"]["headers"]["Retry-After"].is_null() && !path.contains("/dev/") {
            wrong.push(format!("{method} {path}: 503 without Retry-After"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_rejected_path_or_query_answers_in_the_error_shape() {
    let app = TestApp::new().await;
    let mut b = app.doctor("13800000102").await;
    for path in [
        "/api/v1/posts/not-a-number",
        "/api/v1/posts/99999999999999999999",
        "/api/v1/consultations?limit=-1",
        "/api/v1/follow-ups?limit=4294967296",
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(r.error_code(), "malformed_body", "{path}");
    }
    // A whole number spelled as a float is the integer JSON Schema says it is.
    let r = b
        .post(
            "/api/v1/me/quick-replies",
            serde_json::json!({"title": "复诊", "text": "请按时复诊", "position": 0.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
}

//! Conformance audit (issue 15): schemathesis (`SCHEMATHESIS`, installed by `cargo xtask
//! audit conformance`) generates requests from `/api/openapi.json` against the real server
//! on a socket, once signed in as the demo doctor, once as the demo reviewer and once as a
//! patient, and runs all its checks: statuses, content types, headers and bodies must be
//! the documented ones, schema-valid data accepted, invalid data refused, no 5xx.
//!
//! Left out, and why:
//! - `POST /auth/logout`, `POST /patient/auth/logout`: they end the session the run uses.
//! - `GET /events`: an endless `text/event-stream`; each call would wait out the timeout.
//!   Its statuses come from the same shared rules (tests/openapi_statuses.rs).
//!
//! Relaxed, and why (`schemathesis.toml` below): "schema-valid data accepted" also takes
//! 422 `validation_failed`, because the document's schemas carry types, not every business
//! rule (a phone's shape, a text's length); for uploads also 415, because a file's type is
//! read from its bytes, which no schema describes. 400, 413 and 5xx still fail it.

mod common;

use std::{
    process::{Command, Output, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use doctor_desk_server::{demo, Config, SystemClock};
use serde_json::{json, Value};

/// Examples per operation and phase: about a minute a role on 2 cores.
const MAX_EXAMPLES: &str = "10";
/// A fixed seed: CI draws the same cases every run.
const SEED: &str = "15";
const EXCLUDED: &str = r"auth/logout$|/api/v1/events$";
/// A request that hangs is a failed case, not a stuck run.
const REQUEST_TIMEOUT_SECS: &str = "30";
/// A whole role's run (about a minute normally): past this it is killed and fails.
const ROLE_BOUND: Duration = Duration::from_secs(600);

const CONFIG: &str = r#"
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]

[[operations]]
include-path-regex = "(/files|/me/avatar|/me/documents|/images)$"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "415", "422", "429"]
"#;

struct Role {
    name: &'static str,
    cookie: String,
    csrf: String,
}

#[ignore = "run by cargo xtask audit"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_undocumented() {
    let Ok(schemathesis) = std::env::var("SCHEMATHESIS") else {
        panic!(
            "SCHEMATHESIS (the path of the schemathesis binary) is not set: run it through \
             `cargo xtask audit conformance`, which installs schemathesis"
        );
    };
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("data"));
    config.dev = true;
    config.demo_data = true;
    if common::postgres::asked() {
        config.database_url = Some(common::postgres::fresh_database("conformance").await);
    }
    let server = doctor_desk_server::spawn(config, "127.0.0.1:0", Arc::new(SystemClock))
        .await
        .expect("server starts");
    let base = server.url();

    // Every role signs in before any run: the runs spend the sign-in and SMS limits.
    let roles = vec![
        doctor(&base).await,
        staff(
            &base,
            "reviewer",
            demo::REVIEWER_PHONE,
            demo::REVIEWER_PASSWORD,
        )
        .await,
        patient(&base).await,
    ];
    let config_file = dir.path().join("schemathesis.toml");
    std::fs::write(&config_file, CONFIG).unwrap();

    let (mut tried, mut passed) = (0u64, 0u64);
    let mut failures: Vec<String> = Vec::new();
    for role in &roles {
        let report = dir.path().join(format!("{}.json", role.name));
        let started = Instant::now();
        let mut command = Command::new(&schemathesis);
        command
            .arg("--config-file")
            .arg(&config_file)
            .arg("run")
            .arg(format!("{base}/api/openapi.json"))
            .args(["--checks", "all"])
            .args(["-H", &format!("Cookie: {}", role.cookie)])
            .args(["-H", &format!("x-csrf-token: {}", role.csrf)])
            // The session comes from the headers above, not from generated cookies.
            .args(["--generation-with-security-parameters", "false"])
            .args(["--exclude-path-regex", EXCLUDED])
            .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
            .args(["--request-timeout", REQUEST_TIMEOUT_SECS])
            // No example database left behind to change the next run.
            .args(["--generation-database", "none"])
            .args(["--workers", "1", "--output-truncate", "false"])
            .args(["--report", "json", "--report-json-path"])
            .arg(&report)
            .env("NO_COLOR", "1")
            // Its crash cache (`.schemathesis/`) goes to the temp dir, not the work tree.
            .current_dir(dir.path());
        // On a blocking thread: the server keeps serving on the runtime's workers.
        let logs = dir.path().to_owned();
        let name = role.name;
        let Some(output) = tokio::task::spawn_blocking(move || bounded(command, &logs, name))
            .await
            .unwrap()
        else {
            failures.push(format!(
                "{}: schemathesis still ran after {} s: killed",
                role.name,
                ROLE_BOUND.as_secs()
            ));
            continue;
        };
        let text = String::from_utf8_lossy(&output.stdout);
        let Some(summary) = std::fs::read(&report)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        else {
            failures.push(format!(
                "{}: schemathesis wrote no report ({}): {}{}",
                role.name,
                output.status,
                text,
                String::from_utf8_lossy(&output.stderr)
            ));
            continue;
        };
        let cases = &summary["test_cases"];
        let generated = cases["generated"].as_u64().unwrap_or(0);
        let failed =
            cases["with_failures"].as_u64().unwrap_or(0) + cases["errored"].as_u64().unwrap_or(0);
        let operations = summary["operations"]["tested"].as_u64().unwrap_or(0);
        println!(
            "{}: {operations} operations, {generated} cases, {failed} failed, {:.0} s",
            role.name,
            started.elapsed().as_secs_f64()
        );
        tried += generated;
        passed += generated.saturating_sub(failed);
        for f in summary["failures"].as_array().into_iter().flatten() {
            failures.push(format!(
                "{}: {} {} ({}x): {}",
                role.name, f["code"], f["title"], f["count"], f["operations"]
            ));
        }
        for e in summary["errors"].as_array().into_iter().flatten() {
            failures.push(format!("{}: error {e}", role.name));
        }
        if operations < 80 || generated == 0 {
            failures.push(format!(
                "{}: only {operations} operations / {generated} cases tested",
                role.name
            ));
        }
        if !output.status.success() {
            // Details of each failure, for the log; the list above is the verdict.
            println!("{text}");
            if failures.is_empty() {
                failures.push(format!(
                    "{}: schemathesis exited {}",
                    role.name, output.status
                ));
            }
        }
    }
    server.stop().await;
    let failed = tried - passed;
    println!("AUDIT conformance tried={tried} passed={passed} failed={failed}");
    assert!(
        failures.is_empty(),
        "{} conformance failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs `command` to its end, or kills it after `ROLE_BOUND` (`None`). Its output goes
/// through files in `dir`, so a full pipe cannot stall it while nobody reads.
fn bounded(mut command: Command, dir: &std::path::Path, name: &str) -> Option<Output> {
    let out_path = dir.join(format!("{name}.stdout"));
    let err_path = dir.join(format!("{name}.stderr"));
    let mut child = command
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("schemathesis runs");
    let deadline = Instant::now() + ROLE_BOUND;
    let status = loop {
        if let Some(status) = child.try_wait().expect("schemathesis is waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    Some(Output {
        status,
        stdout: std::fs::read(&out_path).unwrap_or_default(),
        stderr: std::fs::read(&err_path).unwrap_or_default(),
    })
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The CSRF token a first GET hands out.
async fn csrf_token(base: &str, http: &reqwest::Client) -> String {
    let r = http
        .get(format!("{base}/api/v1/health"))
        .send()
        .await
        .unwrap();
    cookie_of(&r, "dd_csrf").expect("a CSRF cookie is handed out")
}

/// A signed-in browser's cookie header and CSRF token.
async fn sign_in(
    base: &str,
    http: &reqwest::Client,
    csrf: String,
    path: &str,
    body: Value,
) -> (String, String) {
    let r = http
        .post(format!("{base}{path}"))
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    let session = cookie_of(&r, "dd_session")
        .map(|v| format!("dd_session={v}"))
        .or_else(|| cookie_of(&r, "dd_patient").map(|v| format!("dd_patient={v}")))
        .expect("a session cookie");
    (format!("dd_csrf={csrf}; {session}"), csrf)
}

fn cookie_of(r: &reqwest::Response, name: &str) -> Option<String> {
    r.cookies()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

async fn staff(base: &str, name: &'static str, phone: &str, password: &str) -> Role {
    let http = client();
    let csrf = csrf_token(base, &http).await;
    let (cookie, csrf) = sign_in(
        base,
        &http,
        csrf,
        "/api/v1/auth/login",
        json!({"phone": phone, "password": password, "remember": true}),
    )
    .await;
    Role { name, cookie, csrf }
}

/// The demo doctor, who accepts the current agreements first: otherwise every doctor
/// endpoint answers 403 `agreement_required` and nothing behind it is reached.
async fn doctor(base: &str) -> Role {
    let http = client();
    let csrf = csrf_token(base, &http).await;
    let (cookie, csrf) = sign_in(
        base,
        &http,
        csrf,
        "/api/v1/auth/login",
        json!({"phone": demo::DOCTOR_PHONE, "password": demo::DOCTOR_PASSWORD, "remember": true}),
    )
    .await;
    let current: Value = http
        .get(format!("{base}/api/v1/agreements/current"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for a in current.as_array().unwrap() {
        let at = format!(
            "{base}/api/v1/agreements/{}/{}",
            a["kind"].as_str().unwrap(),
            a["version"].as_str().unwrap()
        );
        let text: Value = http.get(&at).send().await.unwrap().json().await.unwrap();
        let r = http
            .post(format!("{at}/acceptance"))
            .header("x-csrf-token", &csrf)
            .json(&json!({"body_sha256": text["body_sha256"], "health_data_consent": true}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "accepting {at}: {}", r.status());
    }
    Role {
        name: "doctor",
        cookie,
        csrf,
    }
}

/// A new patient, signed in with an SMS code read from the dev outbox.
async fn patient(base: &str) -> Role {
    let http = client();
    let phone = "13900000077";
    let csrf = csrf_token(base, &http).await;
    let r = http
        .post(format!("{base}/api/v1/auth/sms-codes"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"phone": phone, "purpose": "patient_login"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "SMS code: {}", r.status());
    let sms: Value = http
        .get(format!("{base}/api/v1/dev/sms-outbox?phone={phone}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (cookie, csrf) = sign_in(
        base,
        &http,
        csrf,
        "/api/v1/patient/auth/login",
        json!({"phone": phone, "sms_code": sms["code"], "name": "王五", "sex": "male", "birth_date": "1970-03-15"}),
    )
    .await;
    Role {
        name: "patient",
        cookie,
        csrf,
    }
}

//! Every way the account ends its other sessions (sign out one, all others, a new
//! password) closes their open event streams at once, over a real socket (issue 16).

mod common;

use common::http::{ends, HttpClient};
use serde_json::json;

/// Every way of ending other sessions closes their open event streams at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_ends_the_other_devices_streams() {
    use doctor_desk_server::{spawn, Config, ManualClock};
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.dev = true;
    config.demo_data = true;
    let clock = ManualClock::new(chrono::Utc::now());
    let server = spawn(config, "127.0.0.1:0", std::sync::Arc::new(clock.clone()))
        .await
        .unwrap();
    let base = server.url();
    let mut password = "demo2026".to_owned();
    let desk = HttpClient::new(&base).await;
    desk.sign_in("13800000001", &password).await;
    desk.accept_agreements().await;
    use reqwest::Method;
    for (n, change) in ["one", "others", "password"].into_iter().enumerate() {
        let phone = HttpClient::new(&base).await;
        phone.sign_in("13800000001", &password).await;
        let mut stream = phone.events().await;
        let (status, body) = match change {
            "one" => {
                let sessions = desk.get("/api/v1/me/sessions").await;
                let id = sessions
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["current"] == false)
                    .unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                desk.send(Method::DELETE, &format!("/api/v1/me/sessions/{id}"), None)
                    .await
            }
            "others" => {
                desk.send(Method::DELETE, "/api/v1/me/sessions?except=current", None)
                    .await
            }
            _ => {
                let new = format!("demo{}", 2030 + n);
                let r = desk
                    .send(
                        Method::PUT,
                        "/api/v1/me/password",
                        Some(json!({"current_password": password, "new_password": new})),
                    )
                    .await;
                password = new;
                r
            }
        };
        assert!(status == 200 || status == 204, "{change}: {status} {body}");
        ends(&mut stream, change).await;
        assert_eq!(
            desk.get("/api/v1/me").await["id"],
            1,
            "{change}: this one stays"
        );
    }
    server.stop().await;
}

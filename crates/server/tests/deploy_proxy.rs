//! The production setup of `deploy/`: the server with the flags of
//! `deploy/doctor-desk.env.example` (secure cookies, trusting one proxy) behind nginx
//! running `deploy/nginx/doctor-desk.conf` as written, with only its ports, upstream and
//! certificate (self-signed, made here) changed. Checked over real sockets: https, the
//! redirect from http, `Secure` cookies, an event stream that flows at once through the
//! proxy, the client address the proxy saw (not one the client claims), and an upload of the
//! largest size allowed. (Two instances as the README installs them: `deploy_instances.rs`.)

mod common;

use std::sync::Arc;

use chrono::Utc;
use common::{
    deploy::{browser, Nginx},
    http::wait_for,
};
use doctor_desk_server::{Config, ManualClock};

#[tokio::test]
async fn the_server_works_behind_the_deployed_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("data"));
    // As deploy/doctor-desk.env.example has it.
    config.secure_cookies = true;
    config.trust_proxy = true;
    config.trusted_proxies = 1;
    config.demo_data = true;
    config.dev = true;
    let clock = ManualClock::new(Utc::now());
    let server = doctor_desk_server::spawn(config, "127.0.0.1:0", Arc::new(clock))
        .await
        .unwrap();
    let nginx = Nginx::start(&[server.addr.port()], dir.path()).await;

    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let moved = plain
        .get(format!("{}/inbox", nginx.http))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 301);
    assert_eq!(
        moved.headers()["location"],
        format!("{}/inbox", nginx.https)
    );

    let d = browser(&nginx.https).await;
    let signed_in = d
        .client
        .post(format!("{}/api/v1/auth/login", nginx.https))
        .header("x-csrf-token", &d.csrf)
        // Whatever a client writes here, the address is the one the proxy saw.
        .header("x-forwarded-for", "203.0.113.9")
        .json(
            &serde_json::json!({"phone": "13800000001", "password": "demo2026", "remember": true}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let cookies: Vec<String> = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("dd_session=") && c.contains("; Secure")),
        "{cookies:?}"
    );
    let activity = d.get("/api/v1/me/activity?kind=sign_in").await;
    let ip = activity["items"][0]["ip_masked"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        ip.starts_with("127.0.0."),
        "the proxy's view of the client: {activity}"
    );

    // The stream's first line comes through at once: the proxy does not buffer it.
    d.accept_agreements().await;
    let mut events = d.events().await;
    wait_for(&mut events, "retry:").await;

    // A photo of the largest size the server takes fits the proxy's body limit too.
    let mut photo = b"\xFF\xD8\xFF\xE0".to_vec();
    photo.resize(doctor_desk_api::onboarding::MAX_UPLOAD_BYTES, 0x42);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(photo.clone()).file_name("IMG_0001.jpg"),
    );
    let stored = d
        .client
        .post(format!("{}/api/v1/files", nginx.https))
        .header("x-csrf-token", &d.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);
    let id = stored.json::<serde_json::Value>().await.unwrap()["file_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let back = d
        .client
        .get(format!("{}/api/v1/files/{id}", nginx.https))
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 200);
    assert_eq!(back.bytes().await.unwrap().len(), photo.len());
    drop(events);
    drop(nginx);
    server.stop().await;
}

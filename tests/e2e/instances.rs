//! Two instances behind one address (issue 18): the doctor's page keeps its event stream
//! on one instance while a patient writes through the other; a photo one instance put in
//! the shared bucket shows on the page, whichever instance serves it; the instance holding the
//! stream goes away as in a crash; the page reconnects through the proxy to the other
//! and misses nothing; and a deadline that passes is swept once, though both instances
//! run the sweep.

use std::time::{Duration, Instant};

use doctor_desk_server::{simulate::PatientClient, Running};

use super::*;
use crate::support::WAIT;

/// How many messages with exactly `text` the page shows (a JavaScript expression).
fn shown(text: &str) -> String {
    format!(
        "[...document.querySelectorAll(\"[data-testid='message'] p\")]
           .filter(p => p.innerText === {text:?}).length"
    )
}

async fn wait_shown_once(h: &Harness, text: &str) {
    h.wait_until(text, &format!("return {} === 1", shown(text)))
        .await;
}

/// Which instance holds the doctor's stream: 0 the first, 1 the second.
async fn holder(first: &Running, second: &Running) -> usize {
    let deadline = Instant::now() + WAIT;
    loop {
        match (
            first.state.hub.doctors_listening(),
            second.state.hub.doctors_listening(),
        ) {
            (1, 0) => return 0,
            (0, 1) => return 1,
            other => assert!(Instant::now() < deadline, "streams open: {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn two_instances_flow(h: &Harness) {
    let two = h.instances.as_ref().expect("run on two instances");
    let db = &h.server.state.db;
    let doctor_id = super::patients::doctor_with_service_open(h).await;
    let instances = [&h.server, &two.second];
    let patient = PatientClient::new(&h.server.url(), &unique_phone(), "张三").expect("client");
    patient.sign_in().await.expect("patient signs in");
    let id = patient.ask(doctor_id).await.expect("consultation");
    // Another patient's request, which nobody answers in time.
    let late = PatientClient::new(&two.second.url(), &unique_phone(), "李四").expect("client");
    late.sign_in().await.expect("patient signs in");
    let unanswered = late.ask(doctor_id).await.expect("consultation");

    h.step("the doctor accepts through the proxy");
    h.goto(&format!("/inbox/{id}")).await;
    h.click("confirm-follow-up").await;
    h.click("accept-consultation").await;
    h.wait_text("consultation-status", "进行中").await;

    h.step("the patient writes through the instance without the stream");
    let held = holder(instances[0], instances[1]).await;
    let other = instances[1 - held];
    let through_other = patient.through(&other.url()).expect("client");
    through_other
        .send(id, "经另一台服务器发来", false)
        .await
        .expect("sent");
    wait_shown_once(h, "经另一台服务器发来").await;

    h.step("a photo stored through one instance shows through either, from the bucket");
    let photo = through_other.send(id, "", true).await.expect("sent");
    let file_id = photo.image_file_id.expect("a photo message");
    h.wait_until(
        "the photo in the thread",
        "return [...document.querySelectorAll(\"[data-testid='message'] img\")]
            .some(i => i.complete && i.naturalWidth > 0)",
    )
    .await;
    assert!(
        two.s3.object(&file_id).await.is_some(),
        "the photo is in the bucket"
    );
    let session = h
        .client
        .get_named_cookie(doctor_desk_api::SESSION_COOKIE)
        .await
        .map(|c| format!("{}={}", c.name(), c.value()))
        .expect("the doctor's session cookie");
    for instance in instances {
        let local = instance.state.config.data_dir.join("files");
        assert!(
            std::fs::read_dir(&local).map_or(true, |mut d| d.next().is_none()),
            "nothing kept in {}",
            local.display()
        );
        // Each instance serves it from the bucket to the doctor, whichever stored it.
        let served = reqwest::Client::new()
            .get(format!("{}/api/v1/files/{file_id}", instance.url()))
            .header("cookie", &session)
            .send()
            .await
            .expect("the instance answers");
        assert_eq!(served.status(), 200, "the photo from {}", instance.url());
        assert!(!served.bytes().await.expect("the photo").is_empty());
    }

    h.step("the instance holding the stream goes away; a message is sent meanwhile");
    let relays = [&two.to_first, &two.to_second];
    relays[held].cut();
    through_other
        .send(id, "服务器切换时发来", false)
        .await
        .expect("sent");
    wait_shown_once(h, "服务器切换时发来").await;
    assert_eq!(
        other.state.hub.doctors_listening(),
        1,
        "the page listens on the instance left"
    );
    // Every message once, none lost or doubled by the switch.
    assert_eq!(
        h.js(&format!("return {}", shown("经另一台服务器发来")))
            .await,
        1
    );

    h.step("a deadline passes: both instances sweep, the request is closed once");
    h.clock.advance(chrono::Duration::hours(49));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // Reading the inbox sweeps on whichever instance answers; the jobs sweep too.
        let _ = late.consultation(unanswered).await;
        let status: String =
            doctor_desk_server::db::query_scalar("SELECT status FROM consultations WHERE id = ?")
                .bind(unanswered)
                .fetch_one(db)
                .await
                .expect("status");
        if status != "new" {
            break;
        }
        assert!(Instant::now() < deadline, "the request was never swept");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let closes: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM consultation_audit WHERE consultation_id = ? AND action = 'expire'",
    )
    .bind(unanswered)
    .fetch_one(db)
    .await
    .expect("audit");
    assert_eq!(closes, 1, "swept once");
    let notes: i64 = doctor_desk_server::db::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE consultation_id = ? AND sender = 'system'",
    )
    .bind(unanswered)
    .fetch_one(db)
    .await
    .expect("notes");
    assert_eq!(notes, 1, "one note of the close");
}

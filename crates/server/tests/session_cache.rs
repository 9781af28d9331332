//! The signed-in check is kept in memory between requests (issue 17). Whatever changes what
//! it reads, through the API or any other statement of this process, counts on the very
//! next request; a change made by another process counts within a second.

mod common;

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use doctor_desk_api::agreements::AgreementKind;
use doctor_desk_server::agreements::{publish::publish, samples};
use serde_json::json;

use common::{open_service, Browser, TestApp};

const CARE: &str = "/api/v1/patients";

/// Two reads, so the second is answered from memory if anything is.
async fn status_twice(b: &mut Browser<'_>) -> (StatusCode, String) {
    b.get(CARE).await;
    let r = b.get(CARE).await;
    (r.status, r.error_code().to_owned())
}

#[tokio::test]
async fn every_change_to_what_the_check_reads_counts_on_the_next_request() {
    let app = TestApp::new().await;
    let (mut d, _) = open_service(&app, "13911117001", "陈静").await;
    let mut other_device = app.browser();
    assert_eq!(
        other_device.login("13911117001", "secret123").await.status,
        StatusCode::OK
    );
    assert_eq!(status_twice(&mut d).await.0, StatusCode::OK);
    assert_eq!(status_twice(&mut other_device).await.0, StatusCode::OK);

    // Consent withdrawn and given again.
    d.post("/api/v1/me/consent-withdrawals", json!({})).await;
    let r = d.get(CARE).await;
    assert_eq!(r.error_code(), "consent_withdrawn", "{}", r.json);
    assert_eq!(
        other_device.get(CARE).await.error_code(),
        "consent_withdrawn",
        "on every device"
    );
    d.post("/api/v1/me/consents", json!({})).await;
    assert_eq!(status_twice(&mut d).await.0, StatusCode::OK);

    // A new agreement version published.
    let mut v2 = samples::first_version(AgreementKind::ServiceAgreement);
    v2.version = "9.0.0".into();
    v2.change_summary = "新增条款。".into();
    publish(&app.state, None, &v2).await.unwrap();
    assert_eq!(
        status_twice(&mut d).await,
        (StatusCode::FORBIDDEN, "agreement_required".into())
    );
    let doc = d.get("/api/v1/agreements/service-agreement/9.0.0").await;
    let r = d
        .post(
            "/api/v1/agreements/service-agreement/9.0.0/acceptance",
            json!({"body_sha256": doc.json["body_sha256"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(status_twice(&mut d).await.0, StatusCode::OK);

    // Signed out on the other device by this one.
    let r = d.delete("/api/v1/me/sessions?except=current").await;
    assert!(r.status.is_success(), "{}", r.json);
    assert_eq!(
        other_device.get(CARE).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(status_twice(&mut d).await.0, StatusCode::OK);

    // Any statement of this process, not only the API's: roles taken away by hand.
    doctor_desk_server::db::query("DELETE FROM account_roles WHERE role = 'doctor'")
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(d.get(CARE).await.status, StatusCode::FORBIDDEN);

    // Signing out.
    d.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(d.get(CARE).await.status, StatusCode::UNAUTHORIZED);
}

/// Another process (here: another connection pool, which this process does not watch)
/// ends the session; the server notices within a second.
#[tokio::test]
async fn a_change_from_another_process_counts_within_a_second() {
    let app = TestApp::new().await;
    let (mut d, _) = open_service(&app, "13911117002", "王芳").await;
    assert_eq!(status_twice(&mut d).await.0, StatusCode::OK);
    let outside = sqlx::SqlitePool::connect(&app.state.config.database_url())
        .await
        .unwrap();
    doctor_desk_server::db::query("DELETE FROM sessions")
        .execute(&outside)
        .await
        .unwrap();
    let ended = Instant::now();
    let limit = doctor_desk_server::auth::session_cache::MAX_AGE + Duration::from_secs(2);
    loop {
        if d.get(CARE).await.status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(ended.elapsed() < limit, "still signed in after {limit:?}");
        tokio::task::yield_now().await;
    }
}

/// Reads racing a change: a read that began before the change commits may answer as
/// before, but may not be kept; every request sent after the change's answer sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_read_racing_a_change_is_not_kept() {
    let app = TestApp::new().await;
    let (mut d, _) = open_service(&app, "13911117003", "李明").await;
    for round in 0..20 {
        let withdraw = round % 2 == 0;
        let mut requests = Vec::new();
        for _ in 0..12 {
            requests.push(d.request(Method::GET, CARE, json!(null)).await);
        }
        let path = if withdraw {
            "/api/v1/me/consent-withdrawals"
        } else {
            "/api/v1/me/consents"
        };
        requests.insert(6, d.request(Method::POST, path, json!({})).await);
        let replies = app.send_concurrently(requests).await;
        assert!(replies[6].status.is_success(), "{}", replies[6].json);
        let after = d.get(CARE).await;
        if withdraw {
            assert_eq!(after.error_code(), "consent_withdrawn", "round {round}");
        } else {
            assert_eq!(
                after.status,
                StatusCode::OK,
                "round {round}: {}",
                after.json
            );
        }
    }
}

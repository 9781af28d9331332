//! Files on an S3-compatible object store (`--files s3://bucket/prefix`), against a real S3
//! server: moto's stand-alone server (PyPI `moto[server]`, which `cargo xtask test`
//! installs), started on a free port for each test. Every check reads the bucket with a
//! client of its own as well as through our API.

mod common;

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use axum::http::{header, StatusCode};
use chrono::Duration as Days;
use common::{
    open_service,
    s3::{S3Server, BUCKET, PREFIX},
    upload, TestApp, JPEG,
};
use futures_util::future::Either;
use object_store::ObjectStoreExt;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

impl S3Server {
    async fn put(&self, id: &str, bytes: &'static [u8]) {
        let key = object_store::path::Path::from(format!("{PREFIX}/{id}"));
        self.bucket().put(&key, bytes.into()).await.unwrap();
    }

    async fn delete(&self, id: &str) {
        let key = object_store::path::Path::from(format!("{PREFIX}/{id}"));
        self.bucket().delete(&key).await.unwrap();
    }

    async fn app(&self) -> TestApp {
        TestApp::with_config(|c| self.configure(c, BUCKET)).await
    }
}

#[tokio::test]
async fn uploads_are_stored_in_the_bucket_and_served_from_it() {
    let s3 = S3Server::start().await;
    let app = s3.app().await;
    let mut owner = app.doctor("13911117001").await;
    let mut other = app.doctor("13911117002").await;

    let photo = owner
        .post_multipart("/api/v1/files", &[], Some(("IMG_0001.jpg", JPEG)))
        .await;
    assert_eq!(photo.status, StatusCode::CREATED, "{}", photo.json);
    let id = photo.json["file_id"].as_str().unwrap().to_owned();
    assert_eq!(s3.object(&id).await.as_deref(), Some(JPEG), "in the bucket");
    assert!(
        common::files_on_disk(&app).is_empty(),
        "nothing stored on this machine"
    );
    let (stored, spooled) = common::file_store(&app).await;
    assert_eq!(stored, std::slice::from_ref(&id));
    assert!(spooled.is_empty(), "the spool is emptied: {spooled:?}");

    let (status, headers, bytes) = owner.get_bytes(&format!("/api/v1/files/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, JPEG);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(headers[header::CONTENT_LENGTH], JPEG.len().to_string());
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
    let (status, _, _) = other.get_bytes(&format!("/api/v1/files/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another doctor's file");

    // A row whose object is gone from the bucket is not there either.
    s3.delete(&id).await;
    let missing = owner.get(&format!("/api/v1/files/{id}")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), "not_found");
}

#[tokio::test]
async fn a_large_pdf_streams_in_parts_and_reads_back_whole() {
    let s3 = S3Server::start().await;
    let app = s3.app().await;
    let mut d = app.doctor("13911117011").await;
    // 9.5 MB: more than one part of the store's multipart upload (8 MiB).
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..9_500_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let doc = upload(&mut d, "practice", &[("number", "110330100000456")], &pdf).await;
    let id = doc["file_id"].as_str().unwrap().to_owned();
    let in_bucket = s3.object(&id).await.expect("in the bucket");
    assert_eq!(Sha256::digest(&in_bucket), Sha256::digest(&pdf));
    let (status, headers, bytes) = d.get_bytes(&format!("/api/v1/files/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_DISPOSITION], "attachment");
    assert_eq!(bytes.len(), pdf.len());
    assert_eq!(Sha256::digest(&bytes), Sha256::digest(&pdf));

    // Replaced before review: the old object leaves the bucket.
    let again = upload(&mut d, "practice", &[("number", "110330100000456")], JPEG).await;
    let new_id = again["file_id"].as_str().unwrap();
    assert_eq!(s3.object(&id).await, None, "the replaced file is deleted");
    assert_eq!(s3.object(new_id).await.as_deref(), Some(JPEG));
}

#[tokio::test]
async fn the_daily_purge_deletes_unreferenced_objects() {
    let s3 = S3Server::start().await;
    // Every file without a row counts as left behind, however young.
    let app = TestApp::with_config(|c| {
        s3.configure(c, BUCKET);
        c.limits.orphan_file_secs = 0;
    })
    .await;
    let mut d = app.doctor("13911117021").await;
    let unsent = d
        .post_multipart("/api/v1/files", &[], Some(("a.jpg", JPEG)))
        .await;
    let unsent = unsent.json["file_id"].as_str().unwrap().to_owned();
    let kept = upload(&mut d, "practice", &[("number", "110330100000456")], JPEG).await;
    let kept = kept["file_id"].as_str().unwrap().to_owned();
    // Stored by an upload whose row never committed (the server stopped in between).
    s3.put("LeftBehindLeftBehind0001", JPEG).await;
    // Not one of ours: another program's object under the same prefix.
    s3.put("inventory.csv", b"id,size\n").await;
    app.clock.advance(Days::hours(25));
    doctor_desk_server::housekeeping::daily(&app.state).await;
    assert_eq!(
        s3.object(&unsent).await,
        None,
        "the unsent photo is deleted"
    );
    assert_eq!(
        s3.object("LeftBehindLeftBehind0001").await,
        None,
        "the file without a row too"
    );
    assert!(
        s3.object(&kept).await.is_some(),
        "the document's file stays"
    );
    assert!(
        s3.object("inventory.csv").await.is_some(),
        "what is not ours stays"
    );
}

#[tokio::test]
async fn a_store_out_of_reach_answers_busy_and_keeps_nothing() {
    let mut s3 = S3Server::start().await;
    let app = s3.app().await;
    let mut d = app.doctor("13911117031").await;
    let stored = d
        .post_multipart("/api/v1/files", &[], Some(("a.jpg", JPEG)))
        .await;
    let id = stored.json["file_id"].as_str().unwrap().to_owned();
    let _ = s3.child.kill();
    let _ = s3.child.wait();

    let started = Instant::now();
    let r = d
        .post_multipart("/api/v1/files", &[], Some(("b.jpg", JPEG)))
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.json);
    assert_eq!(r.error_code(), "busy");
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "gave up in {:?}",
        started.elapsed()
    );
    assert_eq!(file_rows(&app).await, 1, "no row for the refused upload");
    let spooled = std::fs::read_dir(app.state.files.spool()).unwrap().count();
    assert_eq!(spooled, 0, "the spool is emptied");
    let read = d.get(&format!("/api/v1/files/{id}")).await;
    assert_eq!(
        read.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        read.json
    );
}

#[tokio::test]
async fn a_bucket_that_is_not_there_stops_the_start() {
    let s3 = S3Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = doctor_desk_server::Config::new(dir.path());
    s3.configure(&mut config, "no-such-bucket");
    let clock = doctor_desk_server::ManualClock::new(chrono::Utc::now());
    let started = doctor_desk_server::app(config, std::sync::Arc::new(clock)).await;
    let error = format!("{:#}", started.err().expect("the start is refused"));
    assert!(
        error.contains("cannot read the object store s3://no-such-bucket/")
            && error.contains("NoSuchBucket"),
        "{error}"
    );
}

/// A relay in front of the S3 server that can stall: what it receives once stalled it keeps
/// (the store hangs, as over a broken network), also on connections already open.
struct StallingRelay {
    url: String,
    stalled: Arc<AtomicBool>,
}

impl StallingRelay {
    async fn start(to: &str) -> StallingRelay {
        let upstream = to.trim_start_matches("http://").to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stalled = Arc::new(AtomicBool::new(false));
        let hold = stalled.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (upstream, hold) = (upstream.clone(), hold.clone());
                tokio::spawn(async move {
                    let server = tokio::net::TcpStream::connect(upstream).await.unwrap();
                    let (mut from_client, mut to_server) = (client, server);
                    let (mut client_read, mut client_write) = from_client.split();
                    let (mut server_read, mut server_write) = to_server.split();
                    let up = async {
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = client_read.read(&mut buf).await.unwrap_or(0);
                            if n == 0 {
                                return;
                            }
                            while hold.load(Ordering::SeqCst) {
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                            if server_write.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    };
                    let down = tokio::io::copy(&mut server_read, &mut client_write);
                    let _ = tokio::join!(up, down);
                });
            }
        });
        StallingRelay { url, stalled }
    }
}

#[tokio::test]
async fn a_stalled_store_holds_up_no_other_writer() {
    let s3 = S3Server::start().await;
    let relay = StallingRelay::start(&s3.url).await;
    let app = TestApp::with_config(|c| {
        s3.configure(c, BUCKET);
        c.files_options.0.retain(|(k, _)| k != "aws_endpoint");
        c.files_options
            .0
            .push(("aws_endpoint".into(), relay.url.clone()));
        c.limits.file_store_timeout_secs = 2;
    })
    .await;
    let (mut uploader, _) = open_service(&app, "13911117041", "陈静").await;
    let (mut writer, _) = open_service(&app, "13911117042", "李明").await;
    let rows_before = file_rows(&app).await;
    relay.stalled.store(true, Ordering::SeqCst);

    let upload = Box::pin(uploader.post_multipart("/api/v1/files", &[], Some(("a.jpg", JPEG))));
    let reply = json!({"title": "复查", "text": "请两周后复查。"});
    let write = Box::pin(writer.post("/api/v1/me/quick-replies", reply));
    let upload = match futures_util::future::select(write, upload).await {
        Either::Left((written, upload)) => {
            assert_eq!(written.status, StatusCode::CREATED, "{}", written.json);
            upload
        }
        Either::Right((uploaded, _)) => {
            panic!(
                "the upload ended first, the other write waited: {}",
                uploaded.json
            )
        }
    };
    let r = upload.await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.json);
    assert_eq!(r.error_code(), "busy");
    assert_eq!(
        file_rows(&app).await,
        rows_before,
        "no row for the upload the store never took"
    );
    relay.stalled.store(false, Ordering::SeqCst);
}

async fn file_rows(app: &TestApp) -> i64 {
    doctor_desk_server::db::query_scalar("SELECT COUNT(*) FROM files")
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

//! moto's stand-alone S3 server (PyPI `moto[server]`, which `cargo xtask test` installs and
//! names in `MOTO_SERVER`), started on a free port with one empty bucket and stopped on
//! drop, also when the test fails. The object-store suite uses it, and so does the
//! end-to-end suite's two-instance flow, which includes this file by its path.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use object_store::{
    aws::{AmazonS3, AmazonS3Builder},
    ObjectStoreExt,
};

/// The bucket every server here starts with.
pub const BUCKET: &str = "doctor-desk-files";
/// Where in the bucket the app keeps its files.
pub const PREFIX: &str = "hospital-a/uploads";

pub struct S3Server {
    pub child: Child,
    pub url: String,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        // Where `cargo xtask test` installed it; otherwise from PATH.
        let program = std::env::var("MOTO_SERVER")
            .ok()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "moto_server".into());
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {program} ({e}): `cargo xtask test` installs it, or \
                     `pip install 'moto[server]'`"
                )
            });
        let server = S3Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(&server.url).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not start in 60 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let made = client
            .put(format!("{}/{BUCKET}", server.url))
            .send()
            .await
            .expect("moto answers");
        assert!(made.status().is_success(), "bucket: {}", made.status());
        server
    }

    /// Points the app's file store at `bucket` on this server, as `--files` and the
    /// `AWS_*` settings would.
    pub fn configure(&self, c: &mut doctor_desk_server::Config, bucket: &str) {
        c.files = Some(format!("s3://{bucket}/{PREFIX}"));
        c.files_options = doctor_desk_server::config::StoreSettings(
            [
                ("aws_endpoint", self.url.as_str()),
                ("aws_access_key_id", "doctor-desk"),
                ("aws_secret_access_key", "doctor-desk-secret"),
                ("aws_region", "cn-north-1"),
                ("aws_allow_http", "true"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .to_vec(),
        );
    }

    /// A client of the bucket of its own (not the app's store).
    pub fn bucket(&self) -> AmazonS3 {
        AmazonS3Builder::new()
            .with_endpoint(&self.url)
            .with_bucket_name(BUCKET)
            .with_access_key_id("doctor-desk")
            .with_secret_access_key("doctor-desk-secret")
            .with_region("cn-north-1")
            .with_allow_http(true)
            .build()
            .expect("an S3 client")
    }

    /// The object's bytes as S3 itself serves them; `None` if there is no such object.
    pub async fn object(&self, id: &str) -> Option<Vec<u8>> {
        let key = object_store::path::Path::from(format!("{PREFIX}/{id}"));
        match self.bucket().get(&key).await {
            Ok(found) => Some(found.bytes().await.expect("the object's bytes").to_vec()),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => panic!("S3 answered {e} for {id}"),
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

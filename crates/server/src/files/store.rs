//! Where stored files live: a folder of this machine (`<data dir>/files`, the default) or
//! an S3-compatible object store that every server instance shares (`--files
//! s3://bucket/prefix`), behind the one interface of the `object_store` crate. An upload
//! is first received into this machine's spool folder (checked there by its content),
//! then streamed into the store; a download streams out of it.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use anyhow::Context;
use axum::body::Body;
use object_store::{
    aws::{AmazonS3Builder, AmazonS3ConfigKey},
    buffered::BufWriter,
    local::LocalFileSystem,
    path::Path as Key,
    prefix::PrefixStore,
    BackoffConfig, ClientOptions, GetOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
};
use tokio::{io::AsyncWriteExt, sync::Notify};

use crate::error::{AppError, AppResult};

/// Files up to this size go in one request; larger ones as a multipart upload of parts
/// this big (S3 wants at least 5 MiB per part but the last).
const PART_BYTES: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    /// Where uploads are received before they are checked and stored; always local.
    spool: PathBuf,
    /// Deletions started by a drop (see [`FileStore::delete_later`]) not finished yet.
    pending: Arc<Pending>,
    describe: String,
}

#[derive(Default)]
struct Pending {
    count: AtomicUsize,
    done: Notify,
}

impl FileStore {
    /// `location`: `None` for `<data_dir>/files`; a folder path, `file:///…`, or
    /// `s3://bucket/prefix` configured by `options` (object_store's keys, e.g.
    /// `aws_endpoint`, `aws_access_key_id`, `aws_region`, `aws_allow_http`).
    pub fn open(
        data_dir: &Path,
        location: Option<&str>,
        options: &[(String, String)],
    ) -> anyhow::Result<FileStore> {
        let spool = data_dir.join("uploads");
        std::fs::create_dir_all(&spool)
            .with_context(|| format!("cannot create {}", spool.display()))?;
        let local = |dir: PathBuf| -> anyhow::Result<(Arc<dyn ObjectStore>, String)> {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let describe = format!("folder {}", dir.display());
            Ok((Arc::new(LocalFileSystem::new_with_prefix(dir)?), describe))
        };
        let (store, describe) = match location {
            None => local(data_dir.join("files"))?,
            Some(location) if !location.contains("://") => local(PathBuf::from(location))?,
            Some(location) => {
                let url = url::Url::parse(location)
                    .with_context(|| format!("--files {location} is not a URL"))?;
                if url.scheme() == "file" {
                    let dir = url
                        .to_file_path()
                        .map_err(|_| anyhow::anyhow!("--files {location}: not a folder"))?;
                    local(dir)?
                } else if url.scheme() == "s3" {
                    (s3(&url, options)?, format!("object store {location}"))
                } else {
                    anyhow::bail!("--files {location}: a folder or s3://bucket/prefix")
                }
            }
        };
        Ok(FileStore {
            store,
            spool,
            pending: Arc::default(),
            describe,
        })
    }

    /// Reads the store once, so that a bucket that does not exist or credentials it refuses
    /// stop the start with a clear message instead of failing the first upload.
    pub async fn check(&self) -> anyhow::Result<()> {
        use futures_util::StreamExt;
        match self.store.list(None).next().await {
            None | Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(anyhow::Error::new(e).context(format!(
                "cannot read the {}: is it there, and may these credentials read it?",
                self.describe
            ))),
        }
    }

    /// Where uploads are received (`<data dir>/uploads`).
    pub fn spool(&self) -> &Path {
        &self.spool
    }

    /// What the store is, for the start-up log.
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// Streams the file at `from` into the store as `id`.
    pub async fn put_file(&self, id: &str, from: &Path) -> AppResult<()> {
        let mut file = tokio::fs::File::open(from).await?;
        let mut writer = BufWriter::with_capacity(self.store.clone(), key(id)?, PART_BYTES);
        let copied = tokio::io::copy(&mut file, &mut writer).await;
        match copied {
            Ok(_) => writer.shutdown().await.map_err(store_error),
            Err(e) => {
                // Ends a multipart upload already begun, so the store keeps no parts.
                let _ = writer.abort().await;
                Err(store_error(e))
            }
        }
    }

    pub async fn put_bytes(&self, id: &str, bytes: &'static [u8]) -> AppResult<()> {
        self.store
            .put_opts(
                &key(id)?,
                PutPayload::from_static(bytes),
                Default::default(),
            )
            .await
            .map(|_| ())
            .map_err(|e| AppError::Internal(e.into()))
    }

    /// The stored file as a streamed body and its length; `None` if it is not there.
    pub async fn get(&self, id: &str) -> AppResult<Option<(Body, u64)>> {
        match self.store.get_opts(&key(id)?, GetOptions::default()).await {
            Ok(found) => {
                let size = found.meta.size;
                Ok(Some((Body::from_stream(found.into_stream()), size)))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(AppError::Internal(e.into())),
        }
    }

    /// Deletes a stored file; one already gone is not an error (a retried purge).
    pub async fn delete(&self, id: &str) -> AppResult<()> {
        match self.store.delete(&key(id)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(AppError::Internal(e.into())),
        }
    }

    /// Deletes `id` in the background: for a drop, which cannot wait. Failures are logged.
    pub fn delete_later(&self, id: String) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(id, "no runtime to delete a stored file that was not kept");
            return;
        };
        self.pending.count.fetch_add(1, Ordering::SeqCst);
        let store = self.clone();
        runtime.spawn(async move {
            if let Err(e) = store.delete(&id).await {
                tracing::warn!(error = %e, id, "could not delete a stored file that was not kept");
            }
            if store.pending.count.fetch_sub(1, Ordering::SeqCst) == 1 {
                store.pending.done.notify_waiters();
            }
        });
    }

    /// Waits until every deletion `delete_later` started has ended (tests check the store
    /// right after a refused request).
    pub async fn settled(&self) {
        loop {
            let done = self.pending.done.notified();
            if self.pending.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            done.await;
        }
    }

    /// The ids of every stored file.
    pub async fn list(&self) -> AppResult<Vec<String>> {
        Ok(self
            .list_with_age()
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect())
    }

    /// Every stored file's id and how long ago it was stored, by the store's clock.
    pub async fn list_with_age(&self) -> AppResult<Vec<(String, Duration)>> {
        use futures_util::TryStreamExt;
        let found: Vec<object_store::ObjectMeta> = self
            .store
            .list(None)
            .try_collect()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        let now = chrono::Utc::now();
        Ok(found
            .into_iter()
            .filter_map(|meta| {
                let age = (now - meta.last_modified).to_std().unwrap_or_default();
                Some((meta.location.filename()?.to_owned(), age))
            })
            .collect())
    }
}

/// An S3-compatible store at `s3://bucket/prefix`. A request that cannot reach it gives up
/// within seconds (503 `busy` to the client), not after object_store's default three
/// minutes of retries: a doctor is waiting.
fn s3(url: &url::Url, options: &[(String, String)]) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let mut builder = AmazonS3Builder::new()
        .with_url(url.as_str())
        .with_retry(RetryConfig {
            max_retries: 2,
            retry_timeout: Duration::from_secs(10),
            backoff: BackoffConfig::default(),
        })
        .with_client_options(
            ClientOptions::new()
                .with_connect_timeout(Duration::from_secs(3))
                .with_timeout(Duration::from_secs(60)),
        );
    for (key, value) in options {
        // Only the S3 store's keys; other AWS_* variables are not ours to read.
        if let Ok(key) = key.parse::<AmazonS3ConfigKey>() {
            builder = builder.with_config(key, value);
        }
    }
    let store = builder.build().with_context(|| format!("--files {url}"))?;
    let prefix = Key::from_url_path(url.path())?;
    Ok(if prefix.as_ref().is_empty() {
        Arc::new(store)
    } else {
        Arc::new(PrefixStore::new(store, prefix))
    })
}

/// The store's key of a file id. Ids are ours (random, URL-safe base64), but one from a
/// URL is checked like any path component.
fn key(id: &str) -> AppResult<Key> {
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(AppError::Code(doctor_desk_api::ErrorCode::NotFound));
    }
    Ok(Key::from(id))
}

/// An error of `BufWriter`, which speaks `std::io`: its cause (a full disk under the
/// local store) stays in the chain, so a full disk is still a 507.
fn store_error(e: std::io::Error) -> AppError {
    AppError::Internal(e.into())
}

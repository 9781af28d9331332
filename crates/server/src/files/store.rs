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
    local::LocalFileSystem,
    path::Path as Key,
    prefix::PrefixStore,
    BackoffConfig, ClientOptions, GetOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
};
use tokio::{io::AsyncReadExt, sync::Notify};

use crate::error::{AppError, AppResult};

/// Files up to this size go in one request; larger ones as a multipart upload of parts
/// this big (S3 wants at least 5 MiB per part but the last).
const PART_BYTES: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    /// Where uploads are received before they are checked and stored; always local.
    spool: PathBuf,
    /// The folder of a store on this machine's disk (to fsync what is stored).
    local: Option<PathBuf>,
    /// Deletions started by a drop (see [`FileStore::delete_later`]) not finished yet.
    pending: Arc<Pending>,
    /// How long one request to the store may take to start answering (a part of an
    /// upload, to be taken whole). Past it the client gets 503 `busy`, as for a database
    /// held too long.
    timeout: Duration,
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
        timeout: Duration,
    ) -> anyhow::Result<FileStore> {
        let spool = data_dir.join("uploads");
        std::fs::create_dir_all(&spool)
            .with_context(|| format!("cannot create {}", spool.display()))?;
        let folder = |dir: PathBuf| -> anyhow::Result<PathBuf> {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            Ok(dir)
        };
        let (dir, url) = match location {
            None => (Some(folder(data_dir.join("files"))?), None),
            Some(location) if !location.contains("://") => {
                (Some(folder(PathBuf::from(location))?), None)
            }
            Some(location) => {
                let url = url::Url::parse(location)
                    .with_context(|| format!("--files {location} is not a URL"))?;
                match url.scheme() {
                    "file" => {
                        let dir = url
                            .to_file_path()
                            .map_err(|_| anyhow::anyhow!("--files {location}: not a folder"))?;
                        (Some(folder(dir)?), None)
                    }
                    // Credentials in the URL would be logged with it.
                    "s3" if url.username().is_empty() && url.password().is_none() => {
                        (None, Some(url))
                    }
                    "s3" => anyhow::bail!(
                        "--files: put the store's credentials in AWS_ACCESS_KEY_ID and \
                         AWS_SECRET_ACCESS_KEY, not in the URL"
                    ),
                    _ => anyhow::bail!("--files {location}: a folder or s3://bucket/prefix"),
                }
            }
        };
        let (store, describe): (Arc<dyn ObjectStore>, String) = match (&dir, url) {
            (Some(dir), _) => (
                Arc::new(LocalFileSystem::new_with_prefix(dir)?),
                format!("folder {}", dir.display()),
            ),
            (None, Some(url)) => (s3(&url, options)?, format!("object store {url}")),
            (None, None) => unreachable!("a location is a folder or a URL"),
        };
        Ok(FileStore {
            store,
            spool,
            local: dir,
            pending: Arc::default(),
            timeout,
            describe,
        })
    }

    /// Reads the store once, so that a bucket that does not exist or credentials it refuses
    /// stop the start with a clear message instead of failing the first upload.
    pub async fn check(&self) -> anyhow::Result<()> {
        use futures_util::StreamExt;
        let first = tokio::time::timeout(self.timeout, self.store.list(None).next()).await;
        match first {
            Err(_) => anyhow::bail!("the {} did not answer in time", self.describe),
            Ok(None | Some(Ok(_))) => Ok(()),
            Ok(Some(Err(e))) => Err(anyhow::Error::new(e).context(format!(
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

    /// Streams the file at `from` into the store as `id`: one request up to 8 MiB, parts of
    /// 8 MiB above. It runs in a task of its own, so a client that goes away meanwhile does
    /// not leave a multipart upload half-done; a failed one is aborted. In a local folder
    /// the file is on disk (fsync) before this returns: a row committed next to it must
    /// not outlive it after a power cut.
    pub async fn put_file(&self, id: &str, from: &Path) -> AppResult<()> {
        let (store, key, from) = (self.store.clone(), key(id)?, from.to_owned());
        let timeout = self.timeout;
        tokio::spawn(async move { put(store.as_ref(), &key, &from, timeout).await })
            .await
            .map_err(|e| AppError::Internal(e.into()))??;
        if let Some(dir) = &self.local {
            tokio::fs::File::open(dir.join(id))
                .await?
                .sync_all()
                .await?;
        }
        Ok(())
    }

    pub async fn put_bytes(&self, id: &str, bytes: &'static [u8]) -> AppResult<()> {
        let key = key(id)?;
        let put = self
            .store
            .put_opts(&key, PutPayload::from_static(bytes), Default::default());
        bounded(self.timeout, put).await.map(|_| ())
    }

    /// The stored file as a streamed body and its length; `None` if it is not there. Only
    /// the answer's start is bounded in time: the body goes at the pace of the client.
    pub async fn get(&self, id: &str) -> AppResult<Option<(Body, u64)>> {
        match bounded(
            self.timeout,
            self.store.get_opts(&key(id)?, GetOptions::default()),
        )
        .await
        {
            Ok(found) => {
                let size = found.meta.size;
                Ok(Some((Body::from_stream(found.into_stream()), size)))
            }
            Err(AppError::Internal(e))
                if matches!(
                    e.downcast_ref::<object_store::Error>(),
                    Some(object_store::Error::NotFound { .. })
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Deletes a stored file; one already gone is not an error (a retried purge).
    pub async fn delete(&self, id: &str) -> AppResult<()> {
        self.delete_key(&key(id)?).await
    }

    async fn delete_key(&self, key: &Key) -> AppResult<()> {
        match bounded(self.timeout, self.store.delete(key)).await {
            Err(AppError::Internal(e))
                if matches!(
                    e.downcast_ref::<object_store::Error>(),
                    Some(object_store::Error::NotFound { .. })
                ) =>
            {
                Ok(())
            }
            done => done,
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

    /// The ids of every stored file, and how long ago each was stored by the store's
    /// clock. Anything else under the store's prefix (a name that is not one of our ids, a
    /// sub-folder's content) is left out: it is not ours to read or delete.
    pub async fn list(&self) -> AppResult<Vec<(String, Duration)>> {
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
            .filter(|meta| is_file_id(meta.location.as_ref()))
            .map(|meta| {
                let age = (now - meta.last_modified).to_std().unwrap_or_default();
                (meta.location.as_ref().to_owned(), age)
            })
            .collect())
    }
}

/// Whether `name` is the id of a stored file: 18 random bytes in URL-safe base64, or a
/// demo record's name.
fn is_file_id(name: &str) -> bool {
    let ours = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    (name.len() == 24 && name.bytes().all(ours))
        || name
            .strip_prefix("demo-record-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
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
                // Each request is bounded where it is made (`bounded`); a download's body
                // goes at the pace of the client, however long that takes.
                .with_timeout_disabled(),
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

/// `request`, or a timed-out error (503 `busy`) once `timeout` has passed. The store's
/// error stays the cause, so a full disk under a local folder is still a 507.
async fn bounded<T>(
    timeout: Duration,
    request: impl std::future::Future<Output = object_store::Result<T>>,
) -> AppResult<T> {
    match tokio::time::timeout(timeout, request).await {
        Ok(done) => done.map_err(|e| AppError::Internal(e.into())),
        Err(_) => Err(AppError::Internal(
            std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the file store did not answer in time",
            )
            .into(),
        )),
    }
}

async fn put(store: &dyn ObjectStore, key: &Key, from: &Path, timeout: Duration) -> AppResult<()> {
    let mut file = tokio::fs::File::open(from).await?;
    let mut part = read_part(&mut file).await?;
    if part.len() < PART_BYTES {
        bounded(
            timeout,
            store.put_opts(key, part.into(), Default::default()),
        )
        .await?;
        return Ok(());
    }
    let mut upload = bounded(timeout, store.put_multipart_opts(key, Default::default())).await?;
    let sent = async {
        while !part.is_empty() {
            bounded(timeout, upload.put_part(part.into())).await?;
            part = read_part(&mut file).await?;
        }
        bounded(timeout, upload.complete()).await.map(|_| ())
    }
    .await;
    if sent.is_err() {
        // Parts kept by the store would be billed and never listed.
        if let Err(e) = bounded(timeout, upload.abort()).await {
            tracing::warn!(error = %e, %key, "could not abort a failed multipart upload");
        }
    }
    sent
}

/// The next `PART_BYTES` of the file (fewer at its end, none after it).
async fn read_part(file: &mut tokio::fs::File) -> AppResult<Vec<u8>> {
    let mut part = Vec::with_capacity(PART_BYTES);
    (&mut *file)
        .take(PART_BYTES as u64)
        .read_to_end(&mut part)
        .await?;
    Ok(part)
}

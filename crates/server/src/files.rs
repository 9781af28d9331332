//! Uploaded files: received in a stream, recognised by their content (never by the name
//! or type the client claims), stored under a random id with a SHA-256 in the file store
//! (`store.rs`: a local folder or an S3-compatible object store), and served only to
//! their owner or a reviewer.

use std::path::{Path, PathBuf};

use crate::db::Conn;
use axum::extract::{multipart::Field, State};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use doctor_desk_api::{onboarding::MAX_UPLOAD_BYTES, ErrorBody, ErrorCode};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use utoipa_axum::{router::OpenApiRouter, routes};

mod purge;
mod serve;
mod store;

pub use purge::{purge_orphans, purge_unreferenced};
pub(crate) use serve::{send, send_public};
pub use store::FileStore;

use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

pub const JPEG: &str = "image/jpeg";
pub const PNG: &str = "image/png";
pub const WEBP: &str = "image/webp";
pub const PDF: &str = "application/pdf";
pub const IMAGES: &[&str] = &[JPEG, PNG, WEBP];
pub const IMAGES_AND_PDF: &[&str] = &[JPEG, PNG, WEBP, PDF];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(serve::download))
        .routes(routes!(upload_image))
        .layer(upload_body_limit())
}

/// The body limit of every upload route: `MAX_UPLOAD_BYTES` (10 MB) of file plus room for
/// the multipart framing and text fields. The file itself is held to the exact limit while
/// it streams in (413 `payload_too_large` beyond).
pub fn upload_body_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 256 * 1024)
}

/// A photo for the doctor to send in a consultation (JPEG, PNG or WebP, by content;
/// 10 MB at most).
#[utoipa::path(post, path = "/files", tag = "files",
    request_body(content_type = "multipart/form-data", description = "`file`"),
    responses(
        (status = 201, body = doctor_desk_api::onboarding::StoredFile),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 413, description = "Larger than 10 MB", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Empty file, or a picture over 10 000 px wide or tall (`fields.file`)", body = ErrorBody),
    ))]
async fn upload_image(
    State(state): State<AppState>,
    me: crate::extractor::Doctor,
    mut multipart: axum::extract::Multipart,
) -> AppResult<(
    axum::http::StatusCode,
    axum::Json<doctor_desk_api::onboarding::StoredFile>,
)> {
    let mut upload = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Code(ErrorCode::MalformedBody))?
    {
        if field.name() == Some("file") {
            upload = Some(Upload::receive(&state, field, IMAGES).await?);
        }
    }
    let upload = upload.ok_or(AppError::OnField(ErrorCode::EmptyFile, "file"))?;
    let stored = doctor_desk_api::onboarding::StoredFile {
        file_id: upload.id.clone(),
        content_type: upload.content_type.to_owned(),
        size: upload.size,
    };
    let kept = upload.store(&state).await?;
    let mut tx = state.db.begin().await?;
    kept.record(&mut tx, Owner::Account(me.account_id), state.clock.unix())
        .await?;
    tx.commit().await?;
    kept.committed();
    Ok((axum::http::StatusCode::CREATED, axum::Json(stored)))
}

/// What the first bytes say the file is.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(JPEG)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PNG)
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(WEBP)
    } else if head.starts_with(b"%PDF-") {
        Some(PDF)
    } else {
        None
    }
}

/// Whose file it is: a doctor's (or reviewer's) account, a patient, or an appeal (filed
/// signed out, so nobody's until a reviewer decides).
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Account(i64),
    Patient(i64),
    Appeal,
}

/// An upload received into a file of the spool folder. Dropped, it leaves nothing there.
pub struct Upload {
    pub id: String,
    pub content_type: &'static str,
    pub size: u64,
    pub sha256: String,
    temp: PathBuf,
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.temp);
    }
}

impl Upload {
    /// Streams a multipart field into the spool folder, checking size and content on the
    /// way.
    pub async fn receive(
        state: &AppState,
        mut field: Field<'_>,
        allowed: &[&str],
    ) -> AppResult<Upload> {
        let dir = state.files.spool();
        tokio::fs::create_dir_all(dir).await?;
        let mut raw = [0u8; 18];
        rand::thread_rng().fill_bytes(&mut raw);
        let id = URL_SAFE_NO_PAD.encode(raw);
        let temp = dir.join(format!("{id}.part"));
        let mut upload = Upload {
            id,
            content_type: "",
            size: 0,
            sha256: String::new(),
            temp,
        };
        let mut file = tokio::fs::File::create(&upload.temp).await?;
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::with_capacity(16);
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            upload.size += chunk.len() as u64;
            if upload.size > MAX_UPLOAD_BYTES as u64 {
                return Err(AppError::OnField(ErrorCode::PayloadTooLarge, "file"));
            }
            if head.len() < 16 {
                head.extend(chunk.iter().take(16 - head.len()));
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        // A full disk or quota some file systems report only now is a 507 like any other.
        file.sync_all().await?;
        if upload.size == 0 {
            return Err(AppError::OnField(ErrorCode::EmptyFile, "file"));
        }
        upload.content_type = sniff(&head)
            .filter(|t| allowed.contains(t))
            .ok_or(AppError::OnField(ErrorCode::UnsupportedFileType, "file"))?;
        upload.sha256 = hex::encode(hasher.finalize());
        // A few bytes can claim gigapixels: whoever opens such a picture (a patient's
        // phone, the doctor's browser) runs out of memory decoding it. Refused wherever
        // it is sent, as post images always were.
        if IMAGES.contains(&upload.content_type) {
            let bytes = tokio::fs::read(&upload.temp)
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
            let side = crate::posts::images::MAX_SIDE;
            if crate::posts::images::size::dimensions(upload.content_type, &bytes)
                .is_some_and(|(w, h)| w > side || h > side)
            {
                return Err(AppError::Validation(vec![(
                    "file",
                    doctor_desk_api::validate::FieldError::OutOfRange,
                )]));
            }
        }
        Ok(upload)
    }

    /// Where the received bytes are until `store` (to read more than the first bytes).
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Streams the file into the file store. Call it before the transaction that records
    /// the file begins: the store may take seconds, and SQLite's one writer must not
    /// wait for it. The returned `KeptFile` records the row, and deletes the stored file
    /// again unless told the transaction committed.
    pub async fn store(self, state: &AppState) -> AppResult<KeptFile> {
        // A store that fails half-way keeps nothing: a put is atomic, and a multipart
        // upload is aborted.
        state.files.put_file(&self.id, &self.temp).await?;
        Ok(KeptFile {
            store: state.files.clone(),
            id: Some(self.id.clone()),
            content_type: self.content_type,
            size: self.size,
            sha256: self.sha256.clone(),
        })
    }
}

/// A stored file whose row is not committed yet; deleted on drop unless `committed`.
pub struct KeptFile {
    store: FileStore,
    id: Option<String>,
    content_type: &'static str,
    size: u64,
    sha256: String,
}

impl KeptFile {
    /// Records the stored file as `owner`'s in the transaction.
    pub async fn record(&self, tx: &mut Conn, owner: Owner, now: i64) -> AppResult<()> {
        let (sql, owner_id) = match owner {
            Owner::Account(id) => (
                "INSERT INTO files (id, owner_id, content_type, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                Some(id),
            ),
            Owner::Patient(id) => (
                "INSERT INTO patient_files (id, patient_id, content_type, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                Some(id),
            ),
            Owner::Appeal => (
                "INSERT INTO appeal_files (id, content_type, size, sha256, created_at) VALUES (?, ?, ?, ?, ?)",
                None,
            ),
        };
        let query = crate::db::query(sql).bind(self.id.as_deref());
        let query = match owner_id {
            Some(id) => query.bind(id),
            None => query,
        };
        query
            .bind(self.content_type)
            .bind(self.size as i64)
            .bind(&self.sha256)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    pub fn committed(mut self) {
        self.id = None;
    }
}

impl Drop for KeptFile {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            self.store.delete_later(id);
        }
    }
}

/// Deletes a stored file's row (used when an unreviewed document is replaced or removed).
/// The file itself stays until `DeletedFile::unlink`, called once the transaction has
/// committed: a commit that fails (disk full, busy) leaves the row, which must still be
/// served.
pub async fn delete(state: &AppState, tx: &mut Conn, file_id: &str) -> AppResult<DeletedFile> {
    crate::db::query("DELETE FROM files WHERE id = ?")
        .bind(file_id)
        .execute(&mut *tx)
        .await?;
    Ok(DeletedFile::stored(state, file_id))
}

/// A file whose row is deleted in a transaction; dropped without `unlink` (the commit
/// failed), the file stays.
#[must_use = "unlink the file once the transaction has committed"]
pub struct DeletedFile {
    store: FileStore,
    id: String,
}

impl DeletedFile {
    /// The stored file of a row deleted by other means (a statement deleting many).
    pub fn stored(state: &AppState, file_id: &str) -> Self {
        DeletedFile {
            store: state.files.clone(),
            id: file_id.to_owned(),
        }
    }

    pub async fn unlink(self) {
        purge::remove_quietly(&self.store, &self.id).await;
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status().as_u16() == 413 {
        AppError::OnField(ErrorCode::PayloadTooLarge, "file")
    } else {
        AppError::Code(ErrorCode::MalformedBody)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(JPEG));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(PNG));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(WEBP));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(PDF));
        assert_eq!(sniff(b"MZ\x90\0"), None, "a Windows executable");
        assert_eq!(sniff(b"<!doctype html>"), None);
        assert_eq!(sniff(b"RIFF\x10\0\0\0WAVE"), None);
        assert_eq!(sniff(b""), None);
    }
}

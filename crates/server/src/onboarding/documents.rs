//! `GET/POST /me/documents`, `DELETE /me/documents/{id}`.

use crate::db::Conn;
use axum::{
    extract::{Multipart, Path, State},
    http::StatusCode,
    Json,
};
use chrono::NaiveDate;
use doctor_desk_api::{
    auth::VerificationStatus,
    onboarding::{
        Document, DocumentFields, DocumentKind, DocumentStatus, Rejection, RejectionReason,
        EXPIRY_WARNING_DAYS,
    },
    ErrorBody, ErrorCode,
};

use super::{today, verification};
use crate::{
    auth::account::parse_verification,
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::Doctor,
    files::{self, Upload},
    state::AppState,
};

#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: i64,
    kind: String,
    number: Option<String>,
    expires_on: Option<String>,
    caption: Option<String>,
    file_id: String,
    content_type: String,
    size: i64,
    status: String,
    created_at: i64,
    reason: Option<String>,
    note: Option<String>,
    replaces: Option<i64>,
}

const SELECT: &str = "SELECT d.id, d.kind, d.number, d.expires_on, d.caption, d.file_id, f.content_type, f.size,
        d.status, d.created_at, d.replaces,
        (SELECT sd.reason FROM submission_documents sd WHERE sd.document_id = d.id AND sd.approved = 0
          ORDER BY sd.decided_at DESC LIMIT 1) AS reason,
        (SELECT sd.note FROM submission_documents sd WHERE sd.document_id = d.id AND sd.approved = 0
          ORDER BY sd.decided_at DESC LIMIT 1) AS note
    FROM documents d JOIN files f ON f.id = d.file_id";

impl DocumentRow {
    fn to_document(&self) -> Document {
        let status = match self.status.as_str() {
            "submitted" => DocumentStatus::Submitted,
            "approved" => DocumentStatus::Approved,
            "rejected" => DocumentStatus::Rejected,
            _ => DocumentStatus::Uploaded,
        };
        let rejection = (status == DocumentStatus::Rejected)
            .then(|| {
                self.reason
                    .as_deref()
                    .and_then(RejectionReason::parse)
                    .map(|reason| Rejection {
                        reason,
                        note: self.note.clone().unwrap_or_default(),
                    })
            })
            .flatten();
        Document {
            id: self.id,
            kind: DocumentKind::parse(&self.kind).unwrap_or(DocumentKind::Other),
            number: self.number.clone(),
            expires_on: self.expires_on.as_deref().and_then(|d| d.parse().ok()),
            caption: self.caption.clone(),
            file_id: self.file_id.clone(),
            content_type: self.content_type.clone(),
            size: self.size.max(0) as u64,
            status,
            rejection,
            uploaded_at: from_unix(self.created_at),
            replaces: self.replaces,
        }
    }
}

/// The SQL condition of a document in force: not removed, and not a replacement still
/// waiting for (or refused by) a reviewer.
pub const IN_FORCE: &str = "removed_at IS NULL AND (replaces IS NULL OR status = 'approved')";

/// The doctor's current documents (not replaced or removed), in kind order. A renewal
/// waiting for review is not among them: the document it replaces still is.
pub async fn current(state: &AppState, account_id: i64) -> AppResult<Vec<Document>> {
    current_in(&state.db, account_id).await
}

/// `current`, read by `db` (inside a transaction, to act on what it found).
pub(super) async fn current_in<'e>(
    db: impl crate::db::Executor<'e>,
    account_id: i64,
) -> AppResult<Vec<Document>> {
    let rows: Vec<DocumentRow> = crate::db::query_as(&format!(
        "{SELECT} WHERE d.account_id = ? AND d.removed_at IS NULL
           AND (d.replaces IS NULL OR d.status = 'approved') ORDER BY d.id"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await?;
    let mut docs: Vec<Document> = rows.iter().map(DocumentRow::to_document).collect();
    docs.sort_by_key(|d| d.kind);
    Ok(docs)
}

/// Replacements of approved documents not (yet) in force: under review, or rejected until
/// the doctor uploads another one.
pub async fn renewals(state: &AppState, account_id: i64) -> AppResult<Vec<Document>> {
    renewals_in(&state.db, account_id).await
}

async fn renewals_in<'e>(
    db: impl crate::db::Executor<'e>,
    account_id: i64,
) -> AppResult<Vec<Document>> {
    let rows: Vec<DocumentRow> = crate::db::query_as(&format!(
        "{SELECT} WHERE d.account_id = ? AND d.removed_at IS NULL
           AND d.replaces IS NOT NULL AND d.status != 'approved' ORDER BY d.id"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await?;
    let mut docs: Vec<Document> = rows.iter().map(DocumentRow::to_document).collect();
    docs.sort_by_key(|d| d.kind);
    Ok(docs)
}

/// The documents of one submission, as they were submitted.
pub async fn by_ids(state: &AppState, ids: &[i64]) -> AppResult<Vec<Document>> {
    let mut docs = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<DocumentRow> = crate::db::query_as(&format!("{SELECT} WHERE d.id = ?"))
            .bind(id)
            .fetch_optional(&state.db)
            .await?;
        docs.extend(row.map(|r| r.to_document()));
    }
    Ok(docs)
}

/// An approved document can only be replaced when it is about to expire (or has).
fn replaceable(doc: &Document, today: NaiveDate) -> bool {
    match doc.status {
        DocumentStatus::Approved => doc
            .expires_on
            .is_some_and(|d| (d - today).num_days() <= EXPIRY_WARNING_DAYS),
        DocumentStatus::Submitted => false,
        DocumentStatus::Uploaded | DocumentStatus::Rejected => true,
    }
}

/// Removes a document: forgotten entirely when no reviewer has seen it, otherwise kept for
/// the submission history and only marked removed. A forgotten document's file is
/// returned, to be unlinked once the transaction has committed.
async fn remove(
    state: &AppState,
    tx: &mut Conn,
    doc: &Document,
) -> AppResult<Option<files::DeletedFile>> {
    if doc.status == DocumentStatus::Uploaded {
        let in_history: Option<i64> = crate::db::query_scalar(
            "SELECT 1 FROM submission_documents WHERE document_id = ? LIMIT 1",
        )
        .bind(doc.id)
        .fetch_optional(&mut *tx)
        .await?;
        if in_history.is_none() {
            crate::db::query("DELETE FROM documents WHERE id = ?")
                .bind(doc.id)
                .execute(&mut *tx)
                .await?;
            return files::delete(state, tx, &doc.file_id).await.map(Some);
        }
    }
    crate::db::query("UPDATE documents SET removed_at = ? WHERE id = ?")
        .bind(state.clock.unix())
        .bind(doc.id)
        .execute(&mut *tx)
        .await?;
    Ok(None)
}

/// The status as stored, read in the caller's transaction (expiry already applied by
/// `verification::current_status` before it).
async fn stored_status(tx: &mut Conn, account_id: i64) -> AppResult<VerificationStatus> {
    let stored: Option<String> =
        crate::db::query_scalar("SELECT verification_status FROM accounts WHERE id = ?")
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(parse_verification(stored.as_deref().unwrap_or("")))
}

/// The doctor's current documents.
/// What a doctor's uploads, deletions and submission for review hold until they commit:
/// two uploads of one kind, or an upload during the submission, never both act on the
/// documents they read (PostgreSQL; SQLite's writer holds everything already).
pub(super) fn verification_key(account_id: i64) -> String {
    format!("verification {account_id}")
}

#[utoipa::path(get, path = "/me/documents", tag = "onboarding",
    responses((status = 200, body = Vec<Document>), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, me: Doctor) -> AppResult<Json<Vec<Document>>> {
    Ok(Json(current(&state, me.account_id).await?))
}

/// Upload a document (multipart: `kind`, `number`, `expires_on` YYYY-MM-DD, `caption`,
/// `file`). A required kind replaces the current document of that kind. A verified doctor
/// renewing an approved document (within 30 days of its expiry) gets a renewal: the new
/// document goes to the reviewers on its own and the old one stays in force until then.
#[utoipa::path(post, path = "/me/documents", tag = "onboarding",
    request_body(content_type = "multipart/form-data",
        description = "fields kind, number, expires_on, caption, and file (JPEG, PNG, WebP or PDF, ≤ 10 MB)"),
    responses(
        (status = 201, body = Document),
        (status = 400, description = "Not a readable multipart body", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`agreement_required`", body = ErrorBody),
        (status = 409, description = "Under review (or a renewal of this kind is), or the document it replaces is approved and not about to expire", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, description = "Not a JPEG, PNG, WebP or PDF by content", body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    me: Doctor,
    mut multipart: Multipart,
) -> AppResult<(StatusCode, Json<Document>)> {
    let status = verification::current_status(&state, me.account_id).await?;
    if status == VerificationStatus::Pending {
        return Err(AppError::Code(ErrorCode::UnderReview));
    }
    let mut fields = DocumentFields::default();
    let mut upload = None;
    let mut bad_kind = false;
    let mut bad_date = false;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Code(ErrorCode::MalformedBody))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload = Some(Upload::receive(&state, field, files::IMAGES_AND_PDF).await?);
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|_| AppError::Code(ErrorCode::MalformedBody))?;
        let text = text.trim().to_owned();
        match name.as_str() {
            "kind" => {
                fields.kind = DocumentKind::parse(&text);
                bad_kind = fields.kind.is_none();
            }
            "number" if !text.is_empty() => fields.number = Some(text),
            "caption" if !text.is_empty() => fields.caption = Some(text),
            "expires_on" if !text.is_empty() => {
                fields.expires_on = text.parse().ok();
                bad_date = fields.expires_on.is_none();
            }
            _ => {}
        }
    }
    let today = today(&state);
    let mut errors = fields.validate(today);
    if bad_kind {
        errors.retain(|(f, _)| *f != "kind");
        errors.push(("kind", doctor_desk_api::validate::FieldError::OutOfRange));
    }
    if bad_date {
        errors.push((
            "expires_on",
            doctor_desk_api::validate::FieldError::OutOfRange,
        ));
    }
    AppError::check(errors)?;
    let upload = upload.ok_or(AppError::OnField(ErrorCode::EmptyFile, "file"))?;
    let kind = fields.kind.expect("validated");

    // Stored before the write lock: the store may take seconds, the lock is everyone's.
    let file_id = upload.id.clone();
    let kept = upload.store(&state).await?;
    // The write lock before reading what this upload replaces: uploads of one kind sent
    // at once queue, and each replaces the one before it (never two current documents of
    // a kind, nor a replaced one left behind).
    let mut tx = state.begin_write().await?;
    tx.lock_key(&verification_key(me.account_id)).await?;
    // A submission may have gone to the reviewers since the check above, or a review
    // decided: only the status read under the lock counts from here on.
    let status = stored_status(&mut tx, me.account_id).await?;
    if status == VerificationStatus::Pending {
        return Err(AppError::Code(ErrorCode::UnderReview));
    }
    let (replaced, earlier_renewal) = if kind.is_required() {
        let current = current_in(&mut *tx, me.account_id).await?;
        let renewals = renewals_in(&mut *tx, me.account_id).await?;
        (
            current.into_iter().find(|d| d.kind == kind),
            renewals.into_iter().find(|d| d.kind == kind),
        )
    } else {
        (None, None)
    };
    // A replacement under review is decided before another one may follow.
    if earlier_renewal
        .as_ref()
        .is_some_and(|d| d.status == DocumentStatus::Submitted)
    {
        return Err(AppError::Code(ErrorCode::UnderReview));
    }
    if let Some(old) = &replaced {
        if !replaceable(old, today) {
            return Err(AppError::Code(ErrorCode::DocumentLocked));
        }
    }
    // A verified doctor renewing an approved document before it expires: the new one goes
    // to the reviewers on its own, and the old one stays in force until it is approved
    // (or until the old one expires).
    let renewal_of = replaced
        .as_ref()
        .filter(|old| old.status == DocumentStatus::Approved)
        .filter(|_| status == VerificationStatus::Verified)
        .map(|old| old.id);

    let now = state.clock.unix();
    kept.record(&mut tx, crate::files::Owner::Account(me.account_id), now)
        .await?;
    let mut unlink = Vec::new();
    if let Some(earlier) = &earlier_renewal {
        unlink.extend(remove(&state, &mut tx, earlier).await?);
    }
    if let (Some(old), None) = (&replaced, renewal_of) {
        unlink.extend(remove(&state, &mut tx, old).await?);
    }
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO documents (account_id, kind, number, expires_on, caption, file_id, created_at,
             replaces, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(me.account_id)
    .bind(kind.as_str())
    .bind(&fields.number)
    .bind(fields.expires_on.map(|d| d.to_string()))
    .bind(&fields.caption)
    .bind(&file_id)
    .bind(now)
    .bind(renewal_of)
    .bind(if renewal_of.is_some() {
        "submitted"
    } else {
        "uploaded"
    })
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match &e {
        // Another upload renewed the same document a moment ago.
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::Code(ErrorCode::UnderReview)
        }
        _ => e.into(),
    })?;
    if renewal_of.is_some() {
        verification::open_renewal(&mut tx, me.account_id, id, now).await?;
    }
    // Read before the commit: an upload right behind this one may replace it at once.
    let doc: DocumentRow = crate::db::query_as(&format!("{SELECT} WHERE d.id = ?"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    kept.committed();
    for file in unlink {
        file.unlink().await;
    }
    if let Some(old) = renewal_of {
        tracing::info!(
            account_id = me.account_id,
            old,
            new = id,
            "renewal submitted for review"
        );
    }

    Ok((StatusCode::CREATED, Json(doc.to_document())))
}

/// Delete a document that is not approved (nor under review); also a rejected renewal.
#[utoipa::path(delete, path = "/me/documents/{id}", tag = "onboarding",
    params(("id" = i64, Path, description = "Document id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`agreement_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Under review, or approved", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    me: Doctor,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    // Applies expiry (stored on its own) before the lock is taken.
    verification::current_status(&state, me.account_id).await?;
    // The write lock before reading the document and the status: a submission or an
    // upload committing in between must not see the document vanish under it.
    let mut tx = state.begin_write().await?;
    tx.lock_key(&verification_key(me.account_id)).await?;
    let mut mine = current_in(&mut *tx, me.account_id).await?;
    mine.extend(renewals_in(&mut *tx, me.account_id).await?);
    let doc = mine
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    if stored_status(&mut tx, me.account_id).await? == VerificationStatus::Pending {
        return Err(AppError::Code(ErrorCode::UnderReview));
    }
    if !replaceable(&doc, today(&state)) {
        return Err(AppError::Code(ErrorCode::DocumentLocked));
    }
    let unlink = remove(&state, &mut tx, &doc).await?;
    tx.commit().await?;
    if let Some(file) = unlink {
        file.unlink().await;
    }
    Ok(StatusCode::NO_CONTENT)
}

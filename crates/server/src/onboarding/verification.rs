//! Where the doctor's verification stands (`GET/POST /me/verification`), and the one check
//! that features for verified doctors call (`ensure_verified`).

use axum::{extract::State, http::StatusCode, Json};
use doctor_desk_api::{
    auth::VerificationStatus,
    onboarding::{
        DocumentKind, DocumentStatus, OnboardingStep, Rejection, RejectionReason, Submission,
        SubmissionStatus, SubmittedDocument, Verification, EXPIRY_WARNING_DAYS,
    },
    ErrorBody, ErrorCode,
};

use super::{documents, profile, today};
use crate::{
    auth::account::parse_verification,
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::Doctor,
    state::AppState,
};

/// The doctor's status, after applying expiry: a verified doctor one of whose required
/// documents has expired needs re-verification (and the change is stored).
pub async fn current_status(state: &AppState, account_id: i64) -> AppResult<VerificationStatus> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT verification_status FROM accounts WHERE id = ?")
            .bind(account_id)
            .fetch_optional(&state.db)
            .await?;
    let status = parse_verification(stored.as_deref().unwrap_or(""));
    if status != VerificationStatus::Verified {
        return Ok(status);
    }
    let today = today(state).to_string();
    let expired: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM documents WHERE account_id = ? AND removed_at IS NULL AND kind != 'other'
           AND expires_on IS NOT NULL AND expires_on < ? LIMIT 1",
    )
    .bind(account_id)
    .bind(&today)
    .fetch_optional(&state.db)
    .await?;
    if expired.is_none() {
        return Ok(status);
    }
    sqlx::query("UPDATE accounts SET verification_status = 'needs_reverification' WHERE id = ?")
        .bind(account_id)
        .execute(&state.db)
        .await?;
    tracing::info!(
        account_id,
        "a required document expired: verification must be renewed"
    );
    Ok(VerificationStatus::NeedsReverification)
}

/// Refuses (403 `verification_required`) unless the hospital has verified the doctor and no
/// required document has expired since. Every feature for verified doctors calls this.
pub async fn ensure_verified(state: &AppState, account_id: i64) -> AppResult<()> {
    match current_status(state, account_id).await? {
        VerificationStatus::Verified => Ok(()),
        _ => Err(AppError::Code(ErrorCode::VerificationRequired)),
    }
}

#[derive(sqlx::FromRow)]
struct SubmissionRow {
    id: i64,
    status: String,
    submitted_at: i64,
    decided_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct SubmittedRow {
    document_id: i64,
    approved: Option<bool>,
    reason: Option<String>,
    note: String,
}

pub async fn load_submission(state: &AppState, id: i64) -> AppResult<Option<(i64, Submission)>> {
    let row: Option<(i64, i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT account_id, id, status, submitted_at, decided_at FROM verification_submissions WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&state.db)
    .await?;
    let Some((account_id, id, status, submitted_at, decided_at)) = row else {
        return Ok(None);
    };
    let submission = to_submission(
        state,
        SubmissionRow {
            id,
            status,
            submitted_at,
            decided_at,
        },
    )
    .await?;
    Ok(Some((account_id, submission)))
}

async fn to_submission(state: &AppState, row: SubmissionRow) -> AppResult<Submission> {
    let parts: Vec<SubmittedRow> = sqlx::query_as(
        "SELECT document_id, approved, reason, note FROM submission_documents WHERE submission_id = ? ORDER BY document_id",
    )
    .bind(row.id)
    .fetch_all(&state.db)
    .await?;
    let ids: Vec<i64> = parts.iter().map(|p| p.document_id).collect();
    let docs = documents::by_ids(state, &ids).await?;
    let mut documents: Vec<SubmittedDocument> = parts
        .into_iter()
        .zip(docs)
        .map(|(part, document)| SubmittedDocument {
            document,
            approved: part.approved,
            rejection: (part.approved == Some(false))
                .then(|| {
                    part.reason
                        .as_deref()
                        .and_then(RejectionReason::parse)
                        .map(|reason| Rejection {
                            reason,
                            note: part.note.clone(),
                        })
                })
                .flatten(),
        })
        .collect();
    documents.sort_by_key(|d| d.document.kind);
    Ok(Submission {
        id: row.id,
        status: match row.status.as_str() {
            "approved" => SubmissionStatus::Approved,
            "rejected" => SubmissionStatus::Rejected,
            _ => SubmissionStatus::Pending,
        },
        submitted_at: from_unix(row.submitted_at),
        decided_at: row.decided_at.map(from_unix),
        documents,
    })
}

/// Status, the step to resume at, missing and expiring documents, and every submission.
#[utoipa::path(get, path = "/me/verification", tag = "onboarding",
    responses((status = 200, body = Verification), (status = 401, body = ErrorBody)))]
pub async fn get_verification(
    State(state): State<AppState>,
    me: Doctor,
) -> AppResult<Json<Verification>> {
    Ok(Json(view(&state, me.account_id).await?))
}

async fn view(state: &AppState, account_id: i64) -> AppResult<Verification> {
    let status = current_status(state, account_id).await?;
    let has_profile = profile::load(state, account_id).await?.is_some();
    let docs = documents::current(state, account_id).await?;
    let today = today(state);
    let missing: Vec<DocumentKind> = DocumentKind::REQUIRED
        .into_iter()
        .filter(|k| !docs.iter().any(|d| d.kind == *k))
        .collect();
    let expiring = docs
        .iter()
        .filter(|d| {
            d.expires_on
                .is_some_and(|e| (e - today).num_days() <= EXPIRY_WARNING_DAYS)
        })
        .cloned()
        .collect::<Vec<_>>();
    let any_rejected = docs.iter().any(|d| d.status == DocumentStatus::Rejected);
    let any_expired = expiring
        .iter()
        .any(|d| d.expires_on.is_some_and(|e| e < today));
    let step = if !has_profile {
        OnboardingStep::Profile
    } else if !missing.is_empty() || any_expired {
        OnboardingStep::Documents
    } else {
        match status {
            VerificationStatus::Pending | VerificationStatus::Verified => OnboardingStep::Status,
            VerificationStatus::Rejected if any_rejected => OnboardingStep::Status,
            _ => OnboardingStep::Submit,
        }
    };
    let rows: Vec<SubmissionRow> = sqlx::query_as(
        "SELECT id, status, submitted_at, decided_at FROM verification_submissions
         WHERE account_id = ? ORDER BY submitted_at DESC, id DESC",
    )
    .bind(account_id)
    .fetch_all(&state.db)
    .await?;
    let mut submissions = Vec::with_capacity(rows.len());
    for row in rows {
        submissions.push(to_submission(state, row).await?);
    }
    Ok(Verification {
        status,
        step,
        missing,
        expiring,
        submissions,
    })
}

/// Submit the profile and current documents for review.
#[utoipa::path(post, path = "/me/verification", tag = "onboarding",
    responses(
        (status = 201, description = "Submitted", body = Verification),
        (status = 409, description = "Incomplete, still rejected documents, or already under review / verified", body = ErrorBody),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    me: Doctor,
) -> AppResult<(StatusCode, Json<Verification>)> {
    let status = current_status(&state, me.account_id).await?;
    match status {
        VerificationStatus::Pending => return Err(AppError::Code(ErrorCode::UnderReview)),
        VerificationStatus::Verified => return Err(AppError::Code(ErrorCode::Conflict)),
        _ => {}
    }
    let today = today(&state);
    let docs = documents::current(&state, me.account_id).await?;
    let complete = profile::load(&state, me.account_id).await?.is_some()
        && DocumentKind::REQUIRED
            .iter()
            .all(|k| docs.iter().any(|d| d.kind == *k))
        && !docs.iter().any(|d| d.status == DocumentStatus::Rejected)
        && !docs
            .iter()
            .any(|d| d.expires_on.is_some_and(|e| e <= today));
    if !complete {
        return Err(AppError::Code(ErrorCode::Incomplete));
    }

    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO verification_submissions (account_id, submitted_at) VALUES (?, ?) RETURNING id",
    )
    .bind(me.account_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for doc in &docs {
        // Documents approved earlier stay approved; the reviewer decides the rest.
        let approved = (doc.status == DocumentStatus::Approved).then_some(true);
        sqlx::query(
            "INSERT INTO submission_documents (submission_id, document_id, approved, decided_at) VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(doc.id)
        .bind(approved)
        .bind(approved.map(|_| now))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE documents SET status = 'submitted' WHERE account_id = ? AND removed_at IS NULL AND status != 'approved'")
        .bind(me.account_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE accounts SET verification_status = 'pending' WHERE id = ?")
        .bind(me.account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state, me.account_id).await?),
    ))
}

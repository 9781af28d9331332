//! The hospital's side of onboarding: reviewers work through pending submissions.

use axum::{
    extract::{Path, Query, State},
    Json,
};
use doctor_desk_api::{
    auth::VerificationStatus,
    onboarding::{DecisionRequest, QueueItem, ReviewSubmission, SubmissionStatus, Title},
    validate::mask_phone,
    ErrorBody, ErrorCode,
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::account,
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, Reviewer},
    onboarding::{profile, verification},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(submission))
        .routes(routes!(decide))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct QueueQuery {
    /// `pending` (default), `approved` or `rejected`.
    status: Option<String>,
}

/// Submissions in one state, oldest first.
#[utoipa::path(get, path = "/review/submissions", tag = "review", params(QueueQuery),
    responses(
        (status = 200, body = Vec<QueueItem>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
    ))]
async fn queue(
    State(state): State<AppState>,
    _reviewer: Reviewer,
    Query(q): Query<QueueQuery>,
) -> AppResult<Json<Vec<QueueItem>>> {
    let status = match q.status.as_deref().unwrap_or("pending") {
        s @ ("pending" | "approved" | "rejected") => s.to_owned(),
        _ => return Err(AppError::Code(ErrorCode::NotFound)),
    };
    let rows: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT s.id, s.submitted_at, s.status, COALESCE(a.display_name, p.real_name), p.hospital, p.title
         FROM verification_submissions s
         JOIN accounts a ON a.id = s.account_id
         JOIN doctor_profiles p ON p.account_id = s.account_id
         WHERE s.status = ? ORDER BY s.submitted_at, s.id",
    )
    .bind(&status)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, at, status, name, hospital, title)| QueueItem {
                id,
                doctor_name: name,
                hospital,
                title: Title::parse(&title).unwrap_or(Title::ResidentPhysician),
                submitted_at: from_unix(at),
                status: match status.as_str() {
                    "approved" => SubmissionStatus::Approved,
                    "rejected" => SubmissionStatus::Rejected,
                    _ => SubmissionStatus::Pending,
                },
            })
            .collect(),
    ))
}

async fn load(state: &AppState, id: i64) -> AppResult<ReviewSubmission> {
    let (account_id, submission) = verification::load_submission(state, id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let row = profile::load(state, account_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let acc = account::by_id(state, account_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    Ok(ReviewSubmission {
        submission,
        profile: row.to_profile(),
        id_number: row.id_number.clone(),
        phone_masked: mask_phone(&acc.phone),
    })
}

/// One submission with the doctor's profile and every document.
#[utoipa::path(get, path = "/review/submissions/{id}", tag = "review",
    params(("id" = i64, Path, description = "Submission id")),
    responses(
        (status = 200, body = ReviewSubmission),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn submission(
    State(state): State<AppState>,
    _reviewer: Reviewer,
    Path(id): Path<i64>,
) -> AppResult<Json<ReviewSubmission>> {
    Ok(Json(load(&state, id).await?))
}

/// Decide every undecided document; the submission (and the doctor) is approved when all
/// documents are, rejected otherwise. Who decided and when is recorded per document.
#[utoipa::path(post, path = "/review/submissions/{id}/decision", tag = "review",
    params(("id" = i64, Path, description = "Submission id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = ReviewSubmission),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already decided", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn decide(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<i64>,
    AppJson(req): AppJson<DecisionRequest>,
) -> AppResult<Json<ReviewSubmission>> {
    AppError::check(req.validate())?;
    let (account_id, submission) = verification::load_submission(&state, id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    if submission.status != SubmissionStatus::Pending {
        return Err(AppError::Code(ErrorCode::Conflict));
    }
    let undecided: Vec<i64> = submission
        .documents
        .iter()
        .filter(|d| d.approved.is_none())
        .map(|d| d.document.id)
        .collect();
    let mut decided: Vec<i64> = req.documents.iter().map(|d| d.document_id).collect();
    decided.sort_unstable();
    let mut expected = undecided.clone();
    expected.sort_unstable();
    if decided != expected {
        return Err(AppError::Validation(vec![(
            "documents",
            doctor_desk_api::validate::FieldError::ReasonRequired,
        )]));
    }

    let now = state.clock.unix();
    let all_approved = submission
        .documents
        .iter()
        .filter(|d| d.approved.is_some())
        .all(|d| d.approved == Some(true))
        && req.documents.iter().all(|d| d.approve);
    let mut tx = state.db.begin().await?;
    for d in &req.documents {
        sqlx::query(
            "UPDATE submission_documents SET approved = ?, reason = ?, note = ?, decided_at = ?, decided_by = ?
             WHERE submission_id = ? AND document_id = ?",
        )
        .bind(d.approve)
        .bind((!d.approve).then(|| d.reason.map(|r| r.as_str())).flatten())
        .bind(d.note.trim())
        .bind(now)
        .bind(reviewer.account_id)
        .bind(id)
        .bind(d.document_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE documents SET status = ? WHERE id = ?")
            .bind(if d.approve { "approved" } else { "rejected" })
            .bind(d.document_id)
            .execute(&mut *tx)
            .await?;
    }
    let (submission_status, doctor_status) = if all_approved {
        ("approved", VerificationStatus::Verified)
    } else {
        ("rejected", VerificationStatus::Rejected)
    };
    sqlx::query("UPDATE verification_submissions SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?")
        .bind(submission_status)
        .bind(now)
        .bind(reviewer.account_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE accounts SET verification_status = ? WHERE id = ?")
        .bind(match doctor_status {
            VerificationStatus::Verified => "verified",
            _ => "rejected",
        })
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(
        submission = id,
        reviewer = reviewer.account_id,
        outcome = submission_status,
        "submission decided"
    );
    Ok(Json(load(&state, id).await?))
}

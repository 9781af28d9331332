//! The hospital's side of onboarding: reviewers work through pending submissions.

use axum::{
    extract::{Path, Query, State},
    Json,
};
use doctor_desk_api::{
    onboarding::{
        DecisionRequest, QueueItem, ReviewSubmission, SubmissionKind, SubmissionStatus, Title,
    },
    validate::{mask_phone, FieldError},
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

/// Submissions in one state, oldest first; never the reviewer's own (an account that is
/// doctor and reviewer does not review itself).
#[utoipa::path(get, path = "/review/submissions", tag = "review", params(QueueQuery),
    responses(
        (status = 200, body = Vec<QueueItem>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
        (status = 404, description = "Unknown status", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
async fn queue(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Query(q): Query<QueueQuery>,
) -> AppResult<Json<Vec<QueueItem>>> {
    let status = match q.status.as_deref().unwrap_or("pending") {
        s @ ("pending" | "approved" | "rejected") => s.to_owned(),
        _ => return Err(AppError::Code(ErrorCode::NotFound)),
    };
    let rows: Vec<(i64, String, i64, String, String, String, String)> = crate::db::query_as(
        "SELECT s.id, s.kind, s.submitted_at, s.status, COALESCE(a.display_name, p.real_name), p.hospital, p.title
         FROM verification_submissions s
         JOIN accounts a ON a.id = s.account_id
         JOIN doctor_profiles p ON p.account_id = s.account_id
         WHERE s.status = ? AND s.account_id != ? ORDER BY s.submitted_at, s.id",
    )
    .bind(&status)
    .bind(reviewer.account_id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, kind, at, status, name, hospital, title)| QueueItem {
                id,
                kind: SubmissionKind::parse(&kind).unwrap_or_default(),
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

async fn decided_meanwhile(state: &AppState, id: i64) -> AppResult<bool> {
    let status: Option<String> =
        crate::db::query_scalar("SELECT status FROM verification_submissions WHERE id = ?")
            .bind(id)
            .fetch_optional(&state.db)
            .await?;
    Ok(status.as_deref() != Some("pending"))
}

async fn load(state: &AppState, id: i64, reviewer: &Reviewer) -> AppResult<ReviewSubmission> {
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
        profile: profile::view(state, account_id, &row).await?,
        id_number: row.id_number.clone(),
        phone_masked: mask_phone(&acc.phone),
        own: account_id == reviewer.account_id,
    })
}

/// One submission with the doctor's profile (the approved values; a practice change is in
/// `submission.profile_change`) and every document. `own` marks the reviewer's own
/// submission, which they may see but not decide.
#[utoipa::path(get, path = "/review/submissions/{id}", tag = "review",
    params(("id" = i64, Path, description = "Submission id")),
    responses(
        (status = 200, body = ReviewSubmission),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
async fn submission(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<i64>,
) -> AppResult<Json<ReviewSubmission>> {
    Ok(Json(load(&state, id, &reviewer).await?))
}

/// Decide every undecided document (and, for a `profile_change`, the change); a `full`
/// submission (and the doctor) is approved when all documents are, rejected otherwise.
/// A renewal or a practice change never takes the verification away: approved, the new
/// document or values take over; rejected, the old ones stay. Who decided and when is
/// recorded. Exactly one decision wins: the submission must still be pending when the
/// decision is written (`already_decided` otherwise), and nobody decides their own.
#[utoipa::path(post, path = "/review/submissions/{id}/decision", tag = "review",
    params(("id" = i64, Path, description = "Submission id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = ReviewSubmission),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer, or `own_submission`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`already_decided`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "A decision missing, one too many, or a rejection without a reason", body = ErrorBody),
        (status = 500, body = ErrorBody),
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
    if account_id == reviewer.account_id {
        return Err(AppError::Code(ErrorCode::OwnSubmission));
    }
    if submission.status != SubmissionStatus::Pending {
        return Err(AppError::Code(ErrorCode::AlreadyDecided));
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
        // Read as pending, its documents as decided: another decision came in between.
        if decided_meanwhile(&state, id).await? {
            return Err(AppError::Code(ErrorCode::AlreadyDecided));
        }
        return Err(AppError::Validation(vec![(
            "documents",
            FieldError::ReasonRequired,
        )]));
    }
    let is_change = submission.kind == SubmissionKind::ProfileChange;
    if is_change != req.profile_change.is_some() {
        return Err(AppError::Validation(vec![(
            "profile_change",
            FieldError::ReasonRequired,
        )]));
    }

    let now = state.clock.unix();
    let all_approved = submission
        .documents
        .iter()
        .filter(|d| d.approved.is_some())
        .all(|d| d.approved == Some(true))
        && req.documents.iter().all(|d| d.approve)
        && req.profile_change.as_ref().is_none_or(|c| c.approve);
    let submission_status = if all_approved { "approved" } else { "rejected" };
    let mut tx = state.db.begin().await?;
    // The first statement writes, so it takes SQLite's write lock before reading anything:
    // of concurrent decisions, exactly one finds the submission still pending.
    let claimed = crate::db::query(
        "UPDATE verification_submissions SET status = ?, decided_at = ?, decided_by = ?
          WHERE id = ? AND status = 'pending'",
    )
    .bind(submission_status)
    .bind(now)
    .bind(reviewer.account_id)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Err(AppError::Code(ErrorCode::AlreadyDecided));
    }
    for d in &req.documents {
        let written = crate::db::query(
            "UPDATE submission_documents SET approved = ?, reason = ?, note = ?, decided_at = ?, decided_by = ?
             WHERE submission_id = ? AND document_id = ? AND approved IS NULL",
        )
        .bind(d.approve)
        .bind((!d.approve).then(|| d.reason.map(|r| r.as_str())).flatten())
        .bind(d.note.trim())
        .bind(now)
        .bind(reviewer.account_id)
        .bind(id)
        .bind(d.document_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if written != 1 {
            return Err(AppError::Code(ErrorCode::AlreadyDecided));
        }
        crate::db::query("UPDATE documents SET status = ? WHERE id = ?")
            .bind(if d.approve { "approved" } else { "rejected" })
            .bind(d.document_id)
            .execute(&mut *tx)
            .await?;
        // An approved renewal takes over: the document it replaces retires.
        if d.approve {
            crate::db::query(
                "UPDATE documents SET removed_at = ?
                  WHERE id = (SELECT replaces FROM documents WHERE id = ?) AND removed_at IS NULL",
            )
            .bind(now)
            .bind(d.document_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    if let Some(c) = &req.profile_change {
        let written = crate::db::query(
            "UPDATE profile_changes SET approved = ?, reason = ?, note = ?, decided_at = ?, decided_by = ?
             WHERE submission_id = ? AND approved IS NULL",
        )
        .bind(c.approve)
        .bind((!c.approve).then(|| c.reason.map(|r| r.as_str())).flatten())
        .bind(c.note.trim())
        .bind(now)
        .bind(reviewer.account_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if written != 1 {
            return Err(AppError::Code(ErrorCode::AlreadyDecided));
        }
        if c.approve {
            crate::db::query(
                "UPDATE doctor_profiles SET (hospital, department, title, practice_category,
                     practice_scope, years_of_practice, updated_at) =
                   (SELECT hospital, department, title, practice_category, practice_scope,
                           years_of_practice, ? FROM profile_changes WHERE submission_id = ?)
                 WHERE account_id = ?",
            )
            .bind(now)
            .bind(id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    match submission.kind {
        SubmissionKind::Full => {
            crate::db::query("UPDATE accounts SET verification_status = ? WHERE id = ?")
                .bind(if all_approved { "verified" } else { "rejected" })
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        }
        // The renewed document was the one that expired meanwhile: verified again (the
        // expiry check below takes it back if another one expired too).
        SubmissionKind::Renewal if all_approved => {
            crate::db::query(
                "UPDATE accounts SET verification_status = 'verified'
                  WHERE id = ? AND verification_status = 'needs_reverification'",
            )
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        }
        SubmissionKind::Renewal | SubmissionKind::ProfileChange => {}
    }
    let told = crate::account::notifications::New {
        kind: doctor_desk_api::account::notifications::NotificationKind::VerificationResult,
        subject_id: Some(id),
        detail: submission_status,
        link: "/onboarding".into(),
        once: None,
    };
    crate::account::notifications::add(&mut tx, account_id, told, now).await?;
    tx.commit().await?;
    state.hub.notify(account_id);
    verification::current_status(&state, account_id).await?;
    tracing::info!(
        submission = id,
        kind = submission.kind.as_str(),
        reviewer = reviewer.account_id,
        outcome = submission_status,
        "submission decided"
    );
    Ok(Json(load(&state, id, &reviewer).await?))
}

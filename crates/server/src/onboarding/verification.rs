//! Where the doctor's verification stands (`GET/POST /me/verification`), and the one check
//! that features for verified doctors call (`ensure_verified`).

use crate::db::Conn;
use axum::{extract::State, http::StatusCode, Json};
use doctor_desk_api::{
    auth::VerificationStatus,
    onboarding::{
        Document, DocumentKind, DocumentStatus, OnboardingStep, PracticeFields, ProfileChange,
        Rejection, RejectionReason, Submission, SubmissionKind, SubmissionStatus,
        SubmittedDocument, Title, Verification, EXPIRY_WARNING_DAYS,
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

/// The stored status of account `a` and whether a required document in force has expired
/// before the day bound here (today), as two columns for [`settle`]: the check a send
/// makes joins them onto the consultation it reads (`inbox::load_for_verified_doctor`).
pub(crate) static STATUS_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "a.verification_status,
         EXISTS (SELECT 1 FROM documents WHERE account_id = a.id AND {} AND kind != 'other'
                   AND expires_on IS NOT NULL AND expires_on < ?)",
        documents::IN_FORCE
    )
});

/// The doctor's status, after applying expiry: a verified doctor one of whose required
/// documents has expired needs re-verification (and the change is stored).
pub async fn current_status(state: &AppState, account_id: i64) -> AppResult<VerificationStatus> {
    // Documents in force only: a renewal waiting for review does not count (the document
    // it replaces does, until its own expiry).
    static STATUS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!("SELECT {} FROM accounts a WHERE a.id = ?", *STATUS_COLUMNS)
    });
    let stored: Option<(String, bool)> = crate::db::query_as(&STATUS)
        .bind(today(state).to_string())
        .bind(account_id)
        .fetch_optional(&state.db)
        .await?;
    let (stored, expired) = stored.unwrap_or_default();
    settle(state, account_id, &stored, expired).await
}

/// The status [`STATUS_COLUMNS`] read, with expiry applied (and stored).
pub(crate) async fn settle(
    state: &AppState,
    account_id: i64,
    stored: &str,
    expired: bool,
) -> AppResult<VerificationStatus> {
    let status = parse_verification(stored);
    if status != VerificationStatus::Verified || !expired {
        return Ok(status);
    }
    crate::db::query(
        "UPDATE accounts SET verification_status = 'needs_reverification' WHERE id = ?",
    )
    .bind(account_id)
    .execute(&state.db)
    .await?;
    tracing::info!(
        account_id,
        "a required document expired: verification must be renewed"
    );
    Ok(VerificationStatus::NeedsReverification)
}

/// The current documents that expire within `EXPIRY_WARNING_DAYS` days of `today` or have
/// expired: the home page's warnings (`Verification::expiring`) and `GET /me/today`.
pub fn expiring(docs: &[Document], today: chrono::NaiveDate) -> Vec<Document> {
    docs.iter()
        .filter(|d| {
            d.expires_on
                .is_some_and(|e| (e - today).num_days() <= EXPIRY_WARNING_DAYS)
        })
        .cloned()
        .collect()
}

/// How many of the doctor's current documents [`expiring`] flags today.
pub async fn expiring_count(state: &AppState, account_id: i64) -> AppResult<usize> {
    let docs = documents::current(state, account_id).await?;
    Ok(expiring(&docs, today(state)).len())
}

/// Refuses (403 `verification_required`) unless the hospital has verified the doctor and no
/// required document has expired since. Every feature for verified doctors calls this.
pub async fn ensure_verified(state: &AppState, account_id: i64) -> AppResult<()> {
    require(current_status(state, account_id).await?)
}

/// 403 `verification_required` unless `status` is verified.
pub(crate) fn require(status: VerificationStatus) -> AppResult<()> {
    match status {
        VerificationStatus::Verified => Ok(()),
        _ => Err(AppError::Code(ErrorCode::VerificationRequired)),
    }
}

#[derive(sqlx::FromRow)]
struct SubmissionRow {
    id: i64,
    kind: String,
    status: String,
    submitted_at: i64,
    decided_at: Option<i64>,
}

/// Puts a renewal (the new document `document_id`, already stored as `submitted`) in the
/// reviewers' queue on its own.
pub async fn open_renewal(
    tx: &mut Conn,
    account_id: i64,
    document_id: i64,
    now: i64,
) -> AppResult<i64> {
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO verification_submissions (account_id, kind, submitted_at) VALUES (?, 'renewal', ?)
         RETURNING id",
    )
    .bind(account_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    crate::db::query("INSERT INTO submission_documents (submission_id, document_id) VALUES (?, ?)")
        .bind(id)
        .bind(document_id)
        .execute(&mut *tx)
        .await?;
    Ok(id)
}

/// The columns of [`ProfileChangeRow`] (the decision, stored as 0/1, read as a boolean).
const PROFILE_CHANGE: &str = "SELECT pc.old_hospital, pc.old_department, pc.old_title,
        pc.old_practice_category, pc.old_practice_scope, pc.old_years_of_practice, pc.hospital,
        pc.department, pc.title, pc.practice_category, pc.practice_scope, pc.years_of_practice,
        pc.approved <> 0 AS approved, pc.reason, pc.note
   FROM profile_changes pc";

#[derive(sqlx::FromRow)]
pub struct ProfileChangeRow {
    pub old_hospital: String,
    pub old_department: String,
    pub old_title: String,
    pub old_practice_category: String,
    pub old_practice_scope: String,
    pub old_years_of_practice: i64,
    pub hospital: String,
    pub department: String,
    pub title: String,
    pub practice_category: String,
    pub practice_scope: String,
    pub years_of_practice: i64,
    pub approved: Option<bool>,
    pub reason: Option<String>,
    pub note: String,
}

fn practice(
    hospital: &str,
    department: &str,
    title: &str,
    category: &str,
    scope: &str,
    years: i64,
) -> PracticeFields {
    PracticeFields {
        hospital: hospital.to_owned(),
        department: department.to_owned(),
        title: Title::parse(title).unwrap_or(Title::ResidentPhysician),
        practice_category: category.to_owned(),
        practice_scope: scope.to_owned(),
        years_of_practice: years.max(0) as u32,
    }
}

impl ProfileChangeRow {
    pub fn after(&self) -> PracticeFields {
        practice(
            &self.hospital,
            &self.department,
            &self.title,
            &self.practice_category,
            &self.practice_scope,
            self.years_of_practice,
        )
    }

    pub fn to_change(&self) -> ProfileChange {
        ProfileChange {
            before: practice(
                &self.old_hospital,
                &self.old_department,
                &self.old_title,
                &self.old_practice_category,
                &self.old_practice_scope,
                self.old_years_of_practice,
            ),
            after: self.after(),
            approved: self.approved,
            rejection: rejection(self.approved, self.reason.as_deref(), &self.note),
        }
    }
}

fn rejection(approved: Option<bool>, reason: Option<&str>, note: &str) -> Option<Rejection> {
    (approved == Some(false))
        .then(|| {
            reason
                .and_then(RejectionReason::parse)
                .map(|reason| Rejection {
                    reason,
                    note: note.to_owned(),
                })
        })
        .flatten()
}

/// The practice fields a verified doctor asked for and no reviewer has decided yet.
pub async fn pending_profile_change(
    state: &AppState,
    account_id: i64,
) -> AppResult<Option<ProfileChangeRow>> {
    Ok(crate::db::query_as(&format!(
        "{PROFILE_CHANGE} JOIN verification_submissions s ON s.id = pc.submission_id
              WHERE pc.account_id = ? AND s.status = 'pending'"
    ))
    .bind(account_id)
    .fetch_optional(&state.db)
    .await?)
}

#[derive(sqlx::FromRow)]
struct SubmittedRow {
    document_id: i64,
    approved: Option<bool>,
    reason: Option<String>,
    note: String,
}

pub async fn load_submission(state: &AppState, id: i64) -> AppResult<Option<(i64, Submission)>> {
    let row: Option<(i64, i64, String, String, i64, Option<i64>)> = crate::db::query_as(
        "SELECT account_id, id, kind, status, submitted_at, decided_at FROM verification_submissions WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&state.db)
    .await?;
    let Some((account_id, id, kind, status, submitted_at, decided_at)) = row else {
        return Ok(None);
    };
    let submission = to_submission(
        state,
        SubmissionRow {
            id,
            kind,
            status,
            submitted_at,
            decided_at,
        },
    )
    .await?;
    Ok(Some((account_id, submission)))
}

async fn to_submission(state: &AppState, row: SubmissionRow) -> AppResult<Submission> {
    let parts: Vec<SubmittedRow> = crate::db::query_as(
        "SELECT document_id, approved <> 0 AS approved, reason, note FROM submission_documents WHERE submission_id = ? ORDER BY document_id",
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
            rejection: rejection(part.approved, part.reason.as_deref(), &part.note),
        })
        .collect();
    documents.sort_by_key(|d| d.document.kind);
    let kind = SubmissionKind::parse(&row.kind).unwrap_or_default();
    let profile_change = if kind == SubmissionKind::ProfileChange {
        let change: Option<ProfileChangeRow> =
            crate::db::query_as(&format!("{PROFILE_CHANGE} WHERE pc.submission_id = ?"))
                .bind(row.id)
                .fetch_optional(&state.db)
                .await?;
        change.map(|c| c.to_change())
    } else {
        None
    };
    Ok(Submission {
        id: row.id,
        kind,
        status: match row.status.as_str() {
            "approved" => SubmissionStatus::Approved,
            "rejected" => SubmissionStatus::Rejected,
            _ => SubmissionStatus::Pending,
        },
        submitted_at: from_unix(row.submitted_at),
        decided_at: row.decided_at.map(from_unix),
        documents,
        profile_change,
    })
}

/// Status, the step to resume at, missing and expiring documents, renewals under review,
/// and every submission.
#[utoipa::path(get, path = "/me/verification", tag = "onboarding",
    responses(
        (status = 200, body = Verification),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`agreement_required`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
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
    let expiring = expiring(&docs, today);
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
    let rows: Vec<SubmissionRow> = crate::db::query_as(
        "SELECT id, kind, status, submitted_at, decided_at FROM verification_submissions
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
        renewals: documents::renewals(state, account_id).await?,
        submissions,
    })
}

/// Submit the profile and current documents for review. Documents approved earlier stay
/// approved and the reviewer decides the rest; when nothing else is left (the doctor only
/// removed a rejected optional document), the reviewer looks at the whole file again, so
/// a submission always has something to decide.
#[utoipa::path(post, path = "/me/verification", tag = "onboarding",
    responses(
        (status = 201, description = "Submitted", body = Verification),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`agreement_required`", body = ErrorBody),
        (status = 409, description = "`incomplete` (or still rejected documents), `under_review`, or `nothing_to_review` (verified: renewals and profile changes go to the reviewers on their own)", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    me: Doctor,
) -> AppResult<(StatusCode, Json<Verification>)> {
    let status = current_status(&state, me.account_id).await?;
    match status {
        VerificationStatus::Pending => return Err(AppError::Code(ErrorCode::UnderReview)),
        VerificationStatus::Verified => return Err(AppError::Code(ErrorCode::NothingToReview)),
        _ => {}
    }
    let today = today(&state);
    let now = state.clock.unix();
    // The write lock before reading what is submitted: an upload or deletion committing
    // in between would leave the submission pointing at a document no longer there. The
    // status is checked once more under the lock and set in the same statement: of
    // submissions sent at once, one goes to the reviewers and the rest find it pending.
    let mut tx = state.begin_write().await?;
    tx.lock_key(&documents::verification_key(me.account_id))
        .await?;
    let docs = documents::current_in(&mut *tx, me.account_id).await?;
    let has_profile: Option<i64> =
        crate::db::query_scalar("SELECT 1 FROM doctor_profiles WHERE account_id = ?")
            .bind(me.account_id)
            .fetch_optional(&mut *tx)
            .await?;
    let complete = has_profile.is_some()
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
    let claimed = crate::db::query(
        "UPDATE accounts SET verification_status = 'pending'
          WHERE id = ? AND verification_status IS DISTINCT FROM 'pending'",
    )
    .bind(me.account_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Err(AppError::Code(ErrorCode::UnderReview));
    }
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO verification_submissions (account_id, submitted_at) VALUES (?, ?) RETURNING id",
    )
    .bind(me.account_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    // Documents approved earlier stay approved; the reviewer decides the rest. With nothing
    // else to decide, every document is looked at again (never a verification without a
    // reviewer: the profile may have changed since).
    let review_all = docs.iter().all(|d| d.status == DocumentStatus::Approved);
    for doc in &docs {
        let approved = (doc.status == DocumentStatus::Approved && !review_all).then_some(true);
        crate::db::query(
            "INSERT INTO submission_documents (submission_id, document_id, approved, decided_at) VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(doc.id)
        .bind(approved)
        .bind(approved.map(|_| now))
        .execute(&mut *tx)
        .await?;
    }
    for doc in docs
        .iter()
        .filter(|d| review_all || d.status != DocumentStatus::Approved)
    {
        crate::db::query("UPDATE documents SET status = 'submitted' WHERE id = ?")
            .bind(doc.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state, me.account_id).await?),
    ))
}

//! Reviewers deciding appeals (`/review/appeals`): each beside the account it would move,
//! as the hospital verified it. Approval moves the account to the new number and ends
//! every session; either way the result goes to the new number by SMS, and the account
//! is told in its notifications and trail.

use axum::{
    extract::{Path, Query, State},
    Json,
};
use doctor_desk_api::{
    account::{
        appeal::{AppealAccount, AppealDecision, AppealDetail, AppealItem, AppealStatus},
        notifications::NotificationKind,
    },
    onboarding::DocumentStatus,
    validate::mask_phone,
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use super::{appeal::notice, notifications};
use crate::db::Statements;
use crate::{
    auth::{account, lockout, session},
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, Client, Reviewer},
    onboarding::{documents, profile},
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `pending` (default), `approved` or `rejected`.
    status: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    real_name: String,
    id_number: String,
    old_phone: String,
    new_phone: String,
    reason: String,
    photo_file_id: Option<String>,
    account_id: Option<i64>,
    submitted_at: i64,
    status: String,
    decided_at: Option<i64>,
    rejection_note: Option<String>,
}

impl Row {
    fn item(&self) -> AppealItem {
        AppealItem {
            id: self.id,
            real_name: self.real_name.clone(),
            old_phone_masked: mask_phone(&self.old_phone),
            new_phone_masked: mask_phone(&self.new_phone),
            submitted_at: from_unix(self.submitted_at),
            status: AppealStatus::parse(&self.status).unwrap_or(AppealStatus::Pending),
            matched: self.account_id.is_some(),
        }
    }
}

const COLUMNS: &str = "id, real_name, id_number, old_phone, new_phone, reason, photo_file_id,
                       account_id, submitted_at, status, decided_at, rejection_note";

/// Appeals in one state: pending oldest first (first come, first served), decided newest
/// first.
#[utoipa::path(get, path = "/review/appeals", tag = "review", params(ListQuery),
    responses(
        (status = 200, body = Vec<AppealItem>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
        (status = 404, description = "Unknown status", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _reviewer: Reviewer,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<Vec<AppealItem>>> {
    let status = match q.status.as_deref() {
        None | Some("") => AppealStatus::Pending,
        Some(s) => AppealStatus::parse(s).ok_or(AppError::Code(ErrorCode::NotFound))?,
    };
    let order = match status {
        AppealStatus::Pending => "submitted_at, id",
        _ => "decided_at DESC, id DESC",
    };
    let rows: Vec<Row> = crate::db::query_as(&format!(
        "SELECT {COLUMNS} FROM appeals WHERE status = ? ORDER BY {order} LIMIT 200"
    ))
    .bind(status.as_str())
    .fetch_all(&state.db)
    .await?;
    Ok(Json(rows.iter().map(Row::item).collect()))
}

async fn load(state: &AppState, id: i64, reviewer: &Reviewer) -> AppResult<AppealDetail> {
    let row: Row = crate::db::query_as(&format!("SELECT {COLUMNS} FROM appeals WHERE id = ?"))
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let account = match row.account_id {
        Some(account_id) => appeal_account(state, account_id, &row.old_phone).await?,
        None => None,
    };
    Ok(AppealDetail {
        item: row.item(),
        id_number: row.id_number.clone(),
        reason: row.reason.clone(),
        photo_file_id: row.photo_file_id.clone().unwrap_or_default(),
        account,
        decided_at: row.decided_at.map(from_unix),
        rejection_note: row.rejection_note.clone(),
        own: row.account_id == Some(reviewer.account_id),
    })
}

/// The account as verified: `None` once it is deleted.
async fn appeal_account(
    state: &AppState,
    account_id: i64,
    old_phone: &str,
) -> AppResult<Option<AppealAccount>> {
    let Some(acc) = account::by_id(state, account_id).await? else {
        return Ok(None);
    };
    let deleted: bool =
        crate::db::query_scalar("SELECT deleted_at IS NOT NULL FROM accounts WHERE id = ?")
            .bind(account_id)
            .fetch_one(&state.db)
            .await?;
    let Some(row) = profile::load(state, account_id).await?.filter(|_| !deleted) else {
        return Ok(None);
    };
    let documents = documents::current(state, account_id)
        .await?
        .into_iter()
        .filter(|d| d.status == DocumentStatus::Approved)
        .collect();
    Ok(Some(AppealAccount {
        profile: profile::view(state, account_id, &row).await?,
        documents,
        phone_masked: mask_phone(&acc.phone),
        old_phone_matches: acc.phone == old_phone,
        signed_up_at: from_unix(acc.created_at),
    }))
}

/// One appeal with the account it would move (its verified profile and documents).
/// `own` marks the reviewer's own account: they may see it but not decide it.
#[utoipa::path(get, path = "/review/appeals/{id}", tag = "review",
    params(("id" = i64, Path, description = "Appeal id")),
    responses(
        (status = 200, body = AppealDetail),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn detail(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<i64>,
) -> AppResult<Json<AppealDetail>> {
    Ok(Json(load(&state, id, &reviewer).await?))
}

/// Approve (the account moves to the new number, every session and stream of it ends) or
/// reject with a note. Exactly one decision wins; nobody decides an appeal for their own
/// account; an appeal that matches no account can only be rejected.
#[utoipa::path(post, path = "/review/appeals/{id}/decision", tag = "review",
    params(("id" = i64, Path, description = "Appeal id")),
    request_body = AppealDecision,
    responses(
        (status = 200, body = AppealDetail),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer, or the reviewer's own account (`own_submission`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`already_decided`; approving one that matches no account (`appeal_unmatched`); the new number has an account by now (`phone_taken`)", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "A rejection without a note", body = ErrorBody),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<i64>,
    AppJson(mut req): AppJson<AppealDecision>,
) -> AppResult<Json<AppealDetail>> {
    req.note = req.note.trim().to_owned();
    AppError::check(req.validate())?;
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    // Two reviewers at once: the second sees the first's decision.
    crate::db::OnStore(&mut tx).lock("appeals", id).await?;
    let (account_id, new_phone, status): (Option<i64>, String, String) =
        crate::db::query_as("SELECT account_id, new_phone, status FROM appeals WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::Code(ErrorCode::NotFound))?;
    if account_id == Some(reviewer.account_id) {
        return Err(AppError::Code(ErrorCode::OwnSubmission));
    }
    if status != "pending" {
        return Err(AppError::Code(ErrorCode::AlreadyDecided));
    }
    let live = match account_id {
        Some(account_id) => {
            crate::db::query_scalar::<i64>(
                "SELECT id FROM accounts WHERE id = ? AND deleted_at IS NULL",
            )
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?
        }
        None => None,
    };
    if req.approve {
        let account_id = live.ok_or(AppError::Code(ErrorCode::AppealUnmatched))?;
        // The unique index decides if the number was registered since it was proven.
        let moved = crate::db::query(
            "UPDATE accounts SET phone = ?1 WHERE id = ?2
            AND NOT EXISTS (SELECT 1 FROM accounts WHERE phone = ?1)",
        )
        .bind(&new_phone)
        .bind(account_id)
        .execute(&mut *tx)
        .await
        .map(|done| done.rows_affected())
        .or_else(crate::error::unless_unique_violation)?;
        if moved == 0 {
            return Err(AppError::Code(ErrorCode::PhoneTaken));
        }
    }
    let outcome = if req.approve { "approved" } else { "rejected" };
    crate::db::query(
        "UPDATE appeals SET status = ?, decided_by = ?, decided_at = ?, rejection_note = ?
          WHERE id = ?",
    )
    .bind(outcome)
    .bind(reviewer.account_id)
    .bind(now)
    .bind((!req.approve).then_some(&req.note))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if let Some(account_id) = live {
        let new = notifications::New {
            kind: NotificationKind::AppealResult,
            subject_id: Some(id),
            detail: outcome,
            link: "/me/security".to_owned(),
            once: None,
        };
        notifications::add(&mut tx, account_id, new, now).await?;
    }
    tx.commit().await?;

    if let Some(account_id) = live {
        if req.approve {
            // Whoever held the old number is out, on every device and stream.
            session::end_all_others(&state, account_id, None).await?;
            lockout::clear(&state, &new_phone).await?;
        }
        state.hub.notify(account_id);
        // The doctor's trail says what happened to the account, not who at the hospital
        // decided or from where.
        let hospital = Client {
            ip: String::new(),
            user_agent: String::new(),
        };
        let action = format!("appeal_{outcome}");
        let masked = mask_phone(&new_phone);
        super::activity::record(&state, account_id, &action, &masked, &hospital).await;
    }
    let text = if req.approve {
        "【医生工作台】您的账号申诉已通过，账号已改绑至本号码。请用本号码以短信验证码登录，并在“账号与安全”中设置新密码。".to_owned()
    } else {
        format!(
            "【医生工作台】您的账号申诉未通过：{}。您可补充材料后重新申诉。",
            req.note
        )
    };
    notice(&state, &new_phone, &text).await;
    Ok(Json(load(&state, id, &reviewer).await?))
}

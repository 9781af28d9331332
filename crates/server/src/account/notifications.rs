//! Notifications (`/me/notifications`): written where the fact happens, in its
//! transaction (`add`), and by the daily job (`daily`: licences about to expire, visits
//! due today, and removing what is older than 90 days). Each also goes down the doctor's
//! event stream, so the badge moves at once.

use crate::db::Conn;
use axum::{
    extract::{Query, State},
    Json,
};
use doctor_desk_api::{
    account::notifications::{
        words, MarkRead, Notification, NotificationKind, NotificationPage, Unread, KEPT_DAYS,
    },
    inbox::{ConsultationStatus, EventKind},
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AcceptLang, AppJson, SignedIn},
    state::AppState,
};

pub fn kind_name(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::NewConsultation => "new_consultation",
        NotificationKind::VerificationResult => "verification_result",
        NotificationKind::PostResult => "post_result",
        NotificationKind::DocumentExpiring => "document_expiring",
        NotificationKind::FollowUpsDue => "follow_ups_due",
        NotificationKind::AgreementUpdate => "agreement_update",
        NotificationKind::AppealResult => "appeal_result",
        NotificationKind::DeadlineClose => "deadline_close",
    }
}

fn parse_kind(name: &str) -> NotificationKind {
    match name {
        "new_consultation" => NotificationKind::NewConsultation,
        "verification_result" => NotificationKind::VerificationResult,
        "post_result" => NotificationKind::PostResult,
        "document_expiring" => NotificationKind::DocumentExpiring,
        "follow_ups_due" => NotificationKind::FollowUpsDue,
        "appeal_result" => NotificationKind::AppealResult,
        "deadline_close" => NotificationKind::DeadlineClose,
        _ => NotificationKind::AgreementUpdate,
    }
}

/// One notification to write.
pub struct New<'a> {
    pub kind: NotificationKind,
    pub subject_id: Option<i64>,
    pub detail: &'a str,
    pub link: String,
    /// One notification per fact: a second `add` with the same key writes nothing.
    pub once: Option<String>,
}

/// Writes a notification for `account_id` in the caller's transaction, with the event
/// that carries it live; whether it was new. Call `state.hub.notify(account_id)` after
/// the commit.
pub async fn add(tx: &mut Conn, account_id: i64, new: New<'_>, at: i64) -> AppResult<bool> {
    let id: Option<i64> = crate::db::query_scalar(
        "INSERT INTO notifications
           (account_id, kind, subject_id, detail, link, once, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(account_id)
    .bind(kind_name(new.kind))
    .bind(new.subject_id)
    .bind(new.detail)
    .bind(&new.link)
    .bind(&new.once)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    if id.is_none() {
        return Ok(false);
    }
    // The stream's events name a consultation; 0 names none.
    crate::inbox::events::record(
        tx,
        account_id,
        0,
        EventKind::Notification,
        ConsultationStatus::New,
        None,
        at,
    )
    .await?;
    Ok(true)
}

/// id, kind, subject_id, detail, link, created_at, read_at.
type Row = (i64, String, Option<i64>, String, String, i64, Option<i64>);

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Rows per page, at most 100 (default 30).
    limit: Option<u32>,
}

/// My notifications, newest first, with how many are unread.
#[utoipa::path(get, path = "/me/notifications", tag = "account", params(ListQuery),
    responses(
        (status = 200, body = NotificationPage),
        (status = 400, description = "A query parameter of the wrong type", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "A bad `cursor`", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    AcceptLang(lang): AcceptLang,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<NotificationPage>> {
    let before = match q.cursor.as_deref() {
        Some(c) => c
            .parse::<i64>()
            .map_err(|_| AppError::Code(ErrorCode::NotFound))?,
        None => i64::MAX,
    };
    let limit = i64::from(q.limit.unwrap_or(30).clamp(1, 100));
    let rows: Vec<Row> = crate::db::query_as(
        "SELECT id, kind, subject_id, detail, link, created_at, read_at FROM notifications
              WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
    )
    .bind(signed_in.account_id)
    .bind(before)
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<Notification> = rows
        .into_iter()
        .take(limit as usize)
        .map(
            |(id, kind, subject_id, detail, link, created_at, read_at)| {
                let kind = parse_kind(&kind);
                Notification {
                    id,
                    kind,
                    subject_id,
                    text: words(kind, &detail, lang),
                    detail,
                    link,
                    created_at: from_unix(created_at),
                    read: read_at.is_some(),
                }
            },
        )
        .collect();
    let next_cursor = more
        .then(|| items.last().map(|n| n.id.to_string()))
        .flatten();
    Ok(Json(NotificationPage {
        unread: unread(&state, signed_in.account_id).await?,
        items,
        next_cursor,
    }))
}

/// How many of the account's notifications are unread (the badge).
pub async fn unread(state: &AppState, account_id: i64) -> AppResult<u32> {
    let n: i64 = crate::db::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at IS NULL",
    )
    .bind(account_id)
    .fetch_one(&state.db)
    .await?;
    Ok(n as u32)
}

/// Mark notifications read: the ones named, or all. An id that is not mine is 404 and
/// marks nothing.
#[utoipa::path(post, path = "/me/notifications/read", tag = "account",
    request_body = MarkRead,
    responses(
        (status = 200, description = "Marked; what is left unread", body = Unread),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "An id that is not one of mine", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Neither `ids` nor `all`, or more than 100 ids", body = ErrorBody),
    ))]
pub async fn mark_read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    AppJson(req): AppJson<MarkRead>,
) -> AppResult<Json<Unread>> {
    let me = signed_in.account_id;
    let now = state.clock.unix();
    if req.all {
        crate::db::query(
            "UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL",
        )
        .bind(now)
        .bind(me)
        .execute(&state.db)
        .await?;
    } else {
        let mut ids = req.ids.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() || ids.len() > 100 {
            return Err(AppError::Validation(vec![(
                "ids",
                doctor_desk_api::validate::FieldError::Required,
            )]));
        }
        let list = serde_json::to_string(&ids).expect("ids serialize");
        let mut tx = state.db.begin().await?;
        let mine: i64 = crate::db::query_scalar(
            "SELECT COUNT(*) FROM notifications
              WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))",
        )
        .bind(me)
        .bind(&list)
        .fetch_one(&mut *tx)
        .await?;
        if mine as usize != ids.len() {
            return Err(AppError::Code(ErrorCode::NotFound));
        }
        crate::db::query(
            "UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL
                AND id IN (SELECT value FROM json_each(?))",
        )
        .bind(now)
        .bind(me)
        .bind(&list)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(Json(Unread {
        unread: unread(&state, me).await?,
    }))
}

/// The daily part: licences expiring in 30, 7 or 1 days (each step once), visits due
/// today (once a day a doctor), and what is older than 90 days goes. Returns how many
/// were written.
pub async fn daily(state: &AppState) -> AppResult<u64> {
    let now = state.clock.unix();
    let today = crate::onboarding::today(state);
    let mut written = 0;
    let mut woken = Vec::new();
    let mut tx = state.begin_write().await?;
    let expiring: Vec<(i64, i64, String)> = crate::db::query_as(
        "SELECT d.id, d.account_id, d.expires_on FROM documents d
           JOIN accounts a ON a.id = d.account_id AND a.deleted_at IS NULL
          WHERE d.removed_at IS NULL AND d.status = 'approved' AND d.expires_on IS NOT NULL
            AND d.expires_on >= ? AND d.expires_on <= ?",
    )
    .bind(today.to_string())
    .bind((today + chrono::Duration::days(30)).to_string())
    .fetch_all(&mut *tx)
    .await?;
    for (document, account, expires_on) in expiring {
        let Ok(day) = expires_on.parse::<chrono::NaiveDate>() else {
            continue;
        };
        let left = (day - today).num_days();
        let step = [1, 7, 30].into_iter().find(|s| left <= *s).unwrap_or(30);
        let new = New {
            kind: NotificationKind::DocumentExpiring,
            subject_id: Some(document),
            detail: &left.to_string(),
            link: "/onboarding".into(),
            once: Some(format!("document:{document}:{step}")),
        };
        if add(&mut tx, account, new, now).await? {
            written += 1;
            woken.push(account);
        }
    }
    let due: Vec<(i64, i64)> = crate::db::query_as(
        "SELECT doctor_id, COUNT(*) FROM follow_ups
          WHERE due_on = ? AND state IN ('planned', 'reminded') GROUP BY doctor_id",
    )
    .bind(today.to_string())
    .fetch_all(&mut *tx)
    .await?;
    for (doctor, count) in due {
        let new = New {
            kind: NotificationKind::FollowUpsDue,
            subject_id: None,
            detail: &count.to_string(),
            link: "/follow-ups".into(),
            once: Some(format!("follow-ups:{today}")),
        };
        if add(&mut tx, doctor, new, now).await? {
            written += 1;
            woken.push(doctor);
        }
    }
    crate::db::query("DELETE FROM notifications WHERE created_at < ?")
        .bind(now - KEPT_DAYS * 86_400)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    for account in woken {
        state.hub.notify(account);
    }
    Ok(written)
}

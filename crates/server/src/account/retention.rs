//! The retention job: carries out the deletions whose cooling-off has ended, removes the
//! chat logs of deleted accounts once they have been kept 3 years, and the photos of
//! appeals (a person holding an ID card) 180 days after the decision.
//!
//! A deleted account keeps its row, with no phone, password, name or photo, so the
//! records that must outlive it still point somewhere: consultations and their advice,
//! patient notes and follow-ups (medical records, kept ≥ 15 years), agreement acceptances,
//! consent records and the audit logs. Everything else that is the doctor's own goes: the
//! profile with the ID number, the licences and their files, verification history, posts,
//! quick replies, notifications, sessions, SMS codes. The phone number is free for a new sign-up at once.
//!
//! A dry run does exactly the same work in a transaction it then rolls back, so what it
//! reports is what the real run would remove.

use std::fmt;

use crate::{clock::from_unix, error::AppResult, files::DeletedFile, state::AppState};

/// How long chat logs (messages and images) are kept after a consultation closed: 3 years
/// and a leap day.
pub const CHAT_LOG_DAYS: i64 = 3 * 365 + 1;

/// How long the photo of a decided appeal is kept (for questions about the decision); the
/// appeal itself stays as the record of the account's move.
pub const APPEAL_PHOTO_DAYS: i64 = 180;

/// What one run removed, or would remove.
#[derive(Debug, Default)]
pub struct Report {
    pub dry_run: bool,
    pub accounts: Vec<AccountPurged>,
    /// Consultations whose chat logs were removed, with the rows removed for them.
    pub chat_logs: Vec<(&'static str, u64)>,
    /// Photos of appeals decided more than `APPEAL_PHOTO_DAYS` ago.
    pub appeal_photos: u64,
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
            && self.chat_logs.iter().all(|(_, n)| *n == 0)
            && self.appeal_photos == 0
    }
}

#[derive(Debug)]
pub struct AccountPurged {
    pub account_id: i64,
    pub requested_at: i64,
    pub effective_at: i64,
    /// What was removed or emptied, by kind, and what was kept.
    pub removed: Vec<(&'static str, u64)>,
    pub kept: Vec<(&'static str, u64)>,
}

/// Carries out every deletion that is due; cheap when none is (an indexed look-up), so the
/// 30-second sweep runs it and a deletion takes effect on time.
pub async fn carry_out_due(state: &AppState, dry_run: bool) -> AppResult<Vec<AccountPurged>> {
    let due: Vec<(i64, i64, i64, i64)> = crate::db::query_as(&format!(
        "SELECT id, account_id, requested_at, effective_at FROM account_deletions
          WHERE {} AND effective_at <= ? ORDER BY effective_at",
        super::deletion::OPEN
    ))
    .bind(state.clock.unix())
    .fetch_all(&state.db)
    .await?;
    let mut done = Vec::new();
    for (deletion_id, account_id, requested_at, effective_at) in due {
        if let Some(mut purged) = purge_account(state, deletion_id, account_id, dry_run).await? {
            purged.requested_at = requested_at;
            purged.effective_at = effective_at;
            done.push(purged);
        }
    }
    Ok(done)
}

/// The whole job: due deletions, then chat logs past their retention.
pub async fn run(state: &AppState, dry_run: bool) -> AppResult<Report> {
    Ok(Report {
        dry_run,
        accounts: carry_out_due(state, dry_run).await?,
        chat_logs: purge_chat_logs(state, dry_run).await?,
        appeal_photos: purge_appeal_photos(state, dry_run).await?,
    })
}

async fn purge_appeal_photos(state: &AppState, dry_run: bool) -> AppResult<u64> {
    let before = state.clock.unix() - APPEAL_PHOTO_DAYS * 86_400;
    let mut tx = state.begin_write().await?;
    let decided = "status != 'pending' AND decided_at <= ? AND photo_file_id IS NOT NULL";
    let ids: Vec<String> = crate::db::query_scalar(&format!(
        "SELECT photo_file_id FROM appeals WHERE {decided}"
    ))
    .bind(before)
    .fetch_all(&mut *tx)
    .await?;
    crate::db::query(&format!(
        "UPDATE appeals SET photo_file_id = NULL WHERE {decided}"
    ))
    .bind(before)
    .execute(&mut *tx)
    .await?;
    for id in &ids {
        crate::db::query("DELETE FROM appeal_files WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    if dry_run {
        tx.rollback().await?;
        return Ok(ids.len() as u64);
    }
    tx.commit().await?;
    for id in &ids {
        DeletedFile::stored(state, id).unlink().await;
    }
    Ok(ids.len() as u64)
}

/// Statements that empty one account, each named for the report. `?1` is the account,
/// `?2` the time now.
const REMOVE: &[(&str, &str)] = &[
    ("sessions", "DELETE FROM sessions WHERE account_id = ?1"),
    (
        "profile",
        "DELETE FROM doctor_profiles WHERE account_id = ?1",
    ),
    (
        "verification history",
        "DELETE FROM submission_documents WHERE submission_id IN
           (SELECT id FROM verification_submissions WHERE account_id = ?1)",
    ),
    (
        "verification history",
        "DELETE FROM verification_submissions WHERE account_id = ?1",
    ),
    (
        "",
        "UPDATE documents SET replaces = NULL WHERE account_id = ?1 AND replaces IS NOT NULL",
    ),
    ("licences", "DELETE FROM documents WHERE account_id = ?1"),
    (
        "post images",
        "DELETE FROM post_images WHERE post_id IN (SELECT id FROM posts WHERE doctor_id = ?1)",
    ),
    (
        "",
        "UPDATE posts SET published_revision_id = NULL WHERE doctor_id = ?1",
    ),
    (
        "post revisions",
        "DELETE FROM post_revisions WHERE post_id IN (SELECT id FROM posts WHERE doctor_id = ?1)",
    ),
    // The row stays so that an old link answers 410 Gone rather than 404.
    (
        "posts",
        "UPDATE posts SET title = '', body = '', cover = NULL, kept_warnings = '[]',
                rejection_note = '', deleted_at = COALESCE(deleted_at, ?2)
          WHERE doctor_id = ?1",
    ),
    (
        "quick replies",
        "DELETE FROM quick_replies WHERE doctor_id = ?1",
    ),
    (
        "notifications",
        "DELETE FROM notifications WHERE account_id = ?1",
    ),
    (
        "service settings",
        "UPDATE consultation_settings SET enabled = 0, greeting = '' WHERE doctor_id = ?1",
    ),
    ("roles", "DELETE FROM account_roles WHERE account_id = ?1"),
    (
        "sms codes",
        "DELETE FROM sms_codes WHERE phone = (SELECT phone FROM accounts WHERE id = ?1)",
    ),
    (
        "sign-in failures",
        "DELETE FROM rate_hits WHERE key IN (SELECT phone FROM accounts WHERE id = ?1)
            OR key LIKE (SELECT phone FROM accounts WHERE id = ?1) || ' %'",
    ),
    (
        "account",
        "UPDATE accounts SET phone = 'deleted:' || id, password_hash = '!', display_name = NULL,
                avatar_file_id = NULL, deleted_at = ?2
          WHERE id = ?1",
    ),
];

/// What stays, counted for the report.
const KEPT: &[(&str, &str)] = &[
    (
        "consultations",
        "SELECT COUNT(*) FROM consultations WHERE doctor_id = ?1",
    ),
    (
        "messages",
        "SELECT COUNT(*) FROM messages WHERE consultation_id IN
           (SELECT id FROM consultations WHERE doctor_id = ?1)",
    ),
    (
        "patient notes",
        "SELECT COUNT(*) FROM patient_notes WHERE doctor_id = ?1",
    ),
    (
        "follow-up visits",
        "SELECT COUNT(*) FROM follow_ups WHERE doctor_id = ?1",
    ),
    (
        "agreement acceptances",
        "SELECT COUNT(*) FROM agreement_acceptances WHERE account_id = ?1",
    ),
    (
        "consent records",
        "SELECT COUNT(*) FROM health_consents WHERE account_id = ?1",
    ),
];

async fn purge_account(
    state: &AppState,
    deletion_id: i64,
    account_id: i64,
    dry_run: bool,
) -> AppResult<Option<AccountPurged>> {
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    // Cancelled since the look-up: nothing to do.
    let claimed = crate::db::query(&format!(
        "UPDATE account_deletions SET completed_at = ?1
          WHERE id = ?2 AND {} AND effective_at <= ?1",
        super::deletion::OPEN
    ))
    .bind(now)
    .bind(deletion_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Ok(None);
    }
    let sessions: Vec<Vec<u8>> =
        crate::db::query_scalar("SELECT token_hash FROM sessions WHERE account_id = ?")
            .bind(account_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut removed: Vec<(&'static str, u64)> = Vec::new();
    for (what, sql) in REMOVE {
        let n = crate::db::query(sql)
            .bind(account_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if what.is_empty() || n == 0 {
            continue;
        }
        match removed.iter_mut().find(|(w, _)| w == what) {
            Some((_, total)) => *total += n,
            None => removed.push((what, n)),
        }
    }
    // The doctor's uploads, but not the images they sent in chats (chat logs are kept).
    let file_ids: Vec<String> = crate::db::query_scalar(
        "DELETE FROM files WHERE owner_id = ?
            AND id NOT IN (SELECT image_file_id FROM messages WHERE image_file_id IS NOT NULL)
         RETURNING id",
    )
    .bind(account_id)
    .fetch_all(&mut *tx)
    .await?;
    if !file_ids.is_empty() {
        removed.push(("files", file_ids.len() as u64));
    }
    let mut kept = Vec::new();
    for (what, sql) in KEPT {
        let n: i64 = crate::db::query_scalar(sql)
            .bind(account_id)
            .fetch_one(&mut *tx)
            .await?;
        kept.push((*what, n as u64));
    }
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
        for hash in &sessions {
            state.hub.session_ended(hash);
        }
        for id in file_ids {
            DeletedFile::stored(state, &id).unlink().await;
        }
        tracing::info!(account_id, "account deletion carried out");
    }
    Ok(Some(AccountPurged {
        account_id,
        requested_at: 0,
        effective_at: 0,
        removed,
        kept,
    }))
}

/// Removes the messages and attached records of deleted accounts' consultations closed
/// more than `CHAT_LOG_DAYS` ago. The files go with the next purge of unreferenced uploads.
async fn purge_chat_logs(state: &AppState, dry_run: bool) -> AppResult<Vec<(&'static str, u64)>> {
    let before = state.clock.unix() - CHAT_LOG_DAYS * 86_400;
    let expired = "SELECT c.id FROM consultations c JOIN accounts a ON a.id = c.doctor_id
                    WHERE a.deleted_at IS NOT NULL AND c.closed_at IS NOT NULL
                      AND c.closed_at <= ?1";
    let mut tx = state.begin_write().await?;
    let consultations: i64 = crate::db::query_scalar(&format!(
        "SELECT COUNT(*) FROM ({expired}) e
          WHERE EXISTS (SELECT 1 FROM messages m WHERE m.consultation_id = e.id)
             OR EXISTS (SELECT 1 FROM consultation_files f WHERE f.consultation_id = e.id)"
    ))
    .bind(before)
    .fetch_one(&mut *tx)
    .await?;
    let mut removed = vec![("consultations", consultations as u64)];
    for (what, table) in [
        ("messages", "messages"),
        ("attached records", "consultation_files"),
    ] {
        let n = crate::db::query(&format!(
            "DELETE FROM {table} WHERE consultation_id IN ({expired})"
        ))
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        removed.push((what, n));
    }
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(removed)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |items: &[(&str, u64)]| {
            items
                .iter()
                .map(|(what, n)| format!("{n} {what}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if self.dry_run {
            writeln!(f, "Retention job, dry run: nothing was removed.")?;
        }
        let verb = if self.dry_run {
            "would remove"
        } else {
            "removed"
        };
        writeln!(
            f,
            "Deletions due (cooling-off of {} days over): {}",
            doctor_desk_api::account::deletion::COOLING_OFF_DAYS,
            self.accounts.len()
        )?;
        for a in &self.accounts {
            writeln!(
                f,
                "  account {}: asked {}, took effect {}",
                a.account_id,
                from_unix(a.requested_at).format("%Y-%m-%d %H:%M UTC"),
                from_unix(a.effective_at).format("%Y-%m-%d %H:%M UTC"),
            )?;
            writeln!(f, "    {verb}: {}", list(&a.removed))?;
            writeln!(f, "    kept (legal retention): {}", list(&a.kept))?;
        }
        writeln!(
            f,
            "Chat logs of deleted accounts kept over {CHAT_LOG_DAYS} days: {verb} {}",
            list(&self.chat_logs)
        )?;
        writeln!(
            f,
            "Photos of appeals decided over {APPEAL_PHOTO_DAYS} days ago: {verb} {}",
            self.appeal_photos
        )
    }
}

//! What keeps the database and the file store from growing without bound: expired and
//! idle sessions, old SMS codes and rate-limit hits, uploads nothing refers to, stored
//! files without a row, and the `.part` files an interrupted upload leaves behind. The daily run also marks follow-up
//! visits missed that nobody looked at for 7 days after their due date, and runs the
//! retention job (`account::retention`).

use crate::{auth, error::AppResult, files, follow_ups, rate_limit, state::AppState};

/// The daily purge. Each part logs what it removed; one failing does not stop the rest.
pub async fn daily(state: &AppState) {
    let parts: [(&str, AppResult<u64>); 5] = [
        ("sessions", auth::session::purge(state).await),
        ("sms codes", auth::sms_code::purge(state).await),
        ("rate-limit hits", rate_limit::purge(state).await),
        (
            "unreferenced uploads",
            files::purge_unreferenced(state).await,
        ),
        (
            "stored files without a row",
            files::purge_orphans(state).await,
        ),
    ];
    for (what, result) in parts {
        match result {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "purged {what}"),
            Err(e) => tracing::warn!(error = %e, "purging {what} failed"),
        }
    }
    match remove_partial_uploads(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "removed uploads interrupted by a stop"),
        Err(e) => tracing::warn!(error = %e, "removing interrupted uploads failed"),
    }
    match crate::account::notifications::daily(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(written = n, "notifications of the day"),
        Err(e) => tracing::warn!(error = %e, "the day's notifications failed"),
    }
    match crate::account::retention::run(state, false).await {
        Ok(report) if report.is_empty() => {}
        Ok(report) => tracing::info!("retention job:\n{report}"),
        Err(e) => tracing::warn!(error = %e, "the retention job failed"),
    }
    // Reads sweep too; this catches the visits of doctors who do not look.
    if let Err(e) = follow_ups::sweep(state).await {
        tracing::warn!(error = %e, "marking forgotten follow-up visits missed failed");
    }
}

/// `.part` files an upload left behind when the server stopped mid-way: in the spool
/// folder, and in `<data dir>/files` where uploads were received before there was a spool.
/// Only those an hour old: another instance sharing the data dir may be receiving the
/// younger ones right now. At start and daily.
pub async fn remove_partial_uploads(state: &AppState) -> std::io::Result<u64> {
    let legacy = state.config.data_dir.join("files");
    let mut removed = 0;
    for dir in [state.files.spool(), legacy.as_path()] {
        let mut entries = match tokio::fs::read_dir(dir).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        while let Some(entry) = entries.next_entry().await? {
            let age = entry
                .metadata()
                .await?
                .modified()?
                .elapsed()
                .unwrap_or_default();
            if entry.file_name().to_string_lossy().ends_with(".part") && age >= PARTIAL_UPLOAD_AGE {
                tokio::fs::remove_file(entry.path()).await?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// An upload is received in seconds to minutes; a `.part` this old was left behind.
const PARTIAL_UPLOAD_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

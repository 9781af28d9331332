//! What the daily housekeeping deletes from the file store: uploads nothing refers to any
//! more, and stored files that no row names.

use super::FileStore;
use crate::{error::AppResult, state::AppState};

/// Deletes uploads older than `unreferenced_upload_secs` that nothing refers to (a photo
/// picked and never sent, a document replaced before review). A new table that refers to
/// files must be added here.
pub async fn purge_unreferenced(state: &AppState) -> AppResult<u64> {
    let before = state.clock.unix() - state.config.limits.unreferenced_upload_secs;
    let mut ids: Vec<String> = crate::db::query_scalar(
        "DELETE FROM files WHERE created_at < ?
            AND id NOT IN (SELECT file_id FROM documents)
            AND id NOT IN (SELECT avatar_file_id FROM accounts WHERE avatar_file_id IS NOT NULL)
            AND id NOT IN (SELECT image_file_id FROM messages WHERE image_file_id IS NOT NULL)
            AND id NOT IN (SELECT file_id FROM post_images)
         RETURNING id",
    )
    .bind(before)
    .fetch_all(&state.db)
    .await?;
    let patients: Vec<String> = crate::db::query_scalar(
        "DELETE FROM patient_files WHERE created_at < ?
            AND id NOT IN (SELECT file_id FROM consultation_files)
            AND id NOT IN (SELECT image_file_id FROM messages WHERE image_file_id IS NOT NULL)
         RETURNING id",
    )
    .bind(before)
    .fetch_all(&state.db)
    .await?;
    ids.extend(patients);
    for id in &ids {
        remove_quietly(&state.files, id).await;
    }
    Ok(ids.len() as u64)
}

/// Deletes stored files that no row names, older than `orphan_file_secs`: left when the
/// server stopped between storing an upload and committing its row, or when deleting one
/// whose row did not commit failed. Younger ones may be uploads committing right now.
pub async fn purge_orphans(state: &AppState) -> AppResult<u64> {
    let stored = state.files.list().await?;
    let min_age = std::time::Duration::from_secs(state.config.limits.orphan_file_secs);
    let rows: std::collections::HashSet<String> = crate::db::query_scalar(
        "SELECT id FROM files UNION ALL SELECT id FROM patient_files
         UNION ALL SELECT id FROM appeal_files",
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .collect();
    let mut removed = 0;
    for (id, age) in stored {
        if age >= min_age && !rows.contains(&id) {
            // One that cannot be deleted now is tried again tomorrow; the rest go today.
            match state.files.delete(&id).await {
                Ok(()) => removed += 1,
                Err(e) => tracing::warn!(error = %e, id, "could not delete a file without a row"),
            }
        }
    }
    Ok(removed)
}

pub(super) async fn remove_quietly(store: &FileStore, id: &str) {
    if let Err(e) = store.delete(id).await {
        tracing::warn!(error = %e, id, "could not delete a stored file");
    }
}

//! `GET /patients/{id}/timeline`: everything that happened between me and a patient, newest
//! first: my consultations with them (any status), my notes on them and the visits of my
//! follow-up plans for them (any state, placed at 09:00 China time of the due date, so
//! planned visits come before the past), in one order.

use std::collections::HashMap;

use axum::{
    extract::{Path, Query, State},
    Json,
};
use doctor_desk_api::{
    follow_ups::TIMELINE_HOUR,
    patients::{TimelineConsultation, TimelineEntry, TimelineItem, TimelinePage, PAGE_MAX},
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use super::{ensure_mine, id_list, notes};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::CareDoctor,
    follow_ups,
    inbox::{attachments, deadlines, Row},
    onboarding::today,
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct TimelineQuery {
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Entries per page, at most 100 (default 20).
    limit: Option<u32>,
}

/// One entry in the merged order: when, which table, which row. The order is `at`, then
/// the kind (`note`, `follow_up`, `consultation` at the same second), then the id, all
/// descending; the cursor is the last entry's `"{at}_{kind}_{id}"` (a kind may contain
/// `_`: the time is before the first one, the id after the last one).
#[derive(sqlx::FromRow)]
struct EntryRow {
    at: i64,
    kind: String,
    id: i64,
}

const KINDS: [&str; 3] = ["consultation", "note", "follow_up"];

fn parse_cursor(cursor: Option<&str>) -> AppResult<Option<(i64, String, i64)>> {
    cursor
        .map(|c| {
            let (at, rest) = c.split_once('_')?;
            let (kind, id) = rest.rsplit_once('_')?;
            let at = at.parse::<i64>().ok()?;
            let kind = Some(kind).filter(|k| KINDS.contains(k))?;
            let id = id.parse::<i64>().ok()?;
            Some((at, kind.to_owned(), id))
        })
        .map(|parsed| parsed.ok_or(AppError::Code(ErrorCode::NotFound)))
        .transpose()
}

#[utoipa::path(get, path = "/patients/{id}/timeline", tag = "patients",
    params(("id" = i64, Path, description = "Patient id"), TimelineQuery),
    responses(
        (status = 200, body = TimelinePage),
        (status = 400, description = "A query parameter of the wrong type", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, description = "Not my patient, or a bad `cursor`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn timeline(
    State(state): State<AppState>,
    me: CareDoctor,
    Path(id): Path<i64>,
    Query(q): Query<TimelineQuery>,
) -> AppResult<Json<TimelinePage>> {
    ensure_mine(&state.db, me.account_id, id).await?;
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let limit = q.limit.unwrap_or(20).clamp(1, PAGE_MAX);
    // Statuses as they are now: deadlines pass whether or not anybody looks.
    deadlines::sweep(&state).await?;
    follow_ups::sweep(&state).await?;
    let mut conn = state.db.acquire().await?;
    let (at, kind, after) = match cursor {
        Some((at, kind, id)) => (Some(at), Some(kind), Some(id)),
        None => (None, None, None),
    };
    // A visit's due date (YYYY-MM-DD, China) at 09:00 China time, in Unix seconds.
    let visit_at = format!(
        "CAST(strftime('%s', due_on) AS INTEGER) + {}",
        (i64::from(TIMELINE_HOUR) - 8) * 3600
    );
    let mut entries: Vec<EntryRow> = crate::db::query_as(&format!(
        "SELECT at, kind, id FROM (
           SELECT created_at AS at, 'consultation' AS kind, id FROM consultations
           WHERE doctor_id = ?1 AND patient_id = ?2
           UNION ALL
           SELECT created_at, 'note', id FROM patient_notes
           WHERE doctor_id = ?1 AND patient_id = ?2
           UNION ALL
           SELECT {visit_at}, 'follow_up', id FROM follow_ups
           WHERE doctor_id = ?1 AND patient_id = ?2) AS items
         WHERE ?3 IS NULL OR (at, kind, id) < (?3, ?4, ?5)
         ORDER BY at DESC, kind DESC, id DESC LIMIT ?6",
    ))
    .bind(me.account_id)
    .bind(id)
    .bind(at)
    .bind(kind)
    .bind(after)
    .bind(limit as i64 + 1)
    .fetch_all(&mut *conn)
    .await?;
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    let next_cursor = more
        .then(|| entries.last())
        .flatten()
        .map(|last| format!("{}_{}_{}", last.at, last.kind, last.id));

    let ids_of = |kind: &str| -> Vec<i64> {
        entries
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.id)
            .collect()
    };
    let consultation_ids = ids_of("consultation");
    let mut consultations: HashMap<i64, Row> = crate::db::query_as::<Row>(
        "SELECT * FROM consultations
         WHERE doctor_id = ? AND id IN (SELECT value FROM json_each(?))",
    )
    .bind(me.account_id)
    .bind(id_list(&consultation_ids))
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| (row.id, row))
    .collect();
    let mut files = attachments(&state, &consultation_ids).await?;
    let mut visits = follow_ups::load_many(
        &mut conn,
        me.account_id,
        &ids_of("follow_up"),
        today(&state),
    )
    .await?;
    let mut notes: HashMap<i64, _> =
        notes::load(&mut conn, me.account_id, id, Some(&ids_of("note")))
            .await?
            .into_iter()
            .map(|note| (note.id, note))
            .collect();

    let items = entries
        .into_iter()
        .filter_map(|entry| {
            let item = if entry.kind == "note" {
                TimelineItem::Note(notes.remove(&entry.id)?)
            } else if entry.kind == "follow_up" {
                TimelineItem::FollowUp(visits.remove(&entry.id)?)
            } else {
                let row = consultations.remove(&entry.id)?;
                let (evidence, _images) = files.remove(&row.id).unwrap_or_default();
                TimelineItem::Consultation(TimelineConsultation {
                    id: row.id,
                    status: row.status(),
                    prior_diagnosis: row.prior_diagnosis(),
                    advice: row.advice(),
                    complaint: row.complaint,
                    evidence,
                })
            };
            Some(TimelineEntry {
                at: from_unix(entry.at),
                item,
            })
        })
        .collect();
    Ok(Json(TimelinePage { items, next_cursor }))
}

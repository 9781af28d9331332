//! The inbox list: one tab's consultations with the count of each tab, read in one
//! snapshot on the request's thread (`db::Reads`).

use axum::{
    extract::{Query, State},
    Json,
};
use doctor_desk_api::{
    inbox::{ConsultationPage, ConsultationRow, ConsultationStatus, StatusCounts, PAGE_MAX},
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use super::{deadlines, summary};
use crate::{
    clock::from_unix,
    db::Sql,
    error::{AppError, AppResult},
    extractor::CareDoctor,
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `new` (default), `ongoing` or `closed` (closed and declined).
    status: Option<String>,
    /// Part of the patient's name.
    q: Option<String>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Rows per page, at most 100 (default 30).
    limit: Option<u32>,
}

/// The inbox: one tab's consultations, newest activity first, with the count of each tab.
#[utoipa::path(get, path = "/consultations", tag = "inbox", params(ListQuery),
    responses(
        (status = 200, body = ConsultationPage),
        (status = 401, body = ErrorBody),
        (status = 404, description = "`status` is not one of the lists, or `cursor` not one this server gave", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    me: CareDoctor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<ConsultationPage>> {
    deadlines::sweep(&state).await?;
    let statuses = match q.status.as_deref().unwrap_or("new") {
        "new" => "('new')",
        "ongoing" => "('ongoing')",
        "closed" => "('closed', 'declined')",
        _ => return Err(AppError::Code(ErrorCode::NotFound)),
    };
    let limit = q.limit.unwrap_or(30).clamp(1, PAGE_MAX);
    let cursor = q
        .cursor
        .as_deref()
        .map(|c| {
            c.split_once('_')
                .and_then(|(at, id)| Some((at.parse::<i64>().ok()?, id.parse::<i64>().ok()?)))
                .ok_or(AppError::Code(ErrorCode::NotFound))
        })
        .transpose()?;
    let name = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let mut sql = Sql::new(
        "SELECT c.id, c.status, c.complaint, c.deadline_at, c.doctor_unread, c.last_activity_at,
                p.name, p.sex, p.birth_date
         FROM consultations c JOIN patients p ON p.id = c.patient_id
         WHERE c.doctor_id = ",
    );
    sql.push_bind(me.account_id)
        .push(" AND c.status IN ")
        .push(statuses);
    if let Some(name) = name {
        sql.push(" AND instr(p.name, ")
            .push_bind(name.to_owned())
            .push(") > 0");
    }
    if let Some((at, id)) = cursor {
        sql.push(" AND (c.last_activity_at, c.id) < (")
            .push_bind(at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    sql.push(" ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ")
        .push_bind(limit as i64 + 1);
    let doctor_id = me.account_id;
    // The counts, the newest event and the page come from one snapshot: a stream that
    // starts from that event replays exactly what happened after the page.
    let searching = name.is_some();
    let read = move |conn: &rusqlite::Connection| {
        let header = counts_and_last_event_in(conn, doctor_id)?;
        let mut page = conn.prepare_cached(sql.text())?;
        let rows = page
            .query_map(sql.params(), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((header, rows))
    };
    // A name is looked for in every row of the tab until the page is full: that may scan.
    let ((counts, last_event_id), rows) = if searching {
        state.reads.run_blocking(read).await?
    } else {
        state.reads.run(read)?
    };
    let today = crate::onboarding::today(&state);
    let more = rows.len() > limit as usize;
    let items: Vec<ConsultationRow> = rows
        .into_iter()
        .take(limit as usize)
        .map(
            |(id, status, complaint, deadline, unread, activity, pname, sex, birth)| {
                ConsultationRow {
                    id,
                    patient: summary(&pname, &sex, &birth, today),
                    status: ConsultationStatus::parse(&status).unwrap_or(ConsultationStatus::New),
                    complaint_preview: complaint
                        .lines()
                        .next()
                        .unwrap_or("")
                        .chars()
                        .take(60)
                        .collect(),
                    deadline_at: deadline.map(from_unix),
                    unread: unread.max(0) as u32,
                    last_activity_at: from_unix(activity),
                }
            },
        )
        .collect();
    let next_cursor = more
        .then(|| items.last())
        .flatten()
        .map(|last| format!("{}_{}", last.last_activity_at.timestamp(), last.id));
    Ok(Json(ConsultationPage {
        items,
        next_cursor,
        counts,
        last_event_id,
    }))
}

/// How many consultations the doctor has in each tab, and the unread messages that need
/// an answer (what the tab bar badge shows).
pub async fn status_counts(state: &AppState, doctor_id: i64) -> AppResult<StatusCounts> {
    let (counts, _) = state
        .reads
        .run(|conn| counts_and_last_event_in(conn, doctor_id))?;
    Ok(counts)
}

/// The tab counts and the newest event of the doctor's inbox, in one statement: the counts
/// are one row (`inbox_counts`, kept by triggers), and the unread sum reads just the few
/// rows the partial index holds.
fn counts_and_last_event_in(
    conn: &rusqlite::Connection,
    doctor_id: i64,
) -> rusqlite::Result<(StatusCounts, i64)> {
    let (new, ongoing, closed, unread, last_event_id) = conn
        .prepare_cached(
            "SELECT IFNULL(n.new, 0), IFNULL(n.ongoing, 0), IFNULL(n.closed, 0),
                    (SELECT SUM(doctor_unread) FROM consultations
                      WHERE doctor_id = ?1 AND doctor_unread > 0
                        AND (status = 'ongoing' OR (status = 'closed' AND close_reason = 'advice'))),
                    (SELECT MAX(id) FROM inbox_events WHERE doctor_id = ?1)
               FROM (SELECT 1) LEFT JOIN inbox_counts n ON n.doctor_id = ?1",
        )?
        .query_row([doctor_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
    let counts = StatusCounts {
        new: new as u32,
        ongoing: ongoing as u32,
        closed: closed as u32,
        unread: unread.unwrap_or(0).max(0) as u32,
    };
    Ok((counts, last_event_id.unwrap_or(0)))
}

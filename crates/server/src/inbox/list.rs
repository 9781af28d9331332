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
    let ((counts, last_event_id), rows): (_, Vec<PageRow>) = match &state.reads {
        Some(reads) => {
            let read = move |conn: &rusqlite::Connection| {
                let header = counts_and_last_event_in(conn, doctor_id)?;
                let mut page = conn.prepare_cached(sql.text())?;
                let rows = page
                    .query_map(sql.params(), |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                            r.get(7)?,
                            r.get(8)?,
                        ))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok::<_, rusqlite::Error>((header, rows))
            };
            // A name is looked for in every row of the tab until the page is full: that
            // may scan.
            if searching {
                reads.run_blocking(read).await?
            } else {
                reads.run(read)?
            }
        }
        None => {
            let mut snapshot = state.db.begin_snapshot().await?;
            let header = crate::db::query_as(COUNTS)
                .bind(doctor_id)
                .fetch_one(&mut *snapshot)
                .await?;
            let rows = sql.query_as().fetch_all(&mut *snapshot).await?;
            snapshot.commit().await?;
            (header_of(header), rows)
        }
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

/// One row of a page: id, status, complaint, deadline, unread, last activity, and the
/// patient's name, sex and birth date.
type PageRow = (
    i64,
    String,
    String,
    Option<i64>,
    i64,
    i64,
    String,
    String,
    String,
);

/// How many consultations the doctor has in each tab, and the unread messages that need
/// an answer (what the tab bar badge shows).
pub async fn status_counts(state: &AppState, doctor_id: i64) -> AppResult<StatusCounts> {
    let (counts, _) = match &state.reads {
        Some(reads) => reads.run(|conn| counts_and_last_event_in(conn, doctor_id))?,
        None => header_of(
            crate::db::query_as(COUNTS)
                .bind(doctor_id)
                .fetch_one(&state.db)
                .await?,
        ),
    };
    Ok(counts)
}

/// The tab counts and the newest event of the doctor's inbox, in one statement: the counts
/// are one row (`inbox_counts`, kept by triggers), and the unread sum reads just the few
/// rows the partial index holds.
const COUNTS: &str = "SELECT COALESCE(n.new, 0), COALESCE(n.ongoing, 0), COALESCE(n.closed, 0),
        (SELECT CAST(SUM(doctor_unread) AS BIGINT) FROM consultations
          WHERE doctor_id = ?1 AND doctor_unread > 0
            AND (status = 'ongoing' OR (status = 'closed' AND close_reason = 'advice'))),
        (SELECT MAX(id) FROM inbox_events WHERE doctor_id = ?1)
   FROM (SELECT 1) AS one LEFT JOIN inbox_counts n ON n.doctor_id = ?1";

type Header = (i64, i64, i64, Option<i64>, Option<i64>);

fn counts_and_last_event_in(
    conn: &rusqlite::Connection,
    doctor_id: i64,
) -> rusqlite::Result<(StatusCounts, i64)> {
    conn.prepare_cached(COUNTS)?
        .query_row([doctor_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .map(header_of)
}

fn header_of((new, ongoing, closed, unread, last_event_id): Header) -> (StatusCounts, i64) {
    let counts = StatusCounts {
        new: new as u32,
        ongoing: ongoing as u32,
        closed: closed as u32,
        unread: unread.unwrap_or(0).max(0) as u32,
    };
    (counts, last_event_id.unwrap_or(0))
}

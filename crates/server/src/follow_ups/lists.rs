//! `GET /follow-ups?list=`: my visits due today, overdue, upcoming (all still open), or
//! finished (done and missed), one page at a time, with the counts of all four lists.

use axum::{
    extract::{Query, State},
    Json,
};
use chrono::NaiveDate;
use doctor_desk_api::{
    follow_ups::{FollowUpCounts, FollowUpList, FollowUpPage, PAGE_MAX},
    validate::FieldError,
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use super::{sweep, Row, FINISHED, OPEN, SELECT};
use crate::{
    error::{AppError, AppResult},
    extractor::CareDoctor,
    onboarding::today,
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `today` (default), `overdue`, `upcoming` or `done` (done and missed).
    list: Option<String>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Visits per page, at most 100 (default 30).
    limit: Option<u32>,
}

/// How many of my visits each list has, on `today` (China).
pub async fn counts<'e>(
    db: impl crate::db::Executor<'e>,
    doctor_id: i64,
    today: NaiveDate,
) -> AppResult<FollowUpCounts> {
    let (due_today, overdue, upcoming, done): (i64, i64, i64, i64) = crate::db::query_as(&format!(
        "SELECT COUNT(*) FILTER (WHERE state IN {OPEN} AND due_on = ?2),
                COUNT(*) FILTER (WHERE state IN {OPEN} AND due_on < ?2),
                COUNT(*) FILTER (WHERE state IN {OPEN} AND due_on > ?2),
                COUNT(*) FILTER (WHERE state IN {FINISHED})
         FROM follow_ups WHERE doctor_id = ?1"
    ))
    .bind(doctor_id)
    .bind(today.to_string())
    .fetch_one(db)
    .await?;
    Ok(FollowUpCounts {
        today: due_today as u32,
        overdue: overdue as u32,
        upcoming: upcoming as u32,
        done: done as u32,
    })
}

/// One page of one list. Today, overdue and upcoming go by due date (then id), soonest
/// first; done by when they were finished, newest first. The cursor is the last visit's
/// `"{due_on}_{id}"` (or `"{finished_at}_{id}"` in done); a cursor of another shape is 404.
#[utoipa::path(get, path = "/follow-ups", tag = "follow-ups", params(ListQuery),
    responses(
        (status = 200, body = FollowUpPage),
        (status = 400, description = "A query parameter of the wrong type", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, description = "A bad `cursor`", body = ErrorBody),
        (status = 422, description = "An unknown `list`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    me: CareDoctor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<FollowUpPage>> {
    let list = match q.list.as_deref() {
        None | Some("") => FollowUpList::Today,
        Some(name) => FollowUpList::parse(name)
            .ok_or_else(|| AppError::Validation(vec![("list", FieldError::OutOfRange)]))?,
    };
    let bad_cursor = || AppError::Code(ErrorCode::NotFound);
    let cursor = q
        .cursor
        .as_deref()
        .map(|c| c.split_once('_').ok_or_else(bad_cursor))
        .transpose()?;
    let limit = q.limit.unwrap_or(30).clamp(1, PAGE_MAX);
    sweep(&state).await?;
    let today = today(&state);
    let mut conn = state.db.acquire().await?;
    let mut rows: Vec<Row> = if list == FollowUpList::Done {
        let cursor = cursor
            .map(|(at, id)| Some((at.parse::<i64>().ok()?, id.parse::<i64>().ok()?)))
            .map(|c| c.ok_or_else(bad_cursor))
            .transpose()?;
        crate::db::query_as(&format!(
            "{SELECT} WHERE f.doctor_id = ?1 AND f.state IN {FINISHED}
               AND (?2 IS NULL OR (f.finished_at, f.id) < (?2, ?3))
             ORDER BY f.finished_at DESC, f.id DESC LIMIT ?4"
        ))
        .bind(me.account_id)
        .bind(cursor.map(|c| c.0))
        .bind(cursor.map(|c| c.1))
        .bind(limit as i64 + 1)
        .fetch_all(&mut *conn)
        .await?
    } else {
        let cursor = cursor
            .map(|(due, id)| {
                let due = NaiveDate::parse_from_str(due, "%Y-%m-%d").ok()?;
                Some((due.to_string(), id.parse::<i64>().ok()?))
            })
            .map(|c| c.ok_or_else(bad_cursor))
            .transpose()?;
        let op = match list {
            FollowUpList::Today => "=",
            FollowUpList::Overdue => "<",
            _ => ">",
        };
        let (after_due, after_id) = cursor.unzip();
        crate::db::query_as(&format!(
            "{SELECT} WHERE f.doctor_id = ?1 AND f.state IN {OPEN} AND f.due_on {op} ?2
               AND (?3 IS NULL OR (f.due_on, f.id) > (?3, ?4))
             ORDER BY f.due_on, f.id LIMIT ?5"
        ))
        .bind(me.account_id)
        .bind(today.to_string())
        .bind(after_due)
        .bind(after_id)
        .bind(limit as i64 + 1)
        .fetch_all(&mut *conn)
        .await?
    };
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let items: Vec<_> = rows.into_iter().map(|row| row.view(today)).collect();
    let next_cursor = more.then(|| items.last()).flatten().map(|last| match list {
        FollowUpList::Done => format!(
            "{}_{}",
            last.finished_at.map(|t| t.timestamp()).unwrap_or(0),
            last.id
        ),
        _ => format!("{}_{}", last.due_on, last.id),
    });
    let counts = counts(&mut *conn, me.account_id, today).await?;
    Ok(Json(FollowUpPage {
        items,
        next_cursor,
        counts,
    }))
}

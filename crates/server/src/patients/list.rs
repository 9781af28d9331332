//! `GET /patients`: my patients, found by part of the name or the last 4 digits of the
//! phone, narrowed to one of my tags, in pages of one order.

mod matches;
mod range;

use std::collections::HashMap;

use axum::{
    extract::{Query, State},
    Json,
};
use doctor_desk_api::{
    patients::{is_phone_tail, PatientPage, PatientRow, PatientSort, TagChip, PAGE_MAX},
    validate::FieldError,
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use super::chips;
use crate::{
    clock::from_unix,
    db::{run_sync, FromSqlite, OnSqlite, OnStore, Sql, Statements},
    error::{AppError, AppResult},
    extractor::CareDoctor,
    inbox::summary,
    state::AppState,
};
use matches::{page_sql, push_matches, Part, Search};
use range::Range;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Part of the name, or the last 4 digits of the phone (exactly 4 digits).
    q: Option<String>,
    /// Only the patients with this tag (one of mine).
    tag: Option<i64>,
    /// `last_consultation` (default), `newest` (who became my patient most recently), or
    /// `next_follow_up`: the soonest next open (planned or reminded) visit first, overdue
    /// ones before today's; then the patients without an open visit, most recent
    /// consultation first. Anything else is 422.
    sort: Option<String>,
    /// From the previous page's `next_cursor` (of the same `sort`).
    cursor: Option<String>,
    /// Rows per page, at most 100 (default 30).
    limit: Option<u32>,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    name: String,
    sex: String,
    birth_date: String,
    since: i64,
    last_consultation_at: i64,
    next_follow_up: Option<String>,
}

impl FromSqlite for ListRow {
    /// In the order of [`page_sql`]'s columns.
    fn from_sqlite(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(ListRow {
            id: r.get(0)?,
            name: r.get(1)?,
            sex: r.get(2)?,
            birth_date: r.get(3)?,
            since: r.get(4)?,
            last_consultation_at: r.get(5)?,
            next_follow_up: r.get(6)?,
        })
    }
}

/// A page of my patients, whether more follow, how many match, and the page's tags.
struct Found {
    rows: Vec<ListRow>,
    more: bool,
    total: i64,
    tags: HashMap<i64, Vec<TagChip>>,
}

/// One read for the page's ranges, its total and its tags, so a visit finished meanwhile
/// cannot show its patient twice on one page. `None`: the tag is not mine.
async fn read_page(
    db: &mut impl Statements,
    me_id: i64,
    search: Option<&Search>,
    tag: Option<i64>,
    start: Range,
    limit: usize,
    first_page: bool,
) -> AppResult<Option<Found>> {
    // The tag must be mine; how many patients carry it is the total of an unsearched list.
    let tagged = match tag {
        Some(tag) => {
            let mut sql = Sql::new("SELECT patients FROM tags WHERE id = ");
            sql.push_bind(tag)
                .push(" AND doctor_id = ")
                .push_bind(me_id);
            match db.optional::<(i64,)>(&sql).await? {
                Some((patients,)) => Some(patients),
                None => return Ok(None),
            }
        }
        None => None,
    };
    // One row more than the page: whether there is a next one.
    let mut rows: Vec<ListRow> = Vec::new();
    let mut range = Some(start);
    while let Some(r) = range.filter(|_| rows.len() <= limit) {
        let sql = page_sql(me_id, search, tag, r, limit + 1 - rows.len());
        rows.extend(db.all::<ListRow>(&sql).await?);
        range = r.then();
    }
    let more = rows.len() > limit;
    // A first page that holds every match is its own total (a search by a whole name:
    // one scan of my patients, not two).
    // Without a search the total is a counter the triggers keep (migration 0020).
    let total = match (search, tagged) {
        _ if first_page && !more => rows.len() as i64,
        (None, Some(tagged)) => tagged,
        (None, None) => {
            let mut sql = Sql::new("SELECT patients FROM patient_counts WHERE doctor_id = ");
            sql.push_bind(me_id);
            db.optional::<(i64,)>(&sql).await?.map_or(0, |(n,)| n)
        }
        (Some(_), _) => {
            let mut count = Sql::new("SELECT COUNT(*)");
            push_matches(&mut count, me_id, search, tag, Part::Total);
            db.optional::<(i64,)>(&count).await?.map_or(0, |(n,)| n)
        }
    };
    rows.truncate(limit);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let tags = chips(db, me_id, &ids).await?;
    Ok(Some(Found {
        rows,
        more,
        total,
        tags,
    }))
}

/// My patients, one page: masked name, sex, age, tags, the last consultation and the next
/// open follow-up visit.
#[utoipa::path(get, path = "/patients", tag = "patients", params(ListQuery),
    responses(
        (status = 200, body = PatientPage),
        (status = 400, description = "A query parameter of the wrong type", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, description = "`tag` is not one of mine, or a bad `cursor` (also one of another `sort`)", body = ErrorBody),
        (status = 422, description = "Unknown `sort` (`fields.sort`)", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    me: CareDoctor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<PatientPage>> {
    let sort = match q.sort.as_deref() {
        None => PatientSort::default(),
        Some(name) => PatientSort::parse(name)
            .ok_or_else(|| AppError::Validation(vec![("sort", FieldError::OutOfRange)]))?,
    };
    let start =
        Range::start(sort, q.cursor.as_deref()).ok_or(AppError::Code(ErrorCode::NotFound))?;
    let limit = q.limit.unwrap_or(30).clamp(1, PAGE_MAX) as usize;
    let search =
        q.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                if is_phone_tail(s) {
                    Search::PhoneTail(s.to_owned())
                } else {
                    Search::Name(s.to_owned())
                }
            });

    let (me_id, tag, first_page) = (me.account_id, q.tag, q.cursor.is_none());
    let short = search.is_none() && tag.is_none();
    // Without a search or a tag, a page is a few rows of one index range and a counter:
    // short enough for the request's thread. A search or a tag checks rows until the
    // page is full, which may take many.
    let found = match &state.reads {
        Some(reads) => {
            let read = move |conn: &rusqlite::Connection| {
                run_sync(read_page(
                    &mut OnSqlite(conn),
                    me_id,
                    search.as_ref(),
                    tag,
                    start,
                    limit,
                    first_page,
                ))
            };
            if short {
                reads.run(read)?
            } else {
                reads.run_blocking(read).await?
            }
        }
        None => {
            let mut snapshot = state.db.begin_snapshot().await?;
            let found = read_page(
                &mut OnStore(&mut snapshot),
                me_id,
                search.as_ref(),
                tag,
                start,
                limit,
                first_page,
            )
            .await?;
            snapshot.commit().await?;
            found
        }
    };
    let Found {
        rows,
        more,
        total,
        mut tags,
    } = found.ok_or(AppError::Code(ErrorCode::NotFound))?;
    let next_cursor = more
        .then(|| rows.last())
        .flatten()
        .and_then(|last| Range::after(sort, last).cursor());
    let today = crate::onboarding::today(&state);
    let items = rows
        .into_iter()
        .map(|row| {
            let patient = summary(&row.name, &row.sex, &row.birth_date, today);
            PatientRow {
                id: row.id,
                masked_name: patient.masked_name,
                sex: patient.sex,
                age: patient.age,
                tags: tags.remove(&row.id).unwrap_or_default(),
                last_consultation_at: from_unix(row.last_consultation_at),
                next_follow_up: row.next_follow_up.as_deref().and_then(|d| d.parse().ok()),
            }
        })
        .collect();
    Ok(Json(PatientPage {
        items,
        next_cursor,
        total: total as u32,
    }))
}

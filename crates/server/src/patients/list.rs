//! `GET /patients`: my patients, found by part of the name or the last 4 digits of the
//! phone, narrowed to one of my tags, in pages of one order.

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
use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;

use super::chips;
use crate::{
    clock::from_unix,
    db::Sql,
    error::{AppError, AppResult},
    extractor::CareDoctor,
    inbox::summary,
    state::AppState,
};
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

struct ListRow {
    id: i64,
    name: String,
    sex: String,
    birth_date: String,
    since: i64,
    last_consultation_at: i64,
    next_follow_up: Option<String>,
}

impl ListRow {
    /// In the order of [`page_sql`]'s columns.
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
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

/// What the doctor typed in the search box.
#[derive(Debug)]
enum Search {
    Name(String),
    PhoneTail(String),
}

/// Which query the matches are for: the page reads a range in its order and stops after
/// a page; the total counts every match.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Page,
    Total,
}

/// The `FROM … WHERE …` shared by the page and its total.
fn push_matches(
    sql: &mut Sql,
    doctor_id: i64,
    search: Option<&Search>,
    tag: Option<i64>,
    part: Part,
) {
    match search {
        // Driven by the few patients with those 4 digits (`patients_by_phone_tail`, on
        // the same expression), then whether each is mine; CROSS JOIN keeps that order
        // whatever the planner's statistics say.
        Some(Search::PhoneTail(_)) => {
            sql.push(" FROM patients p CROSS JOIN doctor_patients dp ON dp.patient_id = p.id")
        }
        // One character: a page reads its range in order and checks each row against the
        // list of mine with that character (the index of characters alone, like a tag
        // below), and the total counts that list without reading my rows at all (under
        // the same alias, for the tag's check).
        Some(Search::Name(name)) if name.chars().count() == 1 => match part {
            Part::Page => sql.push(" FROM doctor_patients dp"),
            Part::Total => sql.push(" FROM patient_name_grams dp"),
        },
        // Longer: driven by the few of mine whose name holds the search's first two
        // characters (migration 0021), each then checked by its whole name (copied onto
        // my row, migration 0011): never all my names.
        Some(Search::Name(_)) => sql.push(
            " FROM patient_name_grams g CROSS JOIN doctor_patients dp
                ON dp.doctor_id = g.doctor_id AND dp.patient_id = g.patient_id",
        ),
        // Otherwise one index range of mine alone.
        None => sql.push(" FROM doctor_patients dp"),
    };
    sql.push(" WHERE dp.doctor_id = ").push_bind(doctor_id);
    match search {
        Some(Search::Name(name)) if name.chars().count() == 1 => match part {
            Part::Page => {
                sql.push(
                    " AND +dp.patient_id IN (SELECT g.patient_id FROM patient_name_grams g
                      WHERE g.doctor_id = ",
                )
                .push_bind(doctor_id)
                .push(" AND g.gram = ")
                .push_bind(name.clone())
                .push(")");
            }
            Part::Total => {
                sql.push(" AND dp.gram = ").push_bind(name.clone());
            }
        },
        Some(Search::Name(name)) => {
            sql.push(" AND g.doctor_id = ")
                .push_bind(doctor_id)
                .push(" AND g.gram = ")
                .push_bind(name.chars().take(2).collect::<String>())
                .push(" AND instr(dp.name, ")
                .push_bind(name.clone())
                .push(") > 0");
        }
        Some(Search::PhoneTail(digits)) => {
            sql.push(" AND substr(p.phone, -4) = ")
                .push_bind(digits.clone());
        }
        None => {}
    }
    if let Some(tag) = tag {
        // The tag's patients as one list. The page reads its range in order and checks
        // each row against the list (the `+` keeps the planner from sorting every tagged
        // patient instead), so it ends after a page; the total looks each one up.
        sql.push(match part {
            Part::Page => " AND +dp.patient_id IN",
            Part::Total => " AND dp.patient_id IN",
        })
        .push(" (SELECT pt.patient_id FROM patient_tags pt WHERE pt.tag_id = ")
        .push_bind(tag)
        .push(")");
    }
}

/// Up to `n` rows of `range`, matching the search and the tag. Their ids first, from the
/// range's index alone (it holds the order and the id: a row the search skips costs no read
/// of its `doctor_patients` row), then those rows in full: CROSS JOIN keeps the page the
/// outer loop (else the planner may walk all my patients in order to spare a sort of 31).
fn page_sql(
    doctor_id: i64,
    search: Option<&Search>,
    tag: Option<i64>,
    range: Range,
    n: usize,
) -> Sql {
    let mut sql = Sql::new(
        "SELECT dp.patient_id AS id, p.name, p.sex, p.birth_date, dp.since,
                dp.last_consultation_at, dp.next_follow_up
         FROM (SELECT dp.patient_id",
    );
    push_matches(&mut sql, doctor_id, search, tag, Part::Page);
    range.push_position(&mut sql);
    sql.push(range.order())
        .push(" LIMIT ")
        .push_bind(n as i64)
        .push(") page CROSS JOIN doctor_patients dp ON dp.doctor_id = ")
        .push_bind(doctor_id)
        .push(" AND dp.patient_id = page.patient_id")
        .push(" CROSS JOIN patients p ON p.id = page.patient_id")
        .push(range.order());
    sql
}

fn fetch(
    conn: &Connection,
    doctor_id: i64,
    search: Option<&Search>,
    tag: Option<i64>,
    range: Range,
    n: usize,
) -> rusqlite::Result<Vec<ListRow>> {
    let sql = page_sql(doctor_id, search, tag, range, n);
    let mut page = conn.prepare_cached(sql.text())?;
    let rows = page.query_map(sql.params(), ListRow::read)?;
    rows.collect()
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
fn read_page(
    conn: &Connection,
    me_id: i64,
    search: Option<&Search>,
    tag: Option<i64>,
    start: Range,
    limit: usize,
    first_page: bool,
) -> rusqlite::Result<Option<Found>> {
    // The tag must be mine; how many patients carry it is the total of an unsearched list.
    let tagged = match tag {
        Some(tag) => {
            let patients = conn
                .prepare_cached("SELECT patients FROM tags WHERE id = ? AND doctor_id = ?")?
                .query_row([tag, me_id], |row| row.get::<_, i64>(0))
                .optional()?;
            match patients {
                Some(patients) => Some(patients),
                None => return Ok(None),
            }
        }
        None => None,
    };
    // One row more than the page: whether there is a next one.
    let mut rows = Vec::new();
    let mut range = Some(start);
    while let Some(r) = range.filter(|_| rows.len() <= limit) {
        rows.extend(fetch(conn, me_id, search, tag, r, limit + 1 - rows.len())?);
        range = r.then();
    }
    let more = rows.len() > limit;
    // A first page that holds every match is its own total (a search by a whole name:
    // one scan of my patients, not two).
    // Without a search the total is a counter the triggers keep (migration 0020).
    let total = match (search, tagged) {
        _ if first_page && !more => rows.len() as i64,
        (None, Some(tagged)) => tagged,
        (None, None) => conn
            .prepare_cached("SELECT patients FROM patient_counts WHERE doctor_id = ?")?
            .query_row([me_id], |row| row.get(0))
            .optional()?
            .unwrap_or(0),
        (Some(_), _) => {
            let mut count = Sql::new("SELECT COUNT(*)");
            push_matches(&mut count, me_id, search, tag, Part::Total);
            conn.prepare_cached(count.text())?
                .query_row(count.params(), |row| row.get(0))?
        }
    };
    rows.truncate(limit);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let tags = chips(conn, me_id, &ids)?;
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
    let read = move |conn: &Connection| {
        read_page(conn, me_id, search.as_ref(), tag, start, limit, first_page)
    };
    let Found {
        rows,
        more,
        total,
        mut tags,
    } = if short {
        state.reads.run(read)?
    } else {
        state.reads.run_blocking(read).await?
    }
    .ok_or(AppError::Code(ErrorCode::NotFound))?;
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    /// Whatever the search, tag or range, a page reads its range's index in order up to the
    /// page (a search: the few patients with those digits, or those whose name holds the
    /// search's first two characters), then only its own rows
    /// by primary key: never all my patients in an outer loop. With and without the
    /// statistics of `ANALYZE` (the server never runs it; the bench does).
    #[tokio::test]
    async fn a_page_reads_its_range_then_only_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let crate::db::Database {
            pool: db, reads, ..
        } = crate::db::connect(&url, std::time::Duration::from_secs(5), Default::default())
            .await
            .unwrap();
        for seed in [
            "INSERT INTO accounts (phone, password_hash, created_at) VALUES ('13900000001', 'x', 0)",
            "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < 3000)
             INSERT INTO patients (phone, name, sex, birth_date, created_at)
             SELECT printf('1650%07d', n), '患者' || n, 'male', '1970-01-01', 0 FROM seq",
            "INSERT INTO doctor_patients (doctor_id, patient_id, since, last_consultation_at)
             SELECT 1, id, id, id FROM patients",
            "INSERT INTO tags (doctor_id, name, color, created_at) VALUES (1, 'a', 'red', 0)",
            "INSERT INTO patient_tags SELECT 1, 1, id FROM patients WHERE id % 10 = 0",
            "INSERT INTO follow_up_plans (doctor_id, patient_id, name, created_at)
             SELECT 1, id, 'p', 0 FROM patients WHERE id % 5 = 0",
            "INSERT INTO follow_ups (plan_id, doctor_id, patient_id, due_on, message)
             SELECT id, 1, patient_id, date('2026-11-01', '+' || (id % 90) || ' days'), 'm'
             FROM follow_up_plans",
        ] {
            sqlx::query(seed).execute(&db).await.unwrap();
        }
        let due = NaiveDate::from_ymd_opt(2026, 11, 3);
        let ranges = [
            Range::ByLastConsultation(None),
            Range::ByLastConsultation(Some((100, 100))),
            Range::ByNewest(Some((100, 100))),
            Range::WithVisit(None),
            Range::WithVisit(due.map(|d| (d, 5))),
            Range::WithoutVisit(None),
            Range::WithoutVisit(Some((100, 100))),
        ];
        let searches = [
            None,
            Some(Search::Name("患者1".into())),
            Some(Search::Name("患".into())),
            Some(Search::PhoneTail("0123".into())),
        ];
        for analyze in [false, true] {
            if analyze {
                sqlx::query("ANALYZE").execute(&db).await.unwrap();
            }
            for range in ranges {
                for search in &searches {
                    for tag in [None, Some(1)] {
                        let sql = page_sql(1, search.as_ref(), tag, range, 31);
                        let plan = reads
                            .run(|conn| {
                                let explain = format!("EXPLAIN QUERY PLAN {}", sql.text());
                                let mut query = conn.prepare(&explain)?;
                                let rows = query.query_map(sql.params(), |r| {
                                    Ok((r.get::<_, i64>(1)?, r.get::<_, String>(3)?))
                                })?;
                                rows.collect::<rusqlite::Result<Vec<_>>>()
                            })
                            .unwrap();
                        let outer: Vec<&str> = plan
                            .iter()
                            .filter(|row| row.0 == 0)
                            .map(|row| row.1.as_str())
                            .collect();
                        let case = format!("{range:?} {search:?} tag {tag:?} analyze {analyze}");
                        assert_eq!(outer.get(1), Some(&"SCAN page"), "{case}: {outer:?}");
                        for step in &outer[2..] {
                            assert!(
                                step.contains("PRIMARY KEY") || step.starts_with("USE TEMP"),
                                "{case}: {outer:?}"
                            );
                        }
                        let inner: Vec<&str> = plan
                            .iter()
                            .filter(|row| row.0 != 0)
                            .map(|row| row.1.as_str())
                            .collect();
                        assert!(
                            inner.iter().all(|step| !step.starts_with("SCAN")),
                            "{case}: {inner:?}"
                        );
                        let range_index = match (search, range) {
                            (Some(Search::PhoneTail(_)), _) => "patients_by_phone_tail",
                            (Some(Search::Name(s)), _) if s.chars().count() > 1 => {
                                "SEARCH g USING PRIMARY KEY (doctor_id=? AND gram=?)"
                            }
                            (_, Range::ByNewest(_)) => "COVERING INDEX doctor_patients_by_since",
                            (_, Range::WithVisit(_)) => {
                                "COVERING INDEX doctor_patients_by_next_follow_up"
                            }
                            (_, Range::WithoutVisit(_)) => {
                                "COVERING INDEX doctor_patients_without_follow_up"
                            }
                            _ => "COVERING INDEX doctor_patients_by_last",
                        };
                        assert!(
                            inner.iter().any(|step| step.contains(range_index)),
                            "{case}: {inner:?}"
                        );
                        if let Some(Search::Name(_)) = search {
                            assert!(
                                inner.iter().any(|step| {
                                    step.contains(
                                        "SEARCH g USING PRIMARY KEY (doctor_id=? AND gram=?)",
                                    )
                                }),
                                "the matches come from the index of characters: {case}: {inner:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}

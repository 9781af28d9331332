//! `GET /patients`: my patients, found by part of the name or the last 4 digits of the
//! phone, narrowed to one of my tags, in pages of one order.

use axum::{
    extract::{Query, State},
    Json,
};
use doctor_desk_api::{
    patients::{is_phone_tail, PatientPage, PatientRow, PatientSort, PAGE_MAX},
    validate::FieldError,
    ErrorBody, ErrorCode,
};
use serde::Deserialize;
use sqlx::{QueryBuilder, Sqlite};

use super::{chips, parse_cursor};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::Doctor,
    inbox::summary,
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Part of the name, or the last 4 digits of the phone (exactly 4 digits).
    q: Option<String>,
    /// Only the patients with this tag (one of mine).
    tag: Option<i64>,
    /// `last_consultation` (default) or `newest`.
    sort: Option<String>,
    /// From the previous page's `next_cursor`.
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

/// What the doctor typed in the search box.
enum Search {
    Name(String),
    PhoneTail(String),
}

/// The `FROM … WHERE …` shared by the page and its total.
fn push_matches(
    sql: &mut QueryBuilder<'_, Sqlite>,
    doctor_id: i64,
    search: Option<&Search>,
    tag: Option<i64>,
) {
    sql.push(
        " FROM doctor_patients dp JOIN patients p ON p.id = dp.patient_id WHERE dp.doctor_id = ",
    )
    .push_bind(doctor_id);
    match search {
        Some(Search::Name(part)) => {
            sql.push(" AND instr(p.name, ")
                .push_bind(part.clone())
                .push(") > 0");
        }
        Some(Search::PhoneTail(digits)) => {
            sql.push(" AND substr(p.phone, -4) = ")
                .push_bind(digits.clone());
        }
        None => {}
    }
    if let Some(tag) = tag {
        sql.push(
            " AND EXISTS (SELECT 1 FROM patient_tags pt
                          WHERE pt.patient_id = dp.patient_id AND pt.tag_id = ",
        )
        .push_bind(tag)
        .push(")");
    }
}

/// My patients, one page: masked name, sex, age, tags and the last consultation.
#[utoipa::path(get, path = "/patients", tag = "patients", params(ListQuery),
    responses(
        (status = 200, body = PatientPage),
        (status = 400, description = "A query parameter of the wrong type", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, description = "`tag` is not one of mine, or a bad `cursor`", body = ErrorBody),
        (status = 422, description = "Unknown `sort`", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    me: Doctor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<PatientPage>> {
    let sort = match q.sort.as_deref() {
        None => PatientSort::default(),
        Some(name) => PatientSort::parse(name)
            .ok_or_else(|| AppError::Validation(vec![("sort", FieldError::OutOfRange)]))?,
    };
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let limit = q.limit.unwrap_or(30).clamp(1, PAGE_MAX);
    if let Some(tag) = q.tag {
        sqlx::query_scalar::<_, i64>("SELECT 1 FROM tags WHERE id = ? AND doctor_id = ?")
            .bind(tag)
            .bind(me.account_id)
            .fetch_optional(&state.db)
            .await?
            .ok_or(AppError::Code(ErrorCode::NotFound))?;
    }
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
    let key = match sort {
        PatientSort::LastConsultation => "dp.last_consultation_at",
        PatientSort::Newest => "dp.since",
    };

    let mut page = QueryBuilder::<Sqlite>::new(
        "SELECT dp.patient_id AS id, p.name, p.sex, p.birth_date, dp.since,
                dp.last_consultation_at,
                (SELECT MIN(f.due_on) FROM follow_ups f
                 WHERE f.doctor_id = dp.doctor_id AND f.patient_id = dp.patient_id
                   AND f.state IN ('planned', 'reminded')) AS next_follow_up",
    );
    push_matches(&mut page, me.account_id, search.as_ref(), q.tag);
    if let Some((at, id)) = cursor {
        page.push(format!(" AND ({key}, dp.patient_id) < ("))
            .push_bind(at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    page.push(format!(" ORDER BY {key} DESC, dp.patient_id DESC LIMIT "))
        .push_bind(limit as i64 + 1);
    let mut rows: Vec<ListRow> = page.build_query_as().fetch_all(&state.db).await?;

    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
    push_matches(&mut count, me.account_id, search.as_ref(), q.tag);
    let total: i64 = count.build_query_scalar().fetch_one(&state.db).await?;

    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = more.then(|| rows.last()).flatten().map(|last| {
        let value = match sort {
            PatientSort::LastConsultation => last.last_consultation_at,
            PatientSort::Newest => last.since,
        };
        format!("{value}_{}", last.id)
    });
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = chips(&state.db, me.account_id, &ids).await?;
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

//! `GET /posts?tab=`: "My posts", one tab a page, newest save first, with the counts of
//! all four tabs.

use axum::{
    extract::{Query, State},
    Json,
};
use doctor_desk_api::{
    posts::{PostCounts, PostPage, PostRow, PostTab, PAGE_MAX},
    validate::FieldError,
    ErrorBody, ErrorCode,
};
use serde::Deserialize;

use super::{Stored, IS_PUBLIC, SELECT};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::Doctor,
    state::AppState,
};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `draft` (default; also withdrawn posts), `in_review`, `published` (public now,
    /// whatever the working copy's status) or `rejected`. A published post with a newer
    /// revision in review is in both of those tabs.
    tab: Option<String>,
    /// From the previous page's `next_cursor` (of the same tab).
    cursor: Option<String>,
    /// Posts per page, at most 50 (default 20).
    limit: Option<u32>,
}

/// Which of my posts a tab holds, as SQL on `p`.
fn membership(tab: PostTab) -> String {
    match tab {
        PostTab::Draft => "p.status IN ('draft', 'withdrawn')".to_owned(),
        PostTab::InReview => "p.status = 'in_review'".to_owned(),
        PostTab::Published => IS_PUBLIC.to_owned(),
        PostTab::Rejected => "p.status = 'rejected'".to_owned(),
    }
}

/// How many of my posts each tab holds: one pass over my posts' index range.
pub async fn counts<'e>(db: impl crate::db::Executor<'e>, doctor_id: i64) -> AppResult<PostCounts> {
    let sum = |tab| format!("COUNT(*) FILTER (WHERE {})", membership(tab));
    let (draft, in_review, published, rejected): (i64, i64, i64, i64) =
        crate::db::query_as(&format!(
            "SELECT {}, {}, {}, {} FROM posts p WHERE p.doctor_id = ? AND p.deleted_at IS NULL",
            sum(PostTab::Draft),
            sum(PostTab::InReview),
            sum(PostTab::Published),
            sum(PostTab::Rejected),
        ))
        .bind(doctor_id)
        .fetch_one(db)
        .await?;
    Ok(PostCounts {
        draft: draft as u32,
        in_review: in_review as u32,
        published: published as u32,
        rejected: rejected as u32,
    })
}

/// One page of one tab of my posts. The cursor is the last row's `"{updated_at}_{id}"`;
/// a cursor of another shape is 404.
#[utoipa::path(get, path = "/posts", tag = "posts", params(ListQuery),
    responses(
        (status = 200, body = PostPage),
        (status = 400, description = "A query parameter of the wrong type", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a doctor, or `agreement_required`", body = ErrorBody),
        (status = 404, description = "A bad `cursor`", body = ErrorBody),
        (status = 422, description = "An unknown `tab` (`fields.tab`)", body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    me: Doctor,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<PostPage>> {
    let tab = match q.tab.as_deref() {
        None | Some("") => PostTab::default(),
        Some(name) => PostTab::parse(name)
            .ok_or_else(|| AppError::Validation(vec![("tab", FieldError::OutOfRange)]))?,
    };
    let cursor = q
        .cursor
        .as_deref()
        .map(|c| {
            let (at, id) = c.split_once('_')?;
            Some((at.parse::<i64>().ok()?, id.parse::<i64>().ok()?))
        })
        .map(|c| c.ok_or(AppError::Code(ErrorCode::NotFound)))
        .transpose()?;
    let limit = q.limit.unwrap_or(20).clamp(1, PAGE_MAX);
    let (after_at, after_id) = cursor.unzip();
    // One read for the page and the counts, so they agree.
    let mut tx = state.db.begin().await?;
    let mut rows: Vec<Stored> = crate::db::query_as(&format!(
        "{SELECT} WHERE p.doctor_id = ?1 AND p.deleted_at IS NULL AND {}
           AND (?2 IS NULL OR (p.updated_at, p.id) < (?2, ?3))
         ORDER BY p.updated_at DESC, p.id DESC LIMIT ?4",
        membership(tab)
    ))
    .bind(me.account_id)
    .bind(after_at)
    .bind(after_id)
    .bind(limit as i64 + 1)
    .fetch_all(&mut *tx)
    .await?;
    let counts = counts(&mut *tx, me.account_id).await?;
    tx.commit().await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last())
        .flatten()
        .map(|last| format!("{}_{}", last.updated_at, last.id));
    let items = rows
        .into_iter()
        .map(|row| PostRow {
            id: row.id,
            kind: row.kind(),
            status: row.status(),
            rejection: row.rejection(),
            publication: row.publication(),
            updated_at: from_unix(row.updated_at),
            title: row.title,
        })
        .collect();
    Ok(Json(PostPage {
        items,
        next_cursor,
        counts,
    }))
}

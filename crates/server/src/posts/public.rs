//! `GET /p/{slug}`: a published post for anyone, as plain HTML (no wasm, no cookies), so it
//! opens at once inside WeChat and shares with a proper card. Only the approved revision
//! is ever shown, never the working copy or a revision in review.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
};
use doctor_desk_api::posts::{PostKind, PUBLIC_PATH};

use super::{byline, page, question};
use crate::{clock::from_unix, error::AppResult, markdown, state::AppState};

/// How much of the body the description tags carry.
const DESCRIPTION_CHARS: usize = 100;

#[derive(sqlx::FromRow)]
struct Published {
    doctor_id: i64,
    kind: String,
    question_id: Option<i64>,
    title: String,
    body: String,
    html: String,
    cover: Option<String>,
    ai_assisted: bool,
    published_at: i64,
    public_updated_at: i64,
    gone: bool,
}

fn html(status: StatusCode, page: String) -> Response {
    let mut response = (status, Body::from(page)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(csp) = HeaderValue::from_str(&page::CSP) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    // Each view reaches us (the counter), and a withdrawn page disappears at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `https://host` for absolute links: the configured public origin, else the request's
/// `Host` if it looks like a host name (it is the client's word: never let it write
/// markup).
fn origin(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(origin) = &state.config.public_origin {
        return Some(origin.trim_end_matches('/').to_owned());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plausible = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    plausible.then(|| format!("{scheme}://{host}"))
}

/// A published post, signed out. Each GET counts one view (HEAD does not); 404 for a slug
/// that never was, 410 once the doctor withdrew or deleted the post.
#[utoipa::path(get, path = "/p/{slug}", tag = "public",
    params(("slug" = String, Path, description = "From the post's `publication.url`")),
    responses(
        (status = 200, description = "The post as an HTML page", content_type = "text/html"),
        (status = 404, description = "No such page (HTML)", content_type = "text/html"),
        (status = 410, description = "Withdrawn or deleted (HTML)", content_type = "text/html"),
        (status = 500, description = "Something broke on our side"),
    ))]
pub async fn page(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let not_found = || {
        html(
            StatusCode::NOT_FOUND,
            page::notice("内容不存在", "没有找到这篇内容，请检查链接是否完整。"),
        )
    };
    if slug.is_empty() || slug.len() > 32 || !slug.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(not_found());
    }
    if method == Method::GET {
        crate::db::query(
            "UPDATE posts SET views = views + 1
              WHERE slug = ? AND withdrawn_at IS NULL AND deleted_at IS NULL",
        )
        .bind(&slug)
        .execute(&state.db)
        .await?;
    }
    let found: Option<Published> = crate::db::query_as(
        "SELECT p.doctor_id, r.kind, r.question_id, r.title, r.body, r.html, r.cover,
                r.ai_assisted <> 0 AS ai_assisted, p.published_at, p.public_updated_at,
                (p.withdrawn_at IS NOT NULL OR p.deleted_at IS NOT NULL) AS gone
           FROM posts p JOIN post_revisions r ON r.id = p.published_revision_id
          WHERE p.slug = ?",
    )
    .bind(&slug)
    .fetch_optional(&state.db)
    .await?;
    let gone = || {
        html(
            StatusCode::GONE,
            page::notice("该内容已下架", "作者已撤回或删除了这篇内容。"),
        )
    };
    let Some(post) = found else {
        // A deleted account's posts keep their slug and nothing else: gone, not unknown.
        let emptied: Option<i64> = crate::db::query_scalar(
            "SELECT 1 FROM posts WHERE slug = ? AND deleted_at IS NOT NULL",
        )
        .bind(&slug)
        .fetch_optional(&state.db)
        .await?;
        return Ok(if emptied.is_some() {
            gone()
        } else {
            not_found()
        });
    };
    if post.gone {
        return Ok(gone());
    }
    let kind = PostKind::parse(&post.kind).unwrap_or_default();
    let question = match post.question_id.filter(|_| kind == PostKind::Answer) {
        Some(id) => question(&state.db, id).await?.map(|q| q.text),
        None => None,
    };
    let byline = byline::of(&state, post.doctor_id).await?;
    let origin = origin(&state, &headers);
    let description = markdown::summary(&post.body, DESCRIPTION_CHARS);
    let path = format!("{PUBLIC_PATH}{slug}");
    let page = page::article(&page::Article {
        kind,
        title: &post.title,
        description: &description,
        html: &post.html,
        cover: post.cover.as_deref(),
        ai_assisted: post.ai_assisted,
        question: question.as_deref(),
        byline: &byline,
        published_at: from_unix(post.published_at),
        updated_at: from_unix(post.public_updated_at),
        origin: origin.as_deref(),
        path: &path,
    });
    Ok(html(StatusCode::OK, page))
}

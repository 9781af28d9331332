//! Publishing new agreement versions: reviewers in the console (`/review/agreements`) and
//! the `admin publish-agreement` command share `publish`.

use axum::{extract::State, http::StatusCode, Json};
use doctor_desk_api::{
    agreements::{AgreementDocument, AgreementKind, PublishRequest, PublishedVersion, Version},
    validate::FieldError,
    ErrorBody, Lang,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{current_versions, document_view, lang_name, parse_lang, sha256_hex, text, TextRef};
use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AppJson, Reviewer},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(preview))
}

/// Checks the request and that its version is higher than the current one of its kind.
async fn check(state: &AppState, request: &PublishRequest) -> AppResult<(AgreementKind, Version)> {
    AppError::check(request.validate())?;
    let kind = request.kind.expect("validated");
    let version = Version::parse(&request.version).expect("validated");
    let current = current_versions(state).await?;
    if let Some(c) = current.iter().find(|c| c.kind == kind) {
        if Version::parse(&c.version).is_ok_and(|cur| version <= cur) {
            return Err(AppError::Validation(vec![(
                "version",
                FieldError::VersionNotNewer,
            )]));
        }
    }
    Ok((kind, version))
}

fn texts(request: &PublishRequest) -> Vec<TextRef<'_>> {
    let mut texts = vec![TextRef {
        lang: Lang::Zh,
        title: request.title.trim(),
        change_summary: request.change_summary.trim(),
        body: &request.body,
    }];
    if request.has_english() {
        texts.push(TextRef {
            lang: Lang::En,
            title: request.title_en.trim(),
            change_summary: request.change_summary_en.trim(),
            body: &request.body_en,
        });
    }
    texts
}

/// Publishes a new version (immutable from then on). `published_by` is the reviewer, or
/// `None` from the command line.
pub async fn publish(
    state: &AppState,
    published_by: Option<i64>,
    request: &PublishRequest,
) -> AppResult<PublishedVersion> {
    let (kind, version) = check(state, request).await?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let id: Option<i64> = crate::db::query_scalar(
        "INSERT INTO agreement_versions (kind, version, major, minor, patch, published_at, published_by)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(kind.as_str())
    .bind(version.to_string())
    .bind(version.major)
    .bind(version.minor)
    .bind(version.patch)
    .bind(now)
    .bind(published_by)
    .fetch_optional(&mut *tx)
    .await?;
    // Two reviewers publishing the same version at once: the second one loses.
    let id = id.ok_or(AppError::Validation(vec![(
        "version",
        FieldError::VersionNotNewer,
    )]))?;
    let texts = texts(request);
    for text in &texts {
        crate::db::query(
            "INSERT INTO agreement_texts (version_id, lang, title, change_summary, body, body_sha256)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(lang_name(text.lang))
        .bind(text.title)
        .bind(text.change_summary)
        .bind(text.body)
        .bind(sha256_hex(text.body))
        .execute(&mut *tx)
        .await?;
    }
    // Every doctor is told; each sees it at their next step anyway (the agreements gate),
    // so no stream is woken for thousands of doctors at once.
    crate::db::query(
        "INSERT INTO notifications
           (account_id, kind, subject_id, detail, link, once, created_at)
         SELECT r.account_id, ?, ?, ?, '/agreements', ?, ?
           FROM account_roles r JOIN accounts a ON a.id = r.account_id
          WHERE r.role = 'doctor' AND a.deleted_at IS NULL ON CONFLICT DO NOTHING",
    )
    .bind(crate::account::notifications::kind_name(
        doctor_desk_api::account::notifications::NotificationKind::AgreementUpdate,
    ))
    .bind(id)
    .bind(format!("{} {version}", kind.as_str()))
    .bind(format!("agreement:{id}"))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(kind = kind.as_str(), %version, ?published_by, "agreement published");
    Ok(PublishedVersion {
        kind,
        version: version.to_string(),
        title: request.title.trim().to_owned(),
        published_at: from_unix(now),
        langs: texts.iter().map(|t| t.lang).collect(),
        acceptances: 0,
    })
}

/// Every published version, newest first, with how many doctors accepted each.
#[utoipa::path(get, path = "/review/agreements", tag = "review",
    responses(
        (status = 200, body = Vec<PublishedVersion>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
    ))]
async fn list(
    State(state): State<AppState>,
    _reviewer: Reviewer,
) -> AppResult<Json<Vec<PublishedVersion>>> {
    let rows: Vec<(String, String, String, i64, String, i64)> = crate::db::query_as(
        "SELECT v.kind, v.version, t.title, v.published_at,
                (SELECT string_agg(lang, ',') FROM agreement_texts WHERE version_id = v.id),
                (SELECT COUNT(DISTINCT account_id) FROM agreement_acceptances WHERE version_id = v.id)
         FROM agreement_versions v JOIN agreement_texts t ON t.version_id = v.id AND t.lang = 'zh-CN'
         ORDER BY v.published_at DESC, v.id DESC",
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .filter_map(|(kind, version, title, at, langs, acceptances)| {
                let mut langs: Vec<Lang> = langs.split(',').map(parse_lang).collect();
                langs.sort_by_key(|l| *l != Lang::Zh);
                Some(PublishedVersion {
                    kind: AgreementKind::parse(&kind)?,
                    version,
                    title,
                    published_at: from_unix(at),
                    langs,
                    acceptances,
                })
            })
            .collect(),
    ))
}

/// Publishes a new version. It must be higher than the current one of its kind.
#[utoipa::path(post, path = "/review/agreements", tag = "review",
    request_body = PublishRequest,
    responses(
        (status = 201, body = PublishedVersion),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn create(
    State(state): State<AppState>,
    reviewer: Reviewer,
    AppJson(request): AppJson<PublishRequest>,
) -> AppResult<(StatusCode, Json<PublishedVersion>)> {
    let published = publish(&state, Some(reviewer.account_id), &request).await?;
    Ok((StatusCode::CREATED, Json(published)))
}

/// Renders a version before it is published, exactly as doctors will see it (one
/// document per language), with its changes against the current version.
#[utoipa::path(post, path = "/review/agreements/preview", tag = "review",
    request_body = PublishRequest,
    responses(
        (status = 200, body = Vec<AgreementDocument>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a reviewer", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn preview(
    State(state): State<AppState>,
    _reviewer: Reviewer,
    AppJson(request): AppJson<PublishRequest>,
) -> AppResult<Json<Vec<AgreementDocument>>> {
    let (kind, version) = check(&state, &request).await?;
    let current = current_versions(&state).await?;
    let current = current.iter().find(|c| c.kind == kind);
    let mut documents = Vec::new();
    for new in texts(&request) {
        let since = match current {
            // Compare like with like: no diff of English against the Chinese fallback.
            Some(c) => text(&state, kind, &c.version, new.lang)
                .await?
                .filter(|t| parse_lang(&t.lang) == new.lang)
                .map(|t| t.body),
            None => None,
        };
        documents.push(document_view(
            kind,
            &version.to_string(),
            new,
            None,
            since.as_deref(),
        ));
    }
    Ok(Json(documents))
}

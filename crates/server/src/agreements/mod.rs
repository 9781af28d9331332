//! Agreements: the current service agreement and privacy policy, the doctor's acceptances
//! (append-only legal records) and the guard that keeps everything else closed until the
//! current versions are accepted.

pub mod changes;
pub mod publish;
pub mod samples;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    agreements::{
        Acceptance, AcceptanceRequest, AgreementDocument, AgreementKind, CurrentAgreement,
    },
    ErrorBody, ErrorCode, Lang,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{AcceptLang, AppJson, Client, SignedIn},
    markdown,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(current))
        .routes(routes!(document))
        .routes(routes!(accept))
        .routes(routes!(my_acceptances))
        .merge(publish::router())
}

/// Newest version of each kind: no other version of the same kind is numerically higher.
const CURRENT: &str = "SELECT v.id, v.kind, v.version, v.published_at FROM agreement_versions v
     WHERE NOT EXISTS (SELECT 1 FROM agreement_versions w WHERE w.kind = v.kind
                       AND (w.major, w.minor, w.patch) > (v.major, v.minor, v.patch))";

struct Current {
    id: i64,
    kind: AgreementKind,
    version: String,
    published_at: i64,
}

async fn current_versions(state: &AppState) -> AppResult<Vec<Current>> {
    let rows: Vec<(i64, String, String, i64)> =
        crate::db::query_as(CURRENT).fetch_all(&state.db).await?;
    let mut current: Vec<Current> = rows
        .into_iter()
        .filter_map(|(id, kind, version, published_at)| {
            Some(Current {
                id,
                kind: AgreementKind::parse(&kind)?,
                version,
                published_at,
            })
        })
        .collect();
    current.sort_by_key(|c| c.kind);
    Ok(current)
}

/// Kinds with no published version at all (doctors cannot be asked to accept those).
pub async fn unpublished_kinds(state: &AppState) -> AppResult<Vec<AgreementKind>> {
    let current = current_versions(state).await?;
    Ok(AgreementKind::ALL
        .into_iter()
        .filter(|k| !current.iter().any(|c| c.kind == *k))
        .collect())
}

/// Kinds whose current version this account still has to accept. Only doctors are bound
/// by them (a reviewer-only account works under the hospital's own rules).
pub async fn pending(state: &AppState, account_id: i64) -> AppResult<Vec<AgreementKind>> {
    let kinds: Vec<String> = crate::db::query_scalar(&format!(
        "SELECT c.kind FROM ({CURRENT}) c
         WHERE EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = ? AND r.role = 'doctor')
           AND NOT EXISTS (SELECT 1 FROM agreement_acceptances a
                           WHERE a.account_id = ? AND a.version_id = c.id)"
    ))
    .bind(account_id)
    .bind(account_id)
    .fetch_all(&state.db)
    .await?;
    let mut kinds: Vec<AgreementKind> = kinds
        .iter()
        .filter_map(|k| AgreementKind::parse(k))
        .collect();
    kinds.sort();
    Ok(kinds)
}

/// Whether the account `account` (an SQL expression) still has a current version to
/// accept, as an SQL expression: read with the session, so the `Doctor` extractor costs no
/// statement of its own. Only doctors are bound (as [`pending`]).
pub(crate) fn pending_sql(account: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM account_roles r WHERE r.account_id = {account} AND r.role = 'doctor')
          AND EXISTS (SELECT 1 FROM ({CURRENT}) c
                      WHERE NOT EXISTS (SELECT 1 FROM agreement_acceptances a
                                        WHERE a.account_id = {account} AND a.version_id = c.id)))"
    )
}

/// The one check behind the `Doctor` extractor: 403 `agreement_required` while any current
/// version is not accepted.
pub async fn ensure_accepted(state: &AppState, account_id: i64) -> AppResult<()> {
    if pending(state, account_id).await?.is_empty() {
        Ok(())
    } else {
        Err(AppError::Code(ErrorCode::AgreementRequired))
    }
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

pub(crate) fn lang_name(lang: Lang) -> &'static str {
    lang.tag()
}

pub(crate) fn parse_lang(name: &str) -> Lang {
    if name == "en" {
        Lang::En
    } else {
        Lang::Zh
    }
}

#[derive(sqlx::FromRow)]
struct StoredText {
    lang: String,
    title: String,
    change_summary: String,
    body: String,
    published_at: i64,
}

/// A version's text in `lang`, or in zh-CN when it has none in that language.
async fn text(
    state: &AppState,
    kind: AgreementKind,
    version: &str,
    lang: Lang,
) -> AppResult<Option<StoredText>> {
    Ok(crate::db::query_as(
        "SELECT t.lang, t.title, t.change_summary, t.body, v.published_at
         FROM agreement_versions v JOIN agreement_texts t ON t.version_id = v.id
         WHERE v.kind = ? AND v.version = ? AND t.lang IN (?, 'zh-CN')
         ORDER BY t.lang = ? DESC LIMIT 1",
    )
    .bind(kind.as_str())
    .bind(version)
    .bind(lang_name(lang))
    .bind(lang_name(lang))
    .fetch_optional(&state.db)
    .await?)
}

/// One language's text of a version.
pub struct TextRef<'a> {
    pub lang: Lang,
    pub title: &'a str,
    pub change_summary: &'a str,
    pub body: &'a str,
}

/// A document as shown to a reader; `since` is the text to compare it with.
pub fn document_view(
    kind: AgreementKind,
    version: &str,
    text: TextRef<'_>,
    published_at: Option<i64>,
    since: Option<&str>,
) -> AgreementDocument {
    // Unique on any page: a preview shows both languages of one kind together.
    let prefix = format!("{}-{}-", kind.as_str(), text.lang.tag());
    let rendered = markdown::render(text.body, &prefix);
    AgreementDocument {
        kind,
        version: version.to_owned(),
        lang: text.lang,
        title: text.title.to_owned(),
        change_summary: text.change_summary.to_owned(),
        published_at: published_at.map(from_unix),
        body_sha256: sha256_hex(text.body),
        body: text.body.to_owned(),
        html: rendered.html,
        toc: rendered.toc,
        changes: since.map(|old| {
            changes::changes(&markdown::render(old, &prefix).clauses, &rendered.clauses)
        }),
    }
}

fn parse_kind(kind: &str) -> AppResult<AgreementKind> {
    AgreementKind::parse(kind).ok_or(AppError::Code(ErrorCode::NotFound))
}

/// The latest version of each kind, and for a signed-in doctor which one they accepted.
#[utoipa::path(get, path = "/agreements/current", tag = "agreements",
    responses((status = 200, body = Vec<CurrentAgreement>)))]
async fn current(
    State(state): State<AppState>,
    signed_in: Option<SignedIn>,
    AcceptLang(lang): AcceptLang,
) -> AppResult<Json<Vec<CurrentAgreement>>> {
    let mut out = Vec::new();
    for c in current_versions(&state).await? {
        let title = text(&state, c.kind, &c.version, lang)
            .await?
            .map(|t| t.title)
            .unwrap_or_default();
        let accepted_version =
            match &signed_in {
                Some(s) => crate::db::query_scalar(
                    "SELECT version FROM agreement_acceptances WHERE account_id = ? AND kind = ?
                 ORDER BY id DESC LIMIT 1",
                )
                .bind(s.account_id)
                .bind(c.kind.as_str())
                .fetch_optional(&state.db)
                .await?,
                None => None,
            };
        out.push(CurrentAgreement {
            kind: c.kind,
            version: c.version,
            title,
            published_at: from_unix(c.published_at),
            accepted_version,
        });
    }
    Ok(Json(out))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct DocumentQuery {
    /// An earlier version to compare with, clause by clause.
    since: Option<String>,
    /// `zh-CN` or `en`; overrides `Accept-Language` (e.g. to re-read the text accepted).
    lang: Option<String>,
}

/// One published version in the request's language (zh-CN when it has no such text),
/// rendered safely, with its table of contents and, when asked, the changes since an
/// earlier version. Public, like any published policy.
#[utoipa::path(get, path = "/agreements/{kind}/{version}", tag = "agreements",
    params(
        ("kind" = String, Path, description = "`service-agreement` or `privacy-policy`"),
        ("version" = String, Path, description = "e.g. `1.2.0`"),
        DocumentQuery,
    ),
    responses(
        (status = 200, body = AgreementDocument),
        (status = 404, body = ErrorBody),
    ))]
async fn document(
    State(state): State<AppState>,
    Path((kind, version)): Path<(String, String)>,
    Query(q): Query<DocumentQuery>,
    AcceptLang(lang): AcceptLang,
) -> AppResult<Json<AgreementDocument>> {
    let kind = parse_kind(&kind)?;
    let lang = q.lang.as_deref().map(parse_lang).unwrap_or(lang);
    let stored = text(&state, kind, &version, lang)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let lang = parse_lang(&stored.lang);
    let since = match q.since.as_deref().filter(|s| !s.is_empty()) {
        Some(old) => {
            let old = text(&state, kind, old, lang)
                .await?
                .ok_or(AppError::Code(ErrorCode::NotFound))?;
            // An older version without a text in this language: a diff against the other
            // language would be noise, so only the change summary is shown.
            (parse_lang(&old.lang) == lang).then_some(old.body)
        }
        None => None,
    };
    Ok(Json(document_view(
        kind,
        &version,
        TextRef {
            lang,
            title: &stored.title,
            change_summary: &stored.change_summary,
            body: &stored.body,
        },
        Some(stored.published_at),
        since.as_deref(),
    )))
}

/// Records that the signed-in doctor accepted exactly the text with `body_sha256` of the
/// current version. Accepting the same version again returns the first record.
#[utoipa::path(post, path = "/agreements/{kind}/{version}/acceptance", tag = "agreements",
    params(
        ("kind" = String, Path, description = "`service-agreement` or `privacy-policy`"),
        ("version" = String, Path, description = "Must be the current version"),
    ),
    request_body = AcceptanceRequest,
    responses(
        (status = 201, description = "Recorded", body = Acceptance),
        (status = 200, description = "Already accepted", body = Acceptance),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`agreement_outdated`: not the current version, or not its text", body = ErrorBody),
        (status = 422, description = "The privacy policy needs `health_data_consent`", body = ErrorBody),
    ))]
async fn accept(
    State(state): State<AppState>,
    me: SignedIn,
    client: Client,
    Path((kind, version)): Path<(String, String)>,
    AppJson(request): AppJson<AcceptanceRequest>,
) -> AppResult<(StatusCode, Json<Acceptance>)> {
    let kind = parse_kind(&kind)?;
    let version_id: i64 =
        crate::db::query_scalar("SELECT id FROM agreement_versions WHERE kind = ? AND version = ?")
            .bind(kind.as_str())
            .bind(&version)
            .fetch_optional(&state.db)
            .await?
            .ok_or(AppError::Code(ErrorCode::NotFound))?;
    AppError::check(request.validate(kind))?;
    let is_current = current_versions(&state)
        .await?
        .iter()
        .any(|c| c.id == version_id);
    if !is_current {
        return Err(AppError::Code(ErrorCode::AgreementOutdated));
    }
    let lang: String = crate::db::query_scalar(
        "SELECT lang FROM agreement_texts WHERE version_id = ? AND body_sha256 = ?",
    )
    .bind(version_id)
    .bind(request.body_sha256.trim().to_ascii_lowercase())
    .fetch_optional(&state.db)
    .await?
    // The doctor read some other text than this version's: make them read it again.
    .ok_or(AppError::Code(ErrorCode::AgreementOutdated))?;

    let existing: Option<i64> = crate::db::query_scalar(
        "SELECT id FROM agreement_acceptances WHERE account_id = ? AND version_id = ?
         ORDER BY id LIMIT 1",
    )
    .bind(me.account_id)
    .bind(version_id)
    .fetch_optional(&state.db)
    .await?;
    if let Some(id) = existing {
        return Ok((StatusCode::OK, Json(acceptance(&state, id).await?)));
    }
    let id: Option<i64> = crate::db::query_scalar(
        "INSERT INTO agreement_acceptances
           (account_id, version_id, kind, version, lang, body_sha256, health_data_consent,
            accepted_at, client_ip, user_agent)
         SELECT ?, v.id, v.kind, v.version, t.lang, t.body_sha256, ?, ?, ?, ?
         FROM agreement_versions v JOIN agreement_texts t ON t.version_id = v.id
         WHERE v.id = ? AND t.lang = ?
         ON CONFLICT (account_id, version_id) DO NOTHING
         RETURNING id",
    )
    .bind(me.account_id)
    .bind(kind == AgreementKind::PrivacyPolicy && request.health_data_consent)
    .bind(state.clock.unix())
    .bind(&client.ip)
    .bind(&client.user_agent)
    .bind(version_id)
    .bind(&lang)
    .fetch_optional(&state.db)
    .await?;
    // A double submit that raced past the look-up above: the unique index kept one
    // record, which both answers show.
    let Some(id) = id else {
        let id: i64 = crate::db::query_scalar(
            "SELECT id FROM agreement_acceptances WHERE account_id = ? AND version_id = ?",
        )
        .bind(me.account_id)
        .bind(version_id)
        .fetch_one(&state.db)
        .await?;
        return Ok((StatusCode::OK, Json(acceptance(&state, id).await?)));
    };
    tracing::info!(account = me.account_id, kind = kind.as_str(), %version, "agreement accepted");
    Ok((StatusCode::CREATED, Json(acceptance(&state, id).await?)))
}

type AcceptanceRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    bool,
    i64,
    String,
    String,
);

const ACCEPTANCE: &str = "SELECT a.id, a.kind, a.version, t.title, a.lang, a.body_sha256,
        a.health_data_consent <> 0, a.accepted_at, a.client_ip, a.user_agent
     FROM agreement_acceptances a
     JOIN agreement_texts t ON t.version_id = a.version_id AND t.lang = a.lang";

fn acceptance_view(row: AcceptanceRow) -> Option<Acceptance> {
    let (id, kind, version, title, lang, body_sha256, consent, at, ip, ua) = row;
    Some(Acceptance {
        id,
        kind: AgreementKind::parse(&kind)?,
        version,
        title,
        lang: parse_lang(&lang),
        body_sha256,
        health_data_consent: consent,
        accepted_at: from_unix(at),
        client_ip: ip,
        user_agent: ua,
    })
}

async fn acceptance(state: &AppState, id: i64) -> AppResult<Acceptance> {
    let row: AcceptanceRow = crate::db::query_as(&format!("{ACCEPTANCE} WHERE a.id = ?"))
        .bind(id)
        .fetch_one(&state.db)
        .await?;
    acceptance_view(row)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad acceptance row {id}")))
}

/// Every acceptance of the signed-in doctor, newest first.
#[utoipa::path(get, path = "/me/acceptances", tag = "agreements",
    responses(
        (status = 200, body = Vec<Acceptance>),
        (status = 401, body = ErrorBody),
    ))]
async fn my_acceptances(
    State(state): State<AppState>,
    me: SignedIn,
) -> AppResult<Json<Vec<Acceptance>>> {
    let rows: Vec<AcceptanceRow> = crate::db::query_as(&format!(
        "{ACCEPTANCE} WHERE a.account_id = ? ORDER BY a.id DESC"
    ))
    .bind(me.account_id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(rows.into_iter().filter_map(acceptance_view).collect()))
}

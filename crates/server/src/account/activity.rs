//! My activity (`GET /me/activity`): the account's own events (`account_events`, written
//! by `record`) read together with what other tables already keep — acceptances, consent
//! records, the doctor's consultation decisions, phone reveals — newest first, as pages
//! or as one CSV file.

use axum::{
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
    Json,
};
use chrono::{FixedOffset, NaiveDate, TimeZone};
use doctor_desk_api::{
    account::{
        activity::{action_label, csv_field, ActivityEntry, ActivityKind, ActivityPage},
        describe_device, mask_ip,
    },
    validate::FieldError,
    ErrorBody, ErrorCode, Lang,
};
use serde::Deserialize;

use crate::{
    clock::from_unix,
    db::Sql,
    error::{AppError, AppResult},
    extractor::{AcceptLang, Client, SignedIn},
    state::AppState,
};

/// Appends one event of the account's own (a sign-in, a security change). Its failure is
/// logged, never the request's: the change it records has already happened.
pub async fn record(
    state: &AppState,
    account_id: i64,
    action: &str,
    detail: &str,
    client: &Client,
) {
    let kind = match action {
        "sign_up" | "sign_in" | "sign_in_failed" | "sign_out" => "sign_in",
        _ => "security",
    };
    let written = crate::db::query(
        "INSERT INTO account_events (account_id, kind, action, detail, at, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(account_id)
    .bind(kind)
    .bind(action)
    .bind(detail)
    .bind(state.clock.unix())
    .bind(&client.ip)
    .bind(&client.user_agent)
    .execute(&state.db)
    .await;
    if let Err(e) = written {
        tracing::warn!(error = %e, action, "an account event was not recorded");
    }
}

/// Every source as rows of one shape, for the account `me`. Consultation messages are
/// left out (the chat is their record), as are the doctor's edits of patient files.
const TRAIL: &str = "
    SELECT 'e' AS src, id, kind, action, detail, CAST(NULL AS BIGINT) AS consultation_id,
           CAST(NULL AS BIGINT) AS patient_id, at, ip, user_agent
      FROM account_events WHERE account_id = (SELECT id FROM me)
    UNION ALL
    SELECT 'a', id, 'agreements', 'accepted', kind || ' ' || version, NULL, NULL,
           accepted_at, client_ip, user_agent
      FROM agreement_acceptances WHERE account_id = (SELECT id FROM me)
    UNION ALL
    SELECT 'h', id, 'agreements', CASE given WHEN 1 THEN 'consent_given' ELSE 'consent_withdrawn' END,
           '', NULL, NULL, at, client_ip, user_agent
      FROM health_consents WHERE account_id = (SELECT id FROM me)
    UNION ALL
    SELECT 'c', id, 'consultations', action, '', consultation_id, NULL, at, NULL, NULL
      FROM consultation_audit
     WHERE actor = 'doctor:' || (SELECT id FROM me) AND action IN ('accept', 'decline', 'ask', 'close')
    UNION ALL
    SELECT 'p', id, 'patients', action, '', NULL, patient_id, at, NULL, NULL
      FROM patient_audit WHERE doctor_id = (SELECT id FROM me) AND action = 'reveal_phone'";

/// The most rows one CSV file holds.
const CSV_ROWS: i64 = 10_000;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ActivityQuery {
    /// `sign_in`, `security`, `agreements`, `consultations` or `patients`; all when unset.
    kind: Option<String>,
    /// First day (China time, YYYY-MM-DD), included.
    from: Option<NaiveDate>,
    /// Last day (China time), included.
    to: Option<NaiveDate>,
    /// From the previous page's `next_cursor` (same filters).
    cursor: Option<String>,
    /// Rows per page, at most 100 (default 50).
    limit: Option<u32>,
    /// `csv`: every matching row (at most 10 000) as one file, in the client's language.
    format: Option<String>,
    /// The file's language (`zh-CN` or `en`) when a download link cannot send
    /// `Accept-Language` of the app's choosing.
    /// Read leniently (anything but `en…` is zh-CN), as `Accept-Language` is.
    #[param(value_type = Option<Lang>)]
    lang: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    src: String,
    id: i64,
    kind: String,
    action: String,
    detail: String,
    consultation_id: Option<i64>,
    patient_id: Option<i64>,
    at: i64,
    ip: Option<String>,
    user_agent: Option<String>,
}

impl Row {
    fn entry(self, lang: Lang) -> ActivityEntry {
        let device_name = self
            .user_agent
            .as_deref()
            .map(|ua| describe_device(ua).1)
            .filter(|name| !name.is_empty());
        ActivityEntry {
            id: format!("{}{}", self.src, self.id),
            kind: ActivityKind::parse(&self.kind).unwrap_or(ActivityKind::Security),
            label: action_label(&self.action, lang).to_owned(),
            action: self.action,
            detail: self.detail,
            consultation_id: self.consultation_id,
            patient_id: self.patient_id,
            at: from_unix(self.at),
            ip_masked: self.ip.as_deref().map(mask_ip),
            device_name,
        }
    }
}

/// Where a page starts: after the last row of the previous one, `at.src.id`.
fn parse_cursor(cursor: &str) -> Option<(i64, String, i64)> {
    let mut parts = cursor.splitn(3, '.');
    let at = parts.next()?.parse().ok()?;
    let src = parts.next()?.to_owned();
    let id = parts.next()?.parse().ok()?;
    (src.len() == 1).then_some((at, src, id))
}

/// Midnight in China of `day`, as unix seconds.
fn china_midnight(day: NaiveDate) -> i64 {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    china
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .map(|t| t.timestamp())
        .unwrap_or(0)
}

/// My own activity, newest first: sign-ins, security changes, agreements and consent,
/// consultation decisions, phone reveals. `format=csv` answers one file of it all.
#[utoipa::path(get, path = "/me/activity", tag = "account", params(ActivityQuery),
    responses(
        (status = 200, description = "A page (JSON), or with `format=csv` the whole trail as a CSV file",
            content((ActivityPage = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A query parameter of the wrong type", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "A bad `cursor`", body = ErrorBody),
        (status = 422, description = "An unknown `kind` or `format`, or `to` before `from`", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    AcceptLang(lang): AcceptLang,
    Query(q): Query<ActivityQuery>,
) -> AppResult<Response> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(
            ActivityKind::parse(k)
                .ok_or(AppError::Validation(vec![("kind", FieldError::OutOfRange)]))?,
        ),
    };
    let csv = match q.format.as_deref() {
        None | Some("" | "json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(AppError::Validation(vec![(
                "format",
                FieldError::OutOfRange,
            )]))
        }
    };
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if to < from {
            return Err(AppError::Validation(vec![("to", FieldError::OutOfRange)]));
        }
    }
    let after = match q.cursor.as_deref() {
        Some(c) => Some(parse_cursor(c).ok_or(AppError::Code(ErrorCode::NotFound))?),
        None => None,
    };
    let limit = if csv {
        CSV_ROWS
    } else {
        i64::from(q.limit.unwrap_or(50).clamp(1, 100))
    };
    // The account is bound once, as `me`, which the trail's sources read.
    let mut sql = Sql::new("WITH me(id) AS (SELECT ");
    sql.push_bind(signed_in.account_id)
        .push(") SELECT * FROM (")
        .push(TRAIL)
        .push(") AS trail WHERE TRUE");
    if let Some(kind) = kind {
        sql.push(" AND kind = ").push_bind(kind.as_str());
    }
    if let Some(from) = q.from {
        sql.push(" AND at >= ").push_bind(china_midnight(from));
    }
    if let Some(to) = q.to {
        let next = to.succ_opt().unwrap_or(to);
        sql.push(" AND at < ").push_bind(china_midnight(next));
    }
    if let Some((at, src, id)) = &after {
        sql.push(" AND (at < ")
            .push_bind(*at)
            .push(" OR (at = ")
            .push_bind(*at)
            .push(" AND (src < ")
            .push_bind(src.clone())
            .push(" OR (src = ")
            .push_bind(src.clone())
            .push(" AND id < ")
            .push_bind(*id)
            .push("))))");
    }
    sql.push(" ORDER BY at DESC, src DESC, id DESC LIMIT ")
        .push_bind(limit + 1);
    let mut rows: Vec<Row> = sql.query_as().fetch_all(&state.db).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    if csv {
        let asked = q.lang.as_deref().filter(|l| !l.is_empty());
        return Ok(csv_file(
            rows,
            asked.map_or(lang, Lang::from_accept_language),
        ));
    }
    let next_cursor = more
        .then(|| rows.last().map(|r| format!("{}.{}.{}", r.at, r.src, r.id)))
        .flatten();
    Ok(Json(ActivityPage {
        items: rows.into_iter().map(|r| r.entry(lang)).collect(),
        next_cursor,
    })
    .into_response())
}

fn csv_file(rows: Vec<Row>, lang: Lang) -> Response {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    let header = [
        lang.pick("时间（北京时间）", "Time (China)"),
        lang.pick("类别", "Kind"),
        lang.pick("操作", "Action"),
        lang.pick("详情", "Detail"),
        lang.pick("问诊", "Consultation"),
        lang.pick("患者", "Patient"),
        lang.pick("网络", "Network"),
        lang.pick("设备", "Device"),
    ];
    // A byte-order mark: spreadsheet programs then read the Chinese as UTF-8.
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in rows {
        let e = row.entry(lang);
        let fields = [
            e.at.with_timezone(&china)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            e.kind.label(lang).to_owned(),
            e.label,
            e.detail,
            e.consultation_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            e.patient_id.map(|id| id.to_string()).unwrap_or_default(),
            e.ip_masked.unwrap_or_default(),
            e.device_name.unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"doctor-desk-activity.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

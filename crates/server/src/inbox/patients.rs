//! The patient side that feeds the inbox. The platform's patient app is not ours, but the
//! flow must be real: patients sign in with SMS codes (their own cookie), upload records,
//! ask a doctor for a follow-up consultation and exchange messages with them.

use axum::{
    extract::{FromRef, FromRequestParts, Multipart, Path, Query, State},
    http::{header, request::Parts, HeaderValue, StatusCode},
    response::IntoResponse,
    Json,
};
use doctor_desk_api::{
    auth::{Role, SmsPurpose},
    inbox::{
        ConsultationSettings, EventKind, Message, NewConsultation, PatientConsultation,
        PatientLogin, PatientMe, SendMessage, ACCEPT_DEADLINE_HOURS,
    },
    onboarding::{Gender, StoredFile},
    validate::normalize_phone,
    ErrorBody, ErrorCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    audit, events, evidence_kind_name,
    messages::{self, AfterQuery, Author},
    settings,
};
use crate::account::notifications;
use crate::{
    auth::{account, session, sms_code},
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::{cookie, AppJson},
    files::{self, Owner, Upload},
    state::AppState,
};
use doctor_desk_api::account::notifications::NotificationKind;

/// Cookie of a patient's session; never the doctors' `dd_session`.
pub const PATIENT_COOKIE: &str = "dd_patient";
const PATIENT_SESSION_SECS: i64 = 30 * 24 * 3600;

pub fn router() -> OpenApiRouter<AppState> {
    // Every upload route has the one documented limit (`MAX_UPLOAD_BYTES`), not axum's
    // 2 MB default: a patient's phone photo is as big as a doctor's.
    let uploads = OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(files::upload_body_limit());
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .merge(uploads)
        .routes(routes!(download))
        .routes(routes!(create))
        .routes(routes!(get_one))
        .routes(routes!(list_messages, send_message))
}

/// The patient behind the patient cookie; 401 without one.
pub struct Patient {
    pub id: i64,
}

impl<S> FromRequestParts<S> for Patient
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let unauthorized = AppError::Code(ErrorCode::Unauthorized);
        let token = cookie(parts, PATIENT_COOKIE).ok_or(unauthorized)?;
        let id: Option<i64> = crate::db::query_scalar(
            "SELECT patient_id FROM patient_sessions WHERE token_hash = ? AND expires_at > ?",
        )
        .bind(session::token_hash(&token))
        .bind(state.clock.unix())
        .fetch_optional(&state.db)
        .await?;
        id.map(|id| Patient { id })
            .ok_or(AppError::Code(ErrorCode::Unauthorized))
    }
}

/// Signs a patient in with an SMS code (purpose `patient_login`); the first sign-in of a
/// phone creates the patient and needs name, sex and birth date.
/// What new requests to a doctor and the doctor's own deletion request hold until they
/// commit (PostgreSQL; SQLite's writer holds everything already).
pub(crate) fn intake_key(doctor_id: i64) -> String {
    format!("intake {doctor_id}")
}

#[utoipa::path(post, path = "/patient/auth/login", tag = "patient",
    request_body = PatientLogin,
    responses(
        (status = 200, description = "Signed in (patient cookie set)", body = PatientMe),
        (status = 422, body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    AppJson(mut request): AppJson<PatientLogin>,
) -> AppResult<impl IntoResponse> {
    request.phone = normalize_phone(&request.phone);
    let existing: Option<(i64, String)> =
        crate::db::query_as("SELECT id, name FROM patients WHERE phone = ?")
            .bind(&request.phone)
            .fetch_optional(&state.db)
            .await?;
    AppError::check(request.validate(existing.is_none()))?;
    sms_code::consume(
        &state,
        &request.phone,
        SmsPurpose::PatientLogin,
        request.sms_code.trim(),
    )
    .await?;
    let now = state.clock.unix();
    let (id, name) = match existing {
        Some(found) => found,
        None => {
            let name = request.name.clone().unwrap_or_default().trim().to_owned();
            let id: i64 = crate::db::query_scalar(
                "INSERT INTO patients (phone, name, sex, birth_date, created_at)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (phone) DO UPDATE SET phone = excluded.phone RETURNING id",
            )
            .bind(&request.phone)
            .bind(&name)
            .bind(match request.sex {
                Some(Gender::Male) => "male",
                _ => "female",
            })
            .bind(
                request
                    .birth_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            )
            .bind(now)
            .fetch_one(&state.db)
            .await?;
            (id, name)
        }
    };
    let token = session::new_token();
    crate::db::query(
        "INSERT INTO patient_sessions (token_hash, patient_id, created_at, expires_at)
         VALUES (?, ?, ?, ?)",
    )
    .bind(session::token_hash(&token))
    .bind(id)
    .bind(now)
    .bind(now + PATIENT_SESSION_SECS)
    .execute(&state.db)
    .await?;
    let mut cookie = format!(
        "{PATIENT_COOKIE}={token}; Path=/api/v1/patient; HttpOnly; SameSite=Lax; Max-Age={PATIENT_SESSION_SECS}"
    );
    if state.config.secure_cookies {
        cookie.push_str("; Secure");
    }
    let cookie = HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))?;
    Ok(([(header::SET_COOKIE, cookie)], Json(PatientMe { id, name })))
}

/// Ends the patient's session.
#[utoipa::path(post, path = "/patient/auth/logout", tag = "patient",
    responses((status = 204, description = "Signed out (patient cookie cleared)")))]
async fn logout(
    State(state): State<AppState>,
    parts: axum::http::HeaderMap,
) -> AppResult<impl IntoResponse> {
    if let Some(token) = crate::extractor::cookie_in(&parts, PATIENT_COOKIE) {
        crate::db::query("DELETE FROM patient_sessions WHERE token_hash = ?")
            .bind(session::token_hash(&token))
            .execute(&state.db)
            .await?;
    }
    let mut cookie =
        format!("{PATIENT_COOKIE}=; Path=/api/v1/patient; HttpOnly; SameSite=Lax; Max-Age=0");
    if state.config.secure_cookies {
        cookie.push_str("; Secure");
    }
    let cookie = HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]))
}

/// Uploads a record or photo (JPEG, PNG, WebP or PDF, checked by content; 10 MB at most).
#[utoipa::path(post, path = "/patient/files", tag = "patient",
    request_body(content_type = "multipart/form-data", description = "`file`"),
    responses(
        (status = 201, body = StoredFile),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 413, description = "Larger than 10 MB", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Empty file, or a picture over 10 000 px wide or tall (`fields.file`)", body = ErrorBody),
    ))]
async fn upload(
    State(state): State<AppState>,
    me: Patient,
    mut multipart: Multipart,
) -> AppResult<(StatusCode, Json<StoredFile>)> {
    let mut upload = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Code(ErrorCode::MalformedBody))?
    {
        if field.name() == Some("file") {
            upload = Some(Upload::receive(&state, field, files::IMAGES_AND_PDF).await?);
        }
    }
    let upload = upload.ok_or(AppError::OnField(ErrorCode::EmptyFile, "file"))?;
    let stored = StoredFile {
        file_id: upload.id.clone(),
        content_type: upload.content_type.to_owned(),
        size: upload.size,
    };
    let kept = upload.store(&state).await?;
    let mut tx = state.db.begin().await?;
    kept.record(&mut tx, Owner::Patient(me.id), state.clock.unix())
        .await?;
    tx.commit().await?;
    kept.committed();
    Ok((StatusCode::CREATED, Json(stored)))
}

/// A file the patient may see: their own upload, or a photo their doctor sent them in
/// one of their consultations. Anything else is 404, whoever owns it.
#[utoipa::path(get, path = "/patient/files/{id}", tag = "patient",
    params(("id" = String, Path, description = "File id")),
    responses(
        (status = 200, description = "The file, with its sniffed content type"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn download(
    State(state): State<AppState>,
    me: Patient,
    Path(id): Path<String>,
) -> AppResult<axum::response::Response> {
    let content_type: Option<String> = crate::db::query_scalar(
        "SELECT content_type FROM patient_files WHERE id = ?1 AND patient_id = ?2
         UNION ALL
         SELECT f.content_type FROM files f
         WHERE f.id = ?1 AND EXISTS (
           SELECT 1 FROM messages m JOIN consultations c ON c.id = m.consultation_id
           WHERE m.image_file_id = f.id AND m.sender = 'doctor' AND c.patient_id = ?2)",
    )
    .bind(&id)
    .bind(me.id)
    .fetch_optional(&state.db)
    .await?;
    let content_type = content_type.ok_or(AppError::Code(ErrorCode::NotFound))?;
    files::send(&state, &id, &content_type).await
}

/// Whether the doctor takes consultations now: a verified doctor who accepted the
/// current agreements, holds the health-data consent, is not leaving (account deletion)
/// and turned the service on.
async fn ensure_available(state: &AppState, doctor_id: i64) -> AppResult<ConsultationSettings> {
    let unavailable = AppError::Code(ErrorCode::ServiceUnavailable);
    if !account::has_role(state, doctor_id, Role::Doctor).await? {
        return Err(unavailable);
    }
    let verified = crate::onboarding::verification::ensure_verified(state, doctor_id).await;
    let agreed = crate::agreements::ensure_accepted(state, doctor_id).await;
    let paused = crate::account::care_paused(state, doctor_id).await?;
    let settings = settings::load(state, doctor_id).await?;
    if verified.is_err() || agreed.is_err() || paused.is_some() || !settings.enabled {
        return Err(unavailable);
    }
    Ok(settings)
}

/// Asks a doctor for a follow-up consultation, with the earlier offline diagnosis and its
/// records. Refused when the doctor's service is off or full for today.
#[utoipa::path(post, path = "/patient/consultations", tag = "patient",
    request_body = NewConsultation,
    responses(
        (status = 201, body = PatientConsultation),
        (status = 401, body = ErrorBody),
        (status = 409, description = "`service_unavailable` or `daily_limit_reached`", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn create(
    State(state): State<AppState>,
    me: Patient,
    AppJson(request): AppJson<NewConsultation>,
) -> AppResult<(StatusCode, Json<PatientConsultation>)> {
    AppError::check(request.validate())?;
    let settings = ensure_available(&state, request.doctor_id).await?;
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    // Requests to this doctor take turns: the day's limit counts each once, and a
    // deletion the doctor asks for meanwhile either comes first (refused here) or waits.
    tx.lock_key(&intake_key(request.doctor_id)).await?;
    // Today in China, as the doctor counts it.
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    let midnight = state
        .clock
        .now()
        .with_timezone(&china)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(china).single())
        .map(|t| t.timestamp())
        .unwrap_or(now);
    let today: i64 = crate::db::query_scalar(
        "SELECT COUNT(*) FROM consultations WHERE doctor_id = ? AND created_at >= ?",
    )
    .bind(request.doctor_id)
    .bind(midnight)
    .fetch_one(&mut *tx)
    .await?;
    if today >= settings.daily_limit as i64 {
        return Err(AppError::Code(ErrorCode::DailyLimitReached));
    }
    // Checked again where it counts: a deletion asked for at this moment either saw this
    // consultation as a blocker or is seen here.
    if crate::account::deletion::pending_in(&mut tx, request.doctor_id)
        .await?
        .is_some()
    {
        return Err(AppError::Code(ErrorCode::ServiceUnavailable));
    }
    let files = request
        .evidence
        .iter()
        .map(|e| (e.file_id.as_str(), evidence_kind_name(e.kind)))
        .chain(request.images.iter().map(|f| (f.as_str(), "image")));
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO consultations (doctor_id, patient_id, status, complaint, prior_hospital,
           prior_diagnosis, prior_visited_on, price_fen, created_at, deadline_at,
           follow_ups_left, last_activity_at, doctor_unread)
         VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, 0, ?, 1) RETURNING id",
    )
    .bind(request.doctor_id)
    .bind(me.id)
    .bind(request.complaint.trim())
    .bind(request.prior_diagnosis.hospital.trim())
    .bind(request.prior_diagnosis.diagnosis.trim())
    .bind(request.prior_diagnosis.visited_on.to_string())
    .bind(settings.price_fen as i64)
    .bind(now)
    .bind(now + ACCEPT_DEADLINE_HOURS * 3600)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for (position, (file_id, kind)) in files.enumerate() {
        let owned: Option<i64> =
            crate::db::query_scalar("SELECT 1 FROM patient_files WHERE id = ? AND patient_id = ?")
                .bind(file_id)
                .bind(me.id)
                .fetch_optional(&mut *tx)
                .await?;
        if owned.is_none() {
            return Err(AppError::OnField(ErrorCode::NotFound, "evidence"));
        }
        crate::db::query(
            "INSERT INTO consultation_files (consultation_id, file_id, kind, position)
             VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(file_id)
        .bind(kind)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    }
    events::record(
        &mut tx,
        request.doctor_id,
        id,
        EventKind::ConsultationNew,
        doctor_desk_api::inbox::ConsultationStatus::New,
        None,
        now,
    )
    .await?;
    audit(
        &mut tx,
        id,
        &format!("patient:{}", me.id),
        "create",
        "",
        now,
    )
    .await?;
    let told = notifications::New {
        kind: NotificationKind::NewConsultation,
        subject_id: Some(id),
        detail: "",
        link: format!("/inbox/{id}"),
        once: None,
    };
    notifications::add(&mut tx, request.doctor_id, told, now).await?;
    tx.commit().await?;
    state
        .next_deadline
        .written(Some(now + ACCEPT_DEADLINE_HOURS * 3600));
    state.hub.notify(request.doctor_id);
    Ok((
        StatusCode::CREATED,
        Json(patient_view(&state, me.id, id).await?),
    ))
}

async fn patient_view(
    state: &AppState,
    patient_id: i64,
    id: i64,
) -> AppResult<PatientConsultation> {
    super::deadlines::sweep(state).await?;
    let row: super::Row =
        crate::db::query_as("SELECT * FROM consultations WHERE id = ? AND patient_id = ?")
            .bind(id)
            .bind(patient_id)
            .fetch_optional(&state.db)
            .await?
            .ok_or(AppError::Code(ErrorCode::NotFound))?;
    Ok(PatientConsultation {
        id: row.id,
        doctor_id: row.doctor_id,
        status: row.status(),
        close_reason: row.close_reason(),
        refunded: row.refunded != 0,
        advice: row
            .advice
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok()),
        follow_ups_left: row.follow_ups_left.max(0) as u32,
        created_at: from_unix(row.created_at),
    })
}

#[utoipa::path(get, path = "/patient/consultations/{id}", tag = "patient",
    params(("id" = i64, Path, description = "Consultation id")),
    responses((status = 200, body = PatientConsultation), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(state): State<AppState>,
    me: Patient,
    Path(id): Path<i64>,
) -> AppResult<Json<PatientConsultation>> {
    Ok(Json(patient_view(&state, me.id, id).await?))
}

#[utoipa::path(get, path = "/patient/consultations/{id}/messages", tag = "patient",
    params(("id" = i64, Path, description = "Consultation id"), AfterQuery),
    responses((status = 200, body = Vec<Message>), (status = 404, body = ErrorBody)))]
async fn list_messages(
    State(state): State<AppState>,
    me: Patient,
    Path(id): Path<i64>,
    Query(q): Query<AfterQuery>,
) -> AppResult<Json<Vec<Message>>> {
    patient_view(&state, me.id, id).await?;
    Ok(Json(messages::after(&state, id, q.after()).await?))
}

/// Sends a text or a photo; after the end only the allowed follow-up questions.
#[utoipa::path(post, path = "/patient/consultations/{id}/messages", tag = "patient",
    params(("id" = i64, Path, description = "Consultation id")),
    request_body = SendMessage,
    responses(
        (status = 201, body = Message),
        (status = 200, description = "Already sent with this client id", body = Message),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invalid_transition`: read-only", body = ErrorBody),
        (status = 422, description = "`client_id` missing, or neither `text` nor an image, or too long", body = ErrorBody),
    ))]
async fn send_message(
    State(state): State<AppState>,
    me: Patient,
    Path(id): Path<i64>,
    AppJson(request): AppJson<SendMessage>,
) -> AppResult<(StatusCode, Json<Message>)> {
    patient_view(&state, me.id, id).await?;
    let (message, created) = messages::post(&state, id, Author::Patient(me.id), &request).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(message)))
}

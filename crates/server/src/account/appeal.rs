//! Recovery by appeal (`POST /appeals`, signed out): a doctor who lost the phone asks to
//! move the account to a new number. What is filed is checked, the new number proven by
//! a code, and the appeal waits for a reviewer (`appeal_review`). The answer is the same
//! whether or not the details match an account, and the account's current number is told
//! that someone appealed, so an impostor cannot move an account quietly.

use axum::{
    extract::{multipart::Field, Multipart, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    account::appeal::{AppealForm, AppealReceived},
    auth::SmsPurpose,
    validate::{mask_phone, FieldError},
    ErrorBody, ErrorCode,
};

use crate::{
    auth::{account, sms_code},
    clock::from_unix,
    error::{AppError, AppResult},
    extractor::Client,
    files::{Owner, Upload, IMAGES},
    rate_limit::{self, Bucket},
    state::AppState,
};

/// File an appeal (multipart/form-data: the text fields of `AppealForm` and `photo`, the
/// doctor holding the ID card, JPEG, PNG or WebP by content). Limited per client and per
/// ID number; one appeal per ID number waits at a time.
#[utoipa::path(post, path = "/appeals", tag = "account",
    request_body(content_type = "multipart/form-data",
        description = "`real_name`, `id_number`, `old_phone`, `new_phone`, `sms_code` (sent to the new number, purpose `appeal`), `reason` and the file `photo`"),
    responses(
        (status = 201, description = "Filed; the result goes to the new number by SMS", body = AppealReceived),
        (status = 400, description = "Not a readable multipart body", body = ErrorBody),
        (status = 409, description = "An appeal for this ID number is waiting (`appeal_pending`), or the new number has an account (`phone_taken`)", body = ErrorBody),
        (status = 413, description = "The photo is larger than 10 MB", body = ErrorBody),
        (status = 415, description = "The photo is not a JPEG, PNG or WebP picture (`fields.photo`)", body = ErrorBody),
        (status = 422, description = "Fields missing or invalid, or a wrong code", body = ErrorBody),
        (status = 429, description = "Too many appeals from this client or for this ID number; see Retry-After", body = ErrorBody),
    ))]
pub async fn file(
    State(state): State<AppState>,
    client: Client,
    mut multipart: Multipart,
) -> AppResult<(StatusCode, Json<AppealReceived>)> {
    // Counted before the body is read: each try may carry a 10 MB photo.
    let day = 24 * 3600;
    let per_ip = Bucket {
        name: "appeal_ip",
        limit: state.config.limits.appeals_per_ip_per_day,
        window_secs: day,
    };
    rate_limit::take(&state, per_ip, &client.ip, ErrorCode::RateLimited).await?;

    let mut form = AppealForm::default();
    let mut photo = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Code(ErrorCode::MalformedBody))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let slot = match name.as_str() {
            "real_name" => &mut form.real_name,
            "id_number" => &mut form.id_number,
            "old_phone" => &mut form.old_phone,
            "new_phone" => &mut form.new_phone,
            "sms_code" => &mut form.sms_code,
            "reason" => &mut form.reason,
            "photo" => {
                photo = Some(receive_photo(&state, field).await?);
                continue;
            }
            _ => continue,
        };
        *slot = field
            .text()
            .await
            .map_err(|_| AppError::Code(ErrorCode::MalformedBody))?;
    }
    form.normalize();
    let mut errors = form.validate();
    if photo.is_none() {
        errors.push(("photo", FieldError::Required));
    }
    AppError::check(errors)?;
    let photo = photo.expect("checked above");

    let per_id_number = Bucket {
        name: "appeal_id_number",
        limit: state.config.limits.appeals_per_id_number_per_day,
        window_secs: day,
    };
    rate_limit::take(
        &state,
        per_id_number,
        &form.id_number,
        ErrorCode::RateLimited,
    )
    .await?;
    if account::by_phone(&state, &form.new_phone).await?.is_some() {
        return Err(AppError::OnField(ErrorCode::PhoneTaken, "new_phone"));
    }
    // Before the code is used up: a doctor who filed already keeps it.
    if waiting(&state, &form.id_number).await? {
        return Err(AppError::Code(ErrorCode::AppealPending));
    }
    sms_code::consume(&state, &form.new_phone, SmsPurpose::Appeal, &form.sms_code).await?;

    let matched = matching_account(&state, &form).await?;
    let now = state.clock.unix();
    let photo_id = photo.id.clone();
    let kept = photo.store(&state).await?;
    let mut tx = state.db.begin().await?;
    kept.record(&mut tx, Owner::Appeal, now).await?;
    // The partial unique index decides between two appeals filed at once.
    let filed: Option<i64> = crate::db::query_scalar(
        "INSERT INTO appeals (real_name, id_number, old_phone, new_phone, reason,
                                        photo_file_id, account_id, ip, submitted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(&form.real_name)
    .bind(&form.id_number)
    .bind(&form.old_phone)
    .bind(&form.new_phone)
    .bind(&form.reason)
    .bind(&photo_id)
    .bind(matched.as_ref().map(|m| m.id))
    .bind(&client.ip)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    if filed.is_none() {
        return Err(AppError::Code(ErrorCode::AppealPending));
    }
    tx.commit().await?;
    kept.committed();

    let new_masked = mask_phone(&form.new_phone);
    notice(
        &state,
        &form.new_phone,
        "【医生工作台】已收到您的账号申诉，医院审核后会以短信将结果发送到本号码。",
    )
    .await;
    if let Some(account) = matched {
        let warning = format!(
            "【医生工作台】有人申请将您的账号改绑到手机号 {new_masked}。如非本人操作，请立即登录并修改密码，审核人员会联系核实。"
        );
        notice(&state, &account.phone, &warning).await;
        let record = super::activity::record;
        record(&state, account.id, "appeal_filed", &new_masked, &client).await;
    }
    Ok((
        StatusCode::CREATED,
        Json(AppealReceived {
            new_phone_masked: new_masked,
            submitted_at: from_unix(now),
        }),
    ))
}

/// The photo, with its errors reported at `photo` (the shared upload names `file`).
async fn receive_photo(state: &AppState, field: Field<'_>) -> AppResult<Upload> {
    Upload::receive(state, field, IMAGES)
        .await
        .map_err(|e| match e {
            AppError::OnField(code, "file") => AppError::OnField(code, "photo"),
            AppError::Validation(errors) => AppError::Validation(
                errors
                    .into_iter()
                    .map(|(f, e)| (if f == "file" { "photo" } else { f }, e))
                    .collect(),
            ),
            other => other,
        })
}

async fn waiting(state: &AppState, id_number: &str) -> AppResult<bool> {
    Ok(crate::db::query_scalar::<i64>(
        "SELECT 1 FROM appeals WHERE id_number = ? AND status = 'pending'",
    )
    .bind(id_number)
    .fetch_optional(&state.db)
    .await?
    .is_some())
}

/// The live account whose verified profile has this name and ID number; of several (one
/// person, two accounts), the one on the old phone given, else the newest.
async fn matching_account(state: &AppState, form: &AppealForm) -> AppResult<Option<Matched>> {
    Ok(crate::db::query_as(
        "SELECT a.id, a.phone FROM doctor_profiles p JOIN accounts a ON a.id = p.account_id
          WHERE UPPER(p.id_number) = ? AND p.real_name = ? AND a.deleted_at IS NULL
          ORDER BY a.phone = ? DESC, a.id DESC LIMIT 1",
    )
    .bind(&form.id_number)
    .bind(&form.real_name)
    .bind(&form.old_phone)
    .fetch_optional(&state.db)
    .await?)
}

#[derive(sqlx::FromRow)]
struct Matched {
    id: i64,
    phone: String,
}

/// Sends an SMS notice; the appeal stands whether or not it goes out (logged if not).
pub(super) async fn notice(state: &AppState, phone: &str, text: &str) {
    if let Err(e) = state.sms.send_notice(phone, text, state.clock.now()).await {
        tracing::warn!(error = %e, "appeal notice not sent");
    }
}

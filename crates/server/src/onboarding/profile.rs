//! `GET/PUT /me/profile`, `POST /me/avatar`.

use crate::db::Conn;
use axum::{
    extract::{Multipart, State},
    http::StatusCode,
    Json,
};
use doctor_desk_api::{
    auth::VerificationStatus,
    onboarding::{Gender, Profile, ProfileUpdate, StoredFile, Title},
    validate::mask_id_number,
    ErrorBody, ErrorCode,
};

use super::verification;
use crate::{
    error::{AppError, AppResult},
    extractor::{AppJson, Doctor},
    files::{self, Upload},
    state::AppState,
};

#[derive(sqlx::FromRow)]
pub struct ProfileRow {
    pub real_name: String,
    pub display_name: Option<String>,
    pub gender: String,
    pub id_number: String,
    pub hospital: String,
    pub department: String,
    pub title: String,
    pub practice_category: String,
    pub practice_scope: String,
    pub years_of_practice: i64,
    pub specialties: String,
    pub bio: String,
    pub avatar_file_id: Option<String>,
}

impl ProfileRow {
    pub fn to_profile(&self) -> Profile {
        Profile {
            real_name: self.real_name.clone(),
            display_name: self
                .display_name
                .clone()
                .unwrap_or_else(|| self.real_name.clone()),
            gender: self.gender(),
            id_number_masked: mask_id_number(&self.id_number),
            hospital: self.hospital.clone(),
            department: self.department.clone(),
            title: Title::parse(&self.title).unwrap_or(Title::ResidentPhysician),
            practice_category: self.practice_category.clone(),
            practice_scope: self.practice_scope.clone(),
            years_of_practice: self.years_of_practice.max(0) as u32,
            specialties: self.specialties.clone(),
            bio: self.bio.clone(),
            avatar_file_id: self.avatar_file_id.clone(),
            identity_locked: false,
            pending_change: None,
        }
    }

    fn gender(&self) -> Gender {
        if self.gender == "female" {
            Gender::Female
        } else {
            Gender::Male
        }
    }
}

fn gender_name(gender: Gender) -> &'static str {
    match gender {
        Gender::Male => "male",
        Gender::Female => "female",
    }
}

/// Whether the hospital has verified the doctor at least once: from then on the identity
/// fields are fixed and the practice fields change only through a reviewer.
pub async fn identity_locked(state: &AppState, account_id: i64) -> AppResult<bool> {
    Ok(crate::db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?
                          AND verification_status IN ('verified', 'needs_reverification'))
             OR EXISTS (SELECT 1 FROM verification_submissions WHERE account_id = ?
                          AND kind = 'full' AND status = 'approved')",
    )
    .bind(account_id)
    .bind(account_id)
    .fetch_one(&state.db)
    .await?)
}

/// The profile as the doctor sees it: the approved values, whether identity is locked, and
/// a change of the practice fields waiting for a reviewer.
pub async fn view(state: &AppState, account_id: i64, row: &ProfileRow) -> AppResult<Profile> {
    Ok(Profile {
        identity_locked: identity_locked(state, account_id).await?,
        pending_change: verification::pending_profile_change(state, account_id)
            .await?
            .map(|c| c.after()),
        ..row.to_profile()
    })
}

pub async fn load(state: &AppState, account_id: i64) -> AppResult<Option<ProfileRow>> {
    Ok(crate::db::query_as(
        "SELECT p.*, a.display_name, a.avatar_file_id FROM doctor_profiles p
         JOIN accounts a ON a.id = p.account_id WHERE p.account_id = ?",
    )
    .bind(account_id)
    .fetch_optional(&state.db)
    .await?)
}

/// The signed-in doctor's profile (with a practice change waiting for review); 404 until
/// it has been filled in.
#[utoipa::path(get, path = "/me/profile", tag = "onboarding",
    responses(
        (status = 200, body = Profile),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`agreement_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn get_profile(State(state): State<AppState>, me: Doctor) -> AppResult<Json<Profile>> {
    let row = load(&state, me.account_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    Ok(Json(view(&state, me.account_id, &row).await?))
}

/// Create or update the profile. The display name (default: the real name) is made unique
/// with a suffix such as `张伟(2)`; the answer shows the name actually given.
///
/// Once verified, real name, sex and ID number are fixed (`profile_locked` when they
/// differ), and a change of the practice fields is held for a reviewer (`pending_change`)
/// while the profile keeps the approved values; display name, specialties and bio change
/// at once.
#[utoipa::path(put, path = "/me/profile", tag = "onboarding", request_body = ProfileUpdate,
    responses(
        (status = 200, body = Profile),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`agreement_required`", body = ErrorBody),
        (status = 409, description = "`under_review` (the submission, or an earlier practice change, is being reviewed) or `profile_locked` (identity fields after verification)", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 500, body = ErrorBody),
    ))]
pub async fn put_profile(
    State(state): State<AppState>,
    me: Doctor,
    AppJson(update): AppJson<ProfileUpdate>,
) -> AppResult<Json<Profile>> {
    let existing = load(&state, me.account_id).await?;
    AppError::check(update.validate(existing.is_some()))?;
    if verification::current_status(&state, me.account_id).await? == VerificationStatus::Pending {
        return Err(AppError::Code(ErrorCode::UnderReview));
    }
    let id_number = match update
        .id_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(id) => id.to_ascii_uppercase(),
        None => existing
            .as_ref()
            .map(|p| p.id_number.clone())
            .unwrap_or_default(),
    };
    let wanted = update
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(update.real_name.trim())
        .to_owned();

    if let Some(old) = &existing {
        if identity_locked(&state, me.account_id).await? {
            return update_verified(&state, me.account_id, old, &update, &id_number, &wanted).await;
        }
    }
    let mut tx = state.db.begin().await?;
    crate::db::query(
        "INSERT INTO doctor_profiles (account_id, real_name, gender, id_number, hospital, department, title,
             practice_category, practice_scope, years_of_practice, specialties, bio, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET real_name = excluded.real_name, gender = excluded.gender,
             id_number = excluded.id_number, hospital = excluded.hospital, department = excluded.department,
             title = excluded.title, practice_category = excluded.practice_category,
             practice_scope = excluded.practice_scope, years_of_practice = excluded.years_of_practice,
             specialties = excluded.specialties, bio = excluded.bio, updated_at = excluded.updated_at",
    )
    .bind(me.account_id)
    .bind(update.real_name.trim())
    .bind(gender_name(update.gender))
    .bind(&id_number)
    .bind(update.hospital.trim())
    .bind(update.department.trim())
    .bind(update.title.as_str())
    .bind(update.practice_category.trim())
    .bind(update.practice_scope.trim())
    .bind(update.years_of_practice as i64)
    .bind(update.specialties.trim())
    .bind(update.bio.trim())
    .bind(state.clock.unix())
    .execute(&mut *tx)
    .await?;
    assign_display_name(&mut tx, me.account_id, &wanted).await?;
    tx.commit().await?;

    let row = load(&state, me.account_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    Ok(Json(view(&state, me.account_id, &row).await?))
}

/// `PUT /me/profile` of a doctor verified once: identity fixed, practice fields through a
/// reviewer, the rest at once.
async fn update_verified(
    state: &AppState,
    account_id: i64,
    old: &ProfileRow,
    update: &ProfileUpdate,
    id_number: &str,
    wanted_display_name: &str,
) -> AppResult<Json<Profile>> {
    if update.real_name.trim() != old.real_name {
        return Err(AppError::OnField(ErrorCode::ProfileLocked, "real_name"));
    }
    if update.gender != old.gender() {
        return Err(AppError::OnField(ErrorCode::ProfileLocked, "gender"));
    }
    if id_number != old.id_number {
        return Err(AppError::OnField(ErrorCode::ProfileLocked, "id_number"));
    }
    let asked = update.practice();
    let live = old.to_profile().practice();
    let pending = verification::pending_profile_change(state, account_id).await?;
    // Sending the approved values (a form filled from them) or the pending ones again asks
    // for nothing new.
    let change = asked != live && pending.as_ref().map(|p| p.after()) != Some(asked.clone());
    if change && pending.is_some() {
        return Err(AppError::Code(ErrorCode::UnderReview));
    }

    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    crate::db::query(
        "UPDATE doctor_profiles SET specialties = ?, bio = ?, updated_at = ? WHERE account_id = ?",
    )
    .bind(update.specialties.trim())
    .bind(update.bio.trim())
    .bind(now)
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    assign_display_name(&mut tx, account_id, wanted_display_name).await?;
    if change {
        // Only one practice change at a time: a second request that raced past the check
        // above finds it here, in the same write transaction.
        let raced: Option<i64> = crate::db::query_scalar(
            "SELECT 1 FROM profile_changes pc JOIN verification_submissions s ON s.id = pc.submission_id
              WHERE pc.account_id = ? AND s.status = 'pending'",
        )
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
        if raced.is_some() {
            return Err(AppError::Code(ErrorCode::UnderReview));
        }
        let submission: i64 = crate::db::query_scalar(
            "INSERT INTO verification_submissions (account_id, kind, submitted_at)
             VALUES (?, 'profile_change', ?) RETURNING id",
        )
        .bind(account_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        crate::db::query(
            "INSERT INTO profile_changes (submission_id, account_id,
                 old_hospital, old_department, old_title, old_practice_category, old_practice_scope,
                 old_years_of_practice, hospital, department, title, practice_category,
                 practice_scope, years_of_practice)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(submission)
        .bind(account_id)
        .bind(&live.hospital)
        .bind(&live.department)
        .bind(live.title.as_str())
        .bind(&live.practice_category)
        .bind(&live.practice_scope)
        .bind(live.years_of_practice as i64)
        .bind(&asked.hospital)
        .bind(&asked.department)
        .bind(asked.title.as_str())
        .bind(&asked.practice_category)
        .bind(&asked.practice_scope)
        .bind(asked.years_of_practice as i64)
        .execute(&mut *tx)
        .await?;
        tracing::info!(
            account_id,
            submission,
            "practice fields change submitted for review"
        );
    }
    tx.commit().await?;

    let row = load(state, account_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    Ok(Json(view(state, account_id, &row).await?))
}

/// Gives the account `wanted`, or `wanted(2)`, `wanted(3)`, … whichever is free first.
async fn assign_display_name(tx: &mut Conn, account_id: i64, wanted: &str) -> AppResult<String> {
    for n in 1.. {
        let candidate = if n == 1 {
            wanted.to_owned()
        } else {
            format!("{wanted}({n})")
        };
        let taken: Option<i64> =
            crate::db::query_scalar("SELECT id FROM accounts WHERE display_name = ? AND id != ?")
                .bind(&candidate)
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_none() {
            crate::db::query("UPDATE accounts SET display_name = ? WHERE id = ?")
                .bind(&candidate)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            return Ok(candidate);
        }
    }
    unreachable!("the loop only ends by returning")
}

/// Upload an avatar (JPEG, PNG or WebP, multipart field `file`).
#[utoipa::path(post, path = "/me/avatar", tag = "onboarding",
    request_body(content_type = "multipart/form-data", description = "field `file`: the image"),
    responses(
        (status = 201, body = StoredFile),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn upload_avatar(
    State(state): State<AppState>,
    me: Doctor,
    mut multipart: Multipart,
) -> AppResult<(StatusCode, Json<StoredFile>)> {
    let mut upload = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Code(ErrorCode::MalformedBody))?
    {
        if field.name() == Some("file") {
            upload = Some(Upload::receive(&state, field, files::IMAGES).await?);
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
    kept.record(
        &mut tx,
        crate::files::Owner::Account(me.account_id),
        state.clock.unix(),
    )
    .await?;
    crate::db::query("UPDATE accounts SET avatar_file_id = ? WHERE id = ?")
        .bind(&stored.file_id)
        .bind(me.account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    kept.committed();
    Ok((StatusCode::CREATED, Json(stored)))
}

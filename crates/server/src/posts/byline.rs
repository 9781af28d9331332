//! Who wrote a post, as the reviewer and the public page show it.

use doctor_desk_api::{auth::VerificationStatus, onboarding::Title, posts::Byline};

use crate::{error::AppResult, onboarding::verification, state::AppState};

/// 主任医师 and the like: the public page is in Chinese whatever the reader's language.
pub fn title_zh(title: &str) -> &'static str {
    match Title::parse(title) {
        Some(Title::ChiefPhysician) => "主任医师",
        Some(Title::AssociateChiefPhysician) => "副主任医师",
        Some(Title::AttendingPhysician) => "主治医师",
        Some(Title::ResidentPhysician) => "住院医师",
        None => "",
    }
}

/// The doctor's name as verified (the display name only without a profile), title,
/// hospital and department, and whether the hospital's verification is in force now.
pub async fn of(state: &AppState, doctor_id: i64) -> AppResult<Byline> {
    let (name, title, hospital, department): (String, String, String, String) =
        crate::db::query_as(
            "SELECT COALESCE(dp.real_name, a.display_name, ''), COALESCE(dp.title, ''),
                COALESCE(dp.hospital, ''), COALESCE(dp.department, '')
           FROM accounts a LEFT JOIN doctor_profiles dp ON dp.account_id = a.id
          WHERE a.id = ?",
        )
        .bind(doctor_id)
        .fetch_optional(&state.db)
        .await?
        .unwrap_or_default();
    let verified =
        verification::current_status(state, doctor_id).await? == VerificationStatus::Verified;
    Ok(Byline {
        name,
        title: title_zh(&title).to_owned(),
        hospital,
        department,
        verified,
    })
}

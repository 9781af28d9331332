//! Onboarding: the doctor's profile, licence documents and submission for review.

pub mod documents;
pub mod profile;
pub mod verification;

use axum::extract::DefaultBodyLimit;
use doctor_desk_api::onboarding::MAX_UPLOAD_BYTES;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    // Uploads may be larger than the default body limit; the file itself is capped at
    // MAX_UPLOAD_BYTES while it streams in (413 beyond).
    let uploads = OpenApiRouter::new()
        .routes(routes!(profile::upload_avatar))
        .routes(routes!(documents::list, documents::upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 256 * 1024));
    OpenApiRouter::new()
        .routes(routes!(profile::get_profile, profile::put_profile))
        .routes(routes!(documents::delete))
        .routes(routes!(
            verification::get_verification,
            verification::submit
        ))
        .merge(uploads)
}

/// Today's date where the doctors are (China has one time zone, no DST).
pub fn today(state: &AppState) -> chrono::NaiveDate {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is valid");
    state.clock.now().with_timezone(&china).date_naive()
}

//! Administration tasks run from the command line (`doctor-desk-server admin …`).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use doctor_desk_api::{auth::Role, validate};
use rand::RngCore;

use crate::{
    auth::{account, password},
    state::AppState,
};

/// Creates a reviewer and returns their one-time password (which must be changed at the
/// first sign-in), or grants the role to an existing account (and returns `None`).
pub async fn create_reviewer(state: &AppState, phone: &str) -> anyhow::Result<Option<String>> {
    let phone = validate::normalize_phone(phone);
    validate::phone(&phone)
        .map_err(|_| anyhow::anyhow!("{phone} is not a mainland mobile number"))?;
    let err = |e: crate::error::AppError| anyhow::anyhow!("{e}");
    if let Some(existing) = account::by_phone(state, &phone).await.map_err(err)? {
        account::grant_role(state, existing.id, Role::Reviewer)
            .await
            .map_err(err)?;
        return Ok(None);
    }
    let mut raw = [0u8; 9];
    rand::thread_rng().fill_bytes(&mut raw);
    // Letters and digits guaranteed, as the password rule asks.
    let one_time = format!("r{}7", URL_SAFE_NO_PAD.encode(raw));
    let hash = password::hash(one_time.clone()).await?;
    let id = account::create(state, &phone, &hash, &[Role::Reviewer])
        .await
        .map_err(err)?
        .ok_or_else(|| anyhow::anyhow!("{phone} signed up meanwhile; run this again"))?;
    // Someone else has seen it (whoever ran this): it opens nothing but the password change.
    crate::db::query("UPDATE accounts SET password_must_change = 1 WHERE id = ?")
        .bind(id)
        .execute(&state.db)
        .await?;
    Ok(Some(one_time))
}

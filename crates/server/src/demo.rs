//! Demo accounts for `cargo xtask run`, created once on a new database.

use doctor_desk_api::auth::Role;

use crate::{
    auth::{account, password},
    state::AppState,
};

pub const DOCTOR_PHONE: &str = "13800000001";
pub const DOCTOR_PASSWORD: &str = "demo2026";
pub const REVIEWER_PHONE: &str = "13800000009";
pub const REVIEWER_PASSWORD: &str = "review2026";

pub async fn seed(state: &AppState) -> anyhow::Result<()> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
        .fetch_one(&state.db)
        .await?;
    crate::agreements::samples::publish_missing(state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if count > 0 {
        return Ok(());
    }
    let doctor_hash = password::hash(DOCTOR_PASSWORD.into()).await?;
    if let Some(id) = account::create(state, DOCTOR_PHONE, &doctor_hash, &[Role::Doctor])
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        sqlx::query("UPDATE accounts SET display_name = ? WHERE id = ?")
            .bind("李明")
            .bind(id)
            .execute(&state.db)
            .await?;
    }
    let reviewer_hash = password::hash(REVIEWER_PASSWORD.into()).await?;
    account::create(state, REVIEWER_PHONE, &reviewer_hash, &[Role::Reviewer])
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!("demo accounts created");
    Ok(())
}

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
    let (count,): (i64,) = crate::db::query_as("SELECT COUNT(*) FROM accounts")
        .fetch_one(&state.db)
        .await?;
    crate::agreements::samples::publish_missing(state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if count > 0 {
        return Ok(());
    }
    let doctor_hash = password::hash(DOCTOR_PASSWORD.into()).await?;
    let doctor = account::create(state, DOCTOR_PHONE, &doctor_hash, &[Role::Doctor])
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(id) = doctor {
        crate::db::query(
            "UPDATE accounts SET display_name = ?, verification_status = 'verified' WHERE id = ?",
        )
        .bind("李明")
        .bind(id)
        .execute(&state.db)
        .await?;
        // A verified internist with the service open, so the inbox has a life of its own.
        crate::db::query(
            "INSERT INTO doctor_profiles (account_id, real_name, gender, id_number, hospital,
               department, title, practice_category, practice_scope, years_of_practice,
               specialties, bio, updated_at)
             VALUES (?, '李明', 'male', '110105198001010016', '杭州市第一人民医院', '内分泌科',
               'attending_physician', '临床', '内科专业', 12, '糖尿病、甲状腺疾病',
               '从事内分泌临床工作十余年。', ?)",
        )
        .bind(id)
        .bind(state.clock.unix())
        .execute(&state.db)
        .await?;
        crate::inbox::settings::save(
            state,
            id,
            &doctor_desk_api::inbox::ConsultationSettings {
                enabled: true,
                price_fen: 3000,
                daily_limit: 50,
                greeting: "您好，我是李医生，已接诊。请描述近期的情况。".into(),
                follow_up_questions: 2,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        crate::inbox::demo::seed(state, id).await?;
        crate::patients::demo::seed(state, id).await?;
        crate::follow_ups::demo::seed(state, id).await?;
    }
    let reviewer_hash = password::hash(REVIEWER_PASSWORD.into()).await?;
    let reviewer = account::create(state, REVIEWER_PHONE, &reviewer_hash, &[Role::Reviewer])
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The posts name the reviewer who decided them.
    if let (Some(doctor), Some(reviewer)) = (doctor, reviewer) {
        crate::posts::demo::seed(state, doctor, reviewer).await?;
    }
    tracing::info!("demo accounts created");
    Ok(())
}

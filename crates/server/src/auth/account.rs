//! Accounts as stored, and the `Me` view of one.

use doctor_desk_api::{
    auth::{Me, Role, VerificationStatus},
    validate::mask_phone,
};

use crate::{clock::from_unix, error::AppResult, state::AppState};

#[derive(Debug, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub phone: String,
    pub password_hash: String,
    pub display_name: Option<String>,
    pub verification_status: String,
    pub created_at: i64,
    pub password_must_change: bool,
}

/// The columns of [`Account`]; the flag stored as 0/1 read as a boolean in both stores.
const ACCOUNT: &str = "SELECT id, phone, password_hash, display_name, verification_status,
        created_at, password_must_change <> 0 AS password_must_change FROM accounts";

pub async fn by_phone(state: &AppState, phone: &str) -> AppResult<Option<Account>> {
    Ok(crate::db::query_as(&format!("{ACCOUNT} WHERE phone = ?"))
        .bind(phone)
        .fetch_optional(&state.db)
        .await?)
}

pub async fn by_id(state: &AppState, id: i64) -> AppResult<Option<Account>> {
    Ok(crate::db::query_as(&format!("{ACCOUNT} WHERE id = ?"))
        .bind(id)
        .fetch_optional(&state.db)
        .await?)
}

/// Creates an account with the given roles; `None` when the phone is already taken.
pub async fn create(
    state: &AppState,
    phone: &str,
    password_hash: &str,
    roles: &[Role],
) -> AppResult<Option<i64>> {
    let mut tx = state.db.begin().await?;
    let id: Option<i64> = crate::db::query_scalar(
        "INSERT INTO accounts (phone, password_hash, created_at) VALUES (?, ?, ?)
         ON CONFLICT (phone) DO NOTHING RETURNING id",
    )
    .bind(phone)
    .bind(password_hash)
    .bind(state.clock.unix())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        return Ok(None);
    };
    for role in roles {
        crate::db::query("INSERT INTO account_roles (account_id, role) VALUES (?, ?)")
            .bind(id)
            .bind(role_name(*role))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(id))
}

pub async fn set_password(state: &AppState, id: i64, password_hash: &str) -> AppResult<()> {
    // A password of one's own replaces a one-time one.
    crate::db::query(
        "UPDATE accounts SET password_hash = ?, password_must_change = 0 WHERE id = ?",
    )
    .bind(password_hash)
    .bind(id)
    .execute(&state.db)
    .await?;
    Ok(())
}

pub async fn roles(state: &AppState, id: i64) -> AppResult<Vec<Role>> {
    let names: Vec<String> = crate::db::query_scalar(
        "SELECT role FROM account_roles WHERE account_id = ? ORDER BY role",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    Ok(names.iter().filter_map(|n| parse_role(n)).collect())
}

pub async fn has_role(state: &AppState, id: i64, role: Role) -> AppResult<bool> {
    let found: Option<i64> =
        crate::db::query_scalar("SELECT 1 FROM account_roles WHERE account_id = ? AND role = ?")
            .bind(id)
            .bind(role_name(role))
            .fetch_optional(&state.db)
            .await?;
    Ok(found.is_some())
}

/// Gives an existing account a role (no-op when it has it).
pub async fn grant_role(state: &AppState, id: i64, role: Role) -> AppResult<()> {
    crate::db::query(
        "INSERT INTO account_roles (account_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(role_name(role))
    .execute(&state.db)
    .await?;
    Ok(())
}

pub async fn me(state: &AppState, account: &Account) -> AppResult<Me> {
    Ok(Me {
        id: account.id,
        phone_masked: mask_phone(&account.phone),
        display_name: account.display_name.clone(),
        roles: roles(state, account.id).await?,
        verification_status: crate::onboarding::verification::current_status(state, account.id)
            .await?,
        pending_agreements: crate::agreements::pending(state, account.id).await?,
        health_data_consent: crate::account::consent::holds(state, account.id).await?,
        deletion_takes_effect_at: crate::account::deletion::pending(state, account.id)
            .await?
            .map(|p| p.takes_effect_at),
        unread_notifications: crate::account::notifications::unread(state, account.id).await?,
        password_must_change: account.password_must_change,
        created_at: from_unix(account.created_at),
    })
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Doctor => "doctor",
        Role::Reviewer => "reviewer",
    }
}

fn parse_role(name: &str) -> Option<Role> {
    match name {
        "doctor" => Some(Role::Doctor),
        "reviewer" => Some(Role::Reviewer),
        _ => None,
    }
}

pub fn parse_verification(name: &str) -> VerificationStatus {
    match name {
        "pending" => VerificationStatus::Pending,
        "verified" => VerificationStatus::Verified,
        "rejected" => VerificationStatus::Rejected,
        "needs_reverification" => VerificationStatus::NeedsReverification,
        _ => VerificationStatus::Unverified,
    }
}

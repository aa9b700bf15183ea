//! The embedded registry's tables: what a block, a lift or a counter issue changes there. The
//! registry port decides when; these only write.

use sqlx::SqliteConnection;

use super::StoreError;
use super::cases::utc_now;
use crate::domain::registry_command::Issue;

/// Marks one authenticator of the identity blocked.
pub async fn block_authenticator(
    tx: &mut SqliteConnection,
    identity_id: i64,
    authenticator_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE authenticators SET status = 'blocked', updated_at = ?
         WHERE id = ? AND identity_id = ?",
    )
    .bind(utc_now())
    .bind(authenticator_id)
    .bind(identity_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks the whole identity blocked.
pub async fn block_identity(tx: &mut SqliteConnection, identity_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE identities SET status = 'blocked', updated_at = ? WHERE id = ?")
        .bind(utc_now())
        .bind(identity_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Blocks one authenticator of a MitID Erhverv identity, or (None) the whole identity.
pub async fn block_business(
    tx: &mut SqliteConnection,
    business_identity_id: i64,
    authenticator_id: Option<i64>,
) -> Result<(), StoreError> {
    let now = utc_now();
    match authenticator_id {
        Some(id) => sqlx::query(
            "UPDATE business_authenticators SET status = 'blocked', updated_at = ?
             WHERE id = ? AND business_identity_id = ?",
        )
        .bind(now)
        .bind(id)
        .bind(business_identity_id),
        None => sqlx::query(
            "UPDATE business_identities SET status = 'blocked', updated_at = ?
             WHERE id = ? AND status = 'active'",
        )
        .bind(now)
        .bind(business_identity_id),
    }
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Makes a blocked identity active again (a revoked one stays revoked).
pub async fn reactivate(tx: &mut SqliteConnection, identity_id: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE identities SET status = 'active', updated_at = ?
         WHERE id = ? AND status = 'blocked'",
    )
    .bind(utc_now())
    .bind(identity_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Creates or changes the citizen's identity as a counter visit issued it: the user-ID, the
/// assurance level, the password, new authenticators pending activation and the activation
/// code's hash.
pub async fn issue(tx: &mut SqliteConnection, issue: &Issue) -> Result<(), StoreError> {
    let now = utc_now();
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM identities WHERE citizen_id = ?")
            .bind(issue.citizen_id)
            .fetch_optional(&mut *tx)
            .await?;
    let identity_id = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE identities SET user_id = ?, user_id_key = ?, assurance = ?,
                    password_hash = COALESCE(?, password_hash),
                    status = CASE WHEN ? THEN 'active' ELSE status END, updated_at = ?
                 WHERE id = ?",
            )
            .bind(&issue.user_id)
            .bind(issue.user_id.to_lowercase())
            .bind(issue.assurance.as_str())
            .bind(&issue.password_argon2)
            .bind(issue.reactivate)
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => sqlx::query(
            "INSERT INTO identities (citizen_id, user_id, user_id_key, assurance, status,
                password_hash, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
        )
        .bind(issue.citizen_id)
        .bind(&issue.user_id)
        .bind(issue.user_id.to_lowercase())
        .bind(issue.assurance.as_str())
        .bind(&issue.password_argon2)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid(),
    };
    for a in &issue.authenticators {
        let authenticator_id = sqlx::query(
            "INSERT INTO authenticators (identity_id, kind, serial, status, created_at, updated_at)
             VALUES (?, ?, ?, 'pending_activation', ?, ?)",
        )
        .bind(identity_id)
        .bind(&a.kind)
        .bind(&a.serial)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        if let Some(code) = issue.activation.as_ref().filter(|c| c.kind == a.kind) {
            sqlx::query(
                "INSERT INTO activation_codes (authenticator_id, code_sha256, issued_at, expires_at)
                 VALUES (?, ?, ?, ?)",
            )
            .bind(authenticator_id)
            .bind(&code.code_sha256)
            .bind(&now)
            .bind(&code.expires_at)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

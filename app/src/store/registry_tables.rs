//! The embedded registry's tables: what a block, a lift or a counter issue changes there. The
//! registry port decides when; these only write.

use crate::store::db::Conn;

use super::StoreError;
use super::cases::utc_now;
use crate::domain::registry_command::Issue;

/// Marks one authenticator of the identity blocked.
pub async fn block_authenticator(
    tx: &mut Conn,
    identity_id: i64,
    authenticator_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE authenticators SET status = 'blocked', updated_at = $1
         WHERE id = $2 AND identity_id = $3",
    )
    .bind(utc_now())
    .bind(authenticator_id)
    .bind(identity_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks the whole identity blocked.
pub async fn block_identity(tx: &mut Conn, identity_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE identities SET status = 'blocked', updated_at = $1 WHERE id = $2")
        .bind(utc_now())
        .bind(identity_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Blocks one authenticator of a MitID Erhverv identity, or (None) the whole identity.
pub async fn block_business(
    tx: &mut Conn,
    business_identity_id: i64,
    authenticator_id: Option<i64>,
) -> Result<(), StoreError> {
    let now = utc_now();
    match authenticator_id {
        Some(id) => sqlx::query(
            "UPDATE business_authenticators SET status = 'blocked', updated_at = $1
             WHERE id = $2 AND business_identity_id = $3",
        )
        .bind(now)
        .bind(id)
        .bind(business_identity_id),
        None => sqlx::query(
            "UPDATE business_identities SET status = 'blocked', updated_at = $1
             WHERE id = $2 AND status = 'active'",
        )
        .bind(now)
        .bind(business_identity_id),
    }
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Makes a blocked identity active again (a revoked one stays revoked).
pub async fn reactivate(tx: &mut Conn, identity_id: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE identities SET status = 'active', updated_at = $1
         WHERE id = $2 AND status = 'blocked'",
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
pub async fn issue(tx: &mut Conn, issue: &Issue) -> Result<(), StoreError> {
    let now = utc_now();
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM identities WHERE citizen_id = $1")
            .bind(issue.citizen_id)
            .fetch_optional(&mut *tx)
            .await?;
    let identity_id = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE identities SET user_id = $1, user_id_key = $2, assurance = $3,
                    password_hash = COALESCE($4, password_hash),
                    status = CASE WHEN $5 THEN 'active' ELSE status END, updated_at = $6
                 WHERE id = $7",
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
        None => {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO identities (citizen_id, user_id, user_id_key, assurance, status,
                password_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'active', $5, $6, $7) RETURNING id",
            )
            .bind(issue.citizen_id)
            .bind(&issue.user_id)
            .bind(issue.user_id.to_lowercase())
            .bind(issue.assurance.as_str())
            .bind(&issue.password_argon2)
            .bind(&now)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    for a in &issue.authenticators {
        let authenticator_id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO authenticators (identity_id, kind, serial, status, created_at, updated_at)
             VALUES ($1, $2, $3, 'pending_activation', $4, $5) RETURNING id",
        )
        .bind(identity_id)
        .bind(&a.kind)
        .bind(&a.serial)
        .bind(&now)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(code) = issue.activation.as_ref().filter(|c| c.kind == a.kind) {
            sqlx::query(
                "INSERT INTO activation_codes (authenticator_id, code_sha256, issued_at, expires_at)
                 VALUES ($1, $2, $3, $4)",
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

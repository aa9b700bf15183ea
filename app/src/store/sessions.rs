//! Server-side sessions. The cookie holds a random token; the database holds only its SHA-256,
//! so a copy of the database does not let anyone log in.

use super::{Db, StoreError};
use crate::domain::Role;
use crate::domain::SessionUser;

/// Opens a session: the row, the person's last login, and the end of the login step it
/// finishes (if the login had one), in one transaction.
pub async fn create(
    db: &Db,
    user_id: i64,
    token_hash: &[u8],
    now: i64,
    ttl_secs: i64,
    finished_step: Option<&[u8]>,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    // Housekeeping rides along with logins, so expired rows never pile up.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM login_steps WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    if let Some(step) = finished_step {
        sqlx::query("DELETE FROM login_steps WHERE token_hash = $1")
            .bind(step)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(now + ttl_secs)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE staff_users SET last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The active staff member behind a session token hash, if the session is live.
pub async fn find_user(
    db: &Db,
    token_hash: &[u8],
    now: i64,
) -> Result<Option<SessionUser>, StoreError> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT u.username, u.display_name, u.role
         FROM sessions s JOIN staff_users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.and_then(|(username, display_name, role)| {
        Role::parse(&role).ok().map(|role| SessionUser {
            username,
            display_name,
            role,
        })
    }))
}

pub async fn delete(db: &Db, token_hash: &[u8]) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

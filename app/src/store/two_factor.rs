//! Two-factor login's rows: the login steps between password and session, enrolments, the
//! last accepted time step, and recovery codes.

use crate::store::db::Conn;

use super::{Db, StoreError};

/// A login between its password and its session.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LoginStepRecord {
    pub user_id: i64,
    /// Where the person wanted to go (a local path), kept across the steps.
    pub next_path: Option<String>,
    /// An enrolment in progress: the new secret and its recovery codes, sealed.
    pub pending_secret: Option<Vec<u8>>,
    pub pending_codes: Option<Vec<u8>>,
}

pub async fn create_step(
    db: &Db,
    token_hash: &[u8],
    user_id: i64,
    next_path: Option<&str>,
    now: i64,
    ttl_secs: i64,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM login_steps WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO login_steps (token_hash, user_id, next_path, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(next_path)
    .bind(now)
    .bind(now + ttl_secs)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The live login step behind a token hash.
pub async fn find_step(
    db: &Db,
    token_hash: &[u8],
    now: i64,
) -> Result<Option<LoginStepRecord>, StoreError> {
    Ok(sqlx::query_as::<_, LoginStepRecord>(
        "SELECT user_id, next_path, pending_secret, pending_codes FROM login_steps
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.pool())
    .await?)
}

/// A sealed secret and sealed codes, as stored (either may be missing).
type Pending = (Option<Vec<u8>>, Option<Vec<u8>>);

/// Keeps an enrolment's new secret and codes with its login step (sealed by the caller), so
/// a reload of the page shows the same QR code; only the first pending enrolment is kept.
/// Returns what is kept.
pub async fn keep_pending(
    db: &Db,
    token_hash: &[u8],
    secret: &[u8],
    codes: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE login_steps SET pending_secret = $1, pending_codes = $2
         WHERE token_hash = $3 AND pending_secret IS NULL",
    )
    .bind(secret)
    .bind(codes)
    .bind(token_hash)
    .execute(&mut *tx)
    .await?;
    let kept: Option<Pending> = sqlx::query_as(
        "SELECT pending_secret, pending_codes FROM login_steps WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    match kept {
        Some((Some(secret), Some(codes))) => Ok((secret, codes)),
        _ => Err(StoreError::Sqlx(sqlx::Error::RowNotFound)),
    }
}

/// Records an accepted code's time step, if it is later than the last accepted one: false
/// when it is not (the code, or an earlier one, was used already).
pub async fn accept_step(db: &Db, user_id: i64, step: i64) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE staff_users SET totp_last_step = $1
         WHERE id = $2 AND totp_secret IS NOT NULL
           AND (totp_last_step IS NULL OR totp_last_step < $3)",
    )
    .bind(step)
    .bind(user_id)
    .bind(step)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(done == 1)
}

/// Spends a recovery code: true when it was one of the person's unused codes.
pub async fn spend_recovery_code(
    tx: &mut Conn,
    user_id: i64,
    code_hash: &[u8],
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(code_hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// How many of a person's recovery codes are unused.
pub async fn recovery_codes_left(db: &Db, user_id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?)
}

/// Sets up a person's authenticator in the caller's transaction: the sealed secret, the step
/// of the code that confirmed it, and the recovery codes' hashes (replacing any before).
pub async fn enrol(
    tx: &mut Conn,
    user_id: i64,
    sealed_secret: &[u8],
    confirmed_step: i64,
    code_hashes: &[Vec<u8>],
) -> Result<(), StoreError> {
    forget(tx, user_id).await?;
    sqlx::query("UPDATE staff_users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3")
        .bind(sealed_secret)
        .bind(confirmed_step)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for hash in code_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Removes a person's authenticator and recovery codes, in the caller's transaction.
pub async fn forget(tx: &mut Conn, user_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE staff_users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

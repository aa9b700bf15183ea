//! Staff accounts: the rows, and the administrators' changes to them (each with its audit
//! entry in the same transaction).

use sqlx::Row;

use super::db::Conn;
use super::{Db, StoreError};
use crate::domain::SessionUser;
use crate::domain::{Role, Username};

#[derive(Clone, Debug)]
pub struct StaffRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    /// The authenticator's secret, sealed by the vault; `None` until the person enrols.
    pub totp_secret: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    /// Unix seconds of the last opened session.
    pub last_login_at: Option<i64>,
}

impl StaffRecord {
    pub fn session_user(&self) -> SessionUser {
        SessionUser {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
        }
    }

    pub fn enrolled(&self) -> bool {
        self.totp_secret.is_some()
    }
}

pub struct NewStaff<'a> {
    pub username: &'a Username,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    /// A temporary password someone else chose: the first login asks for a new one.
    pub must_change_password: bool,
}

const COLUMNS: &str = "id, username, display_name, role, password_hash, active, \
     must_change_password, totp_secret, totp_last_step, last_login_at";

/// Adds an account in a transaction of its own (the demo data, the first admin).
pub async fn insert(db: &Db, staff: NewStaff<'_>) -> Result<i64, StoreError> {
    let mut tx = db.begin_write().await?;
    let id = insert_row(&mut tx, &staff).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds an account in the caller's transaction.
pub async fn insert_row(tx: &mut Conn, staff: &NewStaff<'_>) -> Result<i64, StoreError> {
    let result = sqlx::query_scalar::<_, i64>(
        "INSERT INTO staff_users (username, display_name, role, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(staff.username.as_str())
    .bind(staff.display_name)
    .bind(staff.role.as_str())
    .bind(staff.password_hash)
    .bind(i64::from(staff.must_change_password))
    .fetch_one(&mut *tx)
    .await;
    match result {
        Ok(done) => Ok(done),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::Conflict("username"))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<StaffRecord>, StoreError> {
    // Every account's name is a valid username: anything else (a NUL byte, which PostgreSQL's
    // text cannot even hold) names nobody.
    let Ok(username) = crate::domain::username::Username::parse(username) else {
        return Ok(None);
    };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM staff_users WHERE username = $1"
    ))
    .bind(username.as_str())
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| record_from_row(&r)).transpose()
}

pub async fn find_by_id(db: &Db, id: i64) -> Result<Option<StaffRecord>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM staff_users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| record_from_row(&r)).transpose()
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff_users")
        .fetch_one(db.pool())
        .await?)
}

pub async fn list(db: &Db) -> Result<Vec<StaffRecord>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM staff_users ORDER BY username"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(record_from_row).collect()
}

/// Active administrators other than `except` (the one about to change).
pub async fn other_active_admins(tx: &mut Conn, except: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_users WHERE role = 'admin' AND active = 1 AND id <> $1",
    )
    .bind(except)
    .fetch_one(&mut *tx)
    .await?)
}

/// Ends every session and half-finished login of a person, at once: the next request of any
/// of their browsers is anonymous.
async fn end_sessions(tx: &mut Conn, user_id: i64) -> Result<u64, StoreError> {
    let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM login_steps WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(sessions)
}

/// One administrator's change to an account, written with its audit entry.
pub enum Change<'a> {
    /// Disabled accounts cannot log in, and their sessions end.
    Active(bool),
    Role(Role),
    DisplayName(&'a str),
    /// A temporary password the person must change at their next login; sessions end.
    ResetPassword {
        hash: &'a str,
    },
    /// The person's own new password, chosen at the login's first step.
    OwnPassword {
        hash: &'a str,
    },
    /// The authenticator and recovery codes are removed (a lost phone): the next login sets
    /// up a new one; sessions end.
    ResetTwoFactor,
}

/// Applies `change` to account `user_id` in the caller's transaction; how many sessions it
/// ended. The service writes the audit entry in the same transaction.
pub async fn apply(tx: &mut Conn, user_id: i64, change: &Change<'_>) -> Result<u64, StoreError> {
    let ended = match *change {
        Change::Active(active) => {
            sqlx::query("UPDATE staff_users SET active = $1 WHERE id = $2")
                .bind(i64::from(active))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if active {
                0
            } else {
                end_sessions(tx, user_id).await?
            }
        }
        Change::Role(role) => {
            // Open sessions carry on in the new role: the session's role is read per request.
            sqlx::query("UPDATE staff_users SET role = $1 WHERE id = $2")
                .bind(role.as_str())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            0
        }
        Change::DisplayName(name) => {
            sqlx::query("UPDATE staff_users SET display_name = $1 WHERE id = $2")
                .bind(name)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            0
        }
        Change::ResetPassword { hash } => {
            sqlx::query(
                "UPDATE staff_users SET password_hash = $1, must_change_password = 1 WHERE id = $2",
            )
            .bind(hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            end_sessions(tx, user_id).await?
        }
        Change::OwnPassword { hash } => {
            sqlx::query(
                "UPDATE staff_users SET password_hash = $1, must_change_password = 0 WHERE id = $2",
            )
            .bind(hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            0
        }
        Change::ResetTwoFactor => {
            super::two_factor::forget(tx, user_id).await?;
            end_sessions(tx, user_id).await?
        }
    };
    Ok(ended)
}

fn record_from_row(row: &crate::store::db::DbRow) -> Result<StaffRecord, StoreError> {
    let role: String = row.try_get("role")?;
    let role = Role::parse(&role).map_err(|e| StoreError::Sqlx(sqlx::Error::Decode(e.into())))?;
    Ok(StaffRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role,
        password_hash: row.try_get("password_hash")?,
        active: row.try_get::<i64, _>("active")? != 0,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        totp_secret: row.try_get("totp_secret")?,
        totp_last_step: row.try_get("totp_last_step")?,
        last_login_at: row.try_get("last_login_at")?,
    })
}

//! Staff accounts.

use sqlx::Row;

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
}

impl StaffRecord {
    pub fn session_user(&self) -> SessionUser {
        SessionUser {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
        }
    }
}

pub struct NewStaff<'a> {
    pub username: &'a Username,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

pub async fn insert(db: &Db, staff: NewStaff<'_>) -> Result<i64, StoreError> {
    let mut tx = db.begin_write().await?;
    let result = sqlx::query(
        "INSERT INTO staff_users (username, display_name, role, password_hash) VALUES (?, ?, ?, ?)",
    )
    .bind(staff.username.as_str())
    .bind(staff.display_name)
    .bind(staff.role.as_str())
    .bind(staff.password_hash)
    .execute(&mut *tx)
    .await;
    let id = match result {
        Ok(done) => done.last_insert_rowid(),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(StoreError::Conflict("username"));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(id)
}

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<StaffRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT id, username, display_name, role, password_hash, active
         FROM staff_users WHERE username = ?",
    )
    .bind(username.trim().to_lowercase())
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
    let rows = sqlx::query(
        "SELECT id, username, display_name, role, password_hash, active
         FROM staff_users ORDER BY username",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(record_from_row).collect()
}

fn record_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StaffRecord, StoreError> {
    let role: String = row.try_get("role")?;
    let role = Role::parse(&role).map_err(|e| StoreError::Sqlx(sqlx::Error::Decode(e.into())))?;
    Ok(StaffRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role,
        password_hash: row.try_get("password_hash")?,
        active: row.try_get("active")?,
    })
}

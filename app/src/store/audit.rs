//! The audit log's table: appending inside the caller's transaction, reading it back in pages.

use crate::store::db::Conn;

use super::{Db, StoreError};
use crate::domain::audit::AuditEntry;
use crate::domain::audit::chain::{self, Entry, GENESIS};

/// Appends `entry` inside the caller's write transaction (which holds SQLite's write lock,
/// so the chain cannot fork).
pub async fn append(tx: &mut Conn, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
    let (last_id, prev_hash) = last.unwrap_or((0, GENESIS.to_owned()));
    let e = Entry {
        id: last_id + 1,
        at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        actor: entry.actor.to_owned(),
        action: entry.action.to_owned(),
        target: entry.target.to_owned(),
        reason: entry.reason.to_owned(),
        details: entry.details.to_string(),
        prev_hash,
    };
    let hash = chain::hash(&e);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, target, reason, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(e.id)
    .bind(&e.at)
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.target)
    .bind(&e.reason)
    .bind(&e.details)
    .bind(&e.prev_hash)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    Ok(e.id)
}

#[derive(sqlx::FromRow)]
pub struct StoredEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub reason: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Up to `limit` entries after id `after`, in id order.
pub async fn page_after(db: &Db, after: i64, limit: i64) -> Result<Vec<StoredEntry>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, at, actor, action, target, reason, details, prev_hash, hash
         FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Recent entries about one target (a case reference), newest first.
pub async fn for_target(
    db: &Db,
    target: &str,
    limit: i64,
) -> Result<Vec<(String, String, String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT at, actor, action, reason FROM audit_log WHERE target = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(target)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

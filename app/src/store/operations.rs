//! What operations reads and does to the database as a whole: the figures monitoring
//! scrapes, an online copy of the file, and the checks a restore makes on one.

use std::path::Path;

use super::{Db, StoreError};

#[derive(Debug, sqlx::FromRow)]
pub struct OpenCount {
    /// `cases.system` (the system's name, e.g. "MitID").
    pub system: String,
    pub priority: String,
    pub n: i64,
}

/// Open cases by system and priority, read from the open-work index.
pub async fn open_by_system_priority(db: &Db) -> Result<Vec<OpenCount>, StoreError> {
    let ix_cases_dash_open = db.backend().indexed_by("cases", "cases_dash_open");
    Ok(sqlx::query_as(&format!(
        "SELECT system, priority, COUNT(*) AS n FROM {ix_cases_dash_open}
         WHERE status IN ('new', 'open', 'waiting_on_citizen')
         GROUP BY system, priority"
    ))
    .fetch_all(db.pool())
    .await?)
}

/// `created_at` (RFC 3339, UTC) of the oldest open urgent case without a first response.
pub async fn oldest_unanswered_urgent(db: &Db) -> Result<Option<String>, StoreError> {
    let ix_cases_dash_open = db.backend().indexed_by("cases", "cases_dash_open");
    Ok(sqlx::query_scalar(&format!(
        "SELECT created_at FROM {ix_cases_dash_open}
         WHERE status IN ('new', 'open', 'waiting_on_citizen')
           AND priority = 'urgent' AND first_response_at IS NULL
         ORDER BY created_at LIMIT 1"
    ))
    .fetch_optional(db.pool())
    .await?)
}

#[derive(Debug, sqlx::FromRow)]
pub struct OutboxCount {
    pub channel: String,
    pub state: String,
    pub n: i64,
}

/// Undelivered outbox rows (queued, retrying, failed) by channel and state: the partial
/// index holds only those, however many million were sent.
pub async fn outbox_unfinished(db: &Db) -> Result<Vec<OutboxCount>, StoreError> {
    let ix_outbox_unfinished = db.backend().indexed_by("outbox", "outbox_unfinished");
    Ok(sqlx::query_as(&format!(
        "SELECT channel, state, COUNT(*) AS n FROM {ix_outbox_unfinished}
         WHERE state <> 'sent' GROUP BY channel, state"
    ))
    .fetch_all(db.pool())
    .await?)
}

/// Writes a consistent copy of the whole database to `target` (which must not exist) while
/// others go on reading and writing: `VACUUM INTO` reads one snapshot.
pub async fn vacuum_into(db: &Db, target: &Path) -> Result<(), StoreError> {
    sqlx::query("VACUUM INTO $1")
        .bind(target.to_string_lossy().into_owned())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// SQLite's own check of every page and index: "ok", or what is wrong.
pub async fn integrity_check(db: &Db) -> Result<String, StoreError> {
    let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(db.pool())
        .await?;
    Ok(lines.join("; "))
}

/// The migrations recorded as applied, or None when the file is not a desk database.
pub async fn applied_migrations(db: &Db) -> Result<Option<Vec<i64>>, StoreError> {
    let has_table: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(db.pool())
    .await?;
    if has_table == 0 {
        return Ok(None);
    }
    Ok(Some(
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
            .fetch_all(db.pool())
            .await?,
    ))
}

/// One sealed CPR number, to try a key on (None when no citizen has one).
pub async fn a_sealed_cpr(db: &Db) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT cpr_sealed FROM citizens WHERE cpr_sealed IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?)
}

/// Cases and audit entries in the database: what a backup or a restore reports.
pub async fn totals(db: &Db) -> Result<(i64, i64), StoreError> {
    Ok(
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM audit_log)")
            .fetch_one(db.pool())
            .await?,
    )
}

//! The audit log: every staff action and every reveal of personal data, append-only and
//! hash-chained. Entries are written in the transaction of the action they record, so an
//! action without its entry cannot commit.

pub mod chain;

use sqlx::SqliteConnection;

use crate::store::{Db, StoreError};
use chain::{Broken, Entry, GENESIS, Verifier};

/// What to record. `reason` is required where the action needs one (a CPR reveal).
#[derive(Clone, Debug)]
pub struct AuditEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub reason: &'a str,
    pub details: serde_json::Value,
}

impl<'a> AuditEntry<'a> {
    pub fn new(actor: &'a str, action: &'a str, target: &'a str) -> Self {
        Self {
            actor,
            action,
            target,
            reason: "",
            details: serde_json::json!({}),
        }
    }

    pub fn reason(mut self, reason: &'a str) -> Self {
        self.reason = reason;
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Appends `entry` inside the caller's write transaction (which holds SQLite's write lock,
/// so the chain cannot fork).
pub async fn append(tx: &mut SqliteConnection, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
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
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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

/// Appends one entry in a transaction of its own (for actions that write nothing else).
pub async fn record(db: &Db, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
    let mut tx = db.begin_write().await?;
    let id = append(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// The result of checking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub checked: u64,
    pub broken: Option<Broken>,
}

#[derive(sqlx::FromRow)]
struct StoredEntry {
    id: i64,
    at: String,
    actor: String,
    action: String,
    target: String,
    reason: String,
    details: String,
    prev_hash: String,
    hash: String,
}

/// Reads the log in id order, in pages, and checks every link.
pub async fn verify(db: &Db) -> Result<Verification, StoreError> {
    let mut verifier = Verifier::default();
    let mut after = 0_i64;
    loop {
        let rows: Vec<StoredEntry> = sqlx::query_as(
            "SELECT id, at, actor, action, target, reason, details, prev_hash, hash
             FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000",
        )
        .bind(after)
        .fetch_all(db.pool())
        .await?;
        if rows.is_empty() {
            return Ok(Verification {
                checked: verifier.checked,
                broken: None,
            });
        }
        for row in rows {
            let id = row.id;
            let entry = Entry {
                id,
                at: row.at,
                actor: row.actor,
                action: row.action,
                target: row.target,
                reason: row.reason,
                details: row.details,
                prev_hash: row.prev_hash,
            };
            if let Err(broken) = verifier.check(&entry, &row.hash) {
                return Ok(Verification {
                    checked: verifier.checked,
                    broken: Some(broken),
                });
            }
            after = id;
        }
    }
}

/// Recent entries about one target (a case reference), newest first.
pub async fn for_target(
    db: &Db,
    target: &str,
    limit: i64,
) -> Result<Vec<(String, String, String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT at, actor, action, reason FROM audit_log WHERE target = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(target)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn appends_verify_and_a_tampered_row_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        for target in ["SAG-2026-000001", "SAG-2026-000002", "SAG-2026-000003"] {
            record(&db, &AuditEntry::new("supporter", "case.note", target))
                .await
                .unwrap();
        }
        assert_eq!(verify(&db).await.unwrap().broken, None);
        assert_eq!(verify(&db).await.unwrap().checked, 3);

        // The application cannot change or delete an entry.
        let err = sqlx::query("UPDATE audit_log SET actor = 'x' WHERE id = 2")
            .execute(db.pool())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        assert!(
            sqlx::query("DELETE FROM audit_log")
                .execute(db.pool())
                .await
                .is_err()
        );

        // Someone with the database file can: the chain tells.
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(db.pool())
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET reason = 'nothing to see' WHERE id = 2")
            .execute(db.pool())
            .await
            .unwrap();
        let v = verify(&db).await.unwrap();
        assert_eq!(v.broken.map(|b| b.id()), Some(2));
        assert_eq!(v.checked, 1);
    }
}

//! The audit log: every staff action and every reveal of personal data, append-only and
//! hash-chained. Entries are written in the transaction of the action they record (by
//! `store::audit::append`), so an action without its entry cannot commit.

use crate::domain::audit::AuditEntry;
use crate::domain::audit::chain::{Broken, Entry, Verifier};
use crate::store::{Db, StoreError, audit};

/// Appends one entry in a transaction of its own (for actions that write nothing else).
pub async fn record(db: &Db, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
    let mut tx = db.begin_write().await?;
    let id = audit::append(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// The result of checking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub checked: u64,
    pub broken: Option<Broken>,
}

/// Reads the log in id order, in pages, and checks every link.
pub async fn verify(db: &Db) -> Result<Verification, StoreError> {
    let mut verifier = Verifier::default();
    let mut after = 0_i64;
    loop {
        let rows = audit::page_after(db, after, 1000).await?;
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

/// Recent entries about one target (a case reference), newest first: when, who, what, why.
pub async fn for_target(
    db: &Db,
    target: &str,
    limit: i64,
) -> Result<Vec<(String, String, String, String)>, StoreError> {
    audit::for_target(db, target, limit).await
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

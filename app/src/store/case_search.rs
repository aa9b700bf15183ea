//! What the staff case search indexes: a case's facts and the text of its timeline, read for
//! the cases changed after a given sequence of `case_changes`.

use super::{Db, StoreError};

/// A case's searchable text as stored; `cases::index_sync` redacts CPR numbers before the
/// index gets it.
#[derive(Clone, Debug)]
pub struct CaseText {
    pub id: i64,
    pub reference: String,
    pub subject: String,
    pub text: String,
    pub citizen_name: String,
    pub system: String,
    pub category: String,
    pub status: String,
    pub updated_at: i64,
    pub party: String,
    /// "Name CVR 12345678" when the case names an organisation.
    pub organisation: String,
}

/// The latest change sequence.
pub async fn current_seq(db: &Db) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM case_changes")
            .fetch_one(db.pool())
            .await?,
    )
}

/// Cases changed after `seq` (each once), and the last sequence seen.
pub async fn changed_since(db: &Db, seq: i64, limit: i64) -> Result<(Vec<i64>, i64), StoreError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT case_id, MAX(seq) AS last FROM case_changes WHERE seq > $1
         GROUP BY case_id ORDER BY last LIMIT $2",
    )
    .bind(seq)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let last = rows.iter().map(|(_, s)| *s).max().unwrap_or(seq);
    Ok((rows.into_iter().map(|(id, _)| id).collect(), last))
}

/// Every case id, for a rebuild.
pub async fn all_ids(db: &Db) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar("SELECT id FROM cases ORDER BY id")
        .fetch_all(db.pool())
        .await?)
}

/// A node not seen for this long no longer holds back the pruning of the change log.
const READER_FORGOTTEN_AFTER_MS: i64 = 7 * 24 * 60 * 60 * 1_000;

/// Records that `node`'s index has applied the change log up to `applied`, and prunes the log
/// below what every node seen this week has applied (the others rebuild when they return).
pub async fn record_applied(
    db: &Db,
    node: &str,
    applied: i64,
    now_ms: i64,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO index_readers (node, applied, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (node) DO UPDATE SET applied = excluded.applied, seen_at = excluded.seen_at",
    )
    .bind(node)
    .bind(applied)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM index_readers WHERE seen_at < $1")
        .bind(now_ms.saturating_sub(READER_FORGOTTEN_AFTER_MS))
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM case_changes WHERE seq <= (SELECT MIN(applied) FROM index_readers)")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `node` is among the nodes whose progress holds back the pruning: one that is not
/// may have missed pruned changes.
pub async fn is_reader(db: &Db, node: &str) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT applied FROM index_readers WHERE node = $1")
            .bind(node)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    reference: String,
    subject: String,
    system: String,
    category: String,
    status: String,
    updated_at: String,
    name: Option<String>,
    party: String,
    organisation: Option<String>,
}

/// The searchable text of these cases; ids of deleted cases are left out.
pub async fn load(db: &Db, ids: &[i64]) -> Result<Vec<CaseText>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<CaseRow> = sqlx::query_as(
            "SELECT c.id, c.reference, c.subject, c.system, c.category, c.status, c.updated_at,
                    z.name, c.party, o.name || ' CVR ' || o.cvr AS organisation
             FROM cases c LEFT JOIN citizens z ON z.id = c.citizen_id
             LEFT JOIN organisations o ON o.id = c.organisation_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
        let Some(CaseRow {
            id,
            reference,
            subject,
            system,
            category,
            status,
            updated_at,
            name,
            party,
            organisation,
        }) = row
        else {
            continue;
        };
        let bodies: Vec<(String,)> = sqlx::query_as(
            "SELECT body FROM case_events WHERE case_id = $1 AND body != ''
               AND kind IN ('created', 'note', 'email_in', 'email_out', 'call')
             ORDER BY id LIMIT 200",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?;
        let updated_at = time::OffsetDateTime::parse(
            &updated_at,
            &time::format_description::well_known::Rfc3339,
        )
        .map(|t| t.unix_timestamp())
        .unwrap_or_default();
        out.push(CaseText {
            id,
            reference,
            subject,
            text: bodies
                .into_iter()
                .map(|(b,)| b)
                .collect::<Vec<_>>()
                .join("\n\n"),
            citizen_name: name.unwrap_or_default(),
            system,
            category,
            status,
            updated_at,
            party,
            organisation: organisation.unwrap_or_default(),
        });
    }
    Ok(out)
}

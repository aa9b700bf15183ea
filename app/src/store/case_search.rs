//! What the staff case search indexes: a case's facts and the text of its timeline, read for
//! the cases changed after a given sequence of `case_changes`.

use std::collections::HashMap;

use super::sql_builder::SqlBuilder;
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

/// Cases changed in the next `limit` changes after `seq` (each once), and the last sequence
/// seen. The window is taken in sequence order first, so the log's primary key always serves
/// it: PostgreSQL's generic plan for "everything after $1, grouped" scans the whole log.
pub async fn changed_since(db: &Db, seq: i64, limit: i64) -> Result<(Vec<i64>, i64), StoreError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT case_id, MAX(seq) AS last
         FROM (SELECT seq, case_id FROM case_changes WHERE seq > $1 ORDER BY seq LIMIT $2) AS w
         GROUP BY case_id ORDER BY last",
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
    // Outside the write lock: pruning below every reader's progress races with nothing.
    let mut tx = db.begin_unordered().await?;
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

/// The searchable text of these cases, in the order of `ids`; ids of deleted cases are left
/// out. Two statements for the whole set: on PostgreSQL each statement is a round trip.
pub async fn load(db: &Db, ids: &[i64]) -> Result<Vec<CaseText>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = SqlBuilder::new(
        "SELECT c.id, c.reference, c.subject, c.system, c.category, c.status, c.updated_at,
                z.name, c.party, o.name || ' CVR ' || o.cvr AS organisation
         FROM cases c LEFT JOIN citizens z ON z.id = c.citizen_id
         LEFT JOIN organisations o ON o.id = c.organisation_id WHERE c.id IN (",
    );
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    let rows: Vec<CaseRow> = query
        .push(")")
        .build_query_as()?
        .fetch_all(db.pool())
        .await?;
    // The first 200 texts of each case's timeline, oldest first.
    let mut query = SqlBuilder::new(
        "SELECT case_id, body FROM (
             SELECT case_id, body, id,
                    ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY id) AS n
             FROM case_events
             WHERE body != '' AND kind IN ('created', 'note', 'email_in', 'email_out', 'call')
               AND case_id IN (",
    );
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    let events: Vec<(i64, String)> = query
        .push(")) AS e WHERE n <= 200 ORDER BY case_id, id")
        .build_query_as()?
        .fetch_all(db.pool())
        .await?;
    let mut bodies: HashMap<i64, Vec<String>> = HashMap::new();
    for (case_id, body) in events {
        bodies.entry(case_id).or_default().push(body);
    }
    let mut rows: HashMap<i64, CaseRow> = rows.into_iter().map(|r| (r.id, r)).collect();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(row) = rows.remove(id) else {
            continue;
        };
        let updated_at = time::OffsetDateTime::parse(
            &row.updated_at,
            &time::format_description::well_known::Rfc3339,
        )
        .map(|t| t.unix_timestamp())
        .unwrap_or_default();
        out.push(CaseText {
            id: row.id,
            reference: row.reference,
            subject: row.subject,
            text: bodies.remove(id).unwrap_or_default().join("\n\n"),
            citizen_name: row.name.unwrap_or_default(),
            system: row.system,
            category: row.category,
            status: row.status,
            updated_at,
            party: row.party,
            organisation: row.organisation.unwrap_or_default(),
        });
    }
    Ok(out)
}

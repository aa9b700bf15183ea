//! The outbox: messages written in the same transaction as their cause, delivered later by
//! the server's worker. Its `state` column holds a [`DeliveryState`]'s name.

use crate::store::db::Conn;
use serde::{Deserialize, Serialize};

use super::sql_builder::SqlBuilder;
use super::{Db, StoreError};
use super::{audit, cases};
use crate::domain::DeliveryState;
use crate::domain::audit::AuditEntry;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxChannel {
    Email,
    Registry,
}

impl OutboxChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxChannel::Email => "email",
            OutboxChannel::Registry => "registry",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "email" => Some(OutboxChannel::Email),
            "registry" => Some(OutboxChannel::Registry),
            _ => None,
        }
    }
}

/// A row the worker should deliver now.
#[derive(Clone, Debug)]
pub struct OutboxItem {
    pub id: i64,
    pub channel: OutboxChannel,
    pub idempotency_key: String,
    pub payload: String,
    pub attempts: i64,
}

pub fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default(),
    )
    .unwrap_or(i64::MAX)
}

/// Adds a message to the outbox inside the caller's transaction; due at once.
pub async fn enqueue(
    tx: &mut Conn,
    channel: OutboxChannel,
    case_id: Option<i64>,
    idempotency_key: &str,
    payload: &str,
) -> Result<i64, StoreError> {
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO outbox (channel, case_id, idempotency_key, payload, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(channel.as_str())
    .bind(case_id)
    .bind(idempotency_key)
    .bind(payload)
    .bind(now_ms())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?)
}

/// Leases up to `limit` rows due for delivery to the worker `owner` until `lease_until` (Unix
/// ms), oldest first, and returns them: no other node's worker takes a leased row before its
/// lease runs out. The pending states are written out, not bound: SQLite uses the partial
/// index `outbox_due` only for a query that names its states literally.
pub async fn claim_due(
    db: &Db,
    owner: &str,
    now_ms: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<OutboxItem>, StoreError> {
    // Outside the write lock: a lease decides nothing the lock guards, and two workers still
    // never lease one row (PostgreSQL skips rows another worker is leasing).
    let mut tx = db.begin_unordered().await?;
    let mut rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(&format!(
        "UPDATE outbox SET lease_owner = $1, lease_until = $2
         WHERE id IN (
             SELECT id FROM outbox
             WHERE state IN ('queued', 'retrying') AND next_attempt_at <= $3
               AND (lease_until IS NULL OR lease_until <= $3)
             ORDER BY next_attempt_at, id LIMIT $4{})
         RETURNING id, channel, idempotency_key, payload, attempts",
        db.backend().skip_locked()
    ))
    .bind(owner)
    .bind(lease_until)
    .bind(now_ms)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    // RETURNING promises no order; ids are the order rows were queued in.
    rows.sort_unstable_by_key(|r| r.0);
    Ok(rows
        .into_iter()
        .filter_map(|(id, channel, idempotency_key, payload, attempts)| {
            Some(OutboxItem {
                id,
                channel: OutboxChannel::parse(&channel)?,
                idempotency_key,
                payload,
                attempts,
            })
        })
        .collect())
}

/// Frees the leases `owner` holds: a worker starting again after its process ended cannot be
/// delivering them.
pub async fn release_leases(db: &Db, owner: &str) -> Result<u64, StoreError> {
    let mut tx = db.begin_unordered().await?;
    let done = sqlx::query(
        "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1",
    )
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// When the next undelivered row falls due, if any.
pub async fn next_due_at(db: &Db) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(CASE WHEN lease_until > next_attempt_at THEN lease_until
                         ELSE next_attempt_at END)
         FROM outbox WHERE state IN ('queued', 'retrying')",
    )
    .fetch_one(db.pool())
    .await?)
}

/// What became of one delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The receiver acknowledged it.
    Sent,
    /// Try again at `retry_at_ms`, or never (`None`: given up).
    Failed {
        error: String,
        retry_at_ms: Option<i64>,
    },
}

/// Records the outcome of a round of attempts in one write of the group commit.
pub async fn record_attempts(db: &Db, attempts: Vec<(i64, Attempt)>) -> Result<(), StoreError> {
    if attempts.is_empty() {
        return Ok(());
    }
    db.write(move |tx| {
        Box::pin(async move {
            let now = time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            let (sent, failed): (Vec<_>, Vec<_>) =
                attempts.into_iter().partition(|(_, a)| *a == Attempt::Sent);
            // The common case, all of a round's deliveries, as one statement.
            if !sent.is_empty() {
                let mut query = SqlBuilder::new("UPDATE outbox SET state = ");
                query
                    .push_bind(DeliveryState::Sent.as_str())
                    .push(
                        ", attempts = attempts + 1, last_error = NULL, lease_owner = NULL, \
                         lease_until = NULL, sent_at = ",
                    )
                    .push_bind(&now)
                    .push(" WHERE id IN (");
                let mut ids = query.separated(", ");
                for (id, _) in &sent {
                    ids.push_bind(*id);
                }
                query.push(")").build()?.execute(&mut *tx).await?;
            }
            for (id, attempt) in failed {
                let Attempt::Failed { error, retry_at_ms } = attempt else {
                    continue;
                };
                let error: String = error.chars().take(1_000).collect();
                match retry_at_ms {
                    Some(at) => sqlx::query(
                        "UPDATE outbox SET state = $1, attempts = attempts + 1,
                            last_error = $2, next_attempt_at = $3, lease_owner = NULL,
                            lease_until = NULL WHERE id = $4",
                    )
                    .bind(DeliveryState::Retrying.as_str())
                    .bind(error)
                    .bind(at)
                    .bind(id),
                    None => sqlx::query(
                        "UPDATE outbox SET state = $1, attempts = attempts + 1,
                            last_error = $2, lease_owner = NULL, lease_until = NULL WHERE id = $3",
                    )
                    .bind(DeliveryState::Failed.as_str())
                    .bind(error)
                    .bind(id),
                }
                .execute(&mut *tx)
                .await?;
            }
            Ok(())
        })
    })
    .await
}

/// Puts a failed message back in the queue (a supporter's "retry"). False when the message
/// is not on that case or has not failed.
pub async fn retry_failed(
    db: &Db,
    id: i64,
    case_id: i64,
    audit: &AuditEntry<'_>,
) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE outbox SET state = $1, attempts = 0, next_attempt_at = $2, lease_owner = NULL,
            lease_until = NULL
         WHERE id = $3 AND case_id = $4 AND state = $5",
    )
    .bind(DeliveryState::Queued.as_str())
    .bind(now_ms())
    .bind(id)
    .bind(case_id)
    .bind(DeliveryState::Failed.as_str())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    audit::append(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

/// Counts by state, for the command line and the health page.
pub async fn counts(db: &Db) -> Result<Vec<(DeliveryState, i64)>, StoreError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state")
            .fetch_all(db.pool())
            .await?;
    rows.into_iter()
        .map(|(state, n)| Ok((DeliveryState::parse(&state).map_err(cases::decode_err)?, n)))
        .collect()
}

//! The contact form's allowances in the database, shared by every desk node (PostgreSQL). A
//! key may send `burst` requests at once and then one per `interval_ms` (GCRA): its row holds
//! the time at which its allowance is whole again.

use super::{Db, StoreError};

/// Takes one request from `key`'s allowance; false when it is used up (and nothing is taken).
/// One statement, so concurrent requests on any node cannot both take the last one.
pub async fn take(
    db: &Db,
    key: &str,
    now_ms: i64,
    interval_ms: i64,
    burst: i64,
) -> Result<bool, StoreError> {
    let from = db.backend().greatest("contact_allowances.tat", "$2");
    let sql = format!(
        "INSERT INTO contact_allowances (key, tat) VALUES ($1, $2 + $3)
         ON CONFLICT (key) DO UPDATE SET tat = {from} + $3
         WHERE {from} + $3 - $2 <= $3 * $4
         RETURNING tat"
    );
    // A count lost in a crash costs nothing worth a disk flush per request: one round trip.
    let taken: Option<i64> = sqlx::query_scalar(&sql)
        .bind(key)
        .bind(now_ms)
        .bind(interval_ms)
        .bind(burst)
        .fetch_optional(db.unflushed())
        .await?;
    Ok(taken.is_some())
}

/// Forgets the keys whose allowance is whole again.
pub async fn forget_whole(db: &Db, now_ms: i64) -> Result<u64, StoreError> {
    Ok(
        sqlx::query("DELETE FROM contact_allowances WHERE tat <= $1")
            .bind(now_ms)
            .execute(db.unflushed())
            .await?
            .rows_affected(),
    )
}

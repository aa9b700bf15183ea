//! Failed logins, kept long enough for the throttle to judge the next attempt.

use super::{Db, StoreError};

pub struct RecentFailures {
    /// Unix timestamps, oldest first.
    pub for_username: Vec<i64>,
    pub for_client: Vec<i64>,
}

pub async fn recent(
    db: &Db,
    username: &str,
    client: &str,
    since: i64,
) -> Result<RecentFailures, StoreError> {
    let for_username = sqlx::query_scalar(
        "SELECT at FROM login_failures WHERE username = ? AND at > ? ORDER BY at",
    )
    .bind(username)
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    let for_client =
        sqlx::query_scalar("SELECT at FROM login_failures WHERE client = ? AND at > ? ORDER BY at")
            .bind(client)
            .bind(since)
            .fetch_all(db.pool())
            .await?;
    Ok(RecentFailures {
        for_username,
        for_client,
    })
}

pub async fn record(
    db: &Db,
    username: &str,
    client: &str,
    now: i64,
    forget_before: i64,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM login_failures WHERE at <= ?")
        .bind(forget_before)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO login_failures (username, client, at) VALUES (?, ?, ?)")
        .bind(username)
        .bind(client)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A successful login wipes the slate for that username (not for the client address).
pub async fn clear_username(db: &Db, username: &str) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM login_failures WHERE username = ?")
        .bind(username)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

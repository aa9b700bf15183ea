//! Failed logins and the addresses staff log in from, kept for the throttle
//! ([`crate::domain::throttle`]) to judge the next attempt.
//!
//! An attempt is reserved before its password is hashed: the check and the record of a
//! (pessimistic) failure happen in one write, so parallel guesses cannot all pass the check
//! before any of them is recorded. A success then clears the record at its address.

use crate::store::db::Conn;

use super::audit;
use super::{Db, StoreError};
use crate::domain::audit::AuditEntry;
use crate::domain::throttle::{self, History, Tally, Verdict};

/// The outcome of [`reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt may verify its password; it is on record as a failure (row `id`) until it
    /// succeeds or is annulled.
    Reserved {
        id: i64,
    },
    Locked {
        retry_after_secs: i64,
    },
}

async fn tally(
    conn: &mut Conn,
    sql: &'static str,
    binds: &[&str],
    since: i64,
) -> Result<Tally, StoreError> {
    let mut query = sqlx::query_as::<_, (i64, i64)>(sql);
    for b in binds {
        query = query.bind(*b);
    }
    let (count, last) = query.bind(since).fetch_one(&mut *conn).await?;
    Ok(Tally {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        last,
    })
}

/// What is on record for `username` at `client`, read inside the caller's transaction.
async fn history(
    conn: &mut Conn,
    username: &str,
    client: &str,
    trusted: bool,
    now: i64,
) -> Result<History, StoreError> {
    let remembered = now - throttle::MEMORY_SECS;
    let user_at_address = tally(
        conn,
        "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM login_failures
         WHERE username = $1 AND client = $2 AND at > $3",
        &[username, client],
        remembered,
    )
    .await?;
    let user_anywhere = tally(
        conn,
        "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM login_failures WHERE username = $1 AND at > $2",
        &[username],
        remembered,
    )
    .await?;
    let address = tally(
        conn,
        "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM login_failures WHERE client = $1 AND at > $2",
        &[client],
        now - throttle::ADDRESS_WINDOW_SECS,
    )
    .await?;
    let known_address: Option<i64> = sqlx::query_scalar(
        "SELECT last_login FROM login_known_addresses
         WHERE username = $1 AND client = $2 AND last_login > $3",
    )
    .bind(username)
    .bind(client)
    .bind(now - throttle::KNOWN_ADDRESS_SECS)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(History {
        user_at_address,
        user_anywhere,
        address,
        trusted,
        known_address: known_address.is_some(),
    })
}

/// Judges an attempt and, when it may proceed, records it as a failure, in one write: the
/// group-commit writer runs writes one after another, so no other attempt can be judged
/// between this one's check and its record.
pub async fn reserve(
    db: &Db,
    username: &str,
    client: &str,
    trusted: bool,
    now: i64,
) -> Result<Reservation, StoreError> {
    let (username, client) = (username.to_owned(), client.to_owned());
    db.write(move |conn| {
        Box::pin(async move {
            sqlx::query("DELETE FROM login_failures WHERE at <= $1")
                .bind(now - throttle::MEMORY_SECS)
                .execute(&mut *conn)
                .await?;
            let history = history(conn, &username, &client, trusted, now).await?;
            if let Verdict::Locked { retry_after_secs } = throttle::judge(&history, now) {
                return Ok(Reservation::Locked { retry_after_secs });
            }
            let id = sqlx::query_scalar(
                "INSERT INTO login_failures (username, client, at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(&username)
            .bind(&client)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
            Ok(Reservation::Reserved { id })
        })
    })
    .await
}

/// Takes back a reservation whose attempt never got to verify (our failure, not theirs).
pub async fn annul(db: &Db, id: i64) -> Result<(), StoreError> {
    db.write(move |conn| {
        Box::pin(async move {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            Ok(())
        })
    })
    .await
}

/// A successful login: the failures of this username at this address (its own reservation
/// included) are cleared, and the address becomes one the user is known at. Failures at
/// other addresses stay: a guesser elsewhere gets no fresh start from the user's login.
pub async fn succeed(db: &Db, username: &str, client: &str, now: i64) -> Result<(), StoreError> {
    let (username, client) = (username.to_owned(), client.to_owned());
    db.write(move |conn| {
        Box::pin(async move {
            sqlx::query("DELETE FROM login_failures WHERE username = $1 AND client = $2")
                .bind(&username)
                .bind(&client)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO login_known_addresses (username, client, last_login) VALUES ($1, $2, $3)
                 ON CONFLICT (username, client) DO UPDATE SET last_login = excluded.last_login",
            )
            .bind(&username)
            .bind(&client)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM login_known_addresses WHERE last_login <= $1")
                .bind(now - throttle::KNOWN_ADDRESS_SECS)
                .execute(&mut *conn)
                .await?;
            Ok(())
        })
    })
    .await
}

/// A username that cannot log in somewhere right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedUsername {
    pub username: String,
    /// The longest remaining wait.
    pub retry_after_secs: i64,
    /// Addresses the username is locked at.
    pub addresses: u32,
    /// Locked at every new, untrusted address too (the loose per-username scope).
    pub anywhere_new: bool,
    /// Failures on record for the username.
    pub failures: u32,
}

/// Usernames locked at one or more addresses now, the longest wait first.
pub async fn locked(db: &Db, now: i64) -> Result<Vec<LockedUsername>, StoreError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT username, client, COUNT(*), MAX(at) FROM login_failures WHERE at > $1
         GROUP BY username, client ORDER BY username",
    )
    .bind(now - throttle::MEMORY_SECS)
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<LockedUsername> = Vec::new();
    let mut totals: Vec<(String, Tally)> = Vec::new();
    for (username, _client, count, last) in rows {
        let t = Tally {
            count: u32::try_from(count).unwrap_or(u32::MAX),
            last,
        };
        match totals.last_mut() {
            Some((u, total)) if *u == username => {
                total.count = total.count.saturating_add(t.count);
                total.last = total.last.max(t.last);
            }
            _ => totals.push((username.clone(), t)),
        }
        if let Some(wait) = throttle::remaining(throttle::USER_AT_ADDRESS, t, now) {
            match out.last_mut() {
                Some(l) if l.username == username => {
                    l.addresses += 1;
                    l.retry_after_secs = l.retry_after_secs.max(wait);
                }
                _ => out.push(LockedUsername {
                    username: username.clone(),
                    retry_after_secs: wait,
                    addresses: 1,
                    anywhere_new: false,
                    failures: 0,
                }),
            }
        }
    }
    for (username, total) in totals {
        let anywhere = throttle::remaining(throttle::USER_ANYWHERE, total, now);
        match out.iter_mut().find(|l| l.username == username) {
            Some(l) => {
                l.failures = total.count;
                if let Some(wait) = anywhere {
                    l.anywhere_new = true;
                    l.retry_after_secs = l.retry_after_secs.max(wait);
                }
            }
            None => {
                if let Some(wait) = anywhere {
                    out.push(LockedUsername {
                        username,
                        retry_after_secs: wait,
                        addresses: 0,
                        anywhere_new: true,
                        failures: total.count,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| {
        b.retry_after_secs
            .cmp(&a.retry_after_secs)
            .then_with(|| a.username.cmp(&b.username))
    });
    Ok(out)
}

/// Clears every failure of `username` (an administrator's unlock), with its audit entry in
/// the same transaction. Returns how many failures were cleared.
pub async fn unlock(db: &Db, username: &str, audit: &AuditEntry<'_>) -> Result<u64, StoreError> {
    let mut tx = db.begin_write().await?;
    let cleared = sqlx::query("DELETE FROM login_failures WHERE username = $1")
        .bind(username)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let entry = audit
        .clone()
        .details(serde_json::json!({ "failures_cleared": cleared }));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(cleared)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        (dir, db)
    }

    const NOW: i64 = 1_800_000_000;

    #[tokio::test]
    async fn forty_parallel_reservations_let_only_five_through() {
        let (_dir, db) = db().await;
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(
                    async move { reserve(&db, "supporter", "203.0.113.9", false, NOW).await },
                )
            })
            .collect();
        let mut reserved = 0;
        for t in tasks {
            if let Reservation::Reserved { .. } = t.await.unwrap().unwrap() {
                reserved += 1;
            }
        }
        assert_eq!(reserved, throttle::USER_AT_ADDRESS.threshold);
    }

    #[tokio::test]
    async fn a_success_clears_its_address_only_and_makes_the_address_known() {
        let (_dir, db) = db().await;
        for client in ["198.51.100.1", "198.51.100.2"] {
            for _ in 0..4 {
                reserve(&db, "anna", client, false, NOW).await.unwrap();
            }
        }
        succeed(&db, "anna", "198.51.100.1", NOW).await.unwrap();
        let left: Vec<String> =
            sqlx::query_scalar("SELECT client FROM login_failures WHERE username = 'anna'")
                .fetch_all(db.pool())
                .await
                .unwrap();
        assert_eq!(left, vec!["198.51.100.2".to_owned(); 4]);
        let mut conn = db.pool().acquire().await.unwrap();
        let h = history(&mut conn, "anna", "198.51.100.1", false, NOW)
            .await
            .unwrap();
        assert!(h.known_address && h.user_at_address.count == 0);
        assert_eq!(h.user_anywhere.count, 4);
    }

    #[tokio::test]
    async fn locked_usernames_are_listed_and_an_unlock_clears_them_with_an_audit_entry() {
        let (_dir, db) = db().await;
        for _ in 0..5 {
            reserve(&db, "bo", "192.0.2.1", false, NOW).await.unwrap();
        }
        reserve(&db, "carl", "192.0.2.1", false, NOW).await.unwrap();
        assert_eq!(
            reserve(&db, "bo", "192.0.2.1", false, NOW + 1)
                .await
                .unwrap(),
            Reservation::Locked {
                retry_after_secs: 59
            }
        );
        let locked_now = locked(&db, NOW + 1).await.unwrap();
        assert_eq!(
            locked_now,
            [LockedUsername {
                username: "bo".into(),
                retry_after_secs: 59,
                addresses: 1,
                anywhere_new: false,
                failures: 5,
            }]
        );
        let cleared = unlock(&db, "bo", &AuditEntry::new("admin", "login.unlock", "bo"))
            .await
            .unwrap();
        assert_eq!(cleared, 5);
        assert!(locked(&db, NOW + 1).await.unwrap().is_empty());
        assert!(matches!(
            reserve(&db, "bo", "192.0.2.1", false, NOW + 1)
                .await
                .unwrap(),
            Reservation::Reserved { .. }
        ));
        let entries = audit::for_target(&db, "bo", 10).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            (entries[0].1.as_str(), entries[0].2.as_str()),
            ("admin", "login.unlock")
        );
    }
}

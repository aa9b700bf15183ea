//! Related cases and merged duplicates. A link is stored in both directions, so either
//! case lists the other; a merge links the two, closes the duplicate and points it at the
//! case that carries on. Both sides' timelines say what happened.

use sqlx::SqliteConnection;

use super::audit;
use super::cases::{self, Actor, utc_now};
use super::{Db, StoreError};
use crate::domain::Status;
use crate::domain::audit::AuditEntry;
use crate::domain::case_views::RelatedCase;

/// Why a link or merge was not made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    SameCase,
    AlreadyMerged,
}

/// One side of a link: the case's id and reference.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub id: i64,
    pub reference: &'a str,
}

/// Stores the link both ways; `staff` is None when the desk made it (see [`link_by_desk`]).
async fn insert_link(
    tx: &mut SqliteConnection,
    a: Side<'_>,
    b: Side<'_>,
    staff: Option<i64>,
    now: &str,
) -> Result<(), StoreError> {
    for (from, to) in [(a, b), (b, a)] {
        sqlx::query(
            "INSERT OR IGNORE INTO case_links (case_id, linked_case_id, created_by, created_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(from.id)
        .bind(to.id)
        .bind(staff)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn event(
    tx: &mut SqliteConnection,
    case: Side<'_>,
    staff: i64,
    kind: &str,
    body: &str,
    other: Side<'_>,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES (?, ?, 'staff', ?, ?, ?, ?)",
    )
    .bind(case.id)
    .bind(now)
    .bind(staff)
    .bind(kind)
    .bind(body)
    .bind(serde_json::json!({ "other": other.reference }).to_string())
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE cases SET updated_at = ? WHERE id = ?")
        .bind(now)
        .bind(case.id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Links two cases as related.
pub async fn link(
    db: &Db,
    a: Side<'_>,
    b: Side<'_>,
    username: &str,
) -> Result<Result<(), Refusal>, StoreError> {
    if a.id == b.id {
        return Ok(Err(Refusal::SameCase));
    }
    let now = utc_now();
    let mut tx = db.begin_write().await?;
    let staff = cases::staff_id(&mut tx, username).await?;
    insert_link(&mut tx, a, b, Some(staff), &now).await?;
    event(
        &mut tx,
        a,
        staff,
        "link",
        &format!("Relateret til {}", b.reference),
        b,
        &now,
    )
    .await?;
    event(
        &mut tx,
        b,
        staff,
        "link",
        &format!("Relateret til {}", a.reference),
        a,
        &now,
    )
    .await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "case_linked", a.reference)
            .details(serde_json::json!({ "other": b.reference })),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Links a case the desk opened to the case it names, in the caller's transaction, without
/// touching the named case otherwise: no timeline entry, no status or time change there (an
/// e-mail from a stranger must not be able to write into another citizen's case). Both sides
/// list the other among their related cases.
pub async fn link_by_desk(
    tx: &mut SqliteConnection,
    new: Side<'_>,
    named: Side<'_>,
) -> Result<(), StoreError> {
    if new.id == named.id {
        return Ok(());
    }
    insert_link(tx, new, named, None, &utc_now()).await
}

/// Merges `duplicate` into `target`: linked, the duplicate closed and pointing at the target.
pub async fn merge(
    db: &Db,
    duplicate: Side<'_>,
    target: Side<'_>,
    username: &str,
) -> Result<Result<(), Refusal>, StoreError> {
    if duplicate.id == target.id {
        return Ok(Err(Refusal::SameCase));
    }
    let now = utc_now();
    let mut tx = db.begin_write().await?;
    let merged: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT merged_into FROM cases WHERE id IN (?, ?)")
            .bind(duplicate.id)
            .bind(target.id)
            .fetch_all(&mut *tx)
            .await?;
    if merged.iter().any(Option::is_some) {
        return Ok(Err(Refusal::AlreadyMerged));
    }
    let staff = cases::staff_id(&mut tx, username).await?;
    insert_link(&mut tx, duplicate, target, Some(staff), &now).await?;
    sqlx::query("UPDATE cases SET merged_into = ? WHERE id = ?")
        .bind(target.id)
        .bind(duplicate.id)
        .execute(&mut *tx)
        .await?;
    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = ?")
        .bind(duplicate.id)
        .fetch_one(&mut *tx)
        .await?;
    if status != Status::Closed.as_str() {
        cases::set_status_in(&mut tx, duplicate.id, Status::Closed, Actor::Staff(staff)).await?;
    }
    event(
        &mut tx,
        duplicate,
        staff,
        "merge",
        &format!(
            "Dublet: flettet ind i {}, hvor sagen fortsætter.",
            target.reference
        ),
        target,
        &now,
    )
    .await?;
    event(
        &mut tx,
        target,
        staff,
        "merge",
        &format!(
            "Dubletten {} er flettet ind i denne sag.",
            duplicate.reference
        ),
        duplicate,
        &now,
    )
    .await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "case_merged", duplicate.reference)
            .details(serde_json::json!({ "into": target.reference })),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// The cases linked to this one, and the case it was merged into.
pub async fn related(
    db: &Db,
    case_id: i64,
) -> Result<(Vec<RelatedCase>, Option<String>), StoreError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.reference, c.subject, c.status FROM case_links l
         JOIN cases c ON c.id = l.linked_case_id WHERE l.case_id = ? ORDER BY c.id",
    )
    .bind(case_id)
    .fetch_all(db.pool())
    .await?;
    let merged_into: Option<String> = sqlx::query_scalar(
        "SELECT t.reference FROM cases c JOIN cases t ON t.id = c.merged_into WHERE c.id = ?",
    )
    .bind(case_id)
    .fetch_optional(db.pool())
    .await?;
    Ok((
        rows.into_iter()
            .filter_map(|(reference, subject, status)| {
                Some(RelatedCase {
                    reference,
                    subject,
                    status: Status::parse(&status).ok()?,
                })
            })
            .collect(),
        merged_into,
    ))
}

//! Related cases and merged duplicates: links stored in both directions, so either case
//! lists the other, and a merged duplicate pointing at the case that carries on. The rules
//! (and the timeline's words) are in the `cases::links` service.

use crate::store::db::Conn;

use super::cases::utc_now;
use super::{Db, StoreError};
use crate::domain::Status;
use crate::domain::case_views::RelatedCase;

/// One side of a link: the case's id and reference.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub id: i64,
    pub reference: &'a str,
}

/// Stores the link both ways; `staff` is None when the desk made it (see [`link_by_desk`]).
pub async fn insert_link(
    tx: &mut Conn,
    a: Side<'_>,
    b: Side<'_>,
    staff: Option<i64>,
    now: &str,
) -> Result<(), StoreError> {
    for (from, to) in [(a, b), (b, a)] {
        sqlx::query(
            "INSERT INTO case_links (case_id, linked_case_id, created_by, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
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

/// A timeline entry on `case` about `other`, and the case's time of change.
pub async fn event(
    tx: &mut Conn,
    case: Side<'_>,
    staff: i64,
    kind: &str,
    body: &str,
    other: Side<'_>,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES ($1, $2, 'staff', $3, $4, $5, $6)",
    )
    .bind(case.id)
    .bind(now)
    .bind(staff)
    .bind(kind)
    .bind(body)
    .bind(serde_json::json!({ "other": other.reference }).to_string())
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(case.id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Links a case the desk opened to the case it names, in the caller's transaction, without
/// touching the named case otherwise: no timeline entry, no status or time change there (an
/// e-mail from a stranger must not be able to write into another citizen's case). Both sides
/// list the other among their related cases.
pub async fn link_by_desk(tx: &mut Conn, new: Side<'_>, named: Side<'_>) -> Result<(), StoreError> {
    if new.id == named.id {
        return Ok(());
    }
    insert_link(tx, new, named, None, &utc_now()).await
}

/// Whether either case has been merged into another.
pub async fn either_merged(tx: &mut Conn, a: Side<'_>, b: Side<'_>) -> Result<bool, StoreError> {
    let merged: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT merged_into FROM cases WHERE id IN ($1, $2)")
            .bind(a.id)
            .bind(b.id)
            .fetch_all(&mut *tx)
            .await?;
    Ok(merged.iter().any(Option::is_some))
}

/// Points `duplicate` at the case it was merged into; returns the duplicate's status.
pub async fn set_merged_into(
    tx: &mut Conn,
    duplicate: Side<'_>,
    target: Side<'_>,
) -> Result<String, StoreError> {
    sqlx::query("UPDATE cases SET merged_into = $1 WHERE id = $2")
        .bind(target.id)
        .bind(duplicate.id)
        .execute(&mut *tx)
        .await?;
    Ok(sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
        .bind(duplicate.id)
        .fetch_one(&mut *tx)
        .await?)
}

/// The cases linked to this one, and the case it was merged into.
pub async fn related(
    db: &Db,
    case_id: i64,
) -> Result<(Vec<RelatedCase>, Option<String>), StoreError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.reference, c.subject, c.status FROM case_links l
         JOIN cases c ON c.id = l.linked_case_id WHERE l.case_id = $1 ORDER BY c.id",
    )
    .bind(case_id)
    .fetch_all(db.pool())
    .await?;
    let merged_into: Option<String> = sqlx::query_scalar(
        "SELECT t.reference FROM cases c JOIN cases t ON t.id = c.merged_into WHERE c.id = $1",
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

//! E-mail to the citizen caused by a supporter: each commits with the action that causes it
//! and the action's audit entry, or not at all.

use crate::domain::Status;
use crate::domain::audit::AuditEntry;
use crate::store::cases::{self, Actor};
use crate::store::mail::{CaseEmail, queue_in};
use crate::store::ratings::{self, NewRating};
use crate::store::{Db, StoreError, audit};

/// A supporter's e-mail reply: queued, on the timeline, counted as the first response, and
/// optionally moving the case on (typically to "waiting on citizen").
pub async fn reply(
    db: &Db,
    case_id: i64,
    reference: &str,
    email: &CaseEmail<'_>,
    username: &str,
    then: Option<Status>,
    audit: &AuditEntry<'_>,
) -> Result<i64, StoreError> {
    let mut tx = db.begin_write().await?;
    let staff = cases::staff_id(&mut tx, username).await?;
    audit::append(&mut tx, audit).await?;
    let outbox_id = queue_in(&mut tx, case_id, reference, email, Some(staff)).await?;
    cases::mark_responded(&mut tx, case_id).await?;
    if let Some(to) = then {
        cases::set_status_in(&mut tx, case_id, to, Actor::Staff(staff)).await?;
    }
    tx.commit().await?;
    Ok(outbox_id)
}

/// A status change by a supporter, with the e-mail it causes (e.g. "your case is resolved")
/// and the satisfaction link that e-mail carries.
pub async fn set_status_notifying(
    db: &Db,
    case_id: i64,
    reference: &str,
    to: Status,
    username: &str,
    email: Option<(&CaseEmail<'_>, Option<&NewRating>)>,
    audit: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    let staff = cases::staff_id(&mut tx, username).await?;
    audit::append(&mut tx, audit).await?;
    cases::set_status_in(&mut tx, case_id, to, Actor::Staff(staff)).await?;
    if let Some((email, rating)) = email {
        if let Some(rating) = rating {
            let rating = NewRating {
                staff_id: Some(staff),
                ..rating.clone()
            };
            ratings::issue_in(&mut tx, case_id, &rating).await?;
        }
        queue_in(&mut tx, case_id, reference, email, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

//! What a supporter sees: the queue and one case's page.

use crate::domain::case_views::{CaseDetail, QueueFilter, QueuePage};
use crate::store::{Db, StoreError, case_links, case_queue, identities, organisations};

/// One page of the queue with the counts beside it.
pub async fn queue(
    db: &Db,
    filter: &QueueFilter,
    username: &str,
    page_size: i64,
) -> Result<QueuePage, StoreError> {
    let (rows, next, total) = case_queue::queue(db, filter, username, page_size).await?;
    let (counts, urgent_open) = case_queue::counts(db).await?;
    let views = case_queue::view_counts(db, username).await?;
    Ok(QueuePage {
        rows,
        total,
        counts,
        urgent_open,
        views,
        next: next.map(|c| c.encode()),
    })
}

/// The case page for `username`, or `None` for a reference that does not exist.
pub async fn case_page(
    db: &Db,
    reference: &str,
    username: &str,
) -> Result<Option<CaseDetail>, StoreError> {
    let Some(case) = super::find(db, reference).await? else {
        return Ok(None);
    };
    let timeline = crate::store::cases::timeline(db, case.id).await?;
    let identity = identities::for_case(db, case.id).await?;
    let (related, merged_into) = case_links::related(db, case.id).await?;
    let (party, organisation) = organisations::for_case(db, case.id).await?;
    let rating = crate::ratings::for_case(db, case.id).await?;
    let row = case.row;
    let incidents = crate::store::incidents::for_case(db, case.id, row.system.name()).await?;
    Ok(Some(CaseDetail {
        assigned_to_me: case.assignee_username.as_deref() == Some(username),
        sla_paused: case.clock.paused_since.is_some(),
        reference: row.reference,
        subject: row.subject,
        system: row.system,
        category: row.category,
        priority: row.priority,
        status: row.status,
        channel: row.channel,
        assignee: row.assignee,
        created_at: crate::domain::danish_time::display(&row.created_at),
        first_response_due: case.first_response_due,
        first_response_at: case.first_response_at,
        resolution_due: row.resolution_due,
        overdue: row.overdue,
        citizen: case.citizen,
        identity,
        party,
        organisation,
        related,
        rating,
        incidents,
        merged_into,
        timeline,
    }))
}

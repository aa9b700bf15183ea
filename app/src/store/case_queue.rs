//! The queue: one page of cases to work on, with its filters, and the counts above it.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::cases::decode_err;
use super::{Db, StoreError};
use crate::domain::case_views::{QueueFilter, QueueRow};
use crate::domain::sla_clock;
use crate::domain::{Category, Channel, Priority, Status, System, danish_time};

/// A queue row as read by the queue's and the case page's queries.
pub(super) fn queue_row(row: &SqliteRow, now_local: &str) -> Result<QueueRow, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c);
    let resolution_due = text("resolution_due")?;
    let status = Status::parse(&text("status")?).map_err(decode_err)?;
    Ok(QueueRow {
        reference: text("reference")?,
        subject: text("subject")?,
        system: System::parse(&text("system")?).unwrap_or(System::MitId),
        category: Category::parse(&text("category")?).map_err(decode_err)?,
        priority: Priority::parse(&text("priority")?).map_err(decode_err)?,
        status,
        channel: Channel::parse(&text("channel")?).map_err(decode_err)?,
        assignee: row.try_get("assignee")?,
        citizen_name: row.try_get("citizen_name")?,
        created_at: text("created_at")?,
        overdue: !status.pauses_sla() && !status.is_done() && resolution_due.as_str() < now_local,
        resolution_due,
    })
}

/// One page of the queue: the urgent lane first, then the unverified one, then the rest; each
/// by resolution due time.
pub async fn queue(
    db: &Db,
    filter: &QueueFilter,
    me: &str,
    limit: i64,
) -> Result<(Vec<QueueRow>, i64), StoreError> {
    // (condition, bound value) pairs; a condition without a value binds nothing.
    let mut conditions: Vec<(&str, Option<String>)> = Vec::new();
    let system = filter
        .system
        .as_deref()
        .map(|s| System::parse(s).map_or_else(|| s.to_owned(), |s| s.name().to_owned()));
    for (condition, value) in [
        ("c.system = ?", &system),
        ("c.category = ?", &filter.category),
        ("c.priority = ?", &filter.priority),
        ("c.channel = ?", &filter.channel),
    ] {
        if let Some(v) = value {
            conditions.push((condition, Some(v.clone())));
        }
    }
    // By default the queue is the work still to do. Open work is read through the small
    // partial index that carries every filter column, so page and count stay fast at a
    // million cases (see the queue benchmark); the planner does not pick it by itself.
    let open_work = filter
        .status
        .as_deref()
        .is_none_or(|s| matches!(s, "new" | "open" | "waiting_on_citizen"));
    if open_work {
        conditions.push(("c.status IN ('new', 'open', 'waiting_on_citizen')", None));
    }
    if let Some(v) = filter.status.as_deref() {
        conditions.push(("c.status = ?", Some(v.to_owned())));
    }
    let by_name = "c.assignee_id = (SELECT id FROM staff_users WHERE username = ?)";
    match filter.assignee.as_deref() {
        None => {}
        Some("none") => conditions.push(("c.assignee_id IS NULL", None)),
        Some("me") => conditions.push((by_name, Some(me.to_owned()))),
        Some(name) => conditions.push((by_name, Some(name.to_owned()))),
    }
    let binds: Vec<String> = conditions.iter().filter_map(|(_, v)| v.clone()).collect();
    let conditions: Vec<&str> = conditions.iter().map(|(c, _)| *c).collect();
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let cases = if open_work {
        "cases c INDEXED BY cases_open_queue"
    } else {
        "cases c"
    };
    let from = format!(
        "FROM {cases} LEFT JOIN staff_users u ON u.id = c.assignee_id
         LEFT JOIN citizens z ON z.id = c.citizen_id"
    );
    let sql = format!(
        "SELECT c.reference, c.subject, c.system, c.category, c.priority, c.status, c.channel,
                u.display_name AS assignee, z.name AS citizen_name, c.created_at, c.resolution_due
         {from} {where_clause} ORDER BY c.lane, c.resolution_due, c.id LIMIT ?"
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.bind(limit).fetch_all(db.pool()).await?;
    let count_sql = format!("SELECT COUNT(*) FROM {cases} {where_clause}");
    let mut count_query = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        count_query = count_query.bind(b);
    }
    let total = count_query.fetch_one(db.pool()).await?;
    let now = sla_clock::format(danish_time::now_local());
    let rows = rows
        .iter()
        .map(|r| queue_row(r, &now))
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// Open work per status, and open urgent cases (the verified urgent lane only).
pub async fn counts(db: &Db) -> Result<(Vec<(Status, i64)>, i64), StoreError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM cases
         WHERE status IN ('new', 'open', 'waiting_on_citizen') GROUP BY status",
    )
    .fetch_all(db.pool())
    .await?;
    let counts = rows
        .into_iter()
        .filter_map(|(s, n)| Status::parse(&s).ok().map(|s| (s, n)))
        .collect();
    let urgent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE lane = 0 AND status IN ('new', 'open', 'waiting_on_citizen')",
    )
    .fetch_one(db.pool())
    .await?;
    Ok((counts, urgent))
}

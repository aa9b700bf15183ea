//! The queue: one page of cases to work on, with its filters, and the counts above it.

use sqlx::Row;

use super::cases::decode_err;
use super::db::DbRow;
use super::sql_builder::numbered;
use super::{Db, StoreError};
use crate::domain::case_views::{QueueFilter, QueueRow, QueueViews};
use crate::domain::queue_order::{self, QueueCursor, QueueSort};
use crate::domain::sla_clock;
use crate::domain::{Category, Channel, Priority, Status, System, danish_time};

/// A queue row as read by the queue's and the case page's queries.
pub(super) fn queue_row(row: &DbRow, now_local: &str) -> Result<QueueRow, StoreError> {
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
        minutes_left: None,
        due_label: String::new(),
    })
}

/// The priority order's rank, written exactly as the `cases_priority_order` index is, so
/// the planner can read the order from it.
const PRIORITY_RANK: &str = "(CASE c.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 \
     WHEN 'normal' THEN 2 ELSE 3 END)";

/// One page of the queue in the chosen order, after `filter.after` when set: the rows, where
/// the next page starts (when there is one), and how many cases match in all.
pub async fn queue(
    db: &Db,
    filter: &QueueFilter,
    me: &str,
    limit: i64,
) -> Result<(Vec<QueueRow>, Option<QueueCursor>, i64), StoreError> {
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
    if let Some(party) = &filter.party {
        conditions.push(("c.party = ?", Some(party.clone())));
    }
    if let Some(cvr) = &filter.cvr {
        conditions.push((
            "c.organisation_id = (SELECT id FROM organisations WHERE cvr = ?)",
            Some(cvr.clone()),
        ));
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
    // Open work is read through the partial index in the page's order; the count through the
    // due-order one (it carries the same columns).
    let (cases, count_from) = match (open_work, filter.sort) {
        (false, _) => (None, None),
        (true, QueueSort::Due) => (Some("cases_open_queue"), Some("cases_open_queue")),
        (true, QueueSort::Priority) => (Some("cases_open_priority"), Some("cases_open_queue")),
        (true, QueueSort::Created) => (Some("cases_open_newest"), Some("cases_open_queue")),
    };
    let backend = db.backend();
    let table = |index: Option<&str>| match index {
        Some(index) => backend.indexed_by("cases c", index),
        None => "cases c".to_owned(),
    };
    let (cases, count_from) = (table(cases), table(count_from));
    // The sort key of each row, its order, and the condition that starts after a cursor.
    let (rank, order, after) = match filter.sort {
        QueueSort::Due => (
            "c.lane".to_owned(),
            "c.lane, c.resolution_due, c.id".to_owned(),
            "(c.lane, c.resolution_due, c.id) > (?, ?, ?)".to_owned(),
        ),
        QueueSort::Priority => (
            PRIORITY_RANK.to_owned(),
            format!("{PRIORITY_RANK}, c.resolution_due, c.id"),
            // The first term lets SQLite seek in the index (a row value holding an
            // expression is not used for seeking); the second is the exact cursor.
            format!(
                "{PRIORITY_RANK} >= ? AND ({PRIORITY_RANK}, c.resolution_due, c.id) > (?, ?, ?)"
            ),
        ),
        QueueSort::Created => (
            "0".to_owned(),
            "c.id DESC".to_owned(),
            "c.id < ?".to_owned(),
        ),
    };
    let paged_where = match (&filter.after, where_clause.is_empty()) {
        (None, _) => where_clause.clone(),
        (Some(_), true) => format!("WHERE {after}"),
        (Some(_), false) => format!("{where_clause} AND {after}"),
    };
    let from = format!(
        "FROM {cases} LEFT JOIN staff_users u ON u.id = c.assignee_id
         LEFT JOIN citizens z ON z.id = c.citizen_id"
    );
    let sql = format!(
        "SELECT c.id, {rank} AS rank, c.reference, c.subject, c.system, c.category, c.priority,
                c.status, c.channel, u.display_name AS assignee,
                CASE WHEN c.organisation_id IS NULL THEN z.name
                     ELSE (SELECT o.name FROM organisations o WHERE o.id = c.organisation_id)
                          || COALESCE(' · ' || z.name, '') END AS citizen_name,
                c.created_at, c.resolution_due
         {from} {paged_where} ORDER BY {order} LIMIT ?"
    );
    // The fragments each bind their own values, so number the parameters once assembled.
    let sql = numbered(&sql);
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    if let Some(cursor) = &filter.after {
        if filter.sort == QueueSort::Priority {
            query = query.bind(cursor.rank);
        }
        if filter.sort != QueueSort::Created {
            query = query.bind(cursor.rank).bind(&cursor.due);
        }
        query = query.bind(cursor.id);
    }
    // One row more than shown tells whether there is a next page.
    let rows = query.bind(limit + 1).fetch_all(db.pool()).await?;
    let count_sql = numbered(&format!("SELECT COUNT(*) FROM {count_from} {where_clause}"));
    let mut count_query = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        count_query = count_query.bind(b);
    }
    let total = count_query.fetch_one(db.pool()).await?;
    let now = danish_time::now_local();
    let now_text = sla_clock::format(now);
    let shown = usize::try_from(limit).unwrap_or(0);
    let mut next = None;
    let mut page = Vec::with_capacity(rows.len().min(shown));
    for (i, r) in rows.iter().enumerate() {
        if i == shown {
            break;
        }
        let mut row = queue_row(r, &now_text)?;
        row.minutes_left = (!row.status.pauses_sla() && !row.status.is_done())
            .then(|| queue_order::minutes_left(&row.resolution_due, now))
            .flatten();
        row.due_label = queue_order::short_due(&row.resolution_due, now);
        if i + 1 == shown && rows.len() > shown {
            next = Some(QueueCursor {
                rank: r.try_get("rank")?,
                due: row.resolution_due.clone(),
                id: r.try_get("id")?,
            });
        }
        page.push(row);
    }
    Ok((page, next, total))
}

/// The saved views' counts, read in one pass over the open work's index.
pub async fn view_counts(db: &Db, me: &str) -> Result<QueueViews, StoreError> {
    let open = db.backend().indexed_by("cases c", "cases_open_queue");
    let rows: Vec<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT c.system, COUNT(*),
                COUNT(*) FILTER (WHERE c.priority = 'urgent'),
                COUNT(*) FILTER (WHERE c.assignee_id = (SELECT id FROM staff_users WHERE username = $1)),
                COUNT(*) FILTER (WHERE c.assignee_id IS NULL),
                COUNT(*) FILTER (WHERE c.status = 'waiting_on_citizen')
         FROM {open}
         WHERE c.status IN ('new', 'open', 'waiting_on_citizen')
         GROUP BY c.system"),
    )
    .bind(me)
    .fetch_all(db.pool())
    .await?;
    let mut views = QueueViews {
        systems: System::ALL.iter().map(|s| (*s, 0)).collect(),
        ..QueueViews::default()
    };
    for (system, open, urgent, mine, unassigned, waiting) in rows {
        views.open += open;
        views.urgent += urgent;
        views.mine += mine;
        views.unassigned += unassigned;
        views.waiting_on_citizen += waiting;
        if let Some(slot) =
            System::parse(&system).and_then(|s| views.systems.iter_mut().find(|(x, _)| *x == s))
        {
            slot.1 += open;
        }
    }
    Ok(views)
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

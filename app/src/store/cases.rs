//! Cases and their timeline.

use sqlx::Row;

use super::audit;
use super::case_queue::queue_row;
use super::citizens::{self, NewCitizen};
use super::{Db, StoreError};
use crate::domain::audit::AuditEntry;
use crate::domain::case_category::Lane;
use crate::domain::case_views::{CitizenPanel, Delivery, QueueRow, TimelineEntry};
use crate::domain::sla_clock::{self, StoredClock};
use crate::domain::{
    CaseRef, Category, Channel, DeliveryState, Priority, Status, System, danish_time,
};

pub struct NewCase<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub system: System,
    pub category: Category,
    pub channel: Channel,
    pub citizen: Option<NewCitizen<'a>>,
    /// The SHA-256 of the citizen's private status token, when one was issued.
    pub status_token_hash: Option<Vec<u8>>,
    pub created_by_staff: Option<i64>,
    /// When the case was opened; now unless given (demo data and imports set it).
    pub opened_at: Option<time::OffsetDateTime>,
}

pub fn utc_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A stored value the domain does not know, as the error a bad column would give.
pub(super) fn decode_err(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Sqlx(sqlx::Error::Decode(Box::new(e)))
}

/// Who did something on a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Staff(i64),
    Citizen,
    System,
}

impl Actor {
    /// The timeline's actor column and staff id.
    pub(super) fn columns(self) -> (&'static str, Option<i64>) {
        match self {
            Actor::Staff(id) => ("staff", Some(id)),
            Actor::Citizen => ("citizen", None),
            Actor::System => ("system", None),
        }
    }
}

/// Creates a case with the next reference of the year and its first timeline entry, in one
/// transaction.
pub async fn create(db: &Db, new: NewCase<'_>) -> Result<CaseRef, StoreError> {
    let mut tx = db.begin_write().await?;
    let (_, reference) = create_in(&mut tx, new).await?;
    tx.commit().await?;
    Ok(reference)
}

/// [`create`] inside the caller's transaction, so that what the case causes (an e-mail to
/// the citizen) commits with it. Returns the case's id and reference.
pub async fn create_in(
    tx: &mut crate::store::db::Conn,
    new: NewCase<'_>,
) -> Result<(i64, CaseRef), StoreError> {
    let opening = Opening::new(
        new.category,
        new.opened_at.unwrap_or_else(time::OffsetDateTime::now_utc),
    );
    let reference = allocate_references(tx, opening.year, 1)
        .await?
        .pop()
        .ok_or_else(|| decode_err(ReferencesExhausted))?;
    let citizen_id = match &new.citizen {
        Some(c) => Some(citizens::find_or_create(tx, c, &opening.now_utc).await?),
        None => None,
    };
    let case_id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO cases (reference, subject, system, category, priority, lane, status, channel,
            citizen_id, status_token_hash, created_at, updated_at, sla_started, sla_pauses,
            first_response_due, resolution_due)
         VALUES ($1, $2, $3, $4, $5, $6, 'new', $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(reference.to_string())
    .bind(new.subject)
    .bind(new.system.name())
    .bind(new.category.as_str())
    .bind(opening.priority.as_str())
    .bind(lane(opening.priority, new.channel))
    .bind(new.channel.as_str())
    .bind(citizen_id)
    .bind(new.status_token_hash)
    .bind(&opening.now_utc)
    .bind(&opening.now_utc)
    .bind(&opening.sla.started)
    .bind(&opening.sla.pauses)
    .bind(&opening.first_due)
    .bind(&opening.resolution_due)
    .fetch_one(&mut *tx)
    .await?;
    let actor = if new.created_by_staff.is_some() {
        "staff"
    } else {
        "citizen"
    };
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body) VALUES ($1, $2, $3, $4, 'created', $5)",
    )
    .bind(case_id)
    .bind(&opening.now_utc)
    .bind(actor)
    .bind(new.created_by_staff)
    .bind(new.body)
    .execute(&mut *tx)
    .await?;
    Ok((case_id, reference))
}

/// What a new case's row holds besides its text: when it was opened, its priority, and its
/// SLA clock and due times.
pub struct Opening {
    /// RFC 3339, UTC.
    pub now_utc: String,
    /// The Danish calendar year, which numbers the reference.
    pub year: u16,
    pub priority: Priority,
    pub sla: StoredClock,
    pub first_due: String,
    pub resolution_due: String,
}

impl Opening {
    pub fn new(category: Category, opened: time::OffsetDateTime) -> Self {
        let now_local = danish_time::local(opened);
        let priority = category.default_priority();
        let clock = crate::domain::SlaClock::start(now_local);
        let (first_due, resolution_due) = sla_clock::due_times(priority, &clock, now_local);
        Self {
            now_utc: opened
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            year: u16::try_from(now_local.year()).unwrap_or(CaseRef::MIN_YEAR),
            priority,
            sla: sla_clock::store(&clock),
            first_due,
            resolution_due,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the year's case numbers are used up")]
struct ReferencesExhausted;

/// The next `n` references of `year`, in order.
pub async fn allocate_references(
    tx: &mut crate::store::db::Conn,
    year: u16,
    n: usize,
) -> Result<Vec<CaseRef>, StoreError> {
    let n = i64::try_from(n).map_err(|_| decode_err(ReferencesExhausted))?;
    let last: i64 = sqlx::query_scalar(
        "INSERT INTO case_numbers (year, value) VALUES ($1, $2)
         ON CONFLICT (year) DO UPDATE SET value = case_numbers.value + excluded.value RETURNING value",
    )
    .bind(i64::from(year))
    .bind(n)
    .fetch_one(&mut *tx)
    .await?;
    (last - n + 1..=last)
        .map(|seq| {
            let seq = u32::try_from(seq).map_err(|_| decode_err(ReferencesExhausted))?;
            CaseRef::new(year, seq).map_err(decode_err)
        })
        .collect()
}

/// [`create_in`] for a citizen the desk already knows (by id). Returns the case's id and
/// reference.
pub async fn create_in_for_citizen(
    tx: &mut crate::store::db::Conn,
    new: NewCase<'_>,
    citizen_id: i64,
) -> Result<(i64, CaseRef), StoreError> {
    let (case_id, reference) = create_in(tx, new).await?;
    sqlx::query("UPDATE cases SET citizen_id = $1 WHERE id = $2")
        .bind(citizen_id)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    Ok((case_id, reference))
}

/// Creates a case for a known citizen; None when there is no such citizen.
pub async fn create_for_citizen(
    db: &Db,
    new: NewCase<'_>,
    citizen_id: i64,
) -> Result<Option<String>, StoreError> {
    let mut tx = db.begin_write().await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM citizens WHERE id = $1")
        .bind(citizen_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let (_, reference) = create_in_for_citizen(&mut tx, new, citizen_id).await?;
    tx.commit().await?;
    Ok(Some(reference.to_string()))
}

/// The stored lane of a new case: verified urgent cases at the top of the queue, anonymous
/// urgent ones just after them, then the rest (see [`Lane`]).
pub fn lane(priority: Priority, channel: Channel) -> i64 {
    Lane::of(priority, channel).as_i64()
}

pub struct CaseRecord {
    pub id: i64,
    pub row: QueueRow,
    pub assignee_username: Option<String>,
    pub first_response_due: String,
    /// When the citizen first got an answer (Danish local time), if they have.
    pub first_response_at: Option<String>,
    pub clock: StoredClock,
    pub citizen: Option<CitizenPanel>,
}

pub async fn find(db: &Db, reference: &str) -> Result<Option<CaseRecord>, StoreError> {
    let Some(r) = sqlx::query(
        "SELECT c.id, c.reference, c.subject, c.system, c.category, c.priority, c.status, c.channel,
                u.display_name AS assignee, u.username AS assignee_username,
                z.name AS citizen_name, z.email, z.phone, z.cpr_masked, z.preferred_lang,
                c.created_at, c.resolution_due, c.first_response_due, c.first_response_at,
                c.sla_started, c.sla_pauses, c.sla_paused_since
         FROM cases c LEFT JOIN staff_users u ON u.id = c.assignee_id
         LEFT JOIN citizens z ON z.id = c.citizen_id
         WHERE c.reference = $1",
    )
    .bind(reference)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let now = sla_clock::format(danish_time::now_local());
    let row = queue_row(&r, &now)?;
    let citizen = row.citizen_name.clone().map(|name| CitizenPanel {
        name,
        email: r.try_get("email").ok().flatten(),
        phone: r.try_get("phone").ok().flatten(),
        cpr_masked: r.try_get("cpr_masked").ok().flatten(),
        lang: r
            .try_get("preferred_lang")
            .unwrap_or_else(|_| "da".to_owned()),
    });
    Ok(Some(CaseRecord {
        id: r.try_get("id")?,
        assignee_username: r.try_get("assignee_username")?,
        first_response_due: r.try_get("first_response_due")?,
        first_response_at: r.try_get("first_response_at")?,
        clock: StoredClock {
            started: r.try_get("sla_started")?,
            pauses: r.try_get("sla_pauses")?,
            paused_since: r.try_get("sla_paused_since")?,
        },
        citizen,
        row,
    }))
}

pub async fn timeline(db: &Db, case_id: i64) -> Result<Vec<TimelineEntry>, StoreError> {
    let outbox_id = db.backend().json_int("e.data", "outbox_id");
    let rows = sqlx::query(&format!(
        "SELECT e.at, e.actor, u.display_name, e.kind, e.body, e.data,
                o.id AS outbox_id, o.state, o.attempts, o.last_error
         FROM case_events e LEFT JOIN staff_users u ON u.id = e.staff_id
         LEFT JOIN outbox o ON o.id = {outbox_id}
         WHERE e.case_id = $1 ORDER BY e.id"
    ))
    .bind(case_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let data: String = r.try_get("data")?;
            let data: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
            let field = |k: &str| data.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            let detail = match kind.as_str() {
                "email_out" | "notification" => {
                    Some(format!("→ {} · {}", field("to"), field("subject")))
                }
                "email_in" => {
                    let files: Vec<&str> = data
                        .get("attachments")
                        .and_then(|v| v.as_array())
                        .map(|a| a.iter().filter_map(|f| f.as_str()).collect())
                        .unwrap_or_default();
                    let mut d = format!("← {} · {}", field("from"), field("subject"));
                    if !files.is_empty() {
                        d.push_str(&format!(" · 📎 {}", files.join(", ")));
                    }
                    Some(d)
                }
                "status" => Some(format!("{} → {}", field("from"), field("to"))),
                // A call the phone system measured shows its real length ("3:12").
                "call" => Some(
                    match data.get("seconds").and_then(serde_json::Value::as_i64) {
                        Some(seconds) => format!(
                            "{} · {}",
                            field("direction"),
                            crate::domain::telephony::clock(seconds)
                        ),
                        None => format!(
                            "{} · {} min",
                            field("direction"),
                            data.get("minutes")
                                .and_then(serde_json::Value::as_u64)
                                .unwrap_or_default()
                        ),
                    },
                ),
                _ => None,
            };
            let delivery = match r.try_get::<Option<i64>, _>("outbox_id")? {
                Some(outbox_id) => Some(Delivery {
                    outbox_id,
                    state: DeliveryState::parse(&r.try_get::<String, _>("state")?)
                        .map_err(decode_err)?,
                    attempts: r.try_get("attempts")?,
                    error: r.try_get("last_error")?,
                }),
                None => None,
            };
            let staff: Option<String> = r.try_get("display_name")?;
            Ok(TimelineEntry {
                at: danish_time::display(&r.try_get::<String, _>("at")?),
                actor: staff.map_or_else(|| r.try_get("actor"), Ok)?,
                kind,
                body: r.try_get("body")?,
                detail,
                delivery,
            })
        })
        .collect()
}

pub(crate) async fn staff_id(
    tx: &mut crate::store::db::Conn,
    username: &str,
) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM staff_users WHERE username = $1")
            .bind(username)
            .fetch_one(&mut *tx)
            .await?,
    )
}

/// An internal note. The first staff entry on a case also counts as its first response.
pub async fn add_note(
    db: &Db,
    case_id: i64,
    username: &str,
    body: &str,
    audit: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    let now = utc_now();
    let mut tx = db.begin_write().await?;
    let staff = staff_id(&mut tx, username).await?;
    audit::append(&mut tx, audit).await?;
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body) VALUES ($1, $2, 'staff', $3, 'note', $4)",
    )
    .bind(case_id)
    .bind(&now)
    .bind(staff)
    .bind(body)
    .execute(&mut *tx)
    .await?;
    mark_responded(&mut tx, case_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the status (the caller has checked the transition) and moves the SLA clock.
pub async fn set_status(
    db: &Db,
    case: &CaseRecord,
    to: Status,
    username: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    let staff = staff_id(&mut tx, username).await?;
    set_status_in(&mut tx, case.id, to, Actor::Staff(staff)).await?;
    tx.commit().await?;
    Ok(())
}

/// [`set_status`] inside the caller's transaction, reading the case's clock there.
pub async fn set_status_in(
    tx: &mut crate::store::db::Conn,
    case_id: i64,
    to: Status,
    actor: Actor,
) -> Result<(), StoreError> {
    let (from, priority, started, pauses, paused_since): (
        String,
        String,
        String,
        String,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT status, priority, sla_started, sla_pauses, sla_paused_since FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut *tx)
    .await?;
    let priority = Priority::parse(&priority).map_err(decode_err)?;
    let now = utc_now();
    let now_local = danish_time::now_local();
    let stored = StoredClock {
        started,
        pauses,
        paused_since,
    };
    let mut clock =
        sla_clock::restore(&stored).unwrap_or_else(|| crate::domain::SlaClock::start(now_local));
    sla_clock::on_status_change(&mut clock, to, now_local);
    let (first_due, resolution_due) = sla_clock::due_times(priority, &clock, now_local);
    let stored = sla_clock::store(&clock);
    // The dashboard's resolution facts: set on entering resolved/closed (kept when moving
    // between the two), judged against the deadline in force before this change; cleared on
    // reopening. The right-hand `resolution_due` is the stored (old) value.
    let done = matches!(to, Status::Resolved | Status::Closed);
    sqlx::query(
        "UPDATE cases SET status = $1, updated_at = $2, sla_pauses = $3, sla_paused_since = $4,
            resolved_at = CASE WHEN $5 THEN COALESCE(resolved_at, $6) END,
            resolved_within_sla = CASE WHEN $7 THEN COALESCE(resolved_within_sla,
                CASE WHEN resolution_due >= $8 THEN 1 ELSE 0 END) END,
            first_response_due = $9, resolution_due = $10 WHERE id = $11",
    )
    .bind(to.as_str())
    .bind(&now)
    .bind(&stored.pauses)
    .bind(&stored.paused_since)
    .bind(done)
    .bind(&now)
    .bind(done)
    .bind(sla_clock::format(now_local))
    .bind(first_due)
    .bind(resolution_due)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    let (actor, staff) = actor.columns();
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES ($1, $2, $3, $4, 'status', '', $5)",
    )
    .bind(case_id)
    .bind(&now)
    .bind(actor)
    .bind(staff)
    .bind(serde_json::json!({ "from": from, "to": to.as_str() }).to_string())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Assigns the case to `username` (claim).
pub async fn assign(
    db: &Db,
    case_id: i64,
    username: &str,
    audit: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    let now = utc_now();
    let mut tx = db.begin_write().await?;
    let staff = staff_id(&mut tx, username).await?;
    audit::append(&mut tx, audit).await?;
    sqlx::query("UPDATE cases SET assignee_id = $1, updated_at = $2 WHERE id = $3")
        .bind(staff)
        .bind(&now)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body) VALUES ($1, $2, 'staff', $3, 'assign', '')",
    )
    .bind(case_id)
    .bind(&now)
    .bind(staff)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The case behind a citizen's private status token hash.
pub async fn find_by_status_token(
    db: &Db,
    token_hash: &[u8],
) -> Result<Option<(String, String, String, String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT reference, subject, status, created_at, updated_at FROM cases WHERE status_token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?)
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(db.pool())
        .await?)
}

/// A phone call, as logged on a case.
pub struct Call<'a> {
    pub incoming: bool,
    pub minutes: u32,
    pub summary: &'a str,
}

/// Logs a call on the timeline; like a note, the first one counts as the first response.
pub async fn log_call(
    db: &Db,
    case_id: i64,
    username: &str,
    call: &Call<'_>,
    audit: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    let now = utc_now();
    let mut tx = db.begin_write().await?;
    let staff = staff_id(&mut tx, username).await?;
    audit::append(&mut tx, audit).await?;
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES ($1, $2, 'staff', $3, 'call', $4, $5)",
    )
    .bind(case_id)
    .bind(&now)
    .bind(staff)
    .bind(call.summary)
    .bind(
        serde_json::json!({
            "direction": if call.incoming { "incoming" } else { "outgoing" },
            "minutes": call.minutes,
        })
        .to_string(),
    )
    .execute(&mut *tx)
    .await?;
    mark_responded(&mut tx, case_id).await?;
    tx.commit().await?;
    Ok(())
}

/// A staff member answered (note, call, reply, block): a new case becomes open, and the first
/// such answer is the SLA's first response.
pub(crate) async fn mark_responded(
    tx: &mut crate::store::db::Conn,
    case_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE cases SET updated_at = $1, status = CASE WHEN status = 'new' THEN 'open' ELSE status END,
            first_response_at = COALESCE(first_response_at, $2) WHERE id = $3",
    )
    .bind(utc_now())
    .bind(sla_clock::format(danish_time::now_local()))
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
#[path = "cases_tests.rs"]
mod tests;

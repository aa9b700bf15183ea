//! Calls the phone system reported: one row per call id, each phase's first report, and the
//! case the call is about with its entry on that case's timeline.

use sqlx::Row;

use super::cases::{mark_responded, staff_id, utc_now};
use super::db::Conn;
use super::db::DbRow;
use super::{Db, StoreError};
use crate::domain::telephony::CallTimes;

/// A call as stored, with the reference of its case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCall {
    pub id: i64,
    pub call_id: String,
    pub caller: Option<String>,
    pub called: Option<String>,
    pub agent: String,
    pub caller_citizen_id: Option<i64>,
    pub times: CallTimes,
    pub case_id: Option<i64>,
    pub case_reference: Option<String>,
    /// The call's entry on the case's timeline, once logged there.
    pub event_id: Option<i64>,
    pub wrapped_up: bool,
    pub created_at: i64,
}

const SELECT: &str = "SELECT p.id, p.call_id, p.caller, p.called, p.agent, p.caller_citizen_id,
        p.ringing_at, p.answered_at, p.ended_at, p.case_id, c.reference AS case_reference,
        p.event_id, p.wrapped_up, p.created_at
    FROM phone_calls p LEFT JOIN cases c ON c.id = p.case_id";

fn from_row(r: &DbRow) -> Result<StoredCall, StoreError> {
    Ok(StoredCall {
        id: r.try_get("id")?,
        call_id: r.try_get("call_id")?,
        caller: r.try_get("caller")?,
        called: r.try_get("called")?,
        agent: r.try_get("agent")?,
        caller_citizen_id: r.try_get("caller_citizen_id")?,
        times: CallTimes {
            ringing_at: r.try_get("ringing_at")?,
            answered_at: r.try_get("answered_at")?,
            ended_at: r.try_get("ended_at")?,
        },
        case_id: r.try_get("case_id")?,
        case_reference: r.try_get("case_reference")?,
        event_id: r.try_get("event_id")?,
        wrapped_up: r.try_get::<i64, _>("wrapped_up")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

/// The call with this id, read inside the caller's transaction.
pub async fn find(conn: &mut Conn, call_id: &str) -> Result<Option<StoredCall>, StoreError> {
    sqlx::query(&format!("{SELECT} WHERE p.call_id = $1"))
        .bind(call_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| from_row(&r))
        .transpose()
}

/// A call first heard of.
pub struct NewCall<'a> {
    pub call_id: &'a str,
    pub caller: Option<&'a str>,
    pub called: Option<&'a str>,
    pub agent: &'a str,
    pub caller_citizen_id: Option<i64>,
    pub now: i64,
}

/// Inserts the call's row (no phase recorded yet); the stored call.
pub async fn insert(tx: &mut Conn, new: &NewCall<'_>) -> Result<StoredCall, StoreError> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO phone_calls (call_id, caller, called, agent, caller_citizen_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.call_id)
    .bind(new.caller)
    .bind(new.called)
    .bind(new.agent)
    .bind(new.caller_citizen_id)
    .bind(new.now)
    .fetch_one(&mut *tx)
    .await?;
    Ok(StoredCall {
        id,
        call_id: new.call_id.to_owned(),
        caller: new.caller.map(str::to_owned),
        called: new.called.map(str::to_owned),
        agent: new.agent.to_owned(),
        caller_citizen_id: new.caller_citizen_id,
        times: CallTimes::default(),
        case_id: None,
        case_reference: None,
        event_id: None,
        wrapped_up: false,
        created_at: new.now,
    })
}

/// Writes back what may change on a call: its agent, phases, case, timeline entry, wrap-up.
pub async fn save(tx: &mut Conn, call: &StoredCall) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE phone_calls SET agent = $1, ringing_at = $2, answered_at = $3, ended_at = $4,
            case_id = $5, event_id = $6, wrapped_up = $7 WHERE id = $8",
    )
    .bind(&call.agent)
    .bind(call.times.ringing_at)
    .bind(call.times.answered_at)
    .bind(call.times.ended_at)
    .bind(call.case_id)
    .bind(call.event_id)
    .bind(i64::from(call.wrapped_up))
    .bind(call.id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn call_data(seconds: i64) -> String {
    // "minutes" keeps the timeline's older reading of a call working; "seconds" is the real
    // length the phone system measured.
    serde_json::json!({
        "direction": "incoming",
        "minutes": (seconds + 59) / 60,
        "seconds": seconds,
        "source": "cti",
    })
    .to_string()
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(utc_now)
}

/// Logs an answered call on its case's timeline (by its agent, at its hang-up, with its length
/// in seconds, its summary to follow); the timeline entry's id. Counts as a first response.
pub async fn log_on_case(
    tx: &mut Conn,
    case_id: i64,
    agent: &str,
    ended_at: i64,
    seconds: i64,
) -> Result<i64, StoreError> {
    let staff = staff_id(tx, agent).await?;
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES ($1, $2, 'staff', $3, 'call', '', $4) RETURNING id",
    )
    .bind(case_id)
    .bind(rfc3339(ended_at))
    .bind(staff)
    .bind(call_data(seconds))
    .fetch_one(&mut *tx)
    .await?;
    mark_responded(tx, case_id).await?;
    Ok(id)
}

/// Corrects a logged call's length (an answer reported after the hang-up).
pub async fn set_logged_length(
    tx: &mut Conn,
    event_id: i64,
    seconds: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE case_events SET data = $1 WHERE id = $2 AND kind = 'call'")
        .bind(call_data(seconds))
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The supporter's summary of a logged call, written into its timeline entry; the case counts
/// as changed (the search index picks the summary up).
pub async fn set_summary(
    tx: &mut Conn,
    event_id: i64,
    case_id: i64,
    summary: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE case_events SET body = $1 WHERE id = $2 AND kind = 'call'")
        .bind(summary)
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
        .bind(utc_now())
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The agent's newest call since `since` that is still going on or waits for a summary.
pub async fn latest_open_for_agent(
    db: &Db,
    agent: &str,
    since: i64,
) -> Result<Option<StoredCall>, StoreError> {
    sqlx::query(&format!(
        "{SELECT} WHERE p.agent = $1 AND p.created_at >= $2
           AND (p.ended_at IS NULL OR (p.answered_at IS NOT NULL AND p.wrapped_up = 0))
         ORDER BY p.id DESC LIMIT 1"
    ))
    .bind(agent)
    .bind(since)
    .fetch_optional(db.pool())
    .await?
    .map(|r| from_row(&r))
    .transpose()
}

/// Every call since `since`, newest first, with the caller's name when they were matched.
pub async fn since(db: &Db, since: i64) -> Result<Vec<(StoredCall, Option<String>)>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT q.*, z.name AS caller_name FROM ({SELECT} WHERE p.created_at >= $1) q
         LEFT JOIN citizens z ON z.id = q.caller_citizen_id ORDER BY q.id DESC LIMIT 500"
    ))
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((from_row(r)?, r.try_get("caller_name")?)))
        .collect()
}

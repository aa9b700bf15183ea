//! Closing a visit: the case that records it, and the visit's final state. Finishing is
//! orchestrated by the counter service (its `finish`), which calls these in its
//! transaction; aborting and refusing are done here.

use crate::store::db::Conn;

use super::{DATE, Visit};
use crate::domain::audit::AuditEntry;
use crate::domain::counter::{ExemptionChoice, VisitState};
use crate::domain::{Channel, Status, System};
use crate::store::cases::{self, Actor, NewCase};
use crate::store::{Db, StoreError, audit};

/// Why a visit could not be closed as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Already finished, aborted or refused.
    NotOpen,
    UserIdTaken,
    SerialTaken(String),
}

/// How a visit ends, with what the case that records it says.
pub struct Closing<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub system: System,
    pub username: &'a str,
}

/// Opens the case that records how the visit ended.
pub async fn open_case(
    tx: &mut Conn,
    visit: &Visit,
    closing: &Closing<'_>,
    category: crate::domain::Category,
    staff: i64,
) -> Result<(i64, String), StoreError> {
    let (case_id, reference) = cases::create_in_for_citizen(
        tx,
        NewCase {
            subject: closing.subject,
            body: closing.body,
            system: closing.system,
            category,
            channel: Channel::Counter,
            citizen: None,
            status_token_hash: None,
            created_by_staff: Some(staff),
            opened_at: None,
        },
        visit.citizen_id,
    )
    .await?;
    Ok((case_id, reference.to_string()))
}

/// Whether the visit is still open (in progress or paused).
pub async fn still_open(tx: &mut Conn, id: i64) -> Result<bool, StoreError> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM counter_visits WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(state
        .as_deref()
        .and_then(VisitState::parse)
        .is_some_and(VisitState::is_open))
}

/// Whether another citizen has this user-ID (compared in lower case), in the transaction.
pub async fn user_id_taken_in(
    tx: &mut Conn,
    user_id: &str,
    citizen_id: i64,
) -> Result<bool, StoreError> {
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM identities WHERE user_id_key = $1 AND citizen_id != $2")
            .bind(user_id.to_lowercase())
            .bind(citizen_id)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(taken.is_some())
}

/// Whether a device with this serial number is already registered, in the transaction.
pub async fn serial_taken_in(tx: &mut Conn, serial: &str) -> Result<bool, StoreError> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM authenticators WHERE serial = $1")
        .bind(serial)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(taken.is_some())
}

/// Closes a finished visit: completed, with its case and outbox row; the activation code
/// has been handed over and is discarded.
pub async fn mark_completed(
    tx: &mut Conn,
    id: i64,
    case_id: i64,
    outbox_id: Option<i64>,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE counter_visits SET state = 'completed', finished_at = $1, updated_at = $2,
            case_id = $3, outbox_id = $4, code_sealed = NULL WHERE id = $5",
    )
    .bind(at)
    .bind(at)
    .bind(case_id)
    .bind(outbox_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Registers the Digital Post exemption chosen at the visit.
pub async fn register_exemption(
    tx: &mut Conn,
    visit: &Visit,
    exemption: &ExemptionChoice,
    staff: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO digital_post_exemptions
            (citizen_id, ground, registered_on, ends_on, visit_id, registered_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(visit.citizen_id)
    .bind(exemption.ground.map(|g| g.as_str()))
    .bind(exemption.registered_on.format(DATE).unwrap_or_default())
    .bind(exemption.ends_on().format(DATE).unwrap_or_default())
    .bind(visit.id)
    .bind(staff)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Ends a visit without finishing it. Aborted: a new follow-up case for the supporters'
/// queue. Refused: a resolved case recording why. The reason is kept on the visit too; an
/// activation code not handed over is discarded. Returns the case's reference.
pub async fn end(
    db: &Db,
    visit: &Visit,
    closing: &Closing<'_>,
    outcome: VisitState,
    reason: &str,
) -> Result<Result<String, Refusal>, StoreError> {
    let mut tx = db.begin_write().await?;
    if !still_open(&mut tx, visit.id).await? {
        return Ok(Err(Refusal::NotOpen));
    }
    let staff = cases::staff_id(&mut tx, closing.username).await?;
    let category = match outcome {
        VisitState::Refused => crate::domain::Category::PowerOfAttorney,
        _ => visit.purpose.category(),
    };
    let (case_id, reference) = open_case(&mut tx, visit, closing, category, staff).await?;
    if outcome == VisitState::Refused {
        cases::set_status_in(&mut tx, case_id, Status::Resolved, Actor::Staff(staff)).await?;
    }
    let now = cases::utc_now();
    sqlx::query(
        "UPDATE counter_visits SET state = $1, outcome_reason = $2, finished_at = $3, updated_at = $4,
            case_id = $5, code_sealed = NULL WHERE id = $6",
    )
    .bind(outcome.as_str())
    .bind(reason)
    .bind(&now)
    .bind(&now)
    .bind(case_id)
    .bind(visit.id)
    .execute(&mut *tx)
    .await?;
    let action = match outcome {
        VisitState::Refused => "counter_visit_refused",
        _ => "counter_visit_aborted",
    };
    audit::append(
        &mut tx,
        &AuditEntry::new(closing.username, action, &reference)
            .reason(reason)
            .details(serde_json::json!({
                "visit": visit.id,
                "purpose": visit.purpose.as_str(),
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(reference))
}

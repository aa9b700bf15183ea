//! Incidents and the cases linked to them, as SQL. See the migration `incidents` for the
//! resolution's steps; the `incidents` service decides, this module reads and writes rows.

use sqlx::FromRow;

use super::cases::{self, Actor};
use super::db::Conn;
use super::mail::{CaseEmail, compose};
use super::outbox::{self, OutboxChannel};
use super::sql_builder::SqlBuilder;
use super::{Db, StoreError};
use crate::domain::incident::{
    Banner, CaseIncident, IncidentCase, IncidentDraft, IncidentState, IncidentSummary,
    systems_of_column,
};

fn decode(what: &'static str) -> StoreError {
    StoreError::Sqlx(sqlx::Error::Decode(
        format!("unexpected value in incidents.{what}").into(),
    ))
}

/// Writes a declared incident; returns its id.
pub async fn declare_in(
    tx: &mut Conn,
    draft: &IncidentDraft,
    staff_id: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO incidents (systems, text_da, text_en, search_words, starts_at, expected_end,
            declared_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(draft.systems_column())
    .bind(&draft.text_da)
    .bind(&draft.text_en)
    .bind(&draft.search_words)
    .bind(&draft.starts_at)
    .bind(&draft.expected_end)
    .bind(staff_id)
    .bind(cases::utc_now())
    .fetch_one(&mut *tx)
    .await?)
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    systems: String,
    text_da: String,
    text_en: String,
    search_words: String,
    starts_at: String,
    expected_end: String,
    state: String,
    declared_by: String,
    resolved_at: Option<String>,
    linked: i64,
    done: i64,
    closing_da: Option<String>,
    closing_en: Option<String>,
}

impl SummaryRow {
    fn summary(&self) -> Result<IncidentSummary, StoreError> {
        Ok(IncidentSummary {
            id: self.id,
            systems: systems_of_column(&self.systems),
            text_da: self.text_da.clone(),
            text_en: self.text_en.clone(),
            search_words: self.search_words.clone(),
            starts_at: self.starts_at.clone(),
            expected_end: self.expected_end.clone(),
            state: IncidentState::parse(&self.state).ok_or_else(|| decode("state"))?,
            declared_by: self.declared_by.clone(),
            resolved_at: self.resolved_at.clone(),
            linked: self.linked,
            done: self.done,
        })
    }
}

const SUMMARY: &str = "SELECT i.id, i.systems, i.text_da, i.text_en, i.search_words, i.starts_at,
        i.expected_end, i.state, u.display_name AS declared_by, i.resolved_at,
        i.closing_da, i.closing_en,
        (SELECT COUNT(*) FROM incident_cases l WHERE l.incident_id = i.id) AS linked,
        (SELECT COUNT(*) FROM incident_cases l WHERE l.incident_id = i.id
           AND l.done_at IS NOT NULL) AS done
     FROM incidents i JOIN staff_users u ON u.id = i.declared_by";

/// Every incident, open and resolving first, then the newest.
pub async fn list(db: &Db) -> Result<Vec<IncidentSummary>, StoreError> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY} ORDER BY i.state = 'resolved', i.id DESC LIMIT 500"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(SummaryRow::summary).collect()
}

/// One incident with its closing texts (None until it is being resolved).
pub async fn one(
    db: &Db,
    id: i64,
) -> Result<Option<(IncidentSummary, Option<String>, Option<String>)>, StoreError> {
    let row: Option<SummaryRow> = sqlx::query_as(&format!("{SUMMARY} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok((r.summary()?, r.closing_da.clone(), r.closing_en.clone())))
        .transpose()
}

#[derive(FromRow)]
struct BannerRow {
    id: i64,
    systems: String,
    text_da: String,
    text_en: String,
    expected_end: String,
}

/// The open incidents, oldest first, as the banner shows them.
pub async fn open_banners(db: &Db) -> Result<Vec<Banner>, StoreError> {
    let rows: Vec<BannerRow> = sqlx::query_as(
        "SELECT id, systems, text_da, text_en, expected_end FROM incidents
         WHERE state = 'open' ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Banner {
            id: r.id,
            systems: systems_of_column(&r.systems),
            text_da: r.text_da,
            text_en: r.text_en,
            expected_end: r.expected_end,
        })
        .collect())
}

#[derive(FromRow)]
struct CaseIncidentRow {
    id: i64,
    state: String,
    text_da: String,
    text_en: String,
    linked: i64,
}

/// The incidents the case is linked to, and the open ones about its system (`system`: the
/// system's name), oldest first.
pub async fn for_case(
    db: &Db,
    case_id: i64,
    system: &str,
) -> Result<Vec<CaseIncident>, StoreError> {
    let names_system = db
        .backend()
        .position("'|' || $2 || '|'", "'|' || i.systems || '|'");
    let rows: Vec<CaseIncidentRow> = sqlx::query_as(&format!(
        "SELECT i.id, i.state, i.text_da, i.text_en,
                CASE WHEN EXISTS (SELECT 1 FROM incident_cases l
                        WHERE l.incident_id = i.id AND l.case_id = $1) THEN 1 ELSE 0 END AS linked
         FROM incidents i
         WHERE EXISTS (SELECT 1 FROM incident_cases l WHERE l.incident_id = i.id AND l.case_id = $1)
            OR (i.state = 'open' AND {names_system} > 0)
         ORDER BY i.id"
    ))
    .bind(case_id)
    .bind(system)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(CaseIncident {
                id: r.id,
                state: IncidentState::parse(&r.state).ok_or_else(|| decode("state"))?,
                text_da: r.text_da,
                text_en: r.text_en,
                linked: r.linked != 0,
            })
        })
        .collect()
}

/// The incident's state, read inside the caller's transaction.
pub async fn state_in(tx: &mut Conn, id: i64) -> Result<Option<IncidentState>, StoreError> {
    let raw: Option<String> = sqlx::query_scalar("SELECT state FROM incidents WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    raw.map(|s| IncidentState::parse(&s).ok_or_else(|| decode("state")))
        .transpose()
}

#[derive(FromRow)]
struct CaseRow {
    reference: String,
    subject: String,
    system: String,
    status: String,
    created_at: String,
}

impl From<CaseRow> for IncidentCase {
    fn from(r: CaseRow) -> Self {
        IncidentCase {
            reference: r.reference,
            subject: r.subject,
            system: r.system,
            status: r.status,
            created_at: r.created_at,
        }
    }
}

/// The cases linked to the incident, in the order they were linked.
pub async fn linked_cases(db: &Db, id: i64) -> Result<Vec<IncidentCase>, StoreError> {
    let rows: Vec<CaseRow> = sqlx::query_as(
        "SELECT c.reference, c.subject, c.system, c.status, c.created_at
         FROM incident_cases l JOIN cases c ON c.id = l.case_id
         WHERE l.incident_id = $1 ORDER BY l.linked_at, c.id LIMIT 5000",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(IncidentCase::from).collect())
}

/// Of the cases `ids`, those still open (not resolved or closed) and not linked to the
/// incident `id`, newest first.
pub async fn linkable_among(
    db: &Db,
    id: i64,
    ids: &[i64],
) -> Result<Vec<IncidentCase>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = SqlBuilder::new(
        "SELECT c.reference, c.subject, c.system, c.status, c.created_at FROM cases c
         WHERE c.status NOT IN ('resolved', 'closed')
           AND NOT EXISTS (SELECT 1 FROM incident_cases l WHERE l.case_id = c.id
                           AND l.incident_id = ",
    );
    query.push_bind(id).push(") AND c.id IN (");
    let mut list = query.separated(", ");
    for case_id in ids {
        list.push_bind(*case_id);
    }
    query.push(") ORDER BY c.id DESC");
    let rows: Vec<CaseRow> = query.build_query_as()?.fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(IncidentCase::from).collect())
}

/// The id of the open (not resolved or closed) case with this reference.
pub async fn open_case_in(tx: &mut Conn, reference: &str) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM cases WHERE reference = $1 AND status NOT IN ('resolved', 'closed')",
    )
    .bind(reference)
    .fetch_optional(&mut *tx)
    .await?)
}

/// The id of the case with this reference that is linked to the incident and not yet resolved
/// by it.
pub async fn linked_case_in(
    tx: &mut Conn,
    id: i64,
    reference: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT c.id FROM incident_cases l JOIN cases c ON c.id = l.case_id
         WHERE l.incident_id = $1 AND c.reference = $2 AND l.done_at IS NULL",
    )
    .bind(id)
    .bind(reference)
    .fetch_optional(&mut *tx)
    .await?)
}

/// Links a case; false when it was linked already.
pub async fn link_in(
    tx: &mut Conn,
    id: i64,
    case_id: i64,
    staff_id: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO incident_cases (incident_id, case_id, linked_at, linked_by)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(case_id)
    .bind(cases::utc_now())
    .bind(staff_id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Unlinks a case not yet resolved by the incident.
pub async fn unlink_in(tx: &mut Conn, id: i64, case_id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM incident_cases WHERE incident_id = $1 AND case_id = $2 AND done_at IS NULL",
    )
    .bind(id)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves an open incident to `resolving` with its closing texts; false when it was not open.
pub async fn start_resolving_in(
    tx: &mut Conn,
    id: i64,
    closing_da: &str,
    closing_en: &str,
    staff_id: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE incidents SET state = 'resolving', closing_da = $1, closing_en = $2, resolved_by = $3
         WHERE id = $4 AND state = 'open'",
    )
    .bind(closing_da)
    .bind(closing_en)
    .bind(staff_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Incidents left `resolving` (by a restart in the middle of a resolution).
pub async fn resolving(db: &Db) -> Result<Vec<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM incidents WHERE state = 'resolving' ORDER BY id")
            .fetch_all(db.pool())
            .await?,
    )
}

/// What the resolution of an incident needs: the closing texts and who resolves it.
#[derive(Clone, Debug, FromRow)]
pub struct Resolution {
    pub closing_da: String,
    pub closing_en: String,
    pub resolver_id: i64,
    pub resolver: String,
}

pub async fn resolution(db: &Db, id: i64) -> Result<Option<Resolution>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT i.closing_da, i.closing_en, i.resolved_by AS resolver_id, u.username AS resolver
         FROM incidents i JOIN staff_users u ON u.id = i.resolved_by
         WHERE i.id = $1 AND i.state = 'resolving'",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?)
}

/// A linked case the resolution has not reached yet, with its citizen.
#[derive(Clone, Debug, FromRow)]
pub struct PendingCase {
    pub case_id: i64,
    pub reference: String,
    pub subject: String,
    pub status: String,
    pub citizen_id: Option<i64>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub lang: Option<String>,
}

pub async fn pending(db: &Db, id: i64, limit: i64) -> Result<Vec<PendingCase>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT c.id AS case_id, c.reference, c.subject, c.status, c.citizen_id, z.name,
                z.email, z.preferred_lang AS lang
         FROM incident_cases l JOIN cases c ON c.id = l.case_id
         LEFT JOIN citizens z ON z.id = c.citizen_id
         WHERE l.incident_id = $1 AND l.done_at IS NULL ORDER BY c.id LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Marks the link done; false when another run did it first (the caller then writes nothing).
pub async fn mark_done_in(tx: &mut Conn, id: i64, case_id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE incident_cases SET done_at = $1 WHERE incident_id = $2 AND case_id = $3
         AND done_at IS NULL",
    )
    .bind(cases::utc_now())
    .bind(id)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Resolves the case by `staff_id` (the caller has checked the transition).
pub async fn resolve_case_in(tx: &mut Conn, case_id: i64, staff_id: i64) -> Result<(), StoreError> {
    cases::set_status_in(
        tx,
        case_id,
        crate::domain::Status::Resolved,
        Actor::Staff(staff_id),
    )
    .await
}

/// Whether a message with this idempotency key is in the outbox already.
pub async fn queued_in(tx: &mut Conn, key: &str) -> Result<bool, StoreError> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE idempotency_key = $1")
            .bind(key)
            .fetch_one(&mut *tx)
            .await?
            > 0,
    )
}

/// Queues the incident's e-mail on the case under `key` (unique in the outbox: a second
/// attempt fails rather than sends twice), files its Message-ID for threading and adds it to
/// the timeline, in the caller's transaction.
pub async fn queue_mail_in(
    tx: &mut Conn,
    case_id: i64,
    reference: &str,
    email: &CaseEmail<'_>,
    key: &str,
) -> Result<i64, StoreError> {
    let (message_id, payload) = compose(reference, email, Vec::new(), None)?;
    let outbox_id = outbox::enqueue(tx, OutboxChannel::Email, Some(case_id), key, &payload).await?;
    sqlx::query("INSERT INTO mail_message_ids (message_id, case_id) VALUES ($1, $2)")
        .bind(&message_id)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES ($1, $2, 'system', NULL, $3, $4, $5)",
    )
    .bind(case_id)
    .bind(cases::utc_now())
    .bind(email.kind)
    .bind(&email.rendered.text)
    .bind(email.event_data(outbox_id))
    .execute(&mut *tx)
    .await?;
    Ok(outbox_id)
}

/// Ends a resolution; false when the incident was not resolving.
pub async fn finish_in(tx: &mut Conn, id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE incidents SET state = 'resolved', resolved_at = $1 WHERE id = $2 AND state = 'resolving'",
    )
    .bind(cases::utc_now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

//! Counter visits: saved after every step; closed by finishing (see `closing`), by aborting
//! (a follow-up case for the supporters) or by refusing (the reason, and digital power of
//! attorney as the way forward).

use crate::store::db::Conn;
use time::Date;
use time::macros::format_description;

use super::audit;
use super::cases;
use super::citizens::{self, NewCitizen};
use super::{Db, StoreError};
use crate::domain::audit::AuditEntry;
use crate::domain::counter::view::{OpenCase, TodayRow};
use crate::domain::counter::{Purpose, VisitDraft, VisitState};
use crate::domain::{AuthenticatorKind, danish_time};

mod closing;

pub use closing::{
    Closing, Refusal, end, mark_completed, open_case, register_exemption, serial_taken_in,
    still_open, user_id_taken_in,
};

const DATE: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

fn decode(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Sqlx(sqlx::Error::Decode(Box::new(e)))
}

/// A visit as stored.
#[derive(Clone, Debug)]
pub struct Visit {
    pub id: i64,
    pub purpose: Purpose,
    pub state: VisitState,
    pub draft: VisitDraft,
    pub citizen_id: i64,
    pub citizen_name: String,
    pub cpr_masked: String,
    pub cpr_sealed: Option<Vec<u8>>,
    pub staff_name: String,
    pub started_at: String,
    pub outcome_reason: Option<String>,
    pub case_reference: Option<String>,
    pub registry_state: Option<String>,
    pub code_issued: bool,
}

#[derive(sqlx::FromRow)]
struct VisitRow {
    id: i64,
    purpose: String,
    state: String,
    draft: String,
    citizen_id: i64,
    name: String,
    cpr_masked: Option<String>,
    cpr_sealed: Option<Vec<u8>>,
    display_name: String,
    started_at: String,
    outcome_reason: Option<String>,
    reference: Option<String>,
    registry_state: Option<String>,
    code_issued: i64,
}

/// Starts a visit for the citizen (found by CPR, or new).
pub async fn start(
    db: &Db,
    purpose: Purpose,
    citizen: &NewCitizen<'_>,
    username: &str,
) -> Result<i64, StoreError> {
    let mut tx = db.begin_write().await?;
    let now = cases::utc_now();
    let citizen_id = citizens::find_or_create(&mut tx, citizen, &now).await?;
    let staff = cases::staff_id(&mut tx, username).await?;
    let draft = serde_json::to_string(&VisitDraft::default()).map_err(decode)?;
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO counter_visits (purpose, citizen_id, state, draft, staff_id, started_at, updated_at)
         VALUES ($1, $2, 'in_progress', $3, $4, $5, $6) RETURNING id",
    )
    .bind(purpose.as_str())
    .bind(citizen_id)
    .bind(draft)
    .bind(staff)
    .bind(&now)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "counter_visit_started", &format!("visit:{id}"))
            .details(serde_json::json!({ "purpose": purpose.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn load(db: &Db, id: i64) -> Result<Option<Visit>, StoreError> {
    let row: Option<VisitRow> = sqlx::query_as(
        "SELECT v.id, v.purpose, v.state, v.draft, v.citizen_id, z.name, z.cpr_masked,
                z.cpr_sealed, u.display_name, v.started_at, v.outcome_reason, c.reference,
                o.state AS registry_state, CASE WHEN v.code_sealed IS NULL THEN 0 ELSE 1 END AS code_issued
         FROM counter_visits v
         JOIN citizens z ON z.id = v.citizen_id
         JOIN staff_users u ON u.id = v.staff_id
         LEFT JOIN cases c ON c.id = v.case_id
         LEFT JOIN outbox o ON o.id = v.outbox_id
         WHERE v.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Visit {
        id: r.id,
        purpose: Purpose::parse(&r.purpose).ok_or_else(|| decode(UnknownValue(r.purpose)))?,
        state: VisitState::parse(&r.state).ok_or_else(|| decode(UnknownValue(r.state)))?,
        draft: serde_json::from_str(&r.draft).map_err(decode)?,
        citizen_id: r.citizen_id,
        citizen_name: r.name,
        cpr_masked: r.cpr_masked.unwrap_or_default(),
        cpr_sealed: r.cpr_sealed,
        staff_name: r.display_name,
        started_at: r.started_at,
        outcome_reason: r.outcome_reason,
        case_reference: r.reference,
        registry_state: r.registry_state,
        code_issued: r.code_issued != 0,
    }))
}

#[derive(Debug, thiserror::Error)]
#[error("unknown stored value {0:?}")]
struct UnknownValue(String);

/// The citizen's open cases and the end date of a Digital Post exemption in force.
pub async fn citizen_overview(
    db: &Db,
    citizen_id: i64,
    today: Date,
) -> Result<(Vec<OpenCase>, Option<String>), StoreError> {
    let cases: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT reference, subject, status FROM cases
         WHERE citizen_id = $1 AND status NOT IN ('resolved', 'closed') ORDER BY id DESC LIMIT 20",
    )
    .bind(citizen_id)
    .fetch_all(db.pool())
    .await?;
    let today = today.format(DATE).unwrap_or_default();
    let exempt: Option<String> = sqlx::query_scalar(
        "SELECT MAX(ends_on) FROM digital_post_exemptions WHERE citizen_id = $1 AND ends_on >= $2",
    )
    .bind(citizen_id)
    .bind(today)
    .fetch_one(db.pool())
    .await?;
    Ok((
        cases
            .into_iter()
            .map(|(reference, subject, status)| OpenCase {
                reference,
                subject,
                status,
            })
            .collect(),
        exempt,
    ))
}

/// What a saved identity check means for the witness records.
pub enum Witnessing {
    /// The check was not made by a witness.
    None,
    /// `witness_citizen_id` vouched for the citizen on `on`.
    By { witness_citizen_id: i64, on: Date },
}

/// Saves a visit's draft in the caller's transaction; false when the visit is no longer open.
pub async fn write_draft(tx: &mut Conn, id: i64, draft: &VisitDraft) -> Result<bool, StoreError> {
    let json = serde_json::to_string(draft).map_err(decode)?;
    let changed = sqlx::query(
        "UPDATE counter_visits SET draft = $1, state = 'in_progress', updated_at = $2
         WHERE id = $3 AND state IN ('in_progress', 'paused')",
    )
    .bind(json)
    .bind(cases::utc_now())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Saves a step. False when the visit is no longer open.
pub async fn save(db: &Db, id: i64, draft: &VisitDraft) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    let saved = write_draft(&mut tx, id, draft).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Saves the identity check with the witness record it makes (or clears an earlier one).
pub async fn save_identity_check(
    db: &Db,
    id: i64,
    draft: &VisitDraft,
    witnessing: Witnessing,
) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    if !write_draft(&mut tx, id, draft).await? {
        return Ok(false);
    }
    sqlx::query("DELETE FROM witnessings WHERE visit_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if let Witnessing::By {
        witness_citizen_id,
        on,
    } = witnessing
    {
        sqlx::query(
            "INSERT INTO witnessings (witness_citizen_id, visit_id, witnessed_on) VALUES ($1, $2, $3)",
        )
        .bind(witness_citizen_id)
        .bind(id)
        .bind(on.format(DATE).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Saves the draft with a newly issued activation code (sealed).
pub async fn save_code(
    db: &Db,
    id: i64,
    draft: &VisitDraft,
    sealed: &[u8],
) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    if !write_draft(&mut tx, id, draft).await? {
        return Ok(false);
    }
    sqlx::query("UPDATE counter_visits SET code_sealed = $1 WHERE id = $2")
        .bind(sealed)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn sealed_code(db: &Db, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT code_sealed FROM counter_visits WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?
            .flatten(),
    )
}

/// Pauses an open visit; it stays on the "today" list until resumed.
pub async fn pause(db: &Db, id: i64) -> Result<bool, StoreError> {
    let changed = sqlx::query(
        "UPDATE counter_visits SET state = 'paused', updated_at = $1
         WHERE id = $2 AND state IN ('in_progress', 'paused')",
    )
    .bind(cases::utc_now())
    .bind(id)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Visits started since `since` (UTC, RFC 3339), and every visit still open.
pub async fn today(db: &Db, since: &str) -> Result<Vec<TodayRow>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        purpose: String,
        state: String,
        draft: String,
        name: String,
        cpr_masked: Option<String>,
        display_name: String,
        started_at: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT v.id, v.purpose, v.state, v.draft, z.name, z.cpr_masked, u.display_name,
                v.started_at
         FROM counter_visits v
         JOIN citizens z ON z.id = v.citizen_id
         JOIN staff_users u ON u.id = v.staff_id
         WHERE v.started_at >= $1 OR v.state IN ('in_progress', 'paused')
         ORDER BY v.state NOT IN ('in_progress', 'paused'), v.started_at DESC
         LIMIT 200",
    )
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let Row {
                id,
                purpose,
                state,
                draft,
                name,
                cpr_masked: masked,
                display_name: staff,
                started_at: started,
            } = r;
            let purpose = Purpose::parse(&purpose)?;
            let draft: VisitDraft = serde_json::from_str(&draft).ok()?;
            let started = time::OffsetDateTime::parse(
                &started,
                &time::format_description::well_known::Rfc3339,
            )
            .ok()
            .map(danish_time::local)?;
            let shown = danish_time::clock_or_date(started, danish_time::now_local().date());
            Some(TodayRow {
                id,
                purpose,
                state: VisitState::parse(&state)?,
                step: draft.current_step(purpose),
                citizen_name: name,
                cpr_masked: masked.unwrap_or_default(),
                staff_name: staff,
                started: shown,
            })
        })
        .collect())
}

/// The desk's record of a witness: the citizen with this CPR (keyed hash), the day their
/// MitID was issued, and the days they have been a witness.
pub struct WitnessFacts {
    pub citizen_id: i64,
    pub mitid_since: Option<Date>,
    pub witnessed: Vec<Date>,
}

pub async fn witness_facts(
    db: &Db,
    cpr_hash: &[u8],
    visit_id: i64,
) -> Result<Option<WitnessFacts>, StoreError> {
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT z.id, i.created_at FROM citizens z
         LEFT JOIN identities i ON i.citizen_id = z.id AND i.status = 'active'
         WHERE z.cpr_hash = $1",
    )
    .bind(cpr_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some((citizen_id, created)) = row else {
        return Ok(None);
    };
    let mitid_since = created.and_then(|c| {
        time::OffsetDateTime::parse(&c, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(|t| danish_time::local(t).date())
    });
    let days: Vec<String> = sqlx::query_scalar(
        "SELECT witnessed_on FROM witnessings WHERE witness_citizen_id = $1 AND visit_id != $2",
    )
    .bind(citizen_id)
    .bind(visit_id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(WitnessFacts {
        citizen_id,
        mitid_since,
        witnessed: days
            .iter()
            .filter_map(|d| Date::parse(d, DATE).ok())
            .collect(),
    }))
}

/// Whether another citizen has this user-ID (compared in lower case).
pub async fn user_id_taken(db: &Db, user_id: &str, citizen_id: i64) -> Result<bool, StoreError> {
    let mut conn = db.pool().acquire().await?;
    user_id_taken_in(&mut conn, user_id, citizen_id).await
}

/// The kinds of the citizen's authenticators that are not blocked.
pub async fn active_kinds(db: &Db, citizen_id: i64) -> Result<Vec<AuthenticatorKind>, StoreError> {
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT a.kind FROM authenticators a JOIN identities i ON i.id = a.identity_id
         WHERE i.citizen_id = $1 AND a.status != 'blocked'
           AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.authenticator_id = a.id)",
    )
    .bind(citizen_id)
    .fetch_all(db.pool())
    .await?;
    Ok(kinds
        .iter()
        .filter_map(|k| AuthenticatorKind::parse(k))
        .collect())
}

/// The citizen with this CPR (keyed hash), if the desk knows them.
pub async fn citizen_by_cpr_hash(db: &Db, cpr_hash: &[u8]) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM citizens WHERE cpr_hash = $1")
            .bind(cpr_hash)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Whether a device with this serial number is already registered.
pub async fn serial_taken(db: &Db, serial: &str) -> Result<bool, StoreError> {
    let mut conn = db.pool().acquire().await?;
    serial_taken_in(&mut conn, serial).await
}

//! Blocks placed from cases: the facts a block or lift is decided on, and its records (the
//! block row, the case's timeline entry, the lift).

use crate::store::db::Conn;

use super::StoreError;
use crate::domain::identity_views::{AuthenticatorStatus, IdentityStatus};
use crate::domain::{AuthenticatorKind, BlockReason, Verification};

fn decode(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Sqlx(sqlx::Error::Decode(Box::new(e)))
}

fn encode(e: serde_json::Error) -> StoreError {
    StoreError::Sqlx(sqlx::Error::Encode(Box::new(e)))
}

/// The MitID of the citizen on a case.
pub struct CaseIdentity {
    pub identity_id: i64,
    pub user_id: String,
    pub status: IdentityStatus,
}

pub async fn identity_of_case(
    tx: &mut Conn,
    case_id: i64,
) -> Result<Option<CaseIdentity>, StoreError> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT i.id, i.user_id, i.status FROM cases c
         JOIN identities i ON i.citizen_id = c.citizen_id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?;
    row.map(|(identity_id, user_id, status)| {
        Ok(CaseIdentity {
            identity_id,
            user_id,
            status: IdentityStatus::parse(&status).map_err(decode)?,
        })
    })
    .transpose()
}

/// How many temporary blocks of the whole MitID are not lifted yet.
pub async fn open_whole_blocks(tx: &mut Conn, identity_id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM blocks WHERE identity_id = $1 AND authenticator_id IS NULL
           AND lifted_at IS NULL",
    )
    .bind(identity_id)
    .fetch_one(&mut *tx)
    .await?)
}

/// An authenticator of an identity, as the registry's table has it.
pub struct AuthenticatorFacts {
    pub kind: AuthenticatorKind,
    pub serial: Option<String>,
    pub status: AuthenticatorStatus,
}

/// The authenticator `id`, if it belongs to the identity.
pub async fn authenticator(
    tx: &mut Conn,
    identity_id: i64,
    id: i64,
) -> Result<Option<AuthenticatorFacts>, StoreError> {
    let row: Option<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT kind, serial, status FROM authenticators WHERE id = $1 AND identity_id = $2",
    )
    .bind(id)
    .bind(identity_id)
    .fetch_optional(&mut *tx)
    .await?;
    row.map(|(kind, serial, status)| {
        Ok(AuthenticatorFacts {
            kind: AuthenticatorKind::parse(&kind)
                .ok_or_else(|| decode(UnknownValue(kind.clone())))?,
            serial,
            status: AuthenticatorStatus::parse(&status).map_err(decode)?,
        })
    })
    .transpose()
}

#[derive(Debug, thiserror::Error)]
#[error("unknown stored value {0:?}")]
struct UnknownValue(String);

/// How many blocks the desk has recorded for an authenticator.
pub async fn recorded_for_authenticator(
    tx: &mut Conn,
    authenticator_id: i64,
) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM blocks WHERE authenticator_id = $1")
            .bind(authenticator_id)
            .fetch_one(&mut *tx)
            .await?,
    )
}

/// A block to record.
pub struct NewBlock<'a> {
    pub identity_id: i64,
    /// None: the whole MitID.
    pub authenticator_id: Option<i64>,
    pub permanent: bool,
    pub reason: BlockReason,
    pub case_id: i64,
    pub verification: &'a Verification,
    pub police_report: Option<&'a str>,
    pub advice: Option<&'a str>,
    pub staff_id: i64,
    pub at: &'a str,
}

/// Records a block; returns its id.
pub async fn insert(tx: &mut Conn, block: &NewBlock<'_>) -> Result<i64, StoreError> {
    let verification = serde_json::to_string(block.verification).map_err(encode)?;
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO blocks (identity_id, authenticator_id, permanent, reason, case_id, verification,
            police_report, advice, blocked_by, blocked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(block.identity_id)
    .bind(block.authenticator_id)
    .bind(i64::from(block.permanent))
    .bind(block.reason.as_str())
    .bind(block.case_id)
    .bind(&verification)
    .bind(block.police_report)
    .bind(block.advice)
    .bind(block.staff_id)
    .bind(block.at)
    .fetch_one(&mut *tx)
    .await?)
}

/// Links a block to the outbox row that carries it to an external registry.
pub async fn set_outbox(tx: &mut Conn, block_id: i64, outbox_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE blocks SET outbox_id = $1 WHERE id = $2")
        .bind(outbox_id)
        .bind(block_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A staff entry in a case's timeline, with its structured data.
pub async fn add_case_event(
    tx: &mut Conn,
    case_id: i64,
    at: &str,
    staff_id: i64,
    kind: &str,
    body: &str,
    data: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES ($1, $2, 'staff', $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(at)
    .bind(staff_id)
    .bind(kind)
    .bind(body)
    .bind(data.to_string())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The MitID (id, user-ID) whose temporary block `block_id` is still in force, when that
/// block belongs to the citizen on the case.
pub async fn open_temporary(
    tx: &mut Conn,
    block_id: i64,
    case_id: i64,
) -> Result<Option<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT b.identity_id, i.user_id FROM blocks b JOIN identities i ON i.id = b.identity_id
         JOIN cases c ON c.citizen_id = i.citizen_id
         WHERE b.id = $1 AND c.id = $2 AND b.permanent = 0 AND b.lifted_at IS NULL",
    )
    .bind(block_id)
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?)
}

/// Records that a block was lifted, by whom and how the caller was verified.
pub async fn mark_lifted(
    tx: &mut Conn,
    block_id: i64,
    staff_id: i64,
    verification: &Verification,
    at: &str,
) -> Result<(), StoreError> {
    let verification = serde_json::to_string(verification).map_err(encode)?;
    sqlx::query(
        "UPDATE blocks SET lifted_at = $1, lifted_by = $2, lift_verification = $3 WHERE id = $4",
    )
    .bind(at)
    .bind(staff_id)
    .bind(&verification)
    .bind(block_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Records every open temporary block of the citizen's whole MitID as lifted (a re-issue at
/// the counter); `verification` is the lift's record as JSON.
pub async fn mark_citizens_temporary_lifted(
    tx: &mut Conn,
    citizen_id: i64,
    staff_id: i64,
    verification: &serde_json::Value,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE blocks SET lifted_at = $1, lifted_by = $2, lift_verification = $3
         WHERE identity_id = (SELECT id FROM identities WHERE citizen_id = $4)
           AND authenticator_id IS NULL AND permanent = 0 AND lifted_at IS NULL",
    )
    .bind(at)
    .bind(staff_id)
    .bind(verification.to_string())
    .bind(citizen_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

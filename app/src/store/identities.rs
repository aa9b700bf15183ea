//! Citizens' MitID identities and authenticators (the embedded registry's tables), and the
//! blocks on them, as the desk shows them.

use crate::store::db::Conn;

use super::cases;
use super::{Db, StoreError};
use crate::domain::identity_views::{
    AuthenticatorStatus, AuthenticatorView, BlockView, IdentityStatus, IdentityView,
};
use crate::domain::{AssuranceLevel, AuthenticatorKind, BlockReason};

fn decode(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Sqlx(sqlx::Error::Decode(Box::new(e)))
}

/// An authenticator to create with an identity.
pub struct NewAuthenticator<'a> {
    pub kind: AuthenticatorKind,
    pub serial: Option<&'a str>,
    pub label: Option<&'a str>,
    pub status: AuthenticatorStatus,
}

pub async fn create_identity(
    tx: &mut Conn,
    citizen_id: i64,
    user_id: &str,
    assurance: AssuranceLevel,
    authenticators: &[NewAuthenticator<'_>],
) -> Result<i64, StoreError> {
    let now = cases::utc_now();
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO identities (citizen_id, user_id, user_id_key, assurance, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'active', $5, $6) RETURNING id",
    )
    .bind(citizen_id)
    .bind(user_id)
    .bind(user_id.to_lowercase())
    .bind(assurance.as_str())
    .bind(&now)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    for a in authenticators {
        sqlx::query(
            "INSERT INTO authenticators (identity_id, kind, serial, label, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(a.kind.as_str())
        .bind(a.serial)
        .bind(a.label)
        .bind(a.status.as_str())
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

/// Citizens with a CPR number and a case but no MitID yet: (id, name).
pub async fn citizens_without_identity(db: &Db) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT z.id, z.name FROM citizens z WHERE z.cpr_hash IS NOT NULL
           AND EXISTS (SELECT 1 FROM cases c WHERE c.citizen_id = z.id)
           AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.citizen_id = z.id)",
    )
    .fetch_all(db.pool())
    .await?)
}

/// The id of a citizen's identity, if they have one.
pub async fn id_of_citizen(tx: &mut Conn, citizen_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM identities WHERE citizen_id = $1")
            .bind(citizen_id)
            .fetch_optional(&mut *tx)
            .await?,
    )
}

/// Back-dates when an identity was issued (demo data: witnesses need an older MitID).
pub async fn set_issued_at(
    tx: &mut Conn,
    identity_id: i64,
    issued_at: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE identities SET created_at = $1 WHERE id = $2")
        .bind(issued_at)
        .bind(identity_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuthenticatorRow {
    id: i64,
    kind: String,
    serial: Option<String>,
    label: Option<String>,
    status: String,
}

#[derive(sqlx::FromRow)]
struct BlockRow {
    id: i64,
    kind: Option<String>,
    serial: Option<String>,
    permanent: i64,
    reason: String,
    verification: String,
    police_report: Option<String>,
    display_name: String,
    blocked_at: String,
    lifted_at: Option<String>,
    state: Option<String>,
}

/// The identity of the citizen on a case, with authenticators and blocks.
pub async fn for_case(db: &Db, case_id: i64) -> Result<Option<IdentityView>, StoreError> {
    let citizen: Option<i64> = sqlx::query_scalar("SELECT citizen_id FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(db.pool())
        .await?
        .flatten();
    match citizen {
        Some(citizen_id) => for_citizen(db, citizen_id).await,
        None => Ok(None),
    }
}

/// A citizen's identity, with authenticators and blocks.
pub async fn for_citizen(db: &Db, citizen_id: i64) -> Result<Option<IdentityView>, StoreError> {
    let row: Option<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, user_id, assurance, status FROM identities WHERE citizen_id = $1",
    )
    .bind(citizen_id)
    .fetch_optional(db.pool())
    .await?;
    let Some((identity_id, user_id, assurance, status)) = row else {
        return Ok(None);
    };
    // An authenticator the desk has blocked shows as blocked, also while an external
    // registry has not confirmed it yet.
    let auths: Vec<AuthenticatorRow> = sqlx::query_as(
        "SELECT a.id, a.kind, a.serial, a.label,
                CASE WHEN EXISTS (SELECT 1 FROM blocks b WHERE b.authenticator_id = a.id)
                     THEN 'blocked' ELSE a.status END AS status
         FROM authenticators a WHERE a.identity_id = $1 ORDER BY a.id",
    )
    .bind(identity_id)
    .fetch_all(db.pool())
    .await?;
    let blocks: Vec<BlockRow> = sqlx::query_as(
        "SELECT b.id, a.kind, a.serial, b.permanent, b.reason, b.verification, b.police_report,
                u.display_name, b.blocked_at, b.lifted_at, o.state
         FROM blocks b JOIN staff_users u ON u.id = b.blocked_by
         LEFT JOIN authenticators a ON a.id = b.authenticator_id
         LEFT JOIN outbox o ON o.id = b.outbox_id
         WHERE b.identity_id = $1 ORDER BY b.id DESC",
    )
    .bind(identity_id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(IdentityView {
        identity_id,
        user_id,
        assurance: AssuranceLevel::parse(&assurance).map_err(decode)?,
        status: IdentityStatus::parse(&status).map_err(decode)?,
        authenticators: auths
            .into_iter()
            .filter_map(|a| {
                Some(AuthenticatorView {
                    id: a.id,
                    kind: AuthenticatorKind::parse(&a.kind)?,
                    serial: a.serial,
                    label: a.label,
                    status: AuthenticatorStatus::parse(&a.status).ok()?,
                })
            })
            .collect(),
        blocks: blocks
            .into_iter()
            .filter_map(|b| {
                Some(BlockView {
                    id: b.id,
                    authenticator: b
                        .kind
                        .as_deref()
                        .and_then(AuthenticatorKind::parse)
                        .map(|k| (k, b.serial)),
                    permanent: b.permanent == 1,
                    reason: BlockReason::parse(&b.reason)?,
                    verification: serde_json::from_str(&b.verification).ok()?,
                    police_report: b.police_report,
                    blocked_by: b.display_name,
                    blocked_at: b.blocked_at,
                    lifted_at: b.lifted_at,
                    registry_state: b.state,
                })
            })
            .collect(),
    }))
}

//! Citizens' MitID identities and authenticators (the embedded registry's tables) and the
//! blocks placed from cases.

use sqlx::SqliteConnection;

use super::audit;
use super::cases;
use super::mail::{self, CaseEmail};
use super::{Db, StoreError};
use crate::domain::audit::AuditEntry;
use crate::domain::identity_views::{AuthenticatorView, BlockView, IdentityView};
use crate::domain::{AuthenticatorKind, BlockReason, BlockRequest, BlockTarget, Verification};
use crate::registry::port::{Applied, AuthenticatorRef, IdentityRegistry, RegistryCommand};

/// An authenticator to create with an identity.
pub struct NewAuthenticator<'a> {
    pub kind: AuthenticatorKind,
    pub serial: Option<&'a str>,
    pub label: Option<&'a str>,
    pub status: &'a str,
}

pub async fn create_identity(
    tx: &mut SqliteConnection,
    citizen_id: i64,
    user_id: &str,
    assurance: &str,
    authenticators: &[NewAuthenticator<'_>],
) -> Result<i64, StoreError> {
    let now = cases::utc_now();
    let id = sqlx::query(
        "INSERT INTO identities (citizen_id, user_id, user_id_key, assurance, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'active', ?, ?)",
    )
    .bind(citizen_id)
    .bind(user_id)
    .bind(user_id.to_lowercase())
    .bind(assurance)
    .bind(&now)
    .bind(&now)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    for a in authenticators {
        sqlx::query(
            "INSERT INTO authenticators (identity_id, kind, serial, label, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(a.kind.as_str())
        .bind(a.serial)
        .bind(a.label)
        .bind(a.status)
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
pub async fn id_of_citizen(
    tx: &mut SqliteConnection,
    citizen_id: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM identities WHERE citizen_id = ?")
            .bind(citizen_id)
            .fetch_optional(&mut *tx)
            .await?,
    )
}

/// Back-dates when an identity was issued (demo data: witnesses need an older MitID).
pub async fn set_issued_at(
    tx: &mut SqliteConnection,
    identity_id: i64,
    issued_at: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE identities SET created_at = ? WHERE id = ?")
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
    let citizen: Option<i64> = sqlx::query_scalar("SELECT citizen_id FROM cases WHERE id = ?")
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
        "SELECT id, user_id, assurance, status FROM identities WHERE citizen_id = ?",
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
         FROM authenticators a WHERE a.identity_id = ? ORDER BY a.id",
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
         WHERE b.identity_id = ? ORDER BY b.id DESC",
    )
    .bind(identity_id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(IdentityView {
        identity_id,
        user_id,
        assurance,
        status,
        authenticators: auths
            .into_iter()
            .filter_map(|a| {
                Some(AuthenticatorView {
                    id: a.id,
                    kind: AuthenticatorKind::parse(&a.kind)?,
                    serial: a.serial,
                    label: a.label,
                    status: a.status,
                })
            })
            .collect(),
        blocks: blocks
            .into_iter()
            .filter_map(|b| {
                let verification: Verification = serde_json::from_str(&b.verification).ok()?;
                Some(BlockView {
                    id: b.id,
                    authenticator: b
                        .kind
                        .as_deref()
                        .and_then(AuthenticatorKind::parse)
                        .map(|k| (k, b.serial)),
                    permanent: b.permanent == 1,
                    reason: BlockReason::parse(&b.reason)?,
                    verification: verification.describe(crate::i18n::Lang::Da),
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

/// Why a block or lift was not placed, though the request itself was well formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NoIdentity,
    UnknownAuthenticator,
    AlreadyBlocked,
    NothingToLift,
}

/// The case a block is placed from.
pub struct OnCase<'a> {
    pub id: i64,
    pub reference: &'a str,
}

/// Places a block: records it on the case (who, what, why, how verified), lets it take
/// effect through the registry port, writes the audit entry and queues the citizen's
/// confirmation, all in one transaction. Returns the block's id.
pub async fn block(
    db: &Db,
    registry: &dyn IdentityRegistry,
    case: OnCase<'_>,
    username: &str,
    request: &BlockRequest,
    confirmation: Option<&CaseEmail<'_>>,
) -> Result<Result<i64, Refusal>, StoreError> {
    let mut tx = db.begin_write().await?;
    let identity: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT i.id, i.user_id, i.status FROM cases c
         JOIN identities i ON i.citizen_id = c.citizen_id WHERE c.id = ?",
    )
    .bind(case.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((identity_id, user_id, identity_status)) = identity else {
        return Ok(Err(Refusal::NoIdentity));
    };
    let authenticator = match request.target {
        BlockTarget::WholeMitId => {
            let active_temporary: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM blocks WHERE identity_id = ? AND authenticator_id IS NULL
                   AND lifted_at IS NULL",
            )
            .bind(identity_id)
            .fetch_one(&mut *tx)
            .await?;
            if identity_status != "active" || active_temporary > 0 {
                return Ok(Err(Refusal::AlreadyBlocked));
            }
            None
        }
        BlockTarget::Authenticator(id) => {
            let found: Option<(String, Option<String>, String)> = sqlx::query_as(
                "SELECT kind, serial, status FROM authenticators WHERE id = ? AND identity_id = ?",
            )
            .bind(id)
            .bind(identity_id)
            .fetch_optional(&mut *tx)
            .await?;
            // With an external registry the local status does not change: the desk's own
            // block record says it all the same.
            let recorded: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM blocks WHERE authenticator_id = ?")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            match found {
                None => return Ok(Err(Refusal::UnknownAuthenticator)),
                Some((_, _, status)) if status == "blocked" || recorded > 0 => {
                    return Ok(Err(Refusal::AlreadyBlocked));
                }
                Some((kind, serial, _)) => Some(AuthenticatorRef { id, kind, serial }),
            }
        }
    };
    let staff = cases::staff_id(&mut tx, username).await?;
    let verification = serde_json::to_string(&request.verification)
        .map_err(|e| StoreError::Sqlx(sqlx::Error::Encode(Box::new(e))))?;
    let now = cases::utc_now();
    let block_id = sqlx::query(
        "INSERT INTO blocks (identity_id, authenticator_id, permanent, reason, case_id, verification,
            police_report, advice, blocked_by, blocked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(identity_id)
    .bind(authenticator.as_ref().map(|a| a.id))
    .bind(i64::from(request.permanent()))
    .bind(request.reason.as_str())
    .bind(case.id)
    .bind(&verification)
    .bind(&request.police_report)
    .bind(&request.advice)
    .bind(staff)
    .bind(&now)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    let command = RegistryCommand::Block {
        identity_id,
        block_id,
        user_id: user_id.clone(),
        authenticator: authenticator.clone(),
        permanent: request.permanent(),
        reason: request.reason.as_str().to_owned(),
        case_reference: case.reference.to_owned(),
    };
    if let Applied::Queued { outbox_id } = registry.apply(&mut tx, &command).await? {
        sqlx::query("UPDATE blocks SET outbox_id = ? WHERE id = ?")
            .bind(outbox_id)
            .bind(block_id)
            .execute(&mut *tx)
            .await?;
    }
    let what = match &authenticator {
        Some(a) => format!(
            "{} {}",
            AuthenticatorKind::parse(&a.kind)
                .map_or(a.kind.as_str(), |k| k.label(crate::i18n::Lang::Da)),
            a.serial.as_deref().unwrap_or_default()
        )
        .trim()
        .to_owned(),
        None => "hele MitID".to_owned(),
    };
    let lang = crate::i18n::Lang::Da;
    let mut body = format!(
        "Spærret: {what} ({}, {}). Verificeret: {}.",
        request.reason.label(lang),
        if request.permanent() {
            "permanent"
        } else {
            "midlertidig"
        },
        request.verification.describe(lang),
    );
    if let Some(report) = &request.police_report {
        body.push_str(&format!(" Politianmeldelse: {report}."));
    }
    if let Some(advice) = &request.advice {
        body.push_str(&format!(" Råd givet: {advice}"));
    }
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES (?, ?, 'staff', ?, 'block', ?, ?)",
    )
    .bind(case.id)
    .bind(&now)
    .bind(staff)
    .bind(&body)
    .bind(serde_json::json!({ "block_id": block_id, "registry": registry.name() }).to_string())
    .execute(&mut *tx)
    .await?;
    cases::mark_responded(&mut tx, case.id).await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "identity.block", case.reference).details(serde_json::json!({
            "block_id": block_id,
            "what": what,
            "reason": request.reason.as_str(),
            "permanent": request.permanent(),
            "verification": request.verification,
            "registry": registry.name(),
        })),
    )
    .await?;
    if let Some(email) = confirmation {
        mail::queue_in(&mut tx, case.id, case.reference, email, None).await?;
    }
    tx.commit().await?;
    Ok(Ok(block_id))
}

/// Lifts a temporary block of the whole MitID, after verifying the caller again.
pub async fn lift(
    db: &Db,
    registry: &dyn IdentityRegistry,
    case: OnCase<'_>,
    username: &str,
    block_id: i64,
    verification: &Verification,
    confirmation: Option<&CaseEmail<'_>>,
) -> Result<Result<(), Refusal>, StoreError> {
    let mut tx = db.begin_write().await?;
    let found: Option<(i64, String)> = sqlx::query_as(
        "SELECT b.identity_id, i.user_id FROM blocks b JOIN identities i ON i.id = b.identity_id
         JOIN cases c ON c.citizen_id = i.citizen_id
         WHERE b.id = ? AND c.id = ? AND b.permanent = 0 AND b.lifted_at IS NULL",
    )
    .bind(block_id)
    .bind(case.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((identity_id, user_id)) = found else {
        return Ok(Err(Refusal::NothingToLift));
    };
    let staff = cases::staff_id(&mut tx, username).await?;
    let now = cases::utc_now();
    let verification_json = serde_json::to_string(verification)
        .map_err(|e| StoreError::Sqlx(sqlx::Error::Encode(Box::new(e))))?;
    sqlx::query(
        "UPDATE blocks SET lifted_at = ?, lifted_by = ?, lift_verification = ? WHERE id = ?",
    )
    .bind(&now)
    .bind(staff)
    .bind(&verification_json)
    .bind(block_id)
    .execute(&mut *tx)
    .await?;
    let command = RegistryCommand::LiftTemporaryBlock {
        identity_id,
        block_id,
        user_id,
        case_reference: case.reference.to_owned(),
    };
    registry.apply(&mut tx, &command).await?;
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES (?, ?, 'staff', ?, 'unblock', ?, ?)",
    )
    .bind(case.id)
    .bind(&now)
    .bind(staff)
    .bind(format!(
        "Midlertidig spærring af hele MitID ophævet. Verificeret: {}.",
        verification.describe(crate::i18n::Lang::Da)
    ))
    .bind(serde_json::json!({ "block_id": block_id }).to_string())
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "identity.lift", case.reference).details(serde_json::json!({
            "block_id": block_id,
            "verification": verification,
        })),
    )
    .await?;
    if let Some(email) = confirmation {
        mail::queue_in(&mut tx, case.id, case.reference, email, None).await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

//! Blocking lost or stolen login means and suspected misuse from a case, and lifting a
//! temporary block: the rules around the registry port. Each runs in one write transaction:
//! the facts are read, the refusal rules applied, the block recorded, the registry told, the
//! case's timeline and the audit log written, and the citizen's confirmation queued.

pub mod business;
mod texts;

use crate::domain::audit::AuditEntry;
use crate::domain::block_refusal::{self, Refusal};
use crate::domain::registry_command::{Applied, AuthenticatorRef, RegistryCommand};
use crate::domain::{BlockRequest, BlockTarget, Verification};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::store::blocks::{self as records, NewBlock};
use crate::store::cases::{self, CaseRecord};
use crate::store::{StoreError, audit, mail};

/// Why a block or lift did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BlocksError {
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    #[error("refused: {0}")]
    Business(crate::domain::business_block::BusinessBlockRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BlocksError {
    fn from(e: sqlx::Error) -> Self {
        BlocksError::Store(e.into())
    }
}

impl BlocksError {
    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            BlocksError::Refused(r) => r.message(lang).to_owned(),
            BlocksError::Business(r) => r.message(lang).to_owned(),
            BlocksError::Store(_) => AppError::Internal.message(lang),
        }
    }
}

/// Places a block from `case`: records it (who, what, why, how verified), lets it take effect
/// through the registry port, writes the timeline entry and the audit entry and queues the
/// citizen's confirmation, all in one transaction. Returns the block's id.
pub async fn place(
    state: &AppState,
    case: &CaseRecord,
    username: &str,
    request: &BlockRequest,
) -> Result<i64, BlocksError> {
    let registry = state.registry.as_ref();
    let mut tx = state.db.begin_write().await?;
    let identity = records::identity_of_case(&mut tx, case.id)
        .await?
        .ok_or(Refusal::NoIdentity)?;
    let authenticator = match request.target {
        BlockTarget::WholeMitId => {
            let open = records::open_whole_blocks(&mut tx, identity.identity_id).await?;
            block_refusal::may_block_whole(identity.status, open)?;
            None
        }
        BlockTarget::Authenticator(id) => {
            let found = records::authenticator(&mut tx, identity.identity_id, id).await?;
            let recorded = records::recorded_for_authenticator(&mut tx, id).await?;
            block_refusal::may_block_authenticator(found.as_ref().map(|a| a.status), recorded)?;
            found.map(|a| (id, a))
        }
    };
    let staff = cases::staff_id(&mut tx, username).await?;
    let now = cases::utc_now();
    let block_id = records::insert(
        &mut tx,
        &NewBlock {
            identity_id: identity.identity_id,
            authenticator_id: authenticator.as_ref().map(|(id, _)| *id),
            permanent: request.permanent(),
            reason: request.reason,
            case_id: case.id,
            verification: &request.verification,
            police_report: request.police_report.as_deref(),
            advice: request.advice.as_deref(),
            staff_id: staff,
            at: &now,
        },
    )
    .await?;
    let command = RegistryCommand::Block {
        identity_id: identity.identity_id,
        block_id,
        user_id: identity.user_id,
        authenticator: authenticator.as_ref().map(|(id, a)| AuthenticatorRef {
            id: *id,
            kind: a.kind.as_str().to_owned(),
            serial: a.serial.clone(),
        }),
        permanent: request.permanent(),
        reason: request.reason.as_str().to_owned(),
        case_reference: case.row.reference.clone(),
    };
    if let Applied::Queued { outbox_id } = registry.apply(&mut tx, &command).await? {
        records::set_outbox(&mut tx, block_id, outbox_id).await?;
    }
    let device = authenticator.as_ref().map(|(_, a)| a);
    let what = texts::blocked_what(device);
    records::add_case_event(
        &mut tx,
        case.id,
        &now,
        staff,
        "block",
        &texts::block_record(&what, request),
        &serde_json::json!({ "block_id": block_id, "registry": registry.name() }),
    )
    .await?;
    cases::mark_responded(&mut tx, case.id).await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "identity.block", &case.row.reference).details(
            serde_json::json!({
                "block_id": block_id,
                "what": what,
                "reason": request.reason.as_str(),
                "permanent": request.permanent(),
                "verification": request.verification,
                "registry": registry.name(),
            }),
        ),
    )
    .await?;
    if let Some(email) = texts::block_confirmation(state, case, device, request.permanent()) {
        mail::queue_in(&mut tx, case.id, &case.row.reference, &email, None).await?;
    }
    tx.commit().await?;
    Ok(block_id)
}

/// Lifts a temporary block of the whole MitID, after the caller was verified again: records
/// the lift, tells the registry, writes the timeline and audit entries and queues the
/// citizen's confirmation, in one transaction.
pub async fn lift(
    state: &AppState,
    case: &CaseRecord,
    username: &str,
    block_id: i64,
    verification: &Verification,
) -> Result<(), BlocksError> {
    let registry = state.registry.as_ref();
    let mut tx = state.db.begin_write().await?;
    let (identity_id, user_id) = records::open_temporary(&mut tx, block_id, case.id)
        .await?
        .ok_or(Refusal::NothingToLift)?;
    let staff = cases::staff_id(&mut tx, username).await?;
    let now = cases::utc_now();
    records::mark_lifted(&mut tx, block_id, staff, verification, &now).await?;
    let command = RegistryCommand::LiftTemporaryBlock {
        identity_id,
        block_id,
        user_id,
        case_reference: case.row.reference.clone(),
    };
    registry.apply(&mut tx, &command).await?;
    records::add_case_event(
        &mut tx,
        case.id,
        &now,
        staff,
        "unblock",
        &texts::lift_record(verification),
        &serde_json::json!({ "block_id": block_id }),
    )
    .await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "identity.lift", &case.row.reference).details(
            serde_json::json!({
                "block_id": block_id,
                "verification": verification,
            }),
        ),
    )
    .await?;
    if let Some(email) = texts::lift_confirmation(state, case) {
        mail::queue_in(&mut tx, case.id, &case.row.reference, &email, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

//! Finishing a counter visit: the registry call (when the purpose changes the MitID), the
//! Digital Post exemption, the lifted temporary blocks of a re-issue, a resolved case
//! recording the visit, and the audit entry, in one transaction.

use crate::domain::Status;
use crate::domain::audit::AuditEntry;
use crate::domain::registry_command::{Applied, Issue, RegistryCommand};
use crate::i18n::Lang;
use crate::registry::port::IdentityRegistry;
use crate::store::cases::{self, Actor};
use crate::store::visits::{self, Closing, Refusal, Visit};
use crate::store::{Db, StoreError, audit, blocks};

/// Why a visit was not finished.
#[derive(Debug, thiserror::Error)]
pub enum FinishError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for FinishError {
    fn from(e: sqlx::Error) -> Self {
        FinishError::Store(e.into())
    }
}

/// Finishes `visit`, recorded as `closing` says; `issue` is what the registry is asked to do
/// (None when the purpose does not touch the MitID). Refused when the visit is no longer
/// open, or the user-ID or a serial number was taken meanwhile. Returns the case's reference.
pub async fn finish(
    db: &Db,
    registry: &dyn IdentityRegistry,
    visit: &Visit,
    closing: &Closing<'_>,
    issue: Option<Issue>,
) -> Result<String, FinishError> {
    let mut tx = db.begin_write().await?;
    if !visits::still_open(&mut tx, visit.id).await? {
        return Err(FinishError::Refused(Refusal::NotOpen));
    }
    if let Some(issue) = &issue {
        if visits::user_id_taken_in(&mut tx, &issue.user_id, visit.citizen_id).await? {
            return Err(FinishError::Refused(Refusal::UserIdTaken));
        }
        for serial in issue
            .authenticators
            .iter()
            .filter_map(|a| a.serial.as_deref())
        {
            if visits::serial_taken_in(&mut tx, serial).await? {
                return Err(FinishError::Refused(Refusal::SerialTaken(
                    serial.to_owned(),
                )));
            }
        }
    }
    let staff = cases::staff_id(&mut tx, closing.username).await?;
    let (case_id, reference) =
        visits::open_case(&mut tx, visit, closing, visit.purpose.category(), staff).await?;
    cases::set_status_in(&mut tx, case_id, Status::Resolved, Actor::Staff(staff)).await?;
    let now = cases::utc_now();
    let mut outbox_id = None;
    if let Some(mut issue) = issue {
        issue.case_reference.clone_from(&reference);
        if issue.reactivate {
            // The counter's identity check is the verification a lift needs.
            let how = visit
                .draft
                .identity_check
                .as_ref()
                .map(|c| c.describe(Lang::Da))
                .unwrap_or_default();
            blocks::mark_citizens_temporary_lifted(
                &mut tx,
                visit.citizen_id,
                staff,
                &serde_json::json!({ "method": "counter", "check": how }),
                &now,
            )
            .await?;
        }
        if let Applied::Queued { outbox_id: id } = registry
            .apply(&mut tx, &RegistryCommand::Issue(issue))
            .await?
        {
            outbox_id = Some(id);
        }
    }
    if let Some(exemption) = &visit.draft.exemption {
        visits::register_exemption(&mut tx, visit, exemption, staff).await?;
    }
    visits::mark_completed(&mut tx, visit.id, case_id, outbox_id, &now).await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(closing.username, "counter_visit_completed", &reference).details(
            serde_json::json!({
                "visit": visit.id,
                "purpose": visit.purpose.as_str(),
                "registry": registry.name(),
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(reference)
}

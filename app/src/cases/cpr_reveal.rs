//! Showing the citizen's full CPR number to a supporter who gives a reason; the reveal is in
//! the audit log before the number leaves the server.

use crate::audit;
use crate::domain::audit::AuditEntry;
use crate::domain::cpr;
use crate::i18n::Lang;
use crate::privacy::cpr_vault::CprVault;
use crate::store::{Db, StoreError, citizens};

/// Why the number was not shown.
#[derive(Debug, thiserror::Error)]
pub enum RevealError {
    #[error("the reason is too short, too long or contains a CPR number")]
    Reason,
    #[error("the case does not exist")]
    UnknownCase,
    #[error("the citizen on the case has no CPR number")]
    NoCpr,
    #[error("the sealed CPR number cannot be opened")]
    Vault,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RevealError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            RevealError::UnknownCase => "reference",
            _ => "reason",
        }
    }

    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            RevealError::Reason => lang.pick(
                "Skriv hvorfor du skal se CPR-nummeret (5 til 500 tegn, uden CPR-numre).",
                "Write why you need to see the CPR number (5 to 500 characters, no CPR numbers).",
            ),
            RevealError::UnknownCase => super::unknown_case(lang),
            RevealError::NoCpr => lang.pick(
                "Der er intet CPR-nummer på sagens borger.",
                "The citizen on the case has no CPR number.",
            ),
            RevealError::Vault | RevealError::Store(_) => super::store_failure(lang),
        }
    }
}

/// Records the reveal and returns the formatted CPR number of the citizen on the case.
pub async fn reveal(
    db: &Db,
    vault: &CprVault,
    reference: &str,
    reason: &str,
    username: &str,
) -> Result<String, RevealError> {
    let reason = reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 || cpr::contains_cpr(reason) {
        return Err(RevealError::Reason);
    }
    let case = super::find(db, reference)
        .await?
        .ok_or(RevealError::UnknownCase)?;
    let Some((citizen_id, sealed)) = citizens::sealed_cpr_on_case(db, case.id).await? else {
        return Err(RevealError::NoCpr);
    };
    let number = vault.open(&sealed).map_err(|e| {
        tracing::error!(error = %e, citizen_id, "cannot open a sealed CPR number");
        RevealError::Vault
    })?;
    audit::record(
        db,
        &AuditEntry::new(username, "cpr.reveal", &case.row.reference)
            .reason(reason)
            .details(serde_json::json!({ "citizen_id": citizen_id })),
    )
    .await?;
    Ok(number.formatted())
}

//! A supporter taking a case.

use crate::domain::audit::AuditEntry;
use crate::i18n::Lang;
use crate::store::{Db, StoreError, cases};

/// Why a case was not claimed.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("the case does not exist")]
    UnknownCase,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ClaimError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        "reference"
    }

    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            ClaimError::UnknownCase => super::unknown_case(lang),
            ClaimError::Store(_) => super::store_failure(lang),
        }
    }
}

/// Assigns the case to `username`; returns the case's reference.
pub async fn claim(db: &Db, reference: &str, username: &str) -> Result<String, ClaimError> {
    let case = super::find(db, reference)
        .await?
        .ok_or(ClaimError::UnknownCase)?;
    let audit = AuditEntry::new(username, "case.claim", &case.row.reference);
    cases::assign(db, case.id, username, &audit).await?;
    Ok(case.row.reference)
}

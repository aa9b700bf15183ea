//! Internal notes on a case's timeline.

use crate::domain::audit::AuditEntry;
use crate::domain::cpr;
use crate::i18n::Lang;
use crate::store::{Db, StoreError, cases};

/// Why a note was not added.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error("the note is empty or longer than 10,000 characters")]
    Length,
    #[error("the note contains a CPR number")]
    ContainsCpr,
    #[error("the case does not exist")]
    UnknownCase,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl NoteError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            NoteError::UnknownCase => "reference",
            _ => "body",
        }
    }

    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            NoteError::Length => lang.pick(
                "Skriv en note på 1 til 10.000 tegn.",
                "Write a note of 1 to 10,000 characters.",
            ),
            NoteError::ContainsCpr => lang.pick(
                "Noten indeholder et CPR-nummer. Skriv det ikke i noter: borgerens CPR-nummer står beskyttet på borgeren.",
                "The note contains a CPR number. Do not write it in notes: the citizen's CPR number is kept protected on the citizen.",
            ),
            NoteError::UnknownCase => super::unknown_case(lang),
            NoteError::Store(_) => super::store_failure(lang),
        }
    }
}

/// Adds a note to the case; returns the case's reference.
pub async fn add(
    db: &Db,
    reference: &str,
    body: &str,
    username: &str,
) -> Result<String, NoteError> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(NoteError::Length);
    }
    if cpr::contains_cpr(body) {
        return Err(NoteError::ContainsCpr);
    }
    let case = super::find(db, reference)
        .await?
        .ok_or(NoteError::UnknownCase)?;
    let audit = AuditEntry::new(username, "case.note", &case.row.reference);
    cases::add_note(db, case.id, username, body, &audit).await?;
    Ok(case.row.reference)
}

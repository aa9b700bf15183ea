//! Phone calls logged on a case: direction, length and what was said.

use crate::domain::audit::AuditEntry;
use crate::domain::cpr;
use crate::i18n::Lang;
use crate::store::cases::{self, Call};
use crate::store::{Db, StoreError};

/// Why a call was not logged.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("the direction is neither incoming nor outgoing")]
    Direction,
    #[error("the length is not 1 to 240 whole minutes")]
    Minutes,
    #[error("the summary is empty or longer than 5,000 characters")]
    SummaryLength,
    #[error("the summary contains a CPR number")]
    ContainsCpr,
    #[error("the case does not exist")]
    UnknownCase,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CallError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            CallError::Direction => "direction",
            CallError::Minutes => "minutes",
            CallError::UnknownCase => "reference",
            _ => "summary",
        }
    }

    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            CallError::Direction => lang.pick(
                "Vælg om borgeren ringede, eller du ringede op.",
                "Choose whether the citizen called or you called.",
            ),
            CallError::Minutes => lang.pick(
                "Skriv samtalens længde i hele minutter (1 til 240).",
                "Enter the call's length in whole minutes (1 to 240).",
            ),
            CallError::SummaryLength => lang.pick(
                "Skriv kort, hvad samtalen handlede om (1 til 5.000 tegn).",
                "Write briefly what the call was about (1 to 5,000 characters).",
            ),
            CallError::ContainsCpr => lang.pick(
                "Resuméet indeholder et CPR-nummer. Skriv det ikke i sagen: borgerens CPR-nummer står beskyttet på borgeren.",
                "The summary contains a CPR number. Do not write it in the case: the citizen's CPR number is kept protected on the citizen.",
            ),
            CallError::UnknownCase => super::unknown_case(lang),
            CallError::Store(_) => super::store_failure(lang),
        }
    }
}

/// A call's summary, trimmed: 1 to 5,000 characters and no CPR number (the citizen's number is
/// kept protected on the citizen, never in the case's text).
pub fn check_summary(summary: &str) -> Result<&str, CallError> {
    let summary = summary.trim();
    if summary.is_empty() || summary.chars().count() > 5_000 {
        return Err(CallError::SummaryLength);
    }
    if cpr::contains_cpr(summary) {
        return Err(CallError::ContainsCpr);
    }
    Ok(summary)
}

/// A call as the supporter entered it.
pub struct CallForm<'a> {
    /// "incoming" (the citizen called) or "outgoing" (the supporter called).
    pub direction: &'a str,
    /// Whole minutes, 1 to 240.
    pub minutes: &'a str,
    pub summary: &'a str,
}

/// Logs the call on the case's timeline; returns the case's reference.
pub async fn log(
    db: &Db,
    reference: &str,
    form: &CallForm<'_>,
    username: &str,
) -> Result<String, CallError> {
    let incoming = match form.direction {
        "incoming" => true,
        "outgoing" => false,
        _ => return Err(CallError::Direction),
    };
    let minutes: u32 = form
        .minutes
        .trim()
        .parse()
        .ok()
        .filter(|m| (1..=240).contains(m))
        .ok_or(CallError::Minutes)?;
    let summary = check_summary(form.summary)?;
    let case = super::find(db, reference)
        .await?
        .ok_or(CallError::UnknownCase)?;
    let audit = AuditEntry::new(username, "case.call", &case.row.reference);
    cases::log_call(
        db,
        case.id,
        username,
        &Call {
            incoming,
            minutes,
            summary,
        },
        &audit,
    )
    .await?;
    Ok(case.row.reference)
}

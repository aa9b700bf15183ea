//! The guard every step of a visit passes on the server (the visit exists, is open and the
//! steps before it are done), saving a step's draft, and the refusals the steps share.
//!
//! Refusals are plain [`AppError::Invalid`]s: the server function that answers gives them
//! their HTTP status.

use crate::domain::counter::{Step, VisitDraft};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::store::visits::{self, Visit};

/// A refusal of one field's value, with the message in both languages.
pub fn invalid(field: &str, da: &str, en: &str) -> AppError {
    AppError::Invalid {
        field: field.into(),
        message_da: da.into(),
        message_en: en.into(),
    }
}

/// A refusal whose message the domain writes in both languages.
pub fn refused(field: &str, message: impl Fn(Lang) -> String) -> AppError {
    invalid(field, &message(Lang::Da), &message(Lang::En))
}

pub fn not_open() -> AppError {
    invalid(
        "visit",
        "Besøget er afsluttet og kan ikke ændres.",
        "The visit has ended and cannot be changed.",
    )
}

pub fn not_found() -> AppError {
    invalid("visit", "Besøget findes ikke.", "The visit does not exist.")
}

/// The visit, open and ready for `step`.
pub async fn open(state: &AppState, id: i64, step: Step) -> Result<Visit, AppError> {
    let visit = visits::load(&state.db, id).await?.ok_or_else(not_found)?;
    if !visit.state.is_open() {
        return Err(not_open());
    }
    if !visit.draft.can_enter(visit.purpose, step) {
        return Err(invalid(
            "step",
            "Gør de forrige trin færdige først.",
            "Finish the earlier steps first.",
        ));
    }
    Ok(visit)
}

/// Saves a step's draft; refused if the visit ended meanwhile.
pub async fn save(state: &AppState, visit: &Visit, draft: &VisitDraft) -> Result<(), AppError> {
    if !visits::save(&state.db, visit.id, draft).await? {
        return Err(not_open());
    }
    Ok(())
}

/// The counter's day, in Danish time: ages and exemptions count from it.
pub fn today() -> time::Date {
    crate::domain::danish_time::now_local().date()
}

//! The Borgerservice counter: the "today" list with the start of a visit, the guided visit
//! one step per screen, and the printed receipt.

pub mod power_step;
pub mod receipt;
pub mod steps;
pub mod today;
pub mod visit;

use crate::i18n::Lang;

/// The reminder shown wherever the citizen types the user-ID, a password or a code.
#[leptos::component]
pub fn LookAway() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let lang = crate::page_context::use_page_context().lang;
    view! {
        <p class="look-away" role="note">
            <strong>{lang.pick("Hjælpere ser væk nu.", "Helpers look away now.")}</strong> " "
            {lang.pick(
                "Kun borgeren selv må se og taste bruger-ID, adgangskode og koder.",
                "Only the citizen may see and type the user-ID, password and codes.",
            )}
        </p>
    }
}

pub fn case_status_label(status: &str, lang: Lang) -> &'static str {
    crate::domain::Status::parse(status)
        .ok()
        .map(|s| s.label(lang))
        .unwrap_or("")
}

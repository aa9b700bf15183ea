//! The banner of open incidents (driftsstatus): a known problem with one or more systems, on
//! every page while it is open. Rendered on the server from memory (the app state's board,
//! refreshed when incidents change): no database read per page, no island, works without
//! JavaScript. The lead's text is text, never HTML: Leptos escapes it.

use leptos::prelude::*;

use crate::functions::incidents::open_banners;
use crate::page_context::use_page_context;

#[component]
pub fn IncidentBanner() -> impl IntoView {
    let lang = use_page_context().lang;
    let banners = open_banners();
    if banners.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="incident-banner" id="incident-banner"
            aria-label=lang.pick("Driftsstatus", "Service status")>
            <div>
                {banners
                    .iter()
                    .map(|b| {
                        let heading = format!(
                            "{} {}:",
                            lang.pick("Driftsforstyrrelse på", "Service disruption on"),
                            b.systems_text(lang),
                        );
                        let until = format!(
                            "{} {}.",
                            lang.pick("Forventes løst", "Expected to be resolved by"),
                            b.expected_end,
                        );
                        view! {
                            <p>
                                <strong>{heading}</strong>" "{b.text(lang).to_owned()}" "{until}
                            </p>
                        }
                    })
                    .collect_view()}
                <p><strong>{lang.pick(
                    "Kendt problem, du behøver ikke skrive til os.",
                    "Known problem, no need to write in.",
                )}</strong>" "{lang.pick(
                    "Vi arbejder på det og opdaterer denne besked.",
                    "We are working on it and will update this message.",
                )}</p>
            </div>
        </section>
    }
    .into_any()
}

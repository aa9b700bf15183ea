use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::page_context::use_page_context;

/// The Borgerservice counter's start page.
#[component]
pub fn CounterHome() -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    let name = ctx.user.map(|u| u.display_name).unwrap_or_default();
    view! {
        <Title text=lang.pick("Borgerservice", "Citizen service counter")/>
        <RequireRole role=Role::Borgerservice>
            <div class="page">
                <h1>{lang.pick("Borgerservice – skranken", "Citizen service counter")}</h1>
                <p class="lead">{format!("{} {}.", lang.pick("Velkommen,", "Welcome,"), name.clone())}</p>
                <section class="panel reminder" aria-labelledby="lookaway-title">
                    <h2 id="lookaway-title">{lang.pick("Husk ved skranken", "Remember at the counter")}</h2>
                    <ul>
                        <li>{lang.pick(
                            "Hjælpere skal se væk, når borgeren taster bruger-ID og koder.",
                            "Helpers must look away when the citizen types the user-ID and codes.",
                        )}</li>
                        <li>{lang.pick(
                            "Ingen må få MitID på en andens vegne. Digital fuldmagt er alternativet.",
                            "Nobody may get MitID on someone else's behalf. Digital power of attorney is the alternative.",
                        )}</li>
                        <li>{lang.pick(
                            "Fysisk ID. Som digitalt ID godtages kun kørekort-appen og sundhedskort-appen.",
                            "Physical ID. Only the driving-licence app and the health-card app are accepted as digital ID.",
                        )}</li>
                    </ul>
                </section>
            </div>
        </RequireRole>
    }
}

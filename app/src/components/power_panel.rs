//! The case page's "Fuldmagter" panel: the powers of attorney the case's citizen has given and
//! holds (who, what, the period and where each stands today), and the form a supporter uses
//! when the caller says they are the holder: choose the power and the matter; the answer is
//! recorded on the timeline, or the refusal's reason shown. A plain form: works without
//! JavaScript and by keyboard alone.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::components::csrf_field::CsrfField;
use crate::domain::power_of_attorney::{Matter, PowerScope, PowerState, PowerView};
use crate::functions::powers::{ActAsPowerHolder, get_case_powers};
use crate::i18n::Lang;
use crate::page_context::use_page_context;

#[component]
pub fn PowerPanel(reference: String) -> impl IntoView {
    let lang = use_page_context().lang;
    let act = ServerAction::<ActAsPowerHolder>::new();
    let query = use_query_map();
    let done = move || query.read().get("fuldmagt").is_some_and(|v| v == "1");
    let asked = reference.clone();
    let powers = Resource::new(move || asked.clone(), get_case_powers);
    view! {
        <section class="panel power-panel" id="fuldmagter" aria-labelledby="powers-title">
            <h2 id="powers-title">{lang.pick("Fuldmagter", "Powers of attorney")}</h2>
            {move || act.value().get().and_then(Result::err).map(|e| view! {
                <div class="error-summary" role="alert" id="power-refusal" tabindex="-1">
                    <p>{e.message(lang)}</p>
                </div>
            })}
            {move || done().then(|| view! {
                <p class="notice" role="status" id="power-recorded">{lang.pick(
                    "Fuldmagten er kontrolleret og registreret i sagens forløb.",
                    "The power of attorney was checked and recorded on the case's timeline.")}</p>
            })}
            <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                {
                    let reference = reference.clone();
                    move || {
                        let reference = reference.clone();
                        Suspend::new(async move {
                            match powers.await {
                                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                                Ok(None) => view! { <p>{lang.pick("Ingen borger på sagen.", "No citizen on the case.")}</p> }.into_any(),
                                Ok(Some(p)) => view! {
                                    <h3>{lang.pick("Givet af borgeren", "Given by the citizen")}</h3>
                                    <PowerList powers=p.given.clone() holder_side=true lang=lang/>
                                    <h3>{lang.pick("Borgeren er fuldmagtshaver for", "The citizen holds powers for")}</h3>
                                    <PowerList powers=p.held.clone() holder_side=false lang=lang/>
                                    {(!p.given.is_empty()).then(|| view! {
                                        <HolderForm reference=reference.clone() given=p.given.clone() lang=lang/>
                                    })}
                                }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </section>
    }
}

/// The powers as a list; `holder_side`: name the holder (powers given), else the giver.
#[component]
fn PowerList(powers: Vec<PowerView>, holder_side: bool, lang: Lang) -> impl IntoView {
    if powers.is_empty() {
        return view! { <p>{lang.pick("Ingen.", "None.")}</p> }.into_any();
    }
    view! {
        <ul class="power-list">
            {powers.into_iter().map(|p| {
                let who = if holder_side {
                    format!("{} {}", lang.pick("Til", "To"), p.holder_name)
                } else {
                    format!("{} {}", lang.pick("Fra", "From"), p.giver_name)
                };
                let until = p.valid_to.clone().unwrap_or_else(|| lang.pick("tilbagekaldelse", "revoked").to_owned());
                view! {
                    <li class=format!("power power-{}", p.state.as_str())>
                        <strong>{who}</strong> " "
                        <span class=format!("badge power-state-{}", p.state.as_str())>{p.state.label(lang)}</span>
                        <br/>
                        {PowerScope::list(&p.scopes, lang)}
                        <br/>
                        {lang.pick("Gyldig", "Valid")} " " {p.valid_from.clone()} " – " {until}
                        " · " {p.source.label(lang)}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// "The caller is the holder": choose the power and the matter.
#[component]
fn HolderForm(reference: String, given: Vec<PowerView>, lang: Lang) -> impl IntoView {
    view! {
        <form method="post" action=ActAsPowerHolder::url() class="stack power-form">
            <CsrfField/>
            <input type="hidden" name="reference" value=reference/>
            <fieldset>
                <legend>{lang.pick("Opkalderen er fuldmagtshaver", "The caller is the holder")}</legend>
                <div class="field">
                    <label for="power-id">{lang.pick("Fuldmagt", "Power of attorney")}</label>
                    <select id="power-id" name="power_id" required>
                        {given.into_iter().map(|p| {
                            let state = if p.state == PowerState::Valid { String::new() } else { format!(" ({})", p.state.label(lang)) };
                            view! {
                                <option value=p.id.to_string()>{format!("{}: {}{}", p.holder_name, PowerScope::list(&p.scopes, lang), state)}</option>
                            }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="power-matter">{lang.pick("Hvad vil opkalderen have gjort?", "What does the caller want done?")}</label>
                    <select id="power-matter" name="matter" required>
                        {Matter::ALL.into_iter().map(|m| view! { <option value=m.as_str()>{m.label(lang)}</option> }).collect_view()}
                    </select>
                </div>
                <p class="hint">{lang.pick(
                    "Fuldmagten kontrolleres (gyldighed og omfang) og registreres i sagens forløb. En afvisning logges og begrundes.",
                    "The power is checked (period and scope) and recorded on the timeline. A refusal is logged and explained.")}</p>
                <button type="submit">{lang.pick("Kontrollér og registrér", "Check and record")}</button>
            </fieldset>
        </form>
    }
}

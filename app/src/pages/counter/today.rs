//! `/borgerservice`: start a visit, and the day's visits (paused ones first) to resume.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::csrf_field::CsrfField;
use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::domain::counter::Purpose;
use crate::functions::counter::{StartVisit, today_visits};
use crate::page_context::use_page_context;

#[component]
pub fn CounterHome() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Borgerservice", "Citizen service counter")/>
        <RequireRole role=Role::Borgerservice>
            <CounterDesk/>
        </RequireRole>
    }
}

#[component]
fn CounterDesk() -> impl IntoView {
    let lang = use_page_context().lang;
    let start = ServerAction::<StartVisit>::new();
    let paused = use_query_map().read_untracked().get("pause").is_some();
    let visits = Resource::new(|| (), |()| today_visits());
    view! {
        <div class="page counter">
            <h1>{lang.pick("Borgerservice – skranken", "Citizen service counter")}</h1>
            {paused.then(|| view! {
                <p class="notice" role="status">{lang.pick(
                    "Besøget er sat på pause. Genoptag det fra listen herunder.",
                    "The visit is paused. Resume it from the list below.")}</p>
            })}
            {move || start.value().get().and_then(Result::err).map(|e| view! {
                <div class="error-summary" role="alert" tabindex="-1"><p>{e.message(lang)}</p></div>
            })}
            <section class="panel" aria-labelledby="start-title">
                <h2 id="start-title">{lang.pick("Start et besøg", "Start a visit")}</h2>
                <form method="post" action=StartVisit::url() class="stack big-form">
                    <CsrfField/>
                    <fieldset>
                        <legend>{lang.pick("Hvad skal borgeren?", "What does the citizen need?")}</legend>
                        {Purpose::ALL.into_iter().enumerate().map(|(i, p)| {
                            let id = format!("purpose-{}", p.as_str());
                            view! {
                                <div class="choice">
                                    <input type="radio" name="purpose" id=id.clone() value=p.as_str() checked=i == 0 autofocus=i == 0/>
                                    <label for=id>{p.label(lang)}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <div class="field">
                        <label for="start-cpr">{lang.pick("Borgerens CPR-nummer", "The citizen's CPR number")}</label>
                        <p class="hint" id="start-cpr-hint">{lang.pick("DDMMÅÅ-SSSS. Vises kun maskeret efter dette trin.", "DDMMYY-SSSS. Shown only masked after this step.")}</p>
                        <input id="start-cpr" name="cpr" type="text" inputmode="numeric" autocomplete="off" aria-describedby="start-cpr-hint" required/>
                    </div>
                    <div class="field">
                        <label for="start-name">{lang.pick("Borgerens navn", "The citizen's name")}</label>
                        <input id="start-name" name="name" type="text" autocomplete="off" required/>
                    </div>
                    <button type="submit" class="primary">{lang.pick("Start besøget", "Start the visit")}</button>
                </form>
            </section>

            <section aria-labelledby="today-title">
                <h2 id="today-title">{lang.pick("Dagens besøg", "Today's visits")}</h2>
                <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                    {move || Suspend::new(async move {
                        match visits.await {
                            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                            Ok(rows) if rows.is_empty() => view! { <p>{lang.pick("Ingen besøg endnu i dag.", "No visits yet today.")}</p> }.into_any(),
                            Ok(rows) => view! {
                                <table class="today">
                                    <thead><tr>
                                        <th scope="col">{lang.pick("Startet", "Started")}</th>
                                        <th scope="col">{lang.pick("Borger", "Citizen")}</th>
                                        <th scope="col">{lang.pick("Formål", "Purpose")}</th>
                                        <th scope="col">{lang.pick("Trin", "Step")}</th>
                                        <th scope="col">{lang.pick("Status", "Status")}</th>
                                        <th scope="col">{lang.pick("Medarbejder", "Staff")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| {
                                            let open = r.state.is_open();
                                            view! {
                                                <tr>
                                                    <td>{r.started.clone()}</td>
                                                    <td><a href=format!("/borgerservice/besoeg/{}", r.id)>{r.citizen_name.clone()}</a> " " <span class="muted">{r.cpr_masked.clone()}</span></td>
                                                    <td>{r.purpose.label(lang)}</td>
                                                    <td>{if open { r.step.label(lang) } else { "–" }}</td>
                                                    <td>{r.state.label(lang)}</td>
                                                    <td>{r.staff_name.clone()}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>

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
    }
}

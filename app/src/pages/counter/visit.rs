//! `/borgerservice/besoeg/:id`: the guided visit, one step per screen with a progress
//! indicator. The screen shown is the first step not yet done; a done step can be opened
//! again from the indicator (`?trin=`). Pause, abort and refusal are on every screen.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::power_step::PowerStep;
use super::steps::{
    ActivationStep, DevicesStep, ExemptionStep, FinishStep, IdentityStep, StartOverview, UserIdStep,
};
use crate::components::csrf_field::CsrfField;
use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::domain::counter::view::VisitView;
use crate::domain::counter::{Step, VisitState};
use crate::errors::AppError;
use crate::functions::counter::{
    ConfirmHandover, EndVisit, FinishVisit, IssueCode, PauseVisit, SaveAuthenticators,
    SaveExemption, SaveIdentityCheck, SaveUserId, get_visit,
};
use crate::i18n::Lang;
use crate::page_context::use_page_context;

#[component]
pub fn VisitPage() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Besøg – Borgerservice", "Visit – citizen service")/>
        <RequireRole role=Role::Borgerservice>
            <VisitFlow/>
        </RequireRole>
    }
}

/// The error of whichever step's form was last sent (also after a plain form post).
fn use_step_errors() -> impl Fn() -> Option<AppError> + Copy + Send + Sync + 'static {
    let a = ServerAction::<SaveIdentityCheck>::new();
    let b = ServerAction::<SaveAuthenticators>::new();
    let c = ServerAction::<SaveUserId>::new();
    let d = ServerAction::<IssueCode>::new();
    let e = ServerAction::<ConfirmHandover>::new();
    let f = ServerAction::<SaveExemption>::new();
    let g = ServerAction::<FinishVisit>::new();
    let h = ServerAction::<EndVisit>::new();
    let i = ServerAction::<PauseVisit>::new();
    let j = ServerAction::<crate::functions::powers::SavePaperPower>::new();
    move || {
        a.value()
            .get()
            .and_then(Result::err)
            .or_else(|| b.value().get().and_then(Result::err))
            .or_else(|| c.value().get().and_then(Result::err))
            .or_else(|| d.value().get().and_then(Result::err))
            .or_else(|| e.value().get().and_then(Result::err))
            .or_else(|| f.value().get().and_then(Result::err))
            .or_else(|| g.value().get().and_then(Result::err))
            .or_else(|| h.value().get().and_then(Result::err))
            .or_else(|| i.value().get().and_then(Result::err))
            .or_else(|| j.value().get().and_then(Result::err))
    }
}

#[component]
fn VisitFlow() -> impl IntoView {
    let lang = use_page_context().lang;
    let query = use_query_map();
    let errors = use_step_errors();
    let data = Resource::new(crate::pages::id_param(), get_visit);
    view! {
        <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter …", "Loading …")}</p> }>
            {move || {
                // Read here, tracked, so a step link navigated in the browser re-renders.
                let asked = query.read().get("trin").and_then(|s| Step::parse(&s));
                Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <div class="page"><p class="error" role="alert">{e.message(lang)}</p></div> }.into_any(),
                    Ok(None) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Ok(Some(v)) => {
                        let shown = asked
                            .filter(|s| v.state.is_open() && v.draft.can_enter(v.purpose, *s))
                            .unwrap_or(v.step);
                        view! {
                            <Title text=format!("{} – {} {}", v.purpose.label(lang), lang.pick("besøg", "visit"), v.id)/>
                            <div class="page counter visit">
                                <p class="breadcrumb"><a href="/borgerservice">{lang.pick("Borgerservice", "Citizen service")}</a> " › " {lang.pick("Besøg", "Visit")} " " {v.id}</p>
                                <h1>{v.purpose.label(lang)}</h1>
                                <p class="identity-line">
                                    <strong>{v.citizen_name.clone()}</strong> " · CPR " {v.cpr_masked.clone()}
                                    " · " {v.age} " " {lang.pick("år", "years")}
                                    " · " {v.state.label(lang)}
                                </p>
                                {move || errors().map(|e| view! {
                                    <div class="error-summary" role="alert" tabindex="-1">
                                        <h2>{lang.pick("Kan ikke gå videre", "Cannot go on")}</h2>
                                        <p>{e.message(lang)}</p>
                                    </div>
                                })}
                                {if v.state.is_open() {
                                    view! {
                                        <Progress visit=v.clone() shown=shown/>
                                        {match shown {
                                            Step::Start => view! { <StartOverview visit=v.clone()/> }.into_any(),
                                            Step::IdentityCheck => view! { <IdentityStep visit=v.clone()/> }.into_any(),
                                            Step::Authenticators => view! { <DevicesStep visit=v.clone()/> }.into_any(),
                                            Step::UserId => view! { <UserIdStep visit=v.clone()/> }.into_any(),
                                            Step::Activation => view! { <ActivationStep visit=v.clone()/> }.into_any(),
                                            Step::Exemption => view! { <ExemptionStep visit=v.clone()/> }.into_any(),
                                            Step::PowerOfAttorney => view! { <PowerStep visit=v.clone()/> }.into_any(),
                                            Step::Finish => view! { <FinishStep visit=v.clone()/> }.into_any(),
                                        }}
                                        <VisitControls visit_id=v.id/>
                                    }.into_any()
                                } else {
                                    view! { <Ended visit=v.clone()/> }.into_any()
                                }}
                            </div>
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}

/// "Step 3 of 6", and every step: done ones are links, the shown one is marked current.
#[component]
fn Progress(visit: VisitView, shown: Step) -> impl IntoView {
    let lang = use_page_context().lang;
    let steps = visit.purpose.steps();
    let position = steps.iter().position(|s| *s == shown).unwrap_or_default() + 1;
    view! {
        <nav class="progress" aria-label=lang.pick("Trin i besøget", "Steps of the visit")>
            <p class="progress-count">
                {match lang {
                    Lang::Da => format!("Trin {position} af {}", steps.len()),
                    Lang::En => format!("Step {position} of {}", steps.len()),
                }}
            </p>
            <ol>
                {steps.iter().map(|s| {
                    let step = *s;
                    let done = visit.draft.is_done(visit.purpose, step);
                    let reachable = visit.draft.can_enter(visit.purpose, step);
                    let class = if step == shown { "current" } else if done { "done" } else { "todo" };
                    let label = step.label(lang);
                    view! {
                        <li class=class aria-current=(step == shown).then_some("step")>
                            {if reachable && step != shown {
                                view! { <a href=format!("?trin={}", step.as_str()) rel="external">{label}</a> }.into_any()
                            } else {
                                view! { <span>{label}</span> }.into_any()
                            }}
                            {done.then(|| view! { <span class="visually-hidden">{lang.pick(" (færdig)", " (done)")}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </nav>
    }
}

/// Pause, abort with a reason, or refuse with a reason.
#[component]
fn VisitControls(visit_id: i64) -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <section class="visit-controls" aria-label=lang.pick("Besøget", "The visit")>
            <form method="post" action=PauseVisit::url() class="inline">
                <CsrfField/>
                <input type="hidden" name="visit_id" value=visit_id.to_string()/>
                <button type="submit">{lang.pick("Sæt på pause", "Pause")}</button>
            </form>
            <details>
                <summary>{lang.pick("Afbryd besøget", "Abort the visit")}</summary>
                <form method="post" action=EndVisit::url() class="stack">
                    <CsrfField/>
                    <input type="hidden" name="visit_id" value=visit_id.to_string()/>
                    <input type="hidden" name="outcome" value="abort"/>
                    <div class="field">
                        <label for="abort-reason">{lang.pick("Begrundelse (supporten følger op)", "Reason (support follows up)")}</label>
                        <textarea id="abort-reason" name="reason" rows="2" required></textarea>
                    </div>
                    <button type="submit" class="danger">{lang.pick("Afbryd og opret opfølgningssag", "Abort and create a follow-up case")}</button>
                </form>
            </details>
            <details>
                <summary>{lang.pick("Afvis: borgeren kan ikke selv håndtere MitID", "Refuse: the citizen cannot handle MitID personally")}</summary>
                <form method="post" action=EndVisit::url() class="stack">
                    <CsrfField/>
                    <input type="hidden" name="visit_id" value=visit_id.to_string()/>
                    <input type="hidden" name="outcome" value="refuse"/>
                    <p class="hint">{lang.pick(
                        "Ingen må få MitID på en andens vegne. Digital fuldmagt på borger.dk lader en anden handle for borgeren.",
                        "Nobody may get MitID on someone else's behalf. Digital power of attorney on borger.dk lets another person act for the citizen.")}</p>
                    <div class="field">
                        <label for="refuse-reason">{lang.pick("Begrundelse", "Reason")}</label>
                        <textarea id="refuse-reason" name="reason" rows="2" required></textarea>
                    </div>
                    <button type="submit" class="danger">{lang.pick("Afvis og registrér begrundelsen", "Refuse and record the reason")}</button>
                </form>
            </details>
        </section>
    }
}

/// A visit that has ended: what happened and what comes next.
#[component]
fn Ended(visit: VisitView) -> impl IntoView {
    let lang = use_page_context().lang;
    let case = visit.case_reference.clone().unwrap_or_default();
    view! {
        <section class="panel ended" aria-labelledby="ended-title">
            {match visit.state {
                VisitState::Completed => view! {
                    <h2 id="ended-title">{lang.pick("Besøget er afsluttet", "The visit is complete")}</h2>
                    <p>{lang.pick("Registreret på sag", "Recorded on case")} " " <strong>{case.clone()}</strong>"."</p>
                    {visit.registry_state.clone().map(|s| view! {
                        <p>{lang.pick("Identitetsregistret", "The identity registry")} ": " {s}</p>
                    })}
                    {visit.draft.exemption.clone().map(|e| view! {
                        <p>{lang.pick("Fritaget for Digital Post til og med", "Exempt from Digital Post until")} " " <strong>{e.ends_on().to_string()}</strong>"."</p>
                    })}
                    {visit.draft.power.clone().map(|p| view! {
                        <p id="power-registered">{p.describe(lang)}"."</p>
                    })}
                }.into_any(),
                VisitState::Aborted => view! {
                    <h2 id="ended-title">{lang.pick("Besøget er afbrudt", "The visit was aborted")}</h2>
                    <p>{lang.pick("Opfølgningssag i supportens kø:", "Follow-up case in the support queue:")} " " <strong>{case.clone()}</strong></p>
                    <p>{lang.pick("Begrundelse:", "Reason:")} " " {visit.outcome_reason.clone().unwrap_or_default()}</p>
                }.into_any(),
                _ => view! {
                    <h2 id="ended-title">{lang.pick("MitID er afvist", "MitID was refused")}</h2>
                    <p>{lang.pick("Begrundelse:", "Reason:")} " " {visit.outcome_reason.clone().unwrap_or_default()}</p>
                    <p>{lang.pick(
                        "Borgeren kan i stedet give en anden digital fuldmagt på borger.dk (eller på papir, som kan afleveres her). Så kan den anden handle på borgerens vegne med sit eget MitID.",
                        "Instead the citizen can give another person digital power of attorney on borger.dk (or on paper, which can be handed in here). That person can then act for the citizen with their own MitID.")}</p>
                    <p>{lang.pick("Registreret på sag", "Recorded on case")} " " <strong>{case.clone()}</strong>"."</p>
                }.into_any(),
            }}
            <p><a href="/borgerservice" autofocus>{lang.pick("Tilbage til dagens besøg", "Back to today's visits")}</a></p>
        </section>
    }
}

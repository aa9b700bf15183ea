//! Incidents (driftsstatus) in the lead's desk: the history with the declaration form
//! (`/leder/drift`), and one incident's page with its suggested and linked cases and the
//! resolution form (`/leder/drift/:id`). Supporters see both and may link cases; only a lead
//! declares and resolves. Every form is a plain HTML form: it works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::csrf_field::CsrfField;
use crate::components::require_role::RequireRole;
use crate::domain::incident::{IncidentCase, IncidentDetail, IncidentState, IncidentSummary};
use crate::domain::{Role, System};
use crate::functions::incidents::{
    DeclareIncident, LinkIncidentCases, ResolveIncident, UnlinkIncidentCases, get_incident,
    list_incidents,
};
use crate::i18n::Lang;
use crate::page_context::use_page_context;
use crate::pages::id_param;

fn is_lead() -> bool {
    use_page_context()
        .user
        .is_some_and(|u| u.role.acts_as(Role::Lead))
}

fn systems_text(systems: &[System]) -> String {
    systems
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn IncidentHistory() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Driftsstatus", "Incidents")/>
        <RequireRole role=Role::Supporter>
            <History/>
        </RequireRole>
    }
}

#[component]
fn History() -> impl IntoView {
    let lang = use_page_context().lang;
    let incidents = Resource::new(|| (), |_| list_incidents());
    view! {
        <div class="page wide">
            <h1>{lang.pick("Driftsstatus", "Incidents")}</h1>
            <p>{lang.pick(
                "Et kendt problem med et eller flere systemer. Mens hændelsen er åben, ser borgerne teksten øverst på alle sider, og sager om problemet knyttes til den. Når den løses, løses de knyttede sager, og hver borger får én e-mail.",
                "A known problem with one or more systems. While the incident is open, citizens see its text at the top of every page, and cases about it are linked to it. Resolving it resolves the linked cases, and each citizen gets one e-mail.",
            )}</p>
            {is_lead().then(|| view! { <DeclareForm/> })}
            <section aria-labelledby="history-title">
                <h2 id="history-title">{lang.pick("Hændelser", "Incidents")}</h2>
                <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                    {move || Suspend::new(async move {
                        match incidents.await {
                            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                            Ok(rows) if rows.is_empty() => view! {
                                <p id="no-incidents">{lang.pick("Ingen driftshændelser endnu.", "No incidents yet.")}</p>
                            }.into_any(),
                            Ok(rows) => history_table(rows, lang).into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </div>
    }
}

fn history_table(rows: Vec<IncidentSummary>, lang: Lang) -> impl IntoView {
    view! {
        <table class="data" id="incident-history">
            <caption class="visually-hidden">{lang.pick("Driftshændelser, åbne først", "Incidents, open first")}</caption>
            <thead><tr>
                <th scope="col">{lang.pick("Hændelse", "Incident")}</th>
                <th scope="col">{lang.pick("Systemer", "Systems")}</th>
                <th scope="col">{lang.pick("Status", "State")}</th>
                <th scope="col">{lang.pick("Start", "Start")}</th>
                <th scope="col">{lang.pick("Forventet slut", "Expected end")}</th>
                <th scope="col">{lang.pick("Knyttede sager", "Linked cases")}</th>
                <th scope="col">{lang.pick("Løst af hændelsen", "Resolved by it")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let text = lang.pick(&r.text_da, &r.text_en).to_owned();
                    view! {
                        <tr>
                            <td><a href=format!("/leder/drift/{}", r.id)>{format!("#{}", r.id)}</a>" "{text}</td>
                            <td>{systems_text(&r.systems)}</td>
                            <td>{r.state.label(lang)}</td>
                            <td>{r.starts_at.clone()}</td>
                            <td>{r.expected_end.clone()}</td>
                            <td class="num">{r.linked}</td>
                            <td class="num">{r.done}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn DeclareForm() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <section aria-labelledby="declare-title">
            <h2 id="declare-title">{lang.pick("Erklær en driftshændelse", "Declare an incident")}</h2>
            <form method="post" action=DeclareIncident::url() class="stack big-form" id="declare-incident">
                <CsrfField/>
                <fieldset>
                    <legend>{lang.pick("Systemer, som problemet rammer", "Systems the problem affects")}</legend>
                    {System::ALL.into_iter().enumerate().map(|(i, s)| {
                        let id = format!("incident-system-{}", s.slug());
                        view! {
                            <div class="check">
                                <input type="checkbox" id=id.clone() name=format!("systems[{i}]") value=s.slug()/>
                                <label for=id>{s.name()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="incident-text-da">{lang.pick("Tekst til borgerne på dansk", "Text for citizens in Danish")}</label>
                    <input id="incident-text-da" name="text_da" type="text" required minlength="10" maxlength="600" autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="incident-text-en">{lang.pick("Tekst til borgerne på engelsk", "Text for citizens in English")}</label>
                    <input id="incident-text-en" name="text_en" type="text" lang="en" required minlength="10" maxlength="600" autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="incident-words">{lang.pick("Søgeord, som sager om problemet indeholder", "Search words that cases about the problem contain")}</label>
                    <input id="incident-words" name="search_words" type="text" required maxlength="300" autocomplete="off" aria-describedby="incident-words-hint"/>
                    <p class="hint" id="incident-words-hint">{lang.pick("Op til 12 ord adskilt af mellemrum, fx «godkend app».", "Up to 12 words separated by spaces, e.g. “approve app”.")}</p>
                </div>
                <div class="field">
                    <label for="incident-start">{lang.pick("Start (tom: nu)", "Start (empty: now)")}</label>
                    <input id="incident-start" name="starts_at" type="datetime-local"/>
                </div>
                <div class="field">
                    <label for="incident-end">{lang.pick("Forventet afslutning", "Expected end")}</label>
                    <input id="incident-end" name="expected_end" type="datetime-local" required/>
                </div>
                <button type="submit">{lang.pick("Erklær hændelsen og vis banneret", "Declare the incident and show the banner")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn IncidentPage() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Driftshændelse", "Incident")/>
        <RequireRole role=Role::Supporter>
            <Incident/>
        </RequireRole>
    }
}

fn notice(lang: Lang) -> Option<String> {
    let query = use_query_map().read_untracked().clone();
    let number = |k: &str| query.get(k).and_then(|v| v.parse::<u32>().ok());
    if query.get("erklaeret").is_some() {
        return Some(
            lang.pick(
                "Hændelsen er erklæret, og banneret vises nu.",
                "The incident is declared and the banner is shown.",
            )
            .to_owned(),
        );
    }
    if query.get("loeses").is_some() {
        return Some(lang.pick("Hændelsen løses nu: de knyttede sager løses, og borgerne får besked.", "The incident is being resolved: the linked cases are resolved and the citizens told.").to_owned());
    }
    if let Some(n) = number("knyttet") {
        let skipped = number("sprunget").unwrap_or(0);
        return Some(match lang {
            Lang::Da => format!("{n} sager knyttet, {skipped} sprunget over."),
            Lang::En => format!("{n} cases linked, {skipped} skipped."),
        });
    }
    number("fjernet").map(|n| match lang {
        Lang::Da => format!("{n} sager fjernet fra hændelsen."),
        Lang::En => format!("{n} cases removed from the incident."),
    })
}

#[component]
fn Incident() -> impl IntoView {
    let lang = use_page_context().lang;
    let id = id_param();
    let incident = Resource::new(id, get_incident);
    let notice = notice(lang);
    view! {
        <div class="page wide">
            <p class="breadcrumb"><a href="/leder/drift">{lang.pick("Driftsstatus", "Incidents")}</a></p>
            {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                {move || Suspend::new(async move {
                    match incident.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(None) => view! {
                            <h1>{lang.pick("Driftshændelsen findes ikke", "The incident does not exist")}</h1>
                        }.into_any(),
                        Ok(Some(detail)) => incident_view(detail, lang).into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

fn incident_view(d: IncidentDetail, lang: Lang) -> impl IntoView {
    let s = &d.summary;
    let open = s.state == IncidentState::Open;
    let id = s.id;
    let progress = match lang {
        Lang::Da => format!("{} knyttede sager, {} løst af hændelsen.", s.linked, s.done),
        Lang::En => format!(
            "{} linked cases, {} resolved by the incident.",
            s.linked, s.done
        ),
    };
    let closing = d.closing_da.clone().zip(d.closing_en.clone());
    view! {
        <h1>{format!("{} #{}", lang.pick("Driftshændelse", "Incident"), id)}</h1>
        <dl class="facts" id="incident-facts">
            <dt>{lang.pick("Status", "State")}</dt><dd id="incident-state">{s.state.label(lang)}</dd>
            <dt>{lang.pick("Systemer", "Systems")}</dt><dd>{systems_text(&s.systems)}</dd>
            <dt>{lang.pick("Tekst (dansk)", "Text (Danish)")}</dt><dd lang="da">{s.text_da.clone()}</dd>
            <dt>{lang.pick("Tekst (engelsk)", "Text (English)")}</dt><dd lang="en">{s.text_en.clone()}</dd>
            <dt>{lang.pick("Søgeord", "Search words")}</dt><dd>{s.search_words.clone()}</dd>
            <dt>{lang.pick("Start", "Start")}</dt><dd>{s.starts_at.clone()}</dd>
            <dt>{lang.pick("Forventet afslutning", "Expected end")}</dt><dd>{s.expected_end.clone()}</dd>
            <dt>{lang.pick("Erklæret af", "Declared by")}</dt><dd>{s.declared_by.clone()}</dd>
            {closing.map(|(da, en)| view! {
                <dt>{lang.pick("Afslutning (dansk)", "Closing (Danish)")}</dt><dd lang="da">{da}</dd>
                <dt>{lang.pick("Afslutning (engelsk)", "Closing (English)")}</dt><dd lang="en">{en}</dd>
            })}
        </dl>
        <p id="incident-progress" role="status">{progress}</p>
        {open.then(|| suggestions(id, d.suggested.clone(), lang))}
        {linked(id, d.linked.clone(), open, lang)}
        {(open && is_lead()).then(|| resolve_form(id, lang))}
    }
}

fn case_rows(
    cases: Vec<IncidentCase>,
    prefix: &'static str,
    selectable: bool,
    lang: Lang,
) -> impl IntoView {
    cases
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let box_id = format!("{prefix}-{i}");
            let label = format!("{} {}", lang.pick("Vælg", "Select"), c.reference);
            view! {
                <tr>
                    {selectable.then(|| view! {
                        <td><input type="checkbox" id=box_id name=format!("references[{i}]") value=c.reference.clone() aria-label=label/></td>
                    })}
                    <td><a href=format!("/support/sag/{}", c.reference)>{c.reference.clone()}</a></td>
                    <td>{c.subject.clone()}</td>
                    <td>{c.system.clone()}</td>
                    <td>{c.status.clone()}</td>
                    <td>{c.created_at.clone()}</td>
                </tr>
            }
        })
        .collect_view()
}

fn case_head(selectable: bool, lang: Lang) -> impl IntoView {
    view! {
        <thead><tr>
            {selectable.then(|| view! { <th scope="col"><span class="visually-hidden">{lang.pick("Vælg", "Select")}</span></th> })}
            <th scope="col">{lang.pick("Sag", "Case")}</th>
            <th scope="col">{lang.pick("Emne", "Subject")}</th>
            <th scope="col">{lang.pick("System", "System")}</th>
            <th scope="col">{lang.pick("Status", "Status")}</th>
            <th scope="col">{lang.pick("Oprettet", "Created")}</th>
        </tr></thead>
    }
}

fn suggestions(id: i64, cases: Vec<IncidentCase>, lang: Lang) -> impl IntoView {
    let count = cases.len();
    view! {
        <section aria-labelledby="suggested-title">
            <h2 id="suggested-title">{lang.pick("Foreslåede sager", "Suggested cases")}</h2>
            <p>{match lang {
                Lang::Da => format!("{count} åbne sager om systemerne indeholder søgeordene og er ikke knyttet endnu."),
                Lang::En => format!("{count} open cases about the systems contain the search words and are not linked yet."),
            }}</p>
            {(count > 0).then(|| view! {
                <form method="post" action=LinkIncidentCases::url() id="link-cases">
                    <CsrfField/>
                    <input type="hidden" name="incident_id" value=id.to_string()/>
                    <table class="data" id="suggested-cases">
                        <caption class="visually-hidden">{lang.pick("Foreslåede sager", "Suggested cases")}</caption>
                        {case_head(true, lang)}
                        <tbody>{case_rows(cases, "suggest", true, lang)}</tbody>
                    </table>
                    <button type="submit">{lang.pick("Knyt de valgte sager til hændelsen", "Link the selected cases to the incident")}</button>
                </form>
            })}
        </section>
    }
}

fn linked(id: i64, cases: Vec<IncidentCase>, open: bool, lang: Lang) -> impl IntoView {
    let table = view! {
        <table class="data" id="linked-cases">
            <caption class="visually-hidden">{lang.pick("Knyttede sager", "Linked cases")}</caption>
            {case_head(open, lang)}
            <tbody>{case_rows(cases, "linked", open, lang)}</tbody>
        </table>
    };
    view! {
        <section aria-labelledby="linked-title">
            <h2 id="linked-title">{lang.pick("Knyttede sager", "Linked cases")}</h2>
            {if open {
                view! {
                    <form method="post" action=UnlinkIncidentCases::url() id="unlink-cases">
                        <CsrfField/>
                        <input type="hidden" name="incident_id" value=id.to_string()/>
                        {table}
                        <button type="submit" class="secondary">{lang.pick("Fjern de valgte sager fra hændelsen", "Remove the selected cases from the incident")}</button>
                    </form>
                }.into_any()
            } else {
                table.into_any()
            }}
        </section>
    }
}

fn resolve_form(id: i64, lang: Lang) -> impl IntoView {
    view! {
        <section aria-labelledby="resolve-title">
            <h2 id="resolve-title">{lang.pick("Løs hændelsen", "Resolve the incident")}</h2>
            <p>{lang.pick(
                "Banneret fjernes, alle knyttede åbne sager løses, og hver borger med en e-mailadresse får én e-mail med afslutningsteksten på sit eget sprog.",
                "The banner comes down, every linked open case is resolved, and each citizen with an e-mail address gets one e-mail with the closing text in their language.",
            )}</p>
            <form method="post" action=ResolveIncident::url() class="stack big-form" id="resolve-incident">
                <CsrfField/>
                <input type="hidden" name="incident_id" value=id.to_string()/>
                <div class="field">
                    <label for="closing-da">{lang.pick("Afslutningstekst på dansk", "Closing text in Danish")}</label>
                    <input id="closing-da" name="closing_da" type="text" required minlength="10" maxlength="600" autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="closing-en">{lang.pick("Afslutningstekst på engelsk", "Closing text in English")}</label>
                    <input id="closing-en" name="closing_en" type="text" lang="en" required minlength="10" maxlength="600" autocomplete="off"/>
                </div>
                <button type="submit">{lang.pick("Løs hændelsen og skriv til borgerne", "Resolve and write to the citizens")}</button>
            </form>
        </section>
    }
}

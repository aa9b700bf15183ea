//! `/support/soeg?q=…`: full-text search over cases for supporters.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::require_role::RequireRole;
use crate::domain::business::Party;
use crate::domain::{Role, Status};
use crate::functions::staff_search::search_cases;
use crate::page_context::use_page_context;

#[component]
pub fn CaseSearchPage() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Søg i sager", "Search cases")/>
        <RequireRole role=Role::Supporter>
            <Results/>
        </RequireRole>
    }
}

#[component]
fn Results() -> impl IntoView {
    let lang = use_page_context().lang;
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let party = move || query.read().get("party").filter(|p| !p.is_empty());
    let results = Resource::new(
        move || (q(), party()),
        |(q, party)| search_cases(q, None, None, party),
    );
    view! {
        <div class="page wide">
            <p class="breadcrumb"><a href="/support">{lang.pick("Sagskø", "Case queue")}</a></p>
            <h1>{lang.pick("Søg i sager", "Search cases")}</h1>
            <CaseSearchForm value=q() party=party().unwrap_or_default()/>
            <CitizenLookup/>
            <Suspense fallback=move || view! { <p>{lang.pick("Søger …", "Searching …")}</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(page) if page.query.trim().is_empty() => ().into_any(),
                        Ok(page) => view! {
                            <p role="status">{format!("{} {}", page.total, lang.pick("sager fundet", "cases found"))}</p>
                            <ol class="case-hits">
                                {page.hits.into_iter().map(|h| {
                                    let status = Status::parse(&h.status).map_or(h.status.clone(), |s| s.label(lang).to_owned());
                                    view! {
                                        <li>
                                            <a href=format!("/support/sag/{}", h.reference)><span class="case-ref">{h.reference.clone()}</span> " " {h.subject}</a>
                                            <p class="hint">{h.system} " · " {status}</p>
                                            <p class="snippet" inner_html=h.snippet_html></p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Finds a citizen by the CPR number a caller gives (sent in the form body, never the URL).
#[component]
fn CitizenLookup() -> impl IntoView {
    use crate::functions::citizens::FindCitizen;
    use leptos::server_fn::ServerFn;
    let lang = use_page_context().lang;
    let action = ServerAction::<FindCitizen>::new();
    view! {
        <section class="panel" aria-labelledby="lookup-title">
            <h2 id="lookup-title">{lang.pick("Find borger på CPR-nummer", "Find a citizen by CPR number")}</h2>
            {move || action.value().get().and_then(Result::err).map(|e| view! {
                <p class="error" role="alert">{e.message(lang)}</p>
            })}
            <form method="post" action=FindCitizen::url() class="inline-form">
                <crate::components::csrf_field::CsrfField/>
                <label for="lookup-cpr">{lang.pick("CPR-nummer (opslaget logges)", "CPR number (the look-up is logged)")}</label>
                <input id="lookup-cpr" name="cpr" type="text" inputmode="numeric" autocomplete="off" required/>
                <button type="submit">{lang.pick("Find borger", "Find citizen")}</button>
            </form>
        </section>
    }
}

/// The case search box, also on the queue page (there `compact`, on one line). A plain GET
/// form: works without JavaScript.
#[component]
pub fn CaseSearchForm(
    value: String,
    #[prop(optional)] compact: bool,
    /// The party filter; offered on the search page only (not in the compact box).
    #[prop(optional)]
    party: Option<String>,
) -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <form method="get" action="/support/soeg" role="search" class="case-search" class:compact=compact>
            <label for="case-q">{lang.pick("Søg i sager (nummer, navn, CVR, tekst)", "Search cases (number, name, CVR, text)")}</label>
            <input id="case-q" name="q" type="search" value=value autocomplete="off"/>
            {party.map(|chosen| view! {
                <label for="case-party">{lang.pick("Part", "Party")}</label>
                <select id="case-party" name="party">
                    <option value="">{lang.pick("Alle", "All")}</option>
                    {Party::ALL.into_iter().map(|p| view! {
                        <option value=p.as_str() selected=chosen == p.as_str()>{p.label(lang)}</option>
                    }).collect_view()}
                </select>
            })}
            <button type="submit">{lang.pick("Søg", "Search")}</button>
        </form>
    }
}

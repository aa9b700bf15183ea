use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::search_box::SearchBox;
use crate::components::urgent_box::UrgentBox;
use crate::domain::System;
use crate::domain::help_activity::guide_from_search;
use crate::functions::help::search_help;
use crate::page_context::use_page_context;

/// `/soeg?q=…&system=…`: results with highlighted snippets and filters by system.
#[component]
pub fn SearchResults() -> impl IntoView {
    let lang = use_page_context().lang;
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let system = move || query.read().get("system").filter(|s| !s.is_empty());
    let results = Resource::new(move || (q(), system()), |(q, s)| search_help(q, s, None));

    view! {
        <Title text=lang.pick("Søg", "Search")/>
        <div class="page">
            <h1>{lang.pick("Søg i vejledningerne", "Search the guides")}</h1>
            {move || view! { <SearchBox initial=q()/> }}
            <Suspense fallback=move || view! { <p>{lang.pick("Søger …", "Searching …")}</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(page) if page.query.trim().is_empty() && page.system.is_none() => view! {
                            <p>{lang.pick("Skriv, hvad du har brug for hjælp til.", "Type what you need help with.")}</p>
                        }.into_any(),
                        Ok(page) => {
                            let heading = match (&page.system, page.query.trim().is_empty()) {
                                (Some(s), true) => format!("{} {s}", lang.pick("Vejledninger om", "Guides about")),
                                _ => match (lang, page.total) {
                                    (crate::i18n::Lang::Da, 1) => format!("1 vejledning fundet for »{}«", page.query.trim()),
                                    (crate::i18n::Lang::Da, n) => format!("{n} vejledninger fundet for »{}«", page.query.trim()),
                                    (crate::i18n::Lang::En, 1) => format!("1 guide found for “{}”", page.query.trim()),
                                    (crate::i18n::Lang::En, n) => format!("{n} guides found for “{}”", page.query.trim()),
                                },
                            };
                            let q_now = page.query.clone();
                            let facets = page.facets.clone();
                            let selected = page.system.clone();
                            view! {
                                <h2 id="results-title" aria-live="polite">{heading}</h2>
                                {(!facets.is_empty()).then(|| view! {
                                    <nav class="facets" aria-label=lang.pick("Afgræns efter område", "Filter by area")>
                                        <ul>
                                            <li>
                                                <a href=format!("/soeg?q={}", urlencode(&q_now))
                                                   aria-current=selected.is_none().then_some("page")>
                                                    {lang.pick("Alle områder", "All areas")}
                                                </a>
                                            </li>
                                            {facets.into_iter().map(|(name, count)| {
                                                let slug = System::parse(&name).map(|s| s.slug()).unwrap_or_default();
                                                let current = selected.as_deref() == Some(name.as_str());
                                                view! {
                                                    <li>
                                                        <a href=format!("/soeg?q={}&system={slug}", urlencode(&q_now))
                                                           aria-current=current.then_some("page")>
                                                            {format!("{name} ({count})")}
                                                        </a>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </nav>
                                })}
                                {if page.hits.is_empty() {
                                    view! {
                                        <div class="no-results">
                                            <p>{lang.pick(
                                                "Vi fandt ingen vejledning. Prøv andre ord, eller kontakt os.",
                                                "We found no guide. Try other words, or contact us.",
                                            )}</p>
                                            <UrgentBox/>
                                        </div>
                                    }.into_any()
                                } else {
                                    view! {
                                        <ol class="results">
                                            {page.hits.into_iter().map(|hit| view! {
                                                <li class="result">
                                                    <h3>
                                                        <a href=guide_from_search(&hit.slug) hreflang=hit.lang.clone()>
                                                            {hit.title}
                                                        </a>
                                                        {(hit.lang != lang.code()).then(|| view! {
                                                            <span class="lang-tag">{if hit.lang == "en" { " (English)" } else { " (dansk)" }}</span>
                                                        })}
                                                    </h3>
                                                    <p class="snippet" lang=hit.lang inner_html=hit.snippet_html></p>
                                                    <p class="systems">{hit.systems.join(" · ")}</p>
                                                </li>
                                            }).collect_view()}
                                        </ol>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
pub fn urlencode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

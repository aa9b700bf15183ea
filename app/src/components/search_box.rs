use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::help_activity::guide_from_search;
use crate::domain::kb_views::SearchHitView;
use crate::functions::help::suggest_help;
use crate::hydration::IslandReady;
use crate::page_context::use_page_context;

/// Guides matching what is typed into a field: the matches, and the `on:input` handler that
/// looks them up once the text has `min_chars` characters. Answers can arrive out of order;
/// only the newest query's answer is shown.
pub fn use_article_suggestions(
    min_chars: usize,
    limit: usize,
) -> (
    RwSignal<Vec<SearchHitView>>,
    impl Fn(leptos::ev::Event) + Copy + 'static,
) {
    let hits = RwSignal::new(Vec::<SearchHitView>::new());
    let latest = StoredValue::new(0u64);
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        if text.trim().chars().count() < min_chars {
            hits.set(Vec::new());
            return;
        }
        spawn_local(async move {
            let found = suggest_help(text, Some(limit))
                .await
                .map(|p| p.hits)
                .unwrap_or_default();
            if latest.get_value() == ticket {
                hits.set(found);
            }
        });
    };
    (hits, on_input)
}

/// The help search form. A plain GET form that works without JavaScript; with JavaScript it
/// also suggests matching articles while the citizen types. An island: the only code the
/// help pages ship.
#[island]
pub fn SearchBox(#[prop(into)] initial: String) -> impl IntoView {
    let lang = use_page_context().lang;
    let (hits, on_input) = use_article_suggestions(2, 5);

    view! {
        <form class="search" role="search" method="get" action="/soeg">
            <label for="q">{lang.pick("Søg i vejledningerne", "Search the guides")}</label>
            <div class="search-row">
                <input
                    id="q"
                    name="q"
                    type="search"
                    value=initial
                    autocomplete="off"
                    aria-describedby="q-hint"
                    aria-controls="q-suggestions"
                    on:input=on_input
                />
                <button type="submit">{lang.pick("Søg", "Search")}</button>
            </div>
            <p id="q-hint" class="hint">
                {lang.pick(
                    "Skriv med dine egne ord, fx »mistet kodeviser« eller »glemt bruger-id«.",
                    "Use your own words, e.g. “lost code display” or “forgot user-ID”.",
                )}
            </p>
            <div id="q-suggestions" class="suggestions" aria-live="polite">
                {move || {
                    let list = hits.get();
                    (!list.is_empty()).then(|| view! {
                        <p class="suggestions-title">
                            {format!("{} {}", list.len(), lang.pick("forslag:", "suggestions:"))}
                        </p>
                        <ul>
                            {list.into_iter().map(|h| view! {
                                <li><a href=guide_from_search(&h.slug) hreflang=h.lang.clone()>{h.title}</a></li>
                            }).collect_view()}
                        </ul>
                    })
                }}
            </div>
            <IslandReady/>
        </form>
    }
}

//! The knowledge base beside a case: search as you type (or with the form, without
//! JavaScript), read the snippet, and insert a public article's link into the reply.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::functions::staff_search::search_kb_for_case;
use crate::page_context::use_page_context;

/// `reply` is the reply box's text, when the case has one to insert links into.
#[component]
pub fn KbPanel(reply: Option<RwSignal<String>>) -> impl IntoView {
    let lang = use_page_context().lang;
    let query = use_query_map();
    let typed = RwSignal::new(query.read_untracked().get("kb").unwrap_or_default());
    let inserted = RwSignal::new(None::<String>);
    let hits = Resource::new(move || typed.get(), search_kb_for_case);
    view! {
        <section class="panel kb-panel" aria-labelledby="kb-title">
            <h2 id="kb-title">{lang.pick("Vidensbase", "Knowledge base")}</h2>
            <form method="get" role="search" class="stack">
                <label for="kb-q">{lang.pick("Søg i artikler", "Search articles")}</label>
                <input id="kb-q" name="kb" type="search" autocomplete="off"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))/>
                <button type="submit" class="secondary">{lang.pick("Søg", "Search")}</button>
            </form>
            <p class="visually-hidden" role="status" aria-live="polite">{move || inserted.get()}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match hits.await {
                        Err(e) => view! { <p class="error">{e.message(lang)}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="hint">{(!typed.get_untracked().trim().is_empty()).then(|| lang.pick("Ingen artikler fundet.", "No articles found."))}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="kb-hits">
                                {list.into_iter().map(|a| {
                                    let line = format!("{}: {}", a.title, a.url);
                                    let title = a.title.clone();
                                    view! {
                                        <li>
                                            {if a.internal {
                                                view! { <strong>{a.title.clone()}</strong> " " <span class="badge">{lang.pick("Intern", "Internal")}</span> }.into_any()
                                            } else {
                                                view! { <a href=format!("/hjaelp/{}", a.slug) target="_blank" rel="noopener">{a.title.clone()}</a> }.into_any()
                                            }}
                                            <p class="snippet" inner_html=a.snippet_html></p>
                                            {(!a.internal).then(|| reply.map(|reply| {
                                                let line = line.clone();
                                                let title = title.clone();
                                                view! {
                                                    <button type="button" class="secondary insert-link" on:click=move |_| {
                                                        reply.update(|r| {
                                                            if !r.is_empty() && !r.ends_with('\n') {
                                                                r.push('\n');
                                                            }
                                                            r.push_str(&line);
                                                            r.push('\n');
                                                        });
                                                        inserted.set(Some(match lang {
                                                            crate::i18n::Lang::Da => format!("Link til «{title}» er sat ind i svaret."),
                                                            crate::i18n::Lang::En => format!("Link to “{title}” inserted into the reply."),
                                                        }));
                                                    }>
                                                        {lang.pick("Indsæt link i svar", "Insert link in reply")}
                                                    </button>
                                                }
                                            }))}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

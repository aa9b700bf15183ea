use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::csrf_field::CsrfField;
use crate::domain::help_activity::{FROM_SEARCH, TRAIL_PARAM, came_from_search};
use crate::functions::help::{ArticleFeedback, get_article};
use crate::page_context::use_page_context;
use crate::pages::not_found::NotFound;

/// `/hjaelp/:slug`: one article, related articles and "did this help?".
#[component]
pub fn ArticleView() -> impl IntoView {
    let lang = use_page_context().lang;
    let params = use_params_map();
    let query = use_query_map();
    let thanked = query.read_untracked().get("tak").is_some();
    let trail = query.read_untracked().get(TRAIL_PARAM);
    let from_search = came_from_search(trail.as_deref());
    let article = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        move |slug| get_article(slug, trail.clone()),
    );
    view! {
        <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter …", "Loading …")}</p> }>
            {move || Suspend::new(async move {
                match article.await {
                    Err(e) => view! { <div class="page"><p class="error" role="alert">{e.message(lang)}</p></div> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Ok(Some(a)) => view! {
                        <Title text=a.title.clone()/>
                        <Meta name="description" content=a.summary.clone()/>
                        <div class="page article-layout">
                            <article lang=a.lang.clone() aria-labelledby="article-title">
                                <p class="breadcrumb"><a href="/">{lang.pick("Hjælp", "Help")}</a> " › " {a.systems.join(", ")}</p>
                                <h1 id="article-title">{a.title.clone()}</h1>
                                <p class="lead">{a.summary.clone()}</p>
                                {a.translation.clone().map(|t| view! {
                                    <p class="translation">
                                        <a href=format!("/hjaelp/{}", t.slug) hreflang=t.lang.clone() lang=t.lang.clone()>
                                            {if t.lang == "en" { "Read this in English" } else { "Læs på dansk" }}
                                        </a>
                                    </p>
                                })}
                                <div class="article-body" inner_html=a.body_html.clone()></div>
                                <p class="updated">{lang.pick("Opdateret ", "Updated ")}{a.updated_at.clone()}</p>
                            </article>
                            <aside class="article-aside" aria-label=lang.pick("Mere hjælp", "More help")>
                                <Feedback article_id=a.id slug=a.slug.clone() thanked=thanked/>
                                <section class="panel" aria-labelledby="write-title">
                                    <h2 id="write-title">{lang.pick("Fik du ikke svar?", "Still need help?")}</h2>
                                    // The search trail goes on to the form: a citizen who writes
                                    // in after this guide is counted as not helped by the search.
                                    <p><a href=if from_search { format!("/kontakt?{TRAIL_PARAM}={FROM_SEARCH}") } else { "/kontakt".to_owned() }>
                                        {lang.pick("Skriv til supporten", "Write to the support line")}
                                    </a></p>
                                </section>
                                {(!a.related.is_empty()).then(|| view! {
                                    <section aria-labelledby="related-title">
                                        <h2 id="related-title">{lang.pick("Relaterede vejledninger", "Related guides")}</h2>
                                        <ul class="related">
                                            {a.related.iter().map(|r| view! {
                                                <li><a href=format!("/hjaelp/{}", r.slug) hreflang=r.lang.clone()>{r.title.clone()}</a></li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                            </aside>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Feedback(article_id: i64, slug: String, thanked: bool) -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <section id="feedback" class="feedback panel" aria-labelledby="feedback-title">
            <h2 id="feedback-title">{lang.pick("Hjalp vejledningen dig?", "Did this guide help you?")}</h2>
            {if thanked {
                view! { <p role="status">{lang.pick("Tak for din tilbagemelding.", "Thank you for your feedback.")}</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=ArticleFeedback::url() class="feedback-buttons">
                        <CsrfField/>
                        <input type="hidden" name="article_id" value=article_id.to_string()/>
                        <input type="hidden" name="slug" value=slug/>
                        <button type="submit" name="helpful" value="true">{lang.pick("Ja", "Yes")}</button>
                        <button type="submit" name="helpful" value="false" class="secondary">{lang.pick("Nej", "No")}</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}

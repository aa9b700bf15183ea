use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{status_badge, time_cell};
use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::domain::kb_admin_views::{
    KbArticleSummary, LANGS, STATUSES, audience_label, lang_label, status_label,
};
use crate::functions::kb_admin::{list_kb_articles, load_kb_insights};
use crate::i18n::Lang;
use crate::page_context::use_page_context;

/// `/admin/vidensbase?status=…&lang=…`: every article, what citizens searched for without
/// finding anything, and the articles readers found least helpful.
#[component]
pub fn AdminKbList() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Vidensbase", "Knowledge base")/>
        <RequireRole role=Role::Admin>
            <KbList/>
        </RequireRole>
    }
}

fn filter_value(value: Option<String>, allowed: &[&str]) -> Option<String> {
    value.filter(|v| allowed.contains(&v.as_str()))
}

#[component]
fn KbList() -> impl IntoView {
    let lang = use_page_context().lang;
    let query = use_query_map();
    let status = move || filter_value(query.read().get("status"), &STATUSES);
    let article_lang = move || filter_value(query.read().get("lang"), &LANGS);
    let articles = Resource::new(
        move || (status(), article_lang()),
        |(status, article_lang)| list_kb_articles(status, article_lang),
    );
    let insights = Resource::new(|| (), |_| load_kb_insights());
    let loading = move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> };

    view! {
        <div class="page kb-admin">
            <nav class="breadcrumb" aria-label=lang.pick("Brødkrumme", "Breadcrumb")>
                <a href="/admin">{lang.pick("Administration", "Administration")}</a>
                " › "
                <span aria-current="page">{lang.pick("Vidensbase", "Knowledge base")}</span>
            </nav>
            <div class="page-head">
                <h1>{lang.pick("Vidensbase", "Knowledge base")}</h1>
                <a class="button" href="/admin/vidensbase/ny">
                    {lang.pick("Ny vejledning", "New guide")}
                </a>
            </div>
            <Filters
                status=filter_value(query.read_untracked().get("status"), &STATUSES)
                article_lang=filter_value(query.read_untracked().get("lang"), &LANGS)
            />
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match articles.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(rows) => view! { <ArticleTable rows/> }.into_any(),
                    }
                })}
            </Suspense>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match insights.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(insights) => view! {
                            <section class="kb-section" aria-labelledby="misses-title">
                                <h2 id="misses-title">{lang.pick("Søgninger uden resultat", "Searches without results")}</h2>
                                <p class="hint">
                                    {lang.pick(
                                        "Det, borgerne søgte efter uden at finde en vejledning, hyppigste først. Søgninger, der kan indeholde et CPR-nummer, gemmes ikke.",
                                        "What citizens searched for without finding a guide, most frequent first. Searches that may hold a CPR number are not stored.",
                                    )}
                                </p>
                                {if insights.misses.is_empty() {
                                    view! { <p>{lang.pick("Ingen søgninger uden resultat endnu.", "No searches without results yet.")}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-scroll" role="region" tabindex="0" aria-labelledby="misses-title">
                                            <table class="data">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{lang.pick("Søgning", "Search")}</th>
                                                        <th scope="col">{lang.pick("Sprog", "Language")}</th>
                                                        <th scope="col" class="num">{lang.pick("Antal", "Count")}</th>
                                                        <th scope="col">{lang.pick("Senest (UTC)", "Last (UTC)")}</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {insights.misses.into_iter().map(|m| view! {
                                                        <tr class="miss">
                                                            <td lang=m.lang.clone()>{m.query}</td>
                                                            <td>{lang_label(&m.lang, lang)}</td>
                                                            <td class="num">{m.count}</td>
                                                            <td>{time_cell(m.last_at)}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                            </section>
                            <section class="kb-section" aria-labelledby="unhelpful-title">
                                <h2 id="unhelpful-title">{lang.pick("Flest nej til »Hjalp vejledningen dig?«", "Most “no” to “Did this guide help you?”")}</h2>
                                {if insights.unhelpful.is_empty() {
                                    view! { <p>{lang.pick("Ingen har svaret nej endnu.", "Nobody has answered no yet.")}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-scroll" role="region" tabindex="0" aria-labelledby="unhelpful-title">
                                            <table class="data">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{lang.pick("Titel", "Title")}</th>
                                                        <th scope="col">{lang.pick("Sprog", "Language")}</th>
                                                        <th scope="col">{lang.pick("Status", "Status")}</th>
                                                        <th scope="col" class="num">{lang.pick("Nej", "No")}</th>
                                                        <th scope="col" class="num">{lang.pick("Ja", "Yes")}</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {insights.unhelpful.into_iter().map(|a| view! {
                                                        <tr class="unhelpful">
                                                            <td lang=a.lang.clone()>
                                                                <a href=format!("/admin/vidensbase/{}", a.id)>{a.title}</a>
                                                            </td>
                                                            <td>{lang_label(&a.lang, lang)}</td>
                                                            <td>{status_badge(&a.status, lang)}</td>
                                                            <td class="num">{a.helpful_no}</td>
                                                            <td class="num">{a.helpful_yes}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// A plain GET form: the filters live in the address, so they work without JavaScript and can
/// be bookmarked.
#[component]
fn Filters(status: Option<String>, article_lang: Option<String>) -> impl IntoView {
    let lang = use_page_context().lang;
    let status_options = STATUSES
        .into_iter()
        .map(|s| {
            let selected = status.as_deref() == Some(s);
            view! { <option value=s selected=selected>{status_label(s, lang)}</option> }
        })
        .collect_view();
    let lang_options = LANGS
        .into_iter()
        .map(|code| {
            let selected = article_lang.as_deref() == Some(code);
            view! { <option value=code selected=selected>{lang_label(code, lang)}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action="/admin/vidensbase" class="kb-filters"
              aria-label=lang.pick("Filtrér vejledningerne", "Filter the guides")>
            <div class="field">
                <label for="filter-status">{lang.pick("Status", "Status")}</label>
                <select id="filter-status" name="status">
                    <option value="" selected=status.is_none()>{lang.pick("Alle", "All")}</option>
                    {status_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-lang">{lang.pick("Sprog", "Language")}</label>
                <select id="filter-lang" name="lang">
                    <option value="" selected=article_lang.is_none()>{lang.pick("Alle", "All")}</option>
                    {lang_options}
                </select>
            </div>
            <button type="submit">{lang.pick("Filtrér", "Filter")}</button>
        </form>
    }
}

#[component]
fn ArticleTable(rows: Vec<KbArticleSummary>) -> impl IntoView {
    let lang = use_page_context().lang;
    let caption = match (lang, rows.len()) {
        (Lang::Da, 1) => "1 vejledning".to_owned(),
        (Lang::Da, n) => format!("{n} vejledninger"),
        (Lang::En, 1) => "1 guide".to_owned(),
        (Lang::En, n) => format!("{n} guides"),
    };
    if rows.is_empty() {
        return view! {
            <p class="kb-count" role="status">
                {lang.pick("Ingen vejledninger passer til filteret.", "No guides match the filter.")}
            </p>
        }
        .into_any();
    }
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-labelledby="kb-articles-caption">
            <table class="data kb-articles">
                <caption id="kb-articles-caption">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{lang.pick("Titel", "Title")}</th>
                        <th scope="col">{lang.pick("Sprog", "Language")}</th>
                        <th scope="col">{lang.pick("Systemer", "Systems")}</th>
                        <th scope="col">{lang.pick("Målgruppe", "Audience")}</th>
                        <th scope="col">{lang.pick("Status", "Status")}</th>
                        <th scope="col" class="num">{lang.pick("Version", "Version")}</th>
                        <th scope="col">{lang.pick("Opdateret (UTC)", "Updated (UTC)")}</th>
                        <th scope="col">{lang.pick("Af", "By")}</th>
                        <th scope="col" class="num">{lang.pick("Hjalp: ja", "Helped: yes")}</th>
                        <th scope="col" class="num">{lang.pick("Hjalp: nej", "Helped: no")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|a| {
                        let row_slug = a.slug.clone();
                        view! {
                        <tr class="kb-article" data-slug=row_slug>
                            <th scope="row" lang=a.lang.clone()>
                                <a href=format!("/admin/vidensbase/{}", a.id)>{a.title}</a>
                                <span class="slug">{a.slug}</span>
                            </th>
                            <td>{lang_label(&a.lang, lang)}</td>
                            <td>{a.systems.join(", ")}</td>
                            <td>{audience_label(&a.audience, lang)}</td>
                            <td>{status_badge(&a.status, lang)}</td>
                            <td class="num">{a.version}</td>
                            <td>{time_cell(a.updated_at)}</td>
                            <td>{a.updated_by}</td>
                            <td class="num helpful-yes">{a.helpful_yes}</td>
                            <td class="num helpful-no">{a.helpful_no}</td>
                        </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

//! `/support`: the supporters' queue, built to be lived in for a shift. Saved views with live
//! counts in a side column, the filters folded into one bar, one dense row per case, the urgent
//! lane first; `j`/`k` walk the rows, Enter opens one.

mod filter_bar;
mod rows;
mod views;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::require_role::RequireRole;
use crate::components::shortcuts::{Move, Shortcut, Shortcuts};
use crate::domain::case_views::QueueFilter;
use crate::domain::live_case::LiveCase;
use crate::domain::queue_order::QueueSort;
use crate::domain::{Priority, Role};
use crate::functions::cases::case_queue;
use crate::page_context::use_page_context;
use crate::pages::case_search::CaseSearchForm;

/// The queue's keys: walk the list and open a case with Enter.
const QUEUE_KEYS: &[Shortcut] = &[
    (
        'j',
        Move::Step("table.queue a.case-link", 1),
        "Næste sag",
        "Next case",
    ),
    (
        'k',
        Move::Step("table.queue a.case-link", -1),
        "Forrige sag",
        "Previous case",
    ),
    (
        'u',
        Move::Follow("view-urgent"),
        "Vis akutte sager",
        "Show urgent cases",
    ),
    (
        'm',
        Move::Follow("view-mine"),
        "Vis mine sager",
        "Show my cases",
    ),
    ('/', Move::Focus("case-q"), "Søg i sager", "Search cases"),
];

/// The filters as the URL carries them; the view links and the filter bar write the same keys.
pub(crate) const FILTER_KEYS: [&str; 9] = [
    "system", "category", "status", "priority", "channel", "assignee", "party", "cvr", "sort",
];

#[component]
pub fn SupporterHome() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Sagskø", "Case queue")/>
        <RequireRole role=Role::Supporter>
            <Queue/>
        </RequireRole>
    }
}

fn param(map: &leptos_router::params::ParamsMap, key: &str) -> Option<String> {
    map.get(key).filter(|v| !v.is_empty())
}

#[component]
fn Queue() -> impl IntoView {
    let lang = use_page_context().lang;
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        (
            QueueFilter {
                system: param(&q, "system"),
                category: param(&q, "category"),
                status: param(&q, "status"),
                priority: param(&q, "priority"),
                channel: param(&q, "channel"),
                assignee: param(&q, "assignee"),
                party: param(&q, "party"),
                cvr: param(&q, "cvr"),
                sort: QueueSort::parse(q.get("sort").as_deref()),
                after: None,
            },
            param(&q, "after"),
        )
    };
    let page = Resource::new(filter, |(f, after)| {
        case_queue(
            f.system,
            f.category,
            f.status,
            f.priority,
            f.channel,
            f.assignee,
            f.party,
            f.cvr,
            Some(f.sort.as_str().to_owned()),
            after,
        )
    });
    // New cases arrive by server-sent events: announce urgent ones, refresh list and counts.
    let arrived = RwSignal::new(None::<LiveCase>);
    let cursor = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let source = crate::components::live_feed::subscribe(move |case| {
            if case.priority == Priority::Urgent {
                arrived.set(Some(case));
            }
            page.refetch();
        });
        let source = StoredValue::new_local(source);
        on_cleanup(move || {
            source.with_value(|s| {
                if let Some(s) = s {
                    s.close();
                }
            })
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = Priority::Urgent;
    view! {
        <div class="queue-page">
            <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter sager …", "Loading cases …")}</p> }>
                {move || Suspend::new(async move {
                    let (current, after) = filter();
                    match page.await {
                        Err(e) => view! { <p class="error page" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(page) => view! {
                            <views::ViewColumn views=page.views.clone() current=current.clone()/>
                            <section class="queue-main" aria-labelledby="queue-title">
                                <div class="queue-top">
                                    <h1 id="queue-title">{lang.pick("Sagskø", "Case queue")}</h1>
                                    <p class="queue-total" aria-live="polite">
                                        {format!("{} {}", page.total, lang.pick("sager i visningen", "cases in this view"))}
                                        " · "
                                        <strong class="urgent-count">{format!("{} {}", page.urgent_open, lang.pick("akutte", "urgent"))}</strong>
                                    </p>
                                    <CaseSearchForm value=String::new() compact=true/>
                                    <Shortcuts keys=QUEUE_KEYS/>
                                </div>
                                <div class="live" role="status" aria-live="assertive">
                                    {move || arrived.get().map(|c| view! {
                                        <p class="urgent-arrival">
                                            <strong>{lang.pick("Ny akut sag: ", "New urgent case: ")}</strong>
                                            <a href=format!("/support/sag/{}", c.reference)>{c.reference.clone()}</a>
                                            " " {c.subject.clone()} " (" {c.system.name()} ")"
                                        </p>
                                    })}
                                </div>
                                <BulkNotice/>
                                <filter_bar::FilterBar filter=current.clone()/>
                                <rows::QueueTable page=page.clone() lang=lang cursor=cursor/>
                                <rows::Pager current=current after=after next=page.next.clone()/>
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// What a bulk status change did, after its redirect back here.
#[component]
fn BulkNotice() -> impl IntoView {
    let lang = use_page_context().lang;
    let query = use_query_map();
    move || {
        let q = query.read();
        q.get("aendret").map(|changed| {
            let skipped = q.get("sprunget").unwrap_or_default();
            view! {
                <p class="notice" role="status">{match lang {
                    crate::i18n::Lang::Da => format!("{changed} sager fik ny status. {skipped} sprunget over (kan ikke skifte dertil fra deres status)."),
                    crate::i18n::Lang::En => format!("{changed} cases changed status. {skipped} skipped (cannot move there from their status)."),
                }}</p>
            }
        })
    }
}

/// `/support?…` for a filter, keeping only the keys that are set.
pub(crate) fn href(filter: &QueueFilter, after: Option<&str>) -> String {
    let values = [
        &filter.system,
        &filter.category,
        &filter.status,
        &filter.priority,
        &filter.channel,
        &filter.assignee,
        &filter.party,
        &filter.cvr,
    ];
    let mut pairs: Vec<(&str, String)> = FILTER_KEYS
        .iter()
        .zip(values)
        .filter_map(|(k, v)| v.as_ref().map(|v| (*k, v.clone())))
        .collect();
    if filter.sort != QueueSort::Due {
        pairs.push(("sort", filter.sort.as_str().to_owned()));
    }
    if let Some(after) = after {
        pairs.push(("after", after.to_owned()));
    }
    if pairs.is_empty() {
        return "/support".to_owned();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("/support?{query}")
}

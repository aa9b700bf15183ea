//! The saved views in the queue's side column, each with how many open cases it holds now.

use leptos::prelude::*;

use crate::domain::case_views::{QueueFilter, QueueViews};
use crate::page_context::use_page_context;

/// One saved view: its filter, its words, its count and (for a shortcut) an id.
struct View {
    filter: QueueFilter,
    da: &'static str,
    en: &'static str,
    count: i64,
    id: Option<&'static str>,
    urgent: bool,
}

fn filter(set: impl FnOnce(&mut QueueFilter)) -> QueueFilter {
    let mut f = QueueFilter::default();
    set(&mut f);
    f
}

/// Whether the page shows this view: the same filters, whatever the order or page.
fn is_current(view: &QueueFilter, current: &QueueFilter) -> bool {
    let plain = |f: &QueueFilter| QueueFilter {
        sort: Default::default(),
        after: None,
        ..f.clone()
    };
    plain(view) == plain(current)
}

#[component]
pub fn ViewColumn(views: QueueViews, current: QueueFilter) -> impl IntoView {
    let lang = use_page_context().lang;
    let work = [
        View {
            filter: QueueFilter::default(),
            da: "Alt åbent arbejde",
            en: "All open work",
            count: views.open,
            id: None,
            urgent: false,
        },
        View {
            filter: filter(|f| f.priority = Some("urgent".into())),
            da: "Akutte",
            en: "Urgent",
            count: views.urgent,
            id: Some("view-urgent"),
            urgent: true,
        },
        View {
            filter: filter(|f| f.assignee = Some("me".into())),
            da: "Mine sager",
            en: "My cases",
            count: views.mine,
            id: Some("view-mine"),
            urgent: false,
        },
        View {
            filter: filter(|f| f.assignee = Some("none".into())),
            da: "Ufordelte",
            en: "Unassigned",
            count: views.unassigned,
            id: None,
            urgent: false,
        },
        View {
            filter: filter(|f| f.status = Some("waiting_on_citizen".into())),
            da: "Venter på borger",
            en: "Waiting on citizen",
            count: views.waiting_on_citizen,
            id: None,
            urgent: false,
        },
    ];
    let item = move |v: View, label: String| {
        let here = is_current(&v.filter, &current);
        view! {
            <li class:current=here class:urgent-view={v.urgent && v.count > 0}>
                <a id=v.id href=super::href(&v.filter, None) aria-current=here.then_some("page")>
                    <span class="view-name">{label}</span>
                    <span class="view-count">{v.count}</span>
                </a>
            </li>
        }
    };
    let systems = views.systems.clone();
    let system_items: Vec<_> = systems
        .into_iter()
        .map(|(system, count)| {
            let v = View {
                filter: filter(|f| f.system = Some(system.slug().into())),
                da: "",
                en: "",
                count,
                id: None,
                urgent: false,
            };
            item(v, system.name().to_owned())
        })
        .collect();
    view! {
        <nav class="view-column" aria-label=lang.pick("Visninger", "Views")>
            <h2 class="view-heading">{lang.pick("Visninger", "Views")}</h2>
            <ul>
                {work.into_iter().map(|v| {
                    let label = lang.pick(v.da, v.en).to_owned();
                    item(v, label)
                }).collect_view()}
            </ul>
            <h2 class="view-heading">{lang.pick("Områder", "Systems")}</h2>
            <ul>{system_items}</ul>
            <p class="view-foot"><a href="/support/soeg">{lang.pick("Find borger eller sag", "Find a citizen or case")}</a></p>
        </nav>
    }
}

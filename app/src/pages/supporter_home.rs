use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::require_role::RequireRole;
use crate::components::shortcuts::{Move, Shortcut, Shortcuts};
use crate::domain::case_views::QueueFilter;
use crate::domain::live_case::LiveCase;
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
];
use crate::components::csrf_field::CsrfField;
use crate::domain::case_category::Lane;
use crate::domain::{Category, Channel, Priority, Role, Status, System};
use crate::functions::cases::{BulkStatus, case_queue};
use crate::page_context::use_page_context;
use leptos::server_fn::ServerFn;

/// The supporters' queue: one list across the six systems; the urgent lane first, then urgent
/// requests that came in anonymously (unverified), then the rest, each by due time.
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
        QueueFilter {
            system: param(&q, "system"),
            category: param(&q, "category"),
            status: param(&q, "status"),
            priority: param(&q, "priority"),
            channel: param(&q, "channel"),
            assignee: param(&q, "assignee"),
        }
    };
    let page = Resource::new(filter, |f| {
        case_queue(
            f.system, f.category, f.status, f.priority, f.channel, f.assignee,
        )
    });
    // New cases arrive by server-sent events: announce urgent ones and refresh the list.
    let arrived = RwSignal::new(None::<LiveCase>);
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
    let views: [(&str, &str, &str); 5] = [
        ("/support", "Alt åbent arbejde", "All open work"),
        ("/support?priority=urgent", "Akutte", "Urgent"),
        ("/support?assignee=me", "Mine sager", "My cases"),
        ("/support?assignee=none", "Ufordelte", "Unassigned"),
        (
            "/support?status=waiting_on_citizen",
            "Venter på borger",
            "Waiting on citizen",
        ),
    ];
    view! {
        <div class="page wide">
            <h1>{lang.pick("Sagskø", "Case queue")}</h1>
            <Shortcuts keys=QUEUE_KEYS/>
            <nav class="views" aria-label=lang.pick("Gemte visninger", "Saved views")>
                <ul>
                    {views.into_iter().map(|(href, da, en)| {
                        let id = (href == "/support?priority=urgent").then_some("view-urgent");
                        view! { <li><a id=id href=href>{lang.pick(da, en)}</a></li> }
                    }).collect_view()}
                </ul>
            </nav>
            <div class="live" role="status" aria-live="assertive">
                {move || arrived.get().map(|c| view! {
                    <p class="urgent-arrival">
                        <strong>{lang.pick("Ny akut sag: ", "New urgent case: ")}</strong>
                        <a href=format!("/support/sag/{}", c.reference)>{c.reference.clone()}</a>
                        " " {c.subject.clone()} " (" {c.system.name()} ")"
                    </p>
                })}
            </div>
            {move || {
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
            }}
            <CaseSearchForm value=String::new()/>
            <FilterForm filter=filter()/>
            <Suspense fallback=move || view! { <p>{lang.pick("Henter sager …", "Loading cases …")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(page) => view! {
                            <p class="counts" aria-live="polite">
                                <strong class="urgent-count">{format!("{} {}", page.urgent_open, lang.pick("akutte", "urgent"))}</strong>
                                {page.counts.iter().map(|(s, n)| format!(" · {} {}", n, s.label(lang).to_lowercase())).collect::<String>()}
                            </p>
                            <form method="post" action=BulkStatus::url() id="bulk-form" class="bulk">
                            <CsrfField/>
                            <div class="bulk-bar">
                                <label for="bulk-status">{lang.pick("Skift status for de markerede sager til", "Change the status of the selected cases to")}</label>
                                <select id="bulk-status" name="status">
                                    {[Status::Open, Status::WaitingOnCitizen, Status::Resolved, Status::Closed].into_iter().map(|s| view! {
                                        <option value=s.as_str()>{s.label(lang)}</option>
                                    }).collect_view()}
                                </select>
                                <button type="submit" id="bulk-submit">{lang.pick("Skift status", "Change status")}</button>
                            </div>
                            <table class="data queue">
                                <caption>{format!("{} {}", page.total, lang.pick("sager i visningen", "cases in this view"))}</caption>
                                <thead><tr>
                                    <th scope="col"><span class="visually-hidden">{lang.pick("Markér", "Select")}</span></th>
                                    <th scope="col">{lang.pick("Sag", "Case")}</th>
                                    <th scope="col">{lang.pick("Emne", "Subject")}</th>
                                    <th scope="col">{lang.pick("Område", "Area")}</th>
                                    <th scope="col">{lang.pick("Kategori", "Category")}</th>
                                    <th scope="col">{lang.pick("Prioritet", "Priority")}</th>
                                    <th scope="col">{lang.pick("Status", "Status")}</th>
                                    <th scope="col">{lang.pick("Ansvarlig", "Assignee")}</th>
                                    <th scope="col">{lang.pick("Frist", "Due")}</th>
                                </tr></thead>
                                <tbody>
                                    {page.rows.into_iter().enumerate().map(|(i, r)| {
                                        let lane = Lane::of(r.priority, r.channel);
                                        view! {
                                        <tr class:urgent-row=lane == Lane::Urgent class:unverified-row=lane == Lane::Unverified>
                                            <td><input type="checkbox" class="select" name=format!("references[{i}]") value=r.reference.clone()
                                                aria-label=format!("{} {}", lang.pick("Markér", "Select"), r.reference)/></td>
                                            <td><a class="case-link" href=format!("/support/sag/{}", r.reference)>{r.reference.clone()}</a></td>
                                            <td>{r.subject}<br/><small>{r.citizen_name.unwrap_or_default()}</small></td>
                                            <td>{r.system.name()}</td>
                                            <td>{r.category.label(lang)}</td>
                                            <td>
                                                <span class=format!("badge priority-{}", r.priority.as_str())>{r.priority.label(lang)}</span>
                                                {(lane == Lane::Unverified).then(|| view! {
                                                    " " <span class="badge unverified" title=lang.pick(
                                                        "Kom anonymt ind (webformular eller e-mail); ingen har bekræftet, hvem borgeren er.",
                                                        "Came in anonymously (web form or e-mail); nobody has confirmed who the citizen is.",
                                                    )>{lang.pick("Ubekræftet", "Unverified")}</span>
                                                })}
                                            </td>
                                            <td>{r.status.label(lang)}</td>
                                            <td>{r.assignee.unwrap_or_else(|| lang.pick("–", "–").to_owned())}</td>
                                            <td class:overdue=r.overdue>
                                                {r.resolution_due.chars().take(16).collect::<String>()}
                                                {r.overdue.then(|| view! { <span class="badge overdue-badge">{lang.pick(" Overskredet", " Overdue")}</span> })}
                                            </td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                            </form>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

fn options<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> String,
    selected: &Option<String>,
    any: &'static str,
) -> impl IntoView {
    let items: Vec<(String, String, bool)> = all
        .iter()
        .map(|t| {
            let v = value(*t);
            (v.to_owned(), label(*t), selected.as_deref() == Some(v))
        })
        .collect();
    view! {
        <option value="">{any}</option>
        {items.into_iter().map(|(v, l, s)| view! { <option value=v selected=s>{l}</option> }).collect_view()}
    }
}

#[component]
fn FilterForm(filter: QueueFilter) -> impl IntoView {
    let lang = use_page_context().lang;
    let any = lang.pick("Alle", "All");
    let select =
        |id: &'static str, label_da: &'static str, label_en: &'static str, opts: AnyView| {
            view! {
                <div class="field">
                    <label for=id>{lang.pick(label_da, label_en)}</label>
                    <select id=id name=id>{opts}</select>
                </div>
            }
        };
    let l = lang;
    view! {
        <form class="filters" method="get" action="/support" aria-label=lang.pick("Filtre", "Filters")>
            {select("system", "Område", "Area", options(&System::ALL, System::slug, |s| s.name().to_owned(), &filter.system.as_deref().and_then(System::parse).map(|s| s.slug().to_owned()), any).into_any())}
            {select("category", "Kategori", "Category", options(&Category::ALL, Category::as_str, move |c| c.label(l).to_owned(), &filter.category, any).into_any())}
            {select("status", "Status", "Status", options(&Status::ALL, Status::as_str, move |s| s.label(l).to_owned(), &filter.status, lang.pick("Åbent arbejde", "Open work")).into_any())}
            {select("priority", "Prioritet", "Priority", options(&Priority::ALL, Priority::as_str, move |p| p.label(l).to_owned(), &filter.priority, any).into_any())}
            {select("channel", "Kanal", "Channel", options(&Channel::ALL, Channel::as_str, move |c| c.label(l).to_owned(), &filter.channel, any).into_any())}
            <div class="field">
                <label for="assignee">{lang.pick("Ansvarlig", "Assignee")}</label>
                <select id="assignee" name="assignee">
                    <option value="">{any}</option>
                    <option value="me" selected=filter.assignee.as_deref() == Some("me")>{lang.pick("Mig", "Me")}</option>
                    <option value="none" selected=filter.assignee.as_deref() == Some("none")>{lang.pick("Ingen", "Nobody")}</option>
                </select>
            </div>
            <button type="submit">{lang.pick("Vis", "Show")}</button>
        </form>
    }
}

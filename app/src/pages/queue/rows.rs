//! The queue's table: one dense row per case, with the bulk status change above it and the
//! pager below.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::components::csrf_field::CsrfField;
use crate::domain::Status;
use crate::domain::case_category::Lane;
use crate::domain::case_views::{QueueFilter, QueuePage, QueueRow};
use crate::domain::queue_order::describe_minutes_left;
use crate::functions::cases::BulkStatus;
use crate::i18n::Lang;

/// `cursor` is the case the keyboard cursor was on: when the live feed refreshes the list
/// under it, the cursor goes back to the same case instead of dropping to the top.
#[component]
pub fn QueueTable(page: QueuePage, lang: Lang, cursor: RwSignal<Option<String>>) -> impl IntoView {
    let empty = page.rows.is_empty();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| restore_cursor(cursor.get_untracked()));
    view! {
        <form method="post" action=BulkStatus::url() id="bulk-form" class="bulk">
            <CsrfField/>
            <div class="bulk-bar">
                <label for="bulk-status">{lang.pick("Markerede sager:", "Selected cases:")}</label>
                <select id="bulk-status" name="status" class="compact">
                    {[Status::Open, Status::WaitingOnCitizen, Status::Resolved, Status::Closed].into_iter().map(|s| view! {
                        <option value=s.as_str()>{s.label(lang)}</option>
                    }).collect_view()}
                </select>
                <button type="submit" id="bulk-submit" class="compact">{lang.pick("Skift status", "Change status")}</button>
            </div>
            <div class="table-scroll">
            <table class="data queue">
                <caption class="visually-hidden">{format!("{} {}", page.total, lang.pick("sager i visningen", "cases in this view"))}</caption>
                <colgroup>
                    <col class="c-select"/><col class="c-ref"/><col class="c-subject"/><col class="c-party"/>
                    <col class="c-area"/><col class="c-priority"/><col class="c-status"/>
                    <col class="c-assignee"/><col class="c-due"/>
                </colgroup>
                <thead><tr>
                    <th scope="col"><span class="visually-hidden">{lang.pick("Markér", "Select")}</span></th>
                    <th scope="col">{lang.pick("Sag", "Case")}</th>
                    <th scope="col">{lang.pick("Emne", "Subject")}</th>
                    <th scope="col">{lang.pick("Borger", "Citizen")}</th>
                    <th scope="col">{lang.pick("Område · kategori", "System · category")}</th>
                    <th scope="col">{lang.pick("Prioritet", "Priority")}</th>
                    <th scope="col">{lang.pick("Status", "Status")}</th>
                    <th scope="col">{lang.pick("Ansvarlig", "Assignee")}</th>
                    <th scope="col">{lang.pick("Frist", "Due")}</th>
                </tr></thead>
                <tbody>
                    {page.rows.into_iter().enumerate().map(|(i, r)| view! { <Row index=i row=r lang=lang cursor=cursor/> }).collect_view()}
                </tbody>
            </table>
            </div>
            {empty.then(|| view! { <p class="empty">{lang.pick("Ingen sager i denne visning.", "No cases in this view.")}</p> })}
        </form>
    }
}

/// Focuses the link of `reference` when focus was lost (the list it was in was replaced).
#[cfg(feature = "hydrate")]
fn restore_cursor(reference: Option<String>) {
    use wasm_bindgen::JsCast;
    let Some(reference) = reference else { return };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lost = document
        .active_element()
        .is_none_or(|el| el.tag_name() == "BODY");
    if !lost {
        return;
    }
    let Ok(links) = document.query_selector_all("table.queue a.case-link") else {
        return;
    };
    for i in 0..links.length() {
        let Some(link) = links
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            continue;
        };
        if link.text_content().as_deref() == Some(reference.as_str()) {
            let _ = link.focus();
            return;
        }
    }
}

#[component]
fn Row(index: usize, row: QueueRow, lang: Lang, cursor: RwSignal<Option<String>>) -> impl IntoView {
    let r = row;
    let lane = Lane::of(r.priority, r.channel);
    let due_short = r.due_label.clone();
    let left = match r.minutes_left {
        Some(m) => describe_minutes_left(m, lang),
        None if r.status == Status::WaitingOnCitizen => lang.pick("på pause", "paused").to_owned(),
        None => String::new(),
    };
    // What a screen reader reads when `j`/`k` land on the row: the whole row in one line,
    // starting with the visible reference.
    let summary = format!(
        "{}, {}, {}, {}, {}, {} {}",
        r.reference,
        r.subject,
        r.priority.label(lang),
        r.status.label(lang),
        r.system.name(),
        lang.pick("frist", "due"),
        if left.is_empty() {
            due_short.clone()
        } else {
            format!("{due_short}, {left}")
        },
    );
    let due_title = format!(
        "{} {left}",
        r.resolution_due.chars().take(16).collect::<String>()
    );
    let citizen = r.citizen_name.unwrap_or_default();
    let category = r.category.label(lang);
    view! {
        <tr class:urgent-row=lane == Lane::Urgent class:unverified-row=lane == Lane::Unverified>
            <td><input type="checkbox" class="select" name=format!("references[{index}]") value=r.reference.clone()
                aria-label=format!("{} {}", lang.pick("Markér", "Select"), r.reference)/></td>
            <td><a class="case-link" href=format!("/support/sag/{}", r.reference) aria-label=summary
                on:focus={
                    let reference = r.reference.clone();
                    move |_| cursor.set(Some(reference.clone()))
                }>{r.reference.clone()}</a></td>
            <td class="cut" title=r.subject.clone()>{r.subject.clone()}</td>
            <td class="cut" title=citizen.clone()>{citizen.clone()}</td>
            <td class="cut" title=format!("{} · {category}", r.system.name())>
                <span class="system">{r.system.name()}</span> " · " {category}
            </td>
            <td>
                <span class=format!("badge priority-{}", r.priority.as_str())>{r.priority.label(lang)}</span>
                {(lane == Lane::Unverified).then(|| view! {
                    <span class="badge unverified" title=lang.pick(
                        "Kom anonymt ind (webformular eller e-mail); ingen har bekræftet, hvem borgeren er.",
                        "Came in anonymously (web form or e-mail); nobody has confirmed who the citizen is.",
                    )>"?"<span class="visually-hidden">{lang.pick(" Ubekræftet", " Unverified")}</span></span>
                })}
            </td>
            <td class="cut">{r.status.label(lang)}</td>
            <td class="cut">{r.assignee.unwrap_or_else(|| "–".to_owned())}</td>
            <td class="due cut" class:overdue=r.overdue title=due_title>
                <time datetime=r.resolution_due.replace(' ', "T")>{due_short}</time>
                {(!left.is_empty()).then(|| view! { " " <span class="left">{left}</span> })}
            </td>
        </tr>
    }
}

/// Back to the first page, and on to the next (keyset: every page as quick as the first).
#[component]
pub fn Pager(current: QueueFilter, after: Option<String>, next: Option<String>) -> impl IntoView {
    let lang = crate::page_context::use_page_context().lang;
    let first = after.is_some().then(|| super::href(&current, None));
    let next = next.map(|n| super::href(&current, Some(&n)));
    (first.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=lang.pick("Sider", "Pages")>
                {first.map(|h| view! { <a href=h>{lang.pick("« Første side", "« First page")}</a> })}
                {next.map(|h| view! { <a href=h rel="next">{lang.pick("Næste side »", "Next page »")}</a> })}
            </nav>
        }
    })
}

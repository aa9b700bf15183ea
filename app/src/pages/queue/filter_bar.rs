//! The queue's filters and order, folded into one compact bar. A plain GET form: it works
//! without JavaScript and every filtered view is a link a supporter can keep.

use leptos::prelude::*;

use crate::domain::business::Party;
use crate::domain::case_views::QueueFilter;
use crate::domain::queue_order::QueueSort;
use crate::domain::{Category, Channel, Priority, Status, System};
use crate::page_context::use_page_context;

/// The options of one select: "all" first, then each value with its label.
fn options<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> String,
    selected: Option<&str>,
    any: &'static str,
) -> AnyView {
    let items: Vec<(String, String, bool)> = all
        .iter()
        .map(|t| {
            let v = value(*t);
            (v.to_owned(), label(*t), selected == Some(v))
        })
        .collect();
    view! {
        <option value="">{any}</option>
        {items.into_iter().map(|(v, l, s)| view! { <option value=v selected=s>{l}</option> }).collect_view()}
    }
    .into_any()
}

#[component]
pub fn FilterBar(filter: QueueFilter) -> impl IntoView {
    let lang = use_page_context().lang;
    let l = lang;
    let any = lang.pick("Alle", "All");
    let select = move |id: &'static str, da: &'static str, en: &'static str, opts: AnyView| {
        view! {
            <label class="filter" for=id>
                <span class="filter-name">{lang.pick(da, en)}</span>
                <select id=id name=id>{opts}</select>
            </label>
        }
    };
    let system = filter
        .system
        .as_deref()
        .and_then(System::parse)
        .map(System::slug);
    let active = [
        &filter.system,
        &filter.category,
        &filter.status,
        &filter.priority,
        &filter.channel,
        &filter.assignee,
        &filter.party,
        &filter.cvr,
    ]
    .iter()
    .filter(|v| v.is_some())
    .count();
    let sort = filter.sort;
    view! {
        <form class="filter-bar" method="get" action="/support" aria-label=lang.pick("Filtre og rækkefølge", "Filters and order")>
            {select("system", "Område", "System", options(&System::ALL, System::slug, |s| s.name().to_owned(), system, any))}
            {select("category", "Kategori", "Category", options(&Category::ALL, Category::as_str, move |c| c.label(l).to_owned(), filter.category.as_deref(), any))}
            {select("status", "Status", "Status", options(&Status::ALL, Status::as_str, move |s| s.label(l).to_owned(), filter.status.as_deref(), lang.pick("Åbent arbejde", "Open work")))}
            {select("priority", "Prioritet", "Priority", options(&Priority::ALL, Priority::as_str, move |p| p.label(l).to_owned(), filter.priority.as_deref(), any))}
            {select("channel", "Kanal", "Channel", options(&Channel::ALL, Channel::as_str, move |c| c.label(l).to_owned(), filter.channel.as_deref(), any))}
            <label class="filter" for="assignee">
                <span class="filter-name">{lang.pick("Ansvarlig", "Assignee")}</span>
                <select id="assignee" name="assignee">
                    <option value="">{any}</option>
                    <option value="me" selected=filter.assignee.as_deref() == Some("me")>{lang.pick("Mig", "Me")}</option>
                    <option value="none" selected=filter.assignee.as_deref() == Some("none")>{lang.pick("Ingen", "Nobody")}</option>
                </select>
            </label>
            {select("party", "Part", "Party", options(&Party::ALL, Party::as_str, move |p| p.label(l).to_owned(), filter.party.as_deref(), any))}
            <label class="filter" for="cvr">
                <span class="filter-name">{lang.pick("CVR-nr.", "CVR no.")}</span>
                <input id="cvr" name="cvr" type="text" inputmode="numeric" size="9" maxlength="20" autocomplete="off" value=filter.cvr.clone().unwrap_or_default()/>
            </label>
            <label class="filter" for="sort">
                <span class="filter-name">{lang.pick("Sortér", "Sort")}</span>
                <select id="sort" name="sort">
                    {QueueSort::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=s == sort>{s.label(lang)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="compact">{lang.pick("Vis", "Show")}</button>
            {(active > 0).then(|| view! {
                <a class="clear-filters" href="/support">{match lang {
                    crate::i18n::Lang::Da => format!("Nulstil {active} filtre"),
                    crate::i18n::Lang::En => format!("Clear {active} filters"),
                }}</a>
            })}
        </form>
    }
}

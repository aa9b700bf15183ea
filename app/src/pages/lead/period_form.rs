//! The dashboard's period and filters: a plain GET form, so it works without JavaScript and
//! the address can be bookmarked or shared with another lead.

use leptos::prelude::*;

use crate::domain::dashboard::DashboardQuery;
use crate::domain::{Channel, System};
use crate::i18n::Lang;

#[component]
pub fn PeriodForm(query: DashboardQuery, lang: Lang) -> impl IntoView {
    let periods = [
        ("today", lang.pick("I dag (pr. time)", "Today (by hour)")),
        ("7d", lang.pick("Sidste 7 dage", "Last 7 days")),
        ("30d", lang.pick("Sidste 30 dage", "Last 30 days")),
        (
            "custom",
            lang.pick("Egne datoer (fra–til)", "Own dates (from–to)"),
        ),
    ];
    let current = if query.period.is_empty() {
        "today".to_owned()
    } else {
        query.period.clone()
    };
    view! {
        <form method="get" action="/leder" class="lead-period" id="lead-period">
            <fieldset>
                <legend>{lang.pick("Periode og filtre", "Period and filters")}</legend>
                <p class="field">
                    <label for="lead-period-select">{lang.pick("Periode", "Period")}</label>
                    <select id="lead-period-select" name="period">
                        {periods.into_iter().map(|(value, label)| view! {
                            <option value=value selected=current == value>{label}</option>
                        }).collect_view()}
                    </select>
                </p>
                <p class="field">
                    <label for="lead-from">{lang.pick("Fra (egne datoer)", "From (own dates)")}</label>
                    <input type="date" id="lead-from" name="from" value=query.from.clone()
                        aria-describedby="lead-dates-hint"/>
                </p>
                <p class="field">
                    <label for="lead-to">{lang.pick("Til og med", "To, inclusive")}</label>
                    <input type="date" id="lead-to" name="to" value=query.to.clone()
                        aria-describedby="lead-dates-hint"/>
                </p>
                <p class="hint" id="lead-dates-hint">{lang.pick(
                    "Datoerne bruges kun, når perioden er »Egne datoer«. Dansk tid, begge dage med.",
                    "The dates are used only when the period is \"Own dates\". Danish time, both days included.",
                )}</p>
                <p class="field">
                    <label for="lead-system">{lang.pick("System", "System")}</label>
                    <select id="lead-system" name="system">
                        <option value="" selected=query.system.is_empty()>{lang.pick("Alle systemer", "All systems")}</option>
                        {System::ALL.into_iter().map(|s| view! {
                            <option value=s.slug() selected=query.system == s.slug()>{s.name()}</option>
                        }).collect_view()}
                    </select>
                </p>
                <p class="field">
                    <label for="lead-channel">{lang.pick("Kanal", "Channel")}</label>
                    <select id="lead-channel" name="channel">
                        <option value="" selected=query.channel.is_empty()>{lang.pick("Alle kanaler", "All channels")}</option>
                        {Channel::ALL.into_iter().map(|c| view! {
                            <option value=c.as_str() selected=query.channel == c.as_str()>{c.label(lang)}</option>
                        }).collect_view()}
                    </select>
                </p>
                <button type="submit" id="lead-show">{lang.pick("Vis tal", "Show figures")}</button>
            </fieldset>
        </form>
    }
}

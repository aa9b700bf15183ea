//! "Dagens opkald": today's calls on the line, newest first, missed ones marked, with length,
//! case and whether the summary is written.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::domain::telephony::{CallLogRow, CallPhase, clock};
use crate::functions::calls::calls_today;
use crate::i18n::Lang;
use crate::page_context::use_page_context;

#[component]
pub fn CallLogPage() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Dagens opkald", "Today's calls")/>
        <RequireRole role=Role::Supporter>
            <CallLog/>
        </RequireRole>
    }
}

fn outcome(row: &CallLogRow, lang: Lang) -> AnyView {
    if row.missed {
        return view! { <strong class="call-missed">{lang.pick("UBESVARET", "MISSED")}</strong> }
            .into_any();
    }
    let text = match row.phase {
        CallPhase::Ringing => lang.pick("Ringer", "Ringing"),
        CallPhase::Answered => lang.pick("I gang", "In progress"),
        CallPhase::Hangup => lang.pick("Besvaret", "Answered"),
    };
    view! { <span>{text}</span> }.into_any()
}

fn wrapped(row: &CallLogRow, lang: Lang) -> &'static str {
    if row.wrapped_up {
        lang.pick("Ja", "Yes")
    } else if row.needs_wrap_up {
        lang.pick("Mangler", "Missing")
    } else {
        "–"
    }
}

#[component]
fn CallLog() -> impl IntoView {
    let lang = use_page_context().lang;
    let calls = Resource::new(|| (), |_| calls_today());
    view! {
        <div class="page wide">
            <p class="breadcrumb"><a href="/support">{lang.pick("Sagskø", "Case queue")}</a></p>
            <h1>{lang.pick("Dagens opkald", "Today's calls")}</h1>
            <Suspense fallback=move || view! { <p>{lang.pick("Henter …", "Loading …")}</p> }>
                {move || Suspend::new(async move {
                    match calls.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! {
                            <p>{lang.pick("Ingen opkald i dag endnu.", "No calls today yet.")}</p>
                        }.into_any(),
                        Ok(rows) => {
                            let missed = rows.iter().filter(|r| r.missed).count();
                            view! {
                                <p class="call-summary-line">{match lang {
                                    Lang::Da => format!("{} opkald i dag, heraf {missed} ubesvarede.", rows.len()),
                                    Lang::En => format!("{} calls today, {missed} of them missed.", rows.len()),
                                }}</p>
                                <table class="call-log">
                                    <caption class="visually-hidden">{lang.pick("Dagens opkald, nyeste først", "Today's calls, newest first")}</caption>
                                    <thead><tr>
                                        <th scope="col">{lang.pick("Tid", "Time")}</th>
                                        <th scope="col">{lang.pick("Opkalder", "Caller")}</th>
                                        <th scope="col">{lang.pick("Supporter", "Supporter")}</th>
                                        <th scope="col">{lang.pick("Udfald", "Outcome")}</th>
                                        <th scope="col">{lang.pick("Varighed", "Length")}</th>
                                        <th scope="col">{lang.pick("Sag", "Case")}</th>
                                        <th scope="col">{lang.pick("Resumé", "Summary")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| {
                                            let caller = match (&r.caller_display, &r.caller_name) {
                                                (Some(n), Some(name)) => format!("{name} ({n})"),
                                                (Some(n), None) => n.clone(),
                                                (None, _) => lang.pick("Skjult nummer", "Withheld number").to_owned(),
                                            };
                                            view! {
                                                <tr class:missed=r.missed>
                                                    <td>{r.at.clone()}</td>
                                                    <td>{caller}</td>
                                                    <td>{r.agent.clone()}</td>
                                                    <td>{outcome(&r, lang)}</td>
                                                    <td>{r.duration_seconds.map(clock).unwrap_or_else(|| "–".to_owned())}</td>
                                                    <td>{match r.case_reference.clone() {
                                                        Some(reference) => view! { <a href=format!("/support/sag/{reference}")>{reference.clone()}</a> }.into_any(),
                                                        None => view! { "–" }.into_any(),
                                                    }}</td>
                                                    <td>{wrapped(&r, lang)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}

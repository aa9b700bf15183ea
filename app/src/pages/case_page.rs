use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::csrf_field::CsrfField;
use crate::components::kb_panel::KbPanel;
use crate::components::shortcuts::{Move, Shortcut, Shortcuts};
use crate::domain::canned::canned;
use crate::domain::case_views::TimelineEntry;

/// The case page's keys: the moves a supporter makes on every call.
const CASE_KEYS: &[Shortcut] = &[
    (
        's',
        Move::Follow("block-link"),
        "Spær loginmiddel",
        "Block login means",
    ),
    (
        'r',
        Move::Focus("reply-body"),
        "Skriv svar til borgeren",
        "Write a reply to the citizen",
    ),
    (
        'o',
        Move::Focus("call-summary"),
        "Log et opkald",
        "Log a call",
    ),
    (
        'n',
        Move::Focus("note-body"),
        "Skriv intern note",
        "Write an internal note",
    ),
    (
        'v',
        Move::Focus("kb-q"),
        "Søg i vidensbasen",
        "Search the knowledge base",
    ),
    (
        'q',
        Move::Follow("queue-link"),
        "Tilbage til sagskøen",
        "Back to the queue",
    ),
];
use crate::components::require_role::RequireRole;
use crate::domain::{DeliveryState, Role, Status};
use crate::functions::cases::{
    AddCaseNote, ChangeCaseStatus, ClaimCase, LogCall, ReplyToCitizen, RetryDelivery, RevealCpr,
    get_case,
};
use crate::i18n::Lang;
use crate::page_context::use_page_context;
use crate::pages::not_found::NotFound;

/// `/support/sag/:reference`: the case, the citizen, the timeline and the supporter's moves.
#[component]
pub fn CasePage() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Sag", "Case")/>
        <RequireRole role=Role::Supporter>
            <CaseView/>
        </RequireRole>
    }
}

#[component]
fn CaseView() -> impl IntoView {
    let lang = use_page_context().lang;
    let params = use_params_map();
    let note_action = ServerAction::<AddCaseNote>::new();
    let status_action = ServerAction::<ChangeCaseStatus>::new();
    let reply_action = ServerAction::<ReplyToCitizen>::new();
    let retry_action = ServerAction::<RetryDelivery>::new();
    let reveal_action = ServerAction::<RevealCpr>::new();
    let link_action = ServerAction::<crate::functions::cases::LinkCase>::new();
    let party_action = ServerAction::<crate::functions::organisations::SetCaseParty>::new();
    let incident_action = ServerAction::<crate::functions::incidents::LinkIncidentCases>::new();
    // The reply being written: the knowledge-base panel inserts article links into it.
    let reply = RwSignal::new(String::new());
    // Plain form posts come back with the error in the URL; these read it.
    let errors = move || {
        note_action
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| status_action.value().get().and_then(Result::err))
            .or_else(|| reply_action.value().get().and_then(Result::err))
            .or_else(|| retry_action.value().get().and_then(Result::err))
            .or_else(|| reveal_action.value().get().and_then(Result::err))
            .or_else(|| link_action.value().get().and_then(Result::err))
            .or_else(|| party_action.value().get().and_then(Result::err))
            .or_else(|| incident_action.value().get().and_then(Result::err))
    };
    let case = Resource::new(
        move || params.read().get("reference").unwrap_or_default(),
        get_case,
    );
    view! {
        <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter sagen …", "Loading the case …")}</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Err(e) => view! { <div class="page"><p class="error" role="alert">{e.message(lang)}</p></div> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Ok(Some(c)) => {
                        let reference = c.reference.clone();
                        let next: Vec<_> = c.status.next().to_vec();
                        view! {
                            <Title text=format!("{} {}", lang.pick("Sag", "Case"), c.reference)/>
                            <div class="page wide case-layout">
                                <div class="case-main">
                                    <p class="breadcrumb"><a id="queue-link" href="/support">{lang.pick("Sagskø", "Case queue")}</a></p>
                                    <Shortcuts keys=CASE_KEYS/>
                                    <h1><span class="case-ref">{c.reference.clone()}</span> " " {c.subject.clone()}</h1>
                                    {move || errors().map(|e| view! {
                                        <div class="error-summary" role="alert"><p>{e.message(lang)}</p></div>
                                    })}

                                    <section id="timeline" aria-labelledby="timeline-title">
                                        <h2 id="timeline-title">{lang.pick("Forløb", "Timeline")}</h2>
                                        <ol class="timeline">
                                            {c.timeline.iter().map(|e| view! { <TimelineItem entry=e.clone() reference=reference.clone()/> }).collect_view()}
                                        </ol>
                                    </section>

                                    {c.citizen.as_ref().and_then(|z| z.email.clone()).map(|address| {
                                        let reference = reference.clone();
                                        let current = c.status;
                                        view! {
                                            <section aria-labelledby="reply-title">
                                                <h2 id="reply-title">{lang.pick("Svar borgeren på e-mail", "Reply to the citizen by e-mail")}</h2>
                                                <form method="post" action=ReplyToCitizen::url() class="stack">
                                                    <CsrfField/>
                                                    <input type="hidden" name="reference" value=reference/>
                                                    <p class="hint">{lang.pick("Til: ", "To: ")}{address}</p>
                                                    <div class="field">
                                                        <label for="canned">{lang.pick("Standardsvar", "Canned response")}</label>
                                                        <select id="canned" on:change=move |ev| {
                                                            let chosen = event_target_value(&ev);
                                                            if let Some((_, text)) = canned(lang).iter().find(|(title, _)| *title == chosen) {
                                                                reply.update(|r| {
                                                                    if !r.is_empty() && !r.ends_with('\n') {
                                                                        r.push('\n');
                                                                    }
                                                                    r.push_str(text);
                                                                    r.push('\n');
                                                                });
                                                            }
                                                        }>
                                                            <option value="">{lang.pick("Vælg for at indsætte …", "Choose to insert …")}</option>
                                                            {canned(lang).iter().map(|(title, _)| view! { <option value=*title>{*title}</option> }).collect_view()}
                                                        </select>
                                                    </div>
                                                    <div class="field">
                                                        <label for="reply-body">{lang.pick("Svar (skriv aldrig CPR-nummer)", "Reply (never write a CPR number)")}</label>
                                                        <textarea id="reply-body" name="body" rows="6" required
                                                            prop:value=move || reply.get()
                                                            on:input=move |ev| reply.set(event_target_value(&ev))></textarea>
                                                    </div>
                                                    <div class="field">
                                                        <label for="reply-then">{lang.pick("Status efter svaret", "Status after the reply")}</label>
                                                        <select id="reply-then" name="then_status">
                                                            <option value="waiting_on_citizen" selected=current != Status::Resolved>{Status::WaitingOnCitizen.label(lang)}</option>
                                                            <option value="">{lang.pick("Uændret", "Unchanged")}</option>
                                                            <option value="resolved">{Status::Resolved.label(lang)}</option>
                                                        </select>
                                                    </div>
                                                    <button type="submit">{lang.pick("Send svar", "Send reply")}</button>
                                                </form>
                                            </section>
                                        }
                                    })}

                                    <section aria-labelledby="call-title">
                                        <h2 id="call-title">{lang.pick("Log et opkald", "Log a call")}</h2>
                                        <form method="post" action=LogCall::url() class="stack">
                                            <CsrfField/>
                                            <input type="hidden" name="reference" value=reference.clone()/>
                                            <div class="field">
                                                <label for="call-direction">{lang.pick("Retning", "Direction")}</label>
                                                <select id="call-direction" name="direction">
                                                    <option value="incoming">{lang.pick("Borgeren ringede", "The citizen called")}</option>
                                                    <option value="outgoing">{lang.pick("Jeg ringede op", "I called")}</option>
                                                </select>
                                            </div>
                                            <div class="field">
                                                <label for="call-minutes">{lang.pick("Minutter", "Minutes")}</label>
                                                <input id="call-minutes" name="minutes" type="number" min="1" max="240" value="5" inputmode="numeric"/>
                                            </div>
                                            <div class="field">
                                                <label for="call-summary">{lang.pick("Hvad blev sagt", "What was said")}</label>
                                                <textarea id="call-summary" name="summary" rows="3" required></textarea>
                                            </div>
                                            <button type="submit">{lang.pick("Gem opkald", "Save call")}</button>
                                        </form>
                                    </section>

                                    <section aria-labelledby="note-title">
                                        <h2 id="note-title">{lang.pick("Intern note", "Internal note")}</h2>
                                        <form method="post" action=AddCaseNote::url() class="stack">
                                            <CsrfField/>
                                            <input type="hidden" name="reference" value=reference.clone()/>
                                            <div class="field">
                                                <label for="note-body">{lang.pick("Note (ses kun af medarbejdere)", "Note (staff only)")}</label>
                                                <textarea id="note-body" name="body" rows="4" required></textarea>
                                            </div>
                                            <button type="submit">{lang.pick("Gem note", "Save note")}</button>
                                        </form>
                                    </section>
                                </div>

                                <aside class="case-side" aria-label=lang.pick("Sag, borger og handlinger", "Case, citizen and actions")>
                                    <section class="panel case-summary" aria-labelledby="summary-title">
                                        <h2 id="summary-title">{lang.pick("Sagen", "The case")}</h2>
                                        <div class="case-actions">
                                            <a id="block-link" class="button danger" href=format!("/support/sag/{reference}/spaer") accesskey="s">
                                                {lang.pick("Spær loginmiddel", "Block login means")}
                                            </a>
                                            {(!c.assigned_to_me).then(|| view! {
                                                <form method="post" action=ClaimCase::url()>
                                                    <CsrfField/>
                                                    <input type="hidden" name="reference" value=reference.clone()/>
                                                    <button type="submit">{lang.pick("Tag sagen", "Claim the case")}</button>
                                                </form>
                                            })}
                                            {(!next.is_empty()).then(|| view! {
                                                <form method="post" action=ChangeCaseStatus::url() class="status-form">
                                                    <CsrfField/>
                                                    <input type="hidden" name="reference" value=reference.clone()/>
                                                    <label for="new-status">{lang.pick("Ny status", "New status")}</label>
                                                    <select id="new-status" name="status">
                                                        {next.iter().map(|s| view! { <option value=s.as_str()>{s.label(lang)}</option> }).collect_view()}
                                                    </select>
                                                    <button type="submit">{lang.pick("Skift", "Change")}</button>
                                                </form>
                                            })}
                                        </div>
                                        <dl class="case-facts compact-facts">
                                            <dt>{lang.pick("Område", "Area")}</dt><dd>{c.system.name()}</dd>
                                            <dt>{lang.pick("Kategori", "Category")}</dt><dd>{c.category.label(lang)}</dd>
                                            <dt>{lang.pick("Prioritet", "Priority")}</dt>
                                            <dd><span class=format!("badge priority-{}", c.priority.as_str())>{c.priority.label(lang)}</span></dd>
                                            <dt>{lang.pick("Status", "Status")}</dt><dd>{c.status.label(lang)}</dd>
                                            <dt>{lang.pick("Kanal", "Channel")}</dt><dd>{c.channel.label(lang)}</dd>
                                            <dt>{lang.pick("Ansvarlig", "Assignee")}</dt><dd>{c.assignee.clone().unwrap_or_else(|| "–".into())}</dd>
                                            <dt>{lang.pick("Oprettet", "Created")}</dt><dd>{c.created_at.clone()}</dd>
                                            {match c.first_response_at.clone() {
                                                Some(at) => {
                                                    let late = at > c.first_response_due;
                                                    view! {
                                                        <dt>{lang.pick("Første svar givet", "First response given")}</dt>
                                                        <dd class:overdue=late>
                                                            {at.chars().take(16).collect::<String>()}
                                                            {late.then(|| lang.pick(" – efter fristen", " – after the deadline"))}
                                                        </dd>
                                                    }.into_any()
                                                }
                                                None => view! {
                                                    <dt>{lang.pick("Første svar senest", "First response due")}</dt>
                                                    <dd>{c.first_response_due.chars().take(16).collect::<String>()}</dd>
                                                }.into_any(),
                                            }}
                                            <dt>{lang.pick("Løst senest", "Resolution due")}</dt>
                                            <dd class:overdue=c.overdue>
                                                {c.resolution_due.chars().take(16).collect::<String>()}
                                                {c.sla_paused.then(|| lang.pick(" (pause: venter på borger)", " (paused: waiting on citizen)"))}
                                                {c.overdue.then(|| lang.pick(" – overskredet", " – overdue"))}
                                            </dd>
                                            {c.rating.clone().map(|r| view! {
                                                <dt>{lang.pick("Borgerens vurdering", "Citizen's rating")}</dt>
                                                <dd class="case-rating">
                                                    <strong>{format!("{} / 5", r.score.value())}</strong>
                                                    " · " {r.score.label(lang)} " · " {r.rated_at}
                                                    {r.comment.map(|text| view! { <q class="rating-comment">{text}</q> })}
                                                </dd>
                                            })}
                                        </dl>
                                    </section>
                                    {c.party.has_organisation().then(|| view! {
                                        <crate::components::organisation_panel::OrganisationPanel reference=reference.clone() party=c.party organisation=c.organisation.clone()/>
                                    })}
                                    <section class="panel" aria-labelledby="citizen-title">
                                        <h2 id="citizen-title">{lang.pick("Borger", "Citizen")}</h2>
                                        {match c.citizen.clone() {
                                            None => view! { <p>{lang.pick("Ingen borger på sagen.", "No citizen on the case.")}</p> }.into_any(),
                                            Some(z) => {
                                                let has_cpr = z.cpr_masked.is_some();
                                                let reference = reference.clone();
                                                view! {
                                                <dl class="case-facts">
                                                    <dt>{lang.pick("Navn", "Name")}</dt><dd>{z.name}</dd>
                                                    <dt>{lang.pick("CPR-nr.", "CPR no.")}</dt>
                                                    <dd>
                                                        {move || match reveal_action.value().get() {
                                                            Some(Ok(full)) => view! { <output class="cpr-revealed" aria-live="polite">{full}</output> }.into_any(),
                                                            _ => view! { <span>{z.cpr_masked.clone().unwrap_or_else(|| "–".into())}</span> }.into_any(),
                                                        }}
                                                    </dd>
                                                    <dt>{lang.pick("E-mail", "E-mail")}</dt><dd>{z.email.unwrap_or_else(|| "–".into())}</dd>
                                                    <dt>{lang.pick("Telefon", "Phone")}</dt><dd>{z.phone.unwrap_or_else(|| "–".into())}</dd>
                                                </dl>
                                                {has_cpr.then(|| view! {
                                                    <details class="reveal">
                                                        <summary>{lang.pick("Vis fuldt CPR-nr.", "Show full CPR no.")}</summary>
                                                        <ActionForm action=reveal_action attr:class="stack">
                                                            <CsrfField/>
                                                            <input type="hidden" name="reference" value=reference.clone()/>
                                                            <div class="field">
                                                                <label for="reveal-reason">{lang.pick("Hvorfor? (logges)", "Why? (logged)")}</label>
                                                                <input id="reveal-reason" name="reason" type="text" required minlength="5" maxlength="500"/>
                                                            </div>
                                                            <button type="submit" class="secondary">{lang.pick("Vis CPR-nr.", "Show CPR no.")}</button>
                                                        </ActionForm>
                                                    </details>
                                                })}
                                            }.into_any()
                                            }
                                        }}
                                    </section>
                                    {(!c.party.has_organisation()).then(|| view! {
                                        <crate::components::organisation_panel::OrganisationPanel reference=reference.clone() party=c.party organisation=c.organisation.clone()/>
                                    })}
                                    {(!c.incidents.is_empty()).then(|| view! {
                                        <CaseIncidents reference=reference.clone() incidents=c.incidents.clone() open=!c.status.is_done()/>
                                    })}
                                    <RelatedCases reference=reference.clone() related=c.related.clone() merged_into=c.merged_into.clone()/>
                                    {c.citizen.is_some().then(|| view! {
                                        <crate::components::identity_panel::IdentityPanel identity=c.identity.clone() heading_id="mitid-title"/>
                                    })}
                                    {c.citizen.is_some().then(|| view! { <crate::components::power_panel::PowerPanel reference=reference.clone()/> })}
                                    <KbPanel reply=c.citizen.as_ref().and_then(|z| z.email.as_ref()).map(|_| reply)/>
                                </aside>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The incidents the case is linked to, and a button per open incident about its system that
/// links the case to it (a plain form: works without JavaScript).
#[component]
fn CaseIncidents(
    reference: String,
    incidents: Vec<crate::domain::incident::CaseIncident>,
    open: bool,
) -> impl IntoView {
    use crate::functions::incidents::LinkIncidentCases;
    use leptos::server_fn::ServerFn;
    let lang = use_page_context().lang;
    view! {
        <section class="panel" id="incidents" aria-labelledby="incidents-title">
            <h2 id="incidents-title">{lang.pick("Driftsforstyrrelser", "Incidents")}</h2>
            <ul class="case-incidents">
                {incidents.into_iter().map(|i| {
                    let label = format!("{} {}", lang.pick("Knyt sagen til driftsforstyrrelse", "Link the case to incident"), i.id);
                    view! {
                        <li>
                            <a href=format!("/leder/drift/{}", i.id)>{format!("#{}", i.id)}</a>
                            " " {i.text(lang).to_owned()} " (" {i.state.label(lang)} ")"
                            {if i.linked {
                                view! { <p class="notice">{lang.pick("Sagen er knyttet hertil: den løses, og borgeren får besked, når driftsforstyrrelsen løses.", "The case is linked: it is resolved and the citizen told when the incident is resolved.")}</p> }.into_any()
                            } else if open && i.may_link() {
                                view! {
                                    <form method="post" action=LinkIncidentCases::url()>
                                        <CsrfField/>
                                        <input type="hidden" name="incident_id" value=i.id.to_string()/>
                                        <input type="hidden" name="references[0]" value=reference.clone()/>
                                        <input type="hidden" name="from_case" value=reference.clone()/>
                                        <button type="submit" class="secondary" aria-label=label>{lang.pick("Knyt sagen hertil", "Link the case")}</button>
                                    </form>
                                }.into_any()
                            } else {
                                ().into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Related cases, the case a duplicate was merged into, and the form to link or merge.
#[component]
fn RelatedCases(
    reference: String,
    related: Vec<crate::domain::case_views::RelatedCase>,
    merged_into: Option<String>,
) -> impl IntoView {
    use crate::functions::cases::LinkCase;
    use leptos::server_fn::ServerFn;
    let lang = use_page_context().lang;
    view! {
        <section class="panel" id="related" aria-labelledby="related-title">
            <h2 id="related-title">{lang.pick("Relaterede sager", "Related cases")}</h2>
            {merged_into.map(|target| view! {
                <p class="notice">{lang.pick("Dublet – flettet ind i", "Duplicate – merged into")} " "
                    <a href=format!("/support/sag/{target}")>{target.clone()}</a></p>
            })}
            {if related.is_empty() {
                view! { <p>{lang.pick("Ingen.", "None.")}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {related.into_iter().map(|r| view! {
                            <li><a href=format!("/support/sag/{}", r.reference)>{r.reference.clone()}</a> " " {r.subject} " (" {r.status.label(lang)} ")"</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action=LinkCase::url() class="stack">
                <CsrfField/>
                <input type="hidden" name="reference" value=reference/>
                <div class="field">
                    <label for="link-other">{lang.pick("Sagsnummer", "Case reference")}</label>
                    <input id="link-other" name="other" type="text" placeholder="SAG-2026-000123" autocomplete="off" required/>
                </div>
                <div class="choice">
                    <input type="checkbox" id="link-merge" name="merge" value="1"/>
                    <label for="link-merge">{lang.pick("Denne sag er en dublet: flet den ind i den anden og luk den", "This case is a duplicate: merge it into the other and close it")}</label>
                </div>
                <button type="submit" class="secondary">{lang.pick("Knyt sagen", "Link the case")}</button>
            </form>
        </section>
    }
}

/// One entry of the case's timeline; outgoing e-mails show their delivery state.
#[component]
fn TimelineItem(entry: TimelineEntry, reference: String) -> impl IntoView {
    let lang = use_page_context().lang;
    let e = entry;
    let kind = match e.kind.as_str() {
        "created" => lang.pick("Oprettet", "Created"),
        "note" => lang.pick("Intern note", "Internal note"),
        "status" => lang.pick("Status ændret", "Status changed"),
        "assign" => lang.pick("Sagen er taget", "Case claimed"),
        "email_out" => lang.pick("E-mail til borger", "E-mail to citizen"),
        "notification" => lang.pick("Automatisk e-mail", "Automatic e-mail"),
        "email_in" => lang.pick("E-mail fra borger", "E-mail from citizen"),
        "block" => lang.pick("Spærret", "Blocked"),
        "call" => lang.pick("Opkald", "Phone call"),
        "unblock" => lang.pick("Spærring ophævet", "Block lifted"),
        "link" => lang.pick("Relateret sag", "Related case"),
        "merge" => lang.pick("Dublet flettet", "Duplicate merged"),
        "party" => lang.pick("Part", "Party"),
        "power" => lang.pick("Fuldmagt", "Power of attorney"),
        other => other,
    }
    .to_owned();
    let actor = match e.actor.as_str() {
        "citizen" => lang.pick("Borger", "Citizen").to_owned(),
        "system" => lang.pick("Systemet", "The system").to_owned(),
        name => name.to_owned(),
    };
    let detail = match e.kind.as_str() {
        "status" => e.detail.as_deref().map(|d| status_change(d, lang)),
        "call" => e.detail.as_deref().map(|d| {
            d.replace(
                "incoming",
                lang.pick("Borgeren ringede", "The citizen called"),
            )
            .replace("outgoing", lang.pick("Ringede op", "Called back"))
        }),
        _ => e.detail.clone(),
    };
    let delivery = e.delivery.clone().map(|d| {
        let label = match d.state {
            DeliveryState::Queued => lang.pick("I kø", "Queued").to_owned(),
            DeliveryState::Sent => lang.pick("Sendt", "Sent").to_owned(),
            DeliveryState::Retrying => match lang {
                Lang::Da => format!("Prøver igen (forsøg {})", d.attempts),
                Lang::En => format!("Retrying (attempt {})", d.attempts),
            },
            DeliveryState::Failed => lang.pick("Fejlet", "Failed").to_owned(),
        };
        let failed = d.state == DeliveryState::Failed;
        view! {
            <p class="delivery">
                <span class=format!("badge delivery-{}", d.state.as_str())>{label}</span>
                {d.error.filter(|_| d.state != DeliveryState::Sent).map(|err| view! { " " <span class="delivery-error">{err}</span> })}
            </p>
            {failed.then(|| view! {
                <form method="post" action=RetryDelivery::url() class="inline">
                    <CsrfField/>
                    <input type="hidden" name="reference" value=reference.clone()/>
                    <input type="hidden" name="outbox_id" value=d.outbox_id.to_string()/>
                    <button type="submit" class="secondary">{lang.pick("Send igen", "Send again")}</button>
                </form>
            })}
        }
    });
    view! {
        <li class=format!("event event-{}", e.kind)>
            <p class="event-head"><strong>{kind}</strong> " · " {actor} " · "
                <time>{e.at.clone()}</time></p>
            {detail.map(|d| view! { <p class="event-detail">{d}</p> })}
            {delivery}
            {(!e.body.is_empty()).then(|| view! { <p class="event-body">{e.body.clone()}</p> })}
        </li>
    }
}

/// "open → waiting_on_citizen" as the page's language says it.
fn status_change(detail: &str, lang: Lang) -> String {
    detail
        .split(" → ")
        .map(|s| Status::parse(s).map_or_else(|_| s.to_owned(), |s| s.label(lang).to_owned()))
        .collect::<Vec<_>>()
        .join(" → ")
}

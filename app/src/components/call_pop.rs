//! The screen-pop: the supporter's call as the phone system reports it, on every console page
//! (queue, case, block flow) without a reload. Who may be calling (their masked CPR and open
//! cases), "Ny telefonsag" (key `t`), "this call is about this case", and after the hang-up
//! the wrap-up prompt for the summary (key `w`). It never takes focus on its own: the call is
//! announced, and the keys move to it.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::components::csrf_field::CsrfField;
use crate::components::shortcuts::{Move, Shortcut, Shortcuts};
use crate::domain::telephony::{CallPhase, CallPop, CallerMatch, CallerParty, clock};
use crate::functions::calls::{AttachCall, OpenPhoneCase, WrapUpCall};
use crate::i18n::Lang;
use crate::page_context::use_page_context;

/// The id of the "Ny telefonsag" button (what `t` focuses; the tests press it).
pub const NEW_CASE_BUTTON: &str = "call-new-case";
/// The id of the wrap-up summary field.
pub const SUMMARY_FIELD: &str = "call-wrap-up-text";

const CALL_KEYS: &[Shortcut] = &[
    (
        't',
        Move::Focus(NEW_CASE_BUTTON),
        "Ny telefonsag for opkaldet",
        "New phone case for the call",
    ),
    (
        'w',
        Move::Focus(SUMMARY_FIELD),
        "Skriv resumé af opkaldet",
        "Write the call's summary",
    ),
];

/// Whether the pop has anything to show: a call going on, or one waiting for its summary.
fn showing(pop: &CallPop) -> bool {
    pop.phase != CallPhase::Hangup || pop.needs_wrap_up
}

/// What a screen reader says when the pop changes.
fn announcement(pop: &CallPop, lang: Lang) -> String {
    let who = pop
        .callers
        .first()
        .filter(|_| pop.callers.len() == 1)
        .map(|c| c.name.clone())
        .or_else(|| pop.caller_display.clone())
        .unwrap_or_else(|| lang.pick("skjult nummer", "a withheld number").to_owned());
    match (pop.phase, pop.needs_wrap_up) {
        (CallPhase::Ringing, _) => match lang {
            Lang::Da => format!("Opkald fra {who}. Tryk t for ny telefonsag."),
            Lang::En => format!("Call from {who}. Press t for a new phone case."),
        },
        (CallPhase::Answered, _) => match lang {
            Lang::Da => format!("Samtale med {who} i gang."),
            Lang::En => format!("Talking to {who}."),
        },
        (CallPhase::Hangup, true) => match lang {
            Lang::Da => format!(
                "Opkaldet er slut ({}). Tryk w for at skrive resumé.",
                clock(pop.duration_seconds.unwrap_or_default())
            ),
            Lang::En => format!(
                "The call has ended ({}). Press w to write the summary.",
                clock(pop.duration_seconds.unwrap_or_default())
            ),
        },
        (CallPhase::Hangup, false) => String::new(),
    }
}

fn phase_label(pop: &CallPop, lang: Lang) -> String {
    match pop.phase {
        CallPhase::Ringing => lang.pick("Ringer", "Ringing").to_owned(),
        CallPhase::Answered => lang.pick("Samtale i gang", "Call in progress").to_owned(),
        CallPhase::Hangup => match lang {
            Lang::Da => format!(
                "Afsluttet · varede {}",
                clock(pop.duration_seconds.unwrap_or_default())
            ),
            Lang::En => format!(
                "Ended · lasted {}",
                clock(pop.duration_seconds.unwrap_or_default())
            ),
        },
    }
}

/// Mounted once in the supporter's console.
#[component]
pub fn CallPopPanel() -> impl IntoView {
    let lang = use_page_context().lang;
    let pop = RwSignal::new(None::<CallPop>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let show = move |p: CallPop| pop.set(Some(p));
        // A console opened mid-call shows it at once; the feed brings every change after.
        leptos::task::spawn_local(async move {
            if let Ok(Some(p)) = crate::functions::calls::current_call().await {
                // An event that arrived meanwhile is newer.
                if pop.get_untracked().is_none() {
                    show(p);
                }
            }
        });
        let source = crate::components::live_feed::subscribe_calls(show);
        let source = StoredValue::new_local(source);
        on_cleanup(move || {
            source.with_value(|s| {
                if let Some(s) = s {
                    s.close();
                }
            })
        });
    });
    let wrap = ServerAction::<WrapUpCall>::new();
    // A saved summary closes the pop (the feed says so too, a moment later).
    Effect::new(move |_| {
        if let Some(Ok(_)) = wrap.value().get() {
            pop.set(None);
        }
    });
    view! {
        <p class="visually-hidden" aria-live="assertive" role="status">
            {move || pop.get().map(|p| announcement(&p, lang)).unwrap_or_default()}
        </p>
        {move || pop.get().filter(showing).map(|p| view! { <Pop pop=p wrap=wrap/> })}
    }
}

#[component]
fn Pop(pop: CallPop, wrap: ServerAction<WrapUpCall>) -> impl IntoView {
    let lang = use_page_context().lang;
    let title = match &pop.caller_display {
        Some(number) => match lang {
            Lang::Da => format!("Opkald fra {number}"),
            Lang::En => format!("Call from {number}"),
        },
        None => lang
            .pick("Opkald fra skjult nummer", "Call from a withheld number")
            .to_owned(),
    };
    let attachable = pop.case_reference.is_none();
    let call_id = pop.call_id.clone();
    let callers = if pop.callers.is_empty() {
        view! {
            <p>{lang.pick("Nummeret kendes ikke i desken.", "The desk does not know the number.")}</p>
        }
        .into_any()
    } else {
        let call_id = call_id.clone();
        view! {
            <ul class="call-callers">
                {pop.callers.iter().cloned().map(|c| view! {
                    <Caller caller=c call_id=call_id.clone() attachable=attachable/>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let case = match pop.case_reference.clone() {
        Some(reference) => view! {
            <p class="call-case">
                {lang.pick("Opkaldet hører til ", "The call belongs to ")}
                <a href=format!("/support/sag/{reference}")>{reference.clone()}</a>
            </p>
        }
        .into_any(),
        None => view! {
            <form method="post" action=OpenPhoneCase::url() class="call-new">
                <CsrfField/>
                <input type="hidden" name="call_id" value=call_id.clone()/>
                <button type="submit" id=NEW_CASE_BUTTON>
                    {lang.pick("Ny telefonsag", "New phone case")} " " <kbd>"t"</kbd>
                </button>
            </form>
        }
        .into_any(),
    };
    let wrap_up = (pop.needs_wrap_up && pop.case_reference.is_some()).then(|| {
        let error = move || {
            wrap.value()
                .get()
                .and_then(Result::err)
                .map(|e| view! { <p class="error" role="alert">{e.message(lang)}</p> })
        };
        view! {
            <ActionForm action=wrap attr:class="call-wrap-up stack">
                <CsrfField/>
                <input type="hidden" name="call_id" value=call_id.clone()/>
                {error}
                <div class="field">
                    <label for=SUMMARY_FIELD>
                        {lang.pick("Resumé af samtalen (skriv aldrig CPR-nummer)", "Summary of the call (never write a CPR number)")}
                    </label>
                    <textarea id=SUMMARY_FIELD name="summary" rows="3" required></textarea>
                </div>
                <button type="submit">{lang.pick("Gem resumé", "Save summary")}</button>
            </ActionForm>
        }
    });
    let needs_case = (pop.needs_wrap_up && pop.case_reference.is_none()).then(|| {
        view! {
            <p class="notice">
                {lang.pick(
                    "Knyt opkaldet til en sag (ny telefonsag eller en af borgerens sager), så kan du skrive resuméet.",
                    "Attach the call to a case (a new phone case or one of the citizen's cases), then write the summary.",
                )}
            </p>
        }
    });
    view! {
        <section class="call-pop" aria-labelledby="call-pop-title" data-phase=pop.phase.as_str()>
            <h2 id="call-pop-title">{title}</h2>
            <p class="call-phase">{phase_label(&pop, lang)}</p>
            {callers}
            {case}
            {needs_case}
            {wrap_up}
            <Shortcuts keys=CALL_KEYS/>
        </section>
    }
}

#[component]
fn Caller(caller: CallerMatch, call_id: String, attachable: bool) -> impl IntoView {
    let lang = use_page_context().lang;
    let CallerParty::Citizen {
        citizen_id,
        cpr_masked,
    } = caller.party;
    let cases = caller
        .open_cases
        .into_iter()
        .map(|c| {
            let attach = attachable.then(|| view! {
            <form method="post" action=AttachCall::url() class="inline">
                <CsrfField/>
                <input type="hidden" name="call_id" value=call_id.clone()/>
                <input type="hidden" name="reference" value=c.reference.clone()/>
                <button type="submit" class="secondary">
                    {lang.pick("Opkaldet handler om denne sag", "The call is about this case")}
                    <span class="visually-hidden">" " {c.reference.clone()}</span>
                </button>
            </form>
        });
            view! {
                <li>
                    <a href=format!("/support/sag/{}", c.reference)>{c.reference.clone()}</a>
                    " " {c.subject.clone()} " · " {c.status.label(lang)}
                    {attach}
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="call-caller">
            <p>
                <a href=format!("/support/borger/{citizen_id}")><strong>{caller.name.clone()}</strong></a>
                {cpr_masked.map(|m| view! { " · CPR " {m} })}
            </p>
            <ul class="call-cases" aria-label=lang.pick("Åbne sager", "Open cases")>{cases}</ul>
        </li>
    }
}

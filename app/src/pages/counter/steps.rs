//! The screens of the guided visit. Each is one form posting to its step's server function;
//! the page then reloads on the next step. Everything works without JavaScript; with it,
//! the user-ID and password rules are ticked off as the citizen types.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::LookAway;
use crate::components::csrf_field::CsrfField;
use crate::components::identity_panel::IdentityPanel;
use crate::domain::counter::view::VisitView;
use crate::domain::counter::{Purpose, Step};
use crate::domain::{AuthenticatorKind, DocumentKind, ExemptionGround, danish_time, exemption_end};
use crate::functions::counter::{
    ConfirmHandover, FinishVisit, IssueCode, SaveAuthenticators, SaveExemption, SaveIdentityCheck,
    SaveUserId, check_user_id,
};
use crate::i18n::Lang;
use crate::page_context::use_page_context;

fn hidden_id(visit: &VisitView) -> impl IntoView + use<> {
    view! { <input type="hidden" name="visit_id" value=visit.id.to_string()/> }
}

/// The link to the step after `step` in this visit.
fn next_step_link(visit: &VisitView, lang: Lang) -> impl IntoView + use<> {
    let next = visit.step;
    view! {
        <p><a class="button primary" href="?" rel="external" autofocus>
            {lang.pick("Fortsæt til", "Continue to")} " " {next.label(lang).to_lowercase()}
        </a></p>
    }
}

/// Step 1 as saved: the citizen's MitID, open cases and any Digital Post exemption.
#[component]
pub fn StartOverview(visit: VisitView) -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{Step::Start.label(lang)}</h2>
            <IdentityPanel identity=visit.identity.clone() heading_id="identity-title"/>
            <section class="panel" aria-labelledby="cases-title">
                <h2 id="cases-title">{lang.pick("Åbne sager", "Open cases")}</h2>
                {if visit.open_cases.is_empty() {
                    view! { <p>{lang.pick("Ingen.", "None.")}</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {visit.open_cases.iter().map(|c| view! {
                                <li><strong>{c.reference.clone()}</strong> " " {c.subject.clone()} " (" {super::case_status_label(&c.status, lang)} ")"</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                {visit.exempt_until.clone().map(|d| view! {
                    <p>{lang.pick("Fritaget for Digital Post til og med", "Exempt from Digital Post until")} " " {d}</p>
                })}
            </section>
            {next_step_link(&visit, lang)}
        </section>
    }
}

/// Step 2: an ID document (and the level it reaches), a witness, or control questions.
#[component]
pub fn IdentityStep(visit: VisitView) -> impl IntoView {
    let lang = use_page_context().lang;
    let done = visit.draft.identity_check.clone();
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{Step::IdentityCheck.label(lang)}</h2>
            {done.map(|c| view! {
                <p class="notice" role="status">{lang.pick("Kontrolleret:", "Checked:")} " " {c.describe(lang)} ". "
                    {lang.pick("Du kan kontrollere igen herunder.", "You can check again below.")}</p>
            })}
            {(visit.purpose == Purpose::RaiseAssurance).then(|| view! {
                <p class="hint">{lang.pick(
                    "Et højere sikringsniveau kræver et dokument, der når det (højt: pas fra Danmark, Grønland eller Færøerne).",
                    "A higher assurance level needs a document that reaches it (high: a Danish, Greenlandic or Faroese passport).")}</p>
            })}
            <form method="post" action=SaveIdentityCheck::url() class="stack steps big-form">
                <CsrfField/>
                {hidden_id(&visit)}
                <fieldset>
                    <legend>{lang.pick("Hvordan kontrolleres identiteten?", "How is the identity checked?")}</legend>
                    <div class="choice">
                        <input type="radio" name="method" id="m-document" value="document" checked autofocus/>
                        <label for="m-document">{lang.pick("ID-dokument", "ID document")}</label>
                    </div>
                    <div class="choice">
                        <input type="radio" name="method" id="m-witness" value="witness"/>
                        <label for="m-witness">{lang.pick("Vidne", "Witness")}</label>
                    </div>
                    <div class="choice">
                        <input type="radio" name="method" id="m-questions" value="questions"/>
                        <label for="m-questions">{lang.pick("Kontrolspørgsmål fra CPR", "Control questions from CPR")}</label>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{lang.pick("ID-dokument", "ID document")}</legend>
                    <div class="field">
                        <label for="doc-kind">{lang.pick("Dokumenttype (og det sikringsniveau, det giver)", "Document type (and the assurance level it reaches)")}</label>
                        <select id="doc-kind" name="document_kind">
                            {DocumentKind::ALL.into_iter().map(|k| view! {
                                <option value=k.key()>{k.label(lang)} " – " {k.max_level().label(lang)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="doc-number">{lang.pick("Dokumentnummer (kun de sidste 4 tegn gemmes)", "Document number (only the last 4 characters are kept)")}</label>
                        <input id="doc-number" name="document_number" type="text" autocomplete="off"/>
                    </div>
                    <div class="field">
                        <label for="doc-expiry">{lang.pick("Udløbsdato (ÅÅÅÅ-MM-DD)", "Expiry date (YYYY-MM-DD)")}</label>
                        <input id="doc-expiry" name="document_expiry" type="text" inputmode="numeric" placeholder="2030-12-31" autocomplete="off"/>
                    </div>
                    <div class="choice">
                        <input type="checkbox" id="doc-photo" name="photo_matches" value="1"/>
                        <label for="doc-photo">{lang.pick("Billedet ligner personen ved skranken", "The photo matches the person at the counter")}</label>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{lang.pick("Vidne", "Witness")}</legend>
                    <p class="hint">{lang.pick(
                        "Vidnet skal være mindst 18 år, have haft MitID i mere end 30 dage og må højst være vidne 3 gange på 120 dage. Desken tjekker det i sine egne registre.",
                        "The witness must be 18 or older, have had MitID for more than 30 days, and may be a witness at most 3 times in 120 days. The desk checks this in its own records.")}</p>
                    <div class="field">
                        <label for="w-cpr">{lang.pick("Vidnets CPR-nummer", "The witness's CPR number")}</label>
                        <input id="w-cpr" name="witness_cpr" type="text" inputmode="numeric" autocomplete="off"/>
                    </div>
                    <div class="field">
                        <label for="w-name">{lang.pick("Vidnets navn", "The witness's name")}</label>
                        <input id="w-name" name="witness_name" type="text" autocomplete="off"/>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{lang.pick("Kontrolspørgsmål", "Control questions")}</legend>
                    <div class="field">
                        <label for="q-asked">{lang.pick("Antal stillet (mindst 3)", "Number asked (at least 3)")}</label>
                        <input id="q-asked" name="questions_asked" type="number" min="0" max="10" value="0"/>
                    </div>
                    <div class="field">
                        <label for="q-correct">{lang.pick("Antal besvaret korrekt", "Number answered correctly")}</label>
                        <input id="q-correct" name="questions_correct" type="number" min="0" max="10" value="0"/>
                    </div>
                </fieldset>
                <button type="submit" class="primary" id="identity-submit">{lang.pick("Kontrollér identiteten", "Check the identity")}</button>
            </form>
        </section>
    }
}

/// Step 3: needs first, then the devices (serial numbers for physical ones).
#[component]
pub fn DevicesStep(visit: VisitView) -> impl IntoView {
    let lang = use_page_context().lang;
    let saved = visit.draft.needs.unwrap_or_default();
    let no_phone = RwSignal::new(saved.no_smartphone);
    let impaired = RwSignal::new(saved.visually_impaired);
    let many = RwSignal::new(saved.many_logins);
    let recommended = move || {
        crate::domain::counter::Needs {
            no_smartphone: no_phone.get(),
            visually_impaired: impaired.get(),
            many_logins: many.get(),
        }
        .recommended()
    };
    let chosen = |k: AuthenticatorKind| visit.draft.devices.iter().find(|d| d.kind == k).cloned();
    let need = move |id: &'static str, label: &'static str, signal: RwSignal<bool>, first: bool| {
        view! {
            <div class="choice">
                <input type="checkbox" id=id name=id value="1" checked=signal.get_untracked() autofocus=first
                    on:change=move |ev| signal.set(event_target_checked(&ev))/>
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{Step::Authenticators.label(lang)}</h2>
            <form method="post" action=SaveAuthenticators::url() class="stack steps big-form">
                <CsrfField/>
                {hidden_id(&visit)}
                <fieldset>
                    <legend>{lang.pick("Spørg borgeren", "Ask the citizen")}</legend>
                    {need("no_smartphone", lang.pick("Har ingen smartphone", "Has no smartphone"), no_phone, true)}
                    {need("visually_impaired", lang.pick("Er blind eller svagtseende", "Is blind or visually impaired"), impaired, false)}
                    {need("many_logins", lang.pick("Logger på mange gange om dagen", "Logs in many times a day"), many, false)}
                    <p class="hint" aria-live="polite">
                        {lang.pick("Anbefalet:", "Recommended:")} " "
                        {move || recommended().iter().map(|k| k.label(lang)).collect::<Vec<_>>().join(" + ")}
                    </p>
                </fieldset>
                <fieldset>
                    <legend>{lang.pick("Loginmidler der udleveres", "Authenticators to hand out")}</legend>
                    <p class="hint">{lang.pick("Man kan kun have én aktiv kodeviser ad gangen.", "Only one code display can be active at a time.")}</p>
                    {AuthenticatorKind::ALL.into_iter().map(|k| {
                        let name = k.as_str();
                        let saved = chosen(k);
                        let serial_name = format!("{name}_serial");
                        let serial_id = format!("{name}-serial");
                        view! {
                            <div class="device">
                                <div class="choice">
                                    <input type="checkbox" id=name name=name value="1" checked=saved.is_some()/>
                                    <label for=name>{k.label(lang)}
                                        {move || recommended().contains(&k).then(|| view! { <span class="badge">{lang.pick("anbefalet", "recommended")}</span> })}
                                    </label>
                                </div>
                                {k.is_physical().then(|| view! {
                                    <div class="field serial">
                                        <label for=serial_id.clone()>{lang.pick("Serienummer", "Serial number")}</label>
                                        <input id=serial_id.clone() name=serial_name type="text" autocomplete="off"
                                            value=saved.and_then(|d| d.serial).map(|s| s.as_str().to_owned()).unwrap_or_default()/>
                                    </div>
                                })}
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="primary" id="devices-submit">{lang.pick("Gem loginmidler", "Save authenticators")}</button>
            </form>
        </section>
    }
}

/// Step 4: the user-ID, every rule ticked off as it is typed, and the password if needed.
#[component]
pub fn UserIdStep(visit: VisitView) -> impl IntoView {
    use crate::domain::mitid_password;
    use crate::domain::mitid_user_id::{UserIdRule, check_all};

    let lang = use_page_context().lang;
    let visit_id = visit.id;
    let typed = RwSignal::new(visit.draft.user_id.clone().unwrap_or_default());
    let password = RwSignal::new(String::new());
    let needs_password = visit.draft.needs_password(visit.purpose);
    // An action, not a resource: a resource read here would suspend the whole page on
    // every keystroke. Answers can arrive out of order, so one is kept only if it is for
    // what the field holds when it arrives.
    let answer = RwSignal::new(None::<Option<bool>>);
    let availability = Action::new(move |value: &String| {
        let value = value.clone();
        async move {
            let available = if check_all(&value).iter().all(|r| r.passed) {
                check_user_id(visit_id, value.clone())
                    .await
                    .ok()
                    .and_then(|c| c.available)
            } else {
                None
            };
            if typed.get_untracked() == value {
                answer.set(Some(available));
            }
        }
    });
    let available = move || answer.get().flatten();
    let mark = move |ok: bool| if ok { "✓" } else { "✗" };
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{Step::UserId.label(lang)}</h2>
            <LookAway/>
            <form method="post" action=SaveUserId::url() class="stack steps big-form">
                <CsrfField/>
                {hidden_id(&visit)}
                <div class="field">
                    <label for="user-id">{lang.pick("Bruger-ID (borgeren taster selv)", "User-ID (the citizen types it)")}</label>
                    <input id="user-id" name="user_id" type="text" autocomplete="off" spellcheck="false" autofocus
                        aria-describedby="user-id-rules" prop:value=move || typed.get()
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            typed.set(value.clone());
                            answer.set(None);
                            availability.dispatch(value);
                        }/>
                </div>
                <ul id="user-id-rules" class="rules" aria-live="polite">
                    {UserIdRule::ALL.into_iter().map(|rule| view! {
                        <li class:ok=move || rule.passes(&typed.get())>
                            <span aria-hidden="true">{move || mark(rule.passes(&typed.get()))}</span> " "
                            {rule.label(lang)}
                            <span class="visually-hidden">{move || if rule.passes(&typed.get()) { lang.pick(" – opfyldt", " – met") } else { lang.pick(" – ikke opfyldt", " – not met") }}</span>
                        </li>
                    }).collect_view()}
                    <li class:ok=move || available() == Some(true)>
                        {move || match available() {
                            Some(true) => lang.pick("✓ Ledigt (store og små bogstaver regnes ens)", "✓ Available (upper and lower case count as the same)"),
                            Some(false) => lang.pick("✗ Optaget – vælg et andet", "✗ Taken – choose another"),
                            None => lang.pick("Ledigt? Tjekkes når reglerne er opfyldt", "Available? Checked once the rules are met"),
                        }}
                    </li>
                </ul>
                {needs_password.then(|| view! {
                    <fieldset>
                        <legend>{lang.pick("Adgangskode (til kodeviser, kodeoplæser eller chip)", "Password (for code display, audio code reader or chip)")}</legend>
                        <div class="field">
                            <label for="password">{lang.pick("Adgangskode", "Password")}</label>
                            <input id="password" name="password" type="password" autocomplete="new-password"
                                aria-describedby="password-rules" on:input=move |ev| password.set(event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for="password-repeat">{lang.pick("Gentag adgangskoden", "Repeat the password")}</label>
                            <input id="password-repeat" name="password_repeat" type="password" autocomplete="new-password"/>
                        </div>
                        <ul id="password-rules" class="rules" aria-live="polite">
                            {mitid_password::PasswordRule::ALL.into_iter().map(|rule| view! {
                                <li class:ok=move || rule.passes(&password.get(), &typed.get())>
                                    <span aria-hidden="true">{move || mark(rule.passes(&password.get(), &typed.get()))}</span> " "
                                    {rule.label(lang)}
                                </li>
                            }).collect_view()}
                        </ul>
                    </fieldset>
                })}
                <button type="submit" class="primary" id="user-id-submit">{lang.pick("Gem bruger-ID", "Save the user-ID")}</button>
            </form>
        </section>
    }
}

/// Step 5: issue the paper code for one device, print the receipt, tick the hand-over list.
#[component]
pub fn ActivationStep(visit: VisitView) -> impl IntoView {
    let lang = use_page_context().lang;
    let issued = visit.draft.activation.clone().filter(|_| visit.code_issued);
    let valid_until = issued.as_ref().map(|a| {
        let t = danish_time::local(a.code().expires_at());
        format!(
            "{:02}-{:02}-{} {:02}:{:02}",
            t.day(),
            u8::from(t.month()),
            t.year(),
            t.hour(),
            t.minute()
        )
    });
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{Step::Activation.label(lang)}</h2>
            <p class="hint">{lang.pick(
                "En papirkode virker for ét loginmiddel i 48 timer. Tre forkerte forsøg spærrer koden.",
                "A paper code works for one authenticator for 48 hours. Three wrong attempts block the code.")}</p>
            <form method="post" action=IssueCode::url() class="stack steps big-form">
                <CsrfField/>
                {hidden_id(&visit)}
                <fieldset>
                    <legend>{lang.pick("Koden skal aktivere", "The code activates")}</legend>
                    {visit.draft.devices.iter().enumerate().map(|(i, d)| {
                        let id = format!("code-for-{}", d.kind.as_str());
                        let selected = issued.as_ref().map_or(i == 0, |a| a.kind == d.kind);
                        view! {
                            <div class="choice">
                                <input type="radio" name="device" id=id.clone() value=d.kind.as_str() checked=selected autofocus=issued.is_none() && i == 0/>
                                <label for=id>{d.describe(lang)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" id="issue-code" class=if issued.is_none() { "primary" } else { "" }>
                    {if issued.is_none() { lang.pick("Udsted aktiveringskode", "Issue the activation code") } else { lang.pick("Udsted en ny kode (den gamle bortfalder)", "Issue a new code (the old one lapses)") }}
                </button>
            </form>
            {issued.map(|a| view! {
                <section class="panel" aria-labelledby="handover-title">
                    <h2 id="handover-title">{lang.pick("Udlevering", "Hand-over")}</h2>
                    <p>{lang.pick("Kode udstedt til", "Code issued for")} " " <strong>{a.kind.label(lang)}</strong> ", "
                        {lang.pick("gyldig til", "valid until")} " " <strong>{valid_until.clone()}</strong>"."</p>
                    <p><a href=format!("/borgerservice/besoeg/{}/kvittering", visit.id) target="_blank" id="receipt-link">
                        {lang.pick("Åbn kvitteringen til udskrift (åbner i nyt vindue)", "Open the receipt for printing (opens in a new window)")}</a></p>
                    <form method="post" action=ConfirmHandover::url() class="stack steps">
                        <CsrfField/>
                        {hidden_id(&visit)}
                        <fieldset>
                            <legend>{lang.pick("Tjekliste", "Checklist")}</legend>
                            {[
                                ("receipt_printed", lang.pick("Kvitteringen med koden er udskrevet og givet til borgeren i en lukket kuvert", "The receipt with the code is printed and given to the citizen in a closed envelope")),
                                ("code_explained", lang.pick("Borgeren ved, at koden virker i 48 timer og for ét loginmiddel", "The citizen knows the code works for 48 hours and for one authenticator")),
                                ("devices_checked", lang.pick("Serienumrene på de udleverede loginmidler er kontrolleret", "The serial numbers of the devices handed out are checked")),
                                ("help_explained", lang.pick("Borgeren ved, hvor der er hjælp (mitid.dk og supporten)", "The citizen knows where to get help (mitid.dk and support)")),
                            ].into_iter().enumerate().map(|(i, (name, label))| view! {
                                <div class="choice">
                                    <input type="checkbox" id=name name=name value="1" autofocus=i == 0/>
                                    <label for=name>{label}</label>
                                </div>
                            }).collect_view()}
                        </fieldset>
                        <button type="submit" class="primary" id="handover-submit">{lang.pick("Udleveret – videre", "Handed over – continue")}</button>
                    </form>
                </section>
            })}
        </section>
    }
}

/// The Digital Post exemption: an optional ground, and the end date it will have.
#[component]
pub fn ExemptionStep(visit: VisitView) -> impl IntoView {
    let lang = use_page_context().lang;
    let ends = exemption_end(danish_time::now_local().date());
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{Step::Exemption.label(lang)}</h2>
            <p>{lang.pick("Fritagelsen gælder til og med", "The exemption lasts until")} " " <strong>{ends.to_string()}</strong>
                " " {lang.pick("(1. november i det andet kalenderår efter registreringen).", "(1 November of the second calendar year after registration).")}</p>
            <form method="post" action=SaveExemption::url() class="stack steps big-form">
                <CsrfField/>
                {hidden_id(&visit)}
                <div class="field">
                    <label for="ground">{lang.pick("Begrundelse (frivillig – borgeren behøver ikke oplyse den)", "Ground (optional – the citizen need not state it)")}</label>
                    <select id="ground" name="ground" autofocus>
                        <option value="">{lang.pick("Ikke oplyst", "Not stated")}</option>
                        {ExemptionGround::ALL.into_iter().map(|g| view! {
                            <option value=g.as_str()>{g.label(lang)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="primary" id="exemption-submit">{lang.pick("Gem fritagelsen", "Save the exemption")}</button>
            </form>
        </section>
    }
}

/// Step 6: what will be registered, and the button that does it.
#[component]
pub fn FinishStep(visit: VisitView) -> impl IntoView {
    let lang = use_page_context().lang;
    let d = visit.draft.clone();
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{Step::Finish.label(lang)}</h2>
            <dl class="case-facts">
                <dt>{lang.pick("Formål", "Purpose")}</dt><dd>{visit.purpose.label(lang)}</dd>
                <dt>{lang.pick("Identitet", "Identity")}</dt><dd>{d.identity_check.as_ref().map(|c| c.describe(lang)).unwrap_or_default()}</dd>
                {(!d.devices.is_empty()).then(|| view! {
                    <dt>{lang.pick("Loginmidler", "Authenticators")}</dt>
                    <dd>{d.devices.iter().map(|x| x.describe(lang)).collect::<Vec<_>>().join(", ")}</dd>
                })}
                {d.user_id.is_some().then(|| view! {
                    <dt>{lang.pick("Bruger-ID", "User-ID")}</dt>
                    <dd>{lang.pick("Valgt af borgeren", "Chosen by the citizen")}{visit.password_set.then(|| lang.pick(", med adgangskode", ", with password"))}</dd>
                })}
                {d.activation.as_ref().map(|a| view! {
                    <dt>{lang.pick("Aktiveringskode", "Activation code")}</dt><dd>{a.kind.label(lang)} {lang.pick(" – udleveret", " – handed over")}</dd>
                })}
                {d.exemption.as_ref().map(|e| view! {
                    <dt>{lang.pick("Fritaget til", "Exempt until")}</dt><dd>{e.ends_on().to_string()}</dd>
                })}
                {d.power.as_ref().map(|p| view! {
                    <dt>{lang.pick("Fuldmagt", "Power of attorney")}</dt><dd>{p.describe(lang)}</dd>
                })}
            </dl>
            <form method="post" action=FinishVisit::url() class="stack">
                <CsrfField/>
                {hidden_id(&visit)}
                <button type="submit" class="primary" id="finish-submit" autofocus>{match visit.purpose {
                    Purpose::DigitalPostExemption => lang.pick("Registrér fritagelsen", "Register the exemption"),
                    Purpose::PaperPowerOfAttorney => lang.pick("Afslut besøget", "Finish the visit"),
                    Purpose::NewMitId | Purpose::NemIdMigration => lang.pick("Opret MitID og afslut", "Create the MitID and finish"),
                    _ => lang.pick("Gem i registret og afslut", "Save in the registry and finish"),
                }}</button>
            </form>
        </section>
    }
}

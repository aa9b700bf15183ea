use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::csrf_field::CsrfField;
use crate::components::search_box::use_article_suggestions;
use crate::components::urgent_box::UrgentBox;
use crate::domain::contacts::tel_href;
use crate::domain::help_activity::{FROM_SEARCH, TRAIL_PARAM, came_from_search, guide_from_search};
use crate::domain::{Category, System};
use crate::functions::contact::{SubmitContact, citizen_case_status};
use crate::hydration::IslandReady;
use crate::page_context::use_page_context;
use crate::pages::not_found::NotFound;

/// `/kontakt`: write to the support line. While the citizen describes the problem, matching
/// guides are suggested (many questions have an answer already).
#[component]
pub fn ContactPage() -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    let theft_phone = ctx.contacts.identity_theft_phone;
    let action = ServerAction::<SubmitContact>::new();
    let error = move || action.value().get().and_then(Result::err);
    // Came here from a guide found by searching: sent on with the form, for the deflection
    // figures (no cookie; see `domain::help_activity`).
    let trail = use_query_map().read_untracked().get(TRAIL_PARAM);
    let from_search = came_from_search(trail.as_deref());
    view! {
        <Title text=lang.pick("Kontakt", "Contact")/>
        <div class="page narrow-wide">
            <h1>{lang.pick("Skriv til supporten", "Write to the support line")}</h1>
            <p class="lead">{lang.pick(
                "Vi svarer på e-mail. En skriftlig henvendelse spærrer ikke noget: er det akut – fx mistet telefon eller misbrug – så ring til hotlinen for identitetstyveri på ",
                "We answer by e-mail. A written request does not block anything: if it is urgent – e.g. a lost phone or misuse – call the identity-theft hotline on ",
            )}
                <a class="phone" href=tel_href(&theft_phone)>{theft_phone.clone()}</a>
                {lang.pick(" (døgnåben).", " (24 hours).")}
            </p>
            {move || error().map(|e| view! {
                <div class="error-summary" role="alert" tabindex="-1">
                    <h2>{lang.pick("Der er en fejl i formularen", "There is a problem with the form")}</h2>
                    <p>{e.message(lang)}</p>
                </div>
            })}
            <form method="post" action=SubmitContact::url() class="stack">
                <CsrfField/>
                {from_search.then(|| view! { <input type="hidden" name=TRAIL_PARAM value=FROM_SEARCH/> })}
                <div class="field">
                    <label for="name">{lang.pick("Dit navn", "Your name")}</label>
                    <input id="name" name="name" type="text" autocomplete="name" required/>
                </div>
                <div class="field">
                    <label for="email">{lang.pick("Din e-mail", "Your e-mail")}</label>
                    <input id="email" name="email" type="email" autocomplete="email" required/>
                </div>
                <div class="field">
                    <label for="phone">{lang.pick("Telefon (valgfrit)", "Phone (optional)")}</label>
                    <input id="phone" name="phone" type="tel" autocomplete="tel"/>
                </div>
                <div class="field">
                    <label for="system">{lang.pick("Hvad drejer det sig om?", "What is it about?")}</label>
                    <select id="system" name="system">
                        {System::ALL.into_iter().map(|s| view! { <option value=s.slug()>{s.name()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="category">{lang.pick("Emne", "Topic")}</label>
                    <select id="category" name="category">
                        {Category::ALL.into_iter().map(|c| view! { <option value=c.as_str()>{c.label(lang)}</option> }).collect_view()}
                    </select>
                </div>
                <MessageField/>
                <button type="submit" class="primary">{lang.pick("Send", "Send")}</button>
            </form>
            <UrgentBox/>
        </div>
    }
}

/// The message, with guides that may answer it suggested while the citizen writes. An island:
/// the contact page's only code.
#[island]
fn MessageField() -> impl IntoView {
    let lang = use_page_context().lang;
    let (hits, on_input) = use_article_suggestions(4, 3);
    view! {
        <div class="field">
            <label for="message">{lang.pick("Beskriv din henvendelse", "Describe your request")}</label>
            <p id="message-hint" class="hint">{lang.pick(
                "Skriv ikke dit CPR-nummer, din adgangskode eller koder.",
                "Do not write your CPR number, password or codes.",
            )}</p>
            <textarea id="message" name="message" rows="6" required aria-describedby="message-hint" on:input=on_input></textarea>
        </div>
        <div class="suggestions" aria-live="polite">
            {move || {
                let list = hits.get();
                (!list.is_empty()).then(|| view! {
                    <p class="suggestions-title">{lang.pick("Måske kan disse vejledninger hjælpe dig med det samme:", "These guides may help you right away:")}</p>
                    <ul>{list.into_iter().map(|h| view! { <li><a href=guide_from_search(&h.slug)>{h.title}</a></li> }).collect_view()}</ul>
                })
            }}
        </div>
        <IslandReady/>
    }
}

/// `/kontakt/kvittering`: the case reference and the private status link.
#[component]
pub fn ContactReceipt() -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    let theft_phone = ctx.contacts.identity_theft_phone;
    let query = use_query_map();
    let reference = query.read_untracked().get("sag").unwrap_or_default();
    let link = query.read_untracked().get("link").unwrap_or_default();
    // Set for a lost or stolen login means or identity theft: written requests are not
    // handled as emergencies, so the citizen is sent to the phone for a block.
    let urgent = query.read_untracked().get("akut").is_some();
    let status_path = format!("/sag/status/{link}");
    view! {
        <Title text=lang.pick("Tak for din henvendelse", "Thank you for writing")/>
        <div class="page narrow">
            <div class="panel receipt" role="status">
                <h1>{lang.pick("Tak. Vi har modtaget din henvendelse.", "Thank you. We have received your request.")}</h1>
                <p>{lang.pick("Dit sagsnummer er", "Your case number is")} " " <strong class="case-ref">{reference}</strong></p>
                <p>{lang.pick(
                    "Gem dette link. Med det kan du se, hvordan det går med din sag:",
                    "Keep this link. With it you can see how your case is progressing:",
                )}</p>
                <p><a href=status_path.clone()>{lang.pick("Se status for din sag", "See the status of your case")}</a></p>
            </div>
            {urgent.then(|| view! {
                <div class="panel urgent-call" role="alert">
                    <h2>{lang.pick("Skal noget spærres nu? Så ring.", "Does something need blocking now? Then call.")}</h2>
                    <p>
                        {lang.pick(
                            "Vi behandler skriftlige henvendelser i rækkefølge, og de spærrer ikke noget. Er din telefon, kodeviser eller kodeoplæser væk, eller tror du, at nogen misbruger dit MitID, så ring til hotlinen for identitetstyveri på ",
                            "We handle written requests in turn, and they do not block anything. If your phone, code display or audio code reader is gone, or you think someone is misusing your MitID, call the identity-theft hotline on ",
                        )}
                        <a class="phone" href=tel_href(&theft_phone)>{theft_phone.clone()}</a>
                        {lang.pick(" (døgnåben) og få det spærret med det samme.", " (24 hours) and have it blocked right away.")}
                    </p>
                </div>
            })}
        </div>
    }
}

/// `/sag/status/:token`: the citizen's view of their case, by private link.
#[component]
pub fn CaseStatusPage() -> impl IntoView {
    let lang = use_page_context().lang;
    let params = use_params_map();
    let status = Resource::new(
        move || params.read().get("token").unwrap_or_default(),
        citizen_case_status,
    );
    view! {
        <Title text=lang.pick("Status for din sag", "Status of your case")/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(Some(c)) => view! {
                        <div class="page narrow">
                            <h1>{lang.pick("Status for din sag", "Status of your case")}</h1>
                            <dl class="case-facts">
                                <dt>{lang.pick("Sagsnummer", "Case number")}</dt><dd class="case-ref">{c.reference}</dd>
                                <dt>{lang.pick("Emne", "Subject")}</dt><dd>{c.subject}</dd>
                                <dt>{lang.pick("Status", "Status")}</dt><dd><strong>{c.status.label(lang)}</strong></dd>
                                <dt>{lang.pick("Oprettet", "Created")}</dt><dd>{c.created_at}</dd>
                                <dt>{lang.pick("Senest opdateret", "Last updated")}</dt><dd>{c.updated_at}</dd>
                            </dl>
                        </div>
                    }.into_any(),
                    _ => view! { <NotFound/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

//! `/borgerservice/besoeg/:id/kvittering`: the print-friendly receipt with the paper
//! activation code. No full CPR number; the page's chrome is hidden when printed.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::functions::counter::get_receipt;
use crate::page_context::use_page_context;

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let lang = use_page_context().lang;
    let receipt = Resource::new(crate::pages::id_param(), get_receipt);
    view! {
        <Title text=lang.pick("Kvittering – aktiveringskode", "Receipt – activation code")/>
        <RequireRole role=Role::Borgerservice>
            <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter …", "Loading …")}</p> }>
                {move || Suspend::new(async move {
                    match receipt.await {
                        Err(e) => view! { <div class="page"><p class="error" role="alert">{e.message(lang)}</p></div> }.into_any(),
                        Ok(None) => view! { <div class="page"><p>{lang.pick(
                            "Der er ingen aktiveringskode at udskrive. Koden kan kun udskrives, mens besøget er i gang.",
                            "There is no activation code to print. The code can only be printed while the visit is in progress.")}</p></div> }.into_any(),
                        Ok(Some(r)) => view! {
                            <div class="page receipt">
                                <p class="no-print"><button type="button" class="primary" autofocus on:click=move |_| print_page()>{lang.pick("Udskriv", "Print")}</button>
                                    " " {lang.pick("(eller Ctrl+P)", "(or Ctrl+P)")}</p>
                                <h1>{lang.pick("MitID – aktiveringskode", "MitID – activation code")}</h1>
                                <dl class="case-facts">
                                    <dt>{lang.pick("Navn", "Name")}</dt><dd>{r.citizen_name.clone()}</dd>
                                    <dt>"CPR"</dt><dd>{r.cpr_masked.clone()}</dd>
                                    <dt>{lang.pick("Formål", "Purpose")}</dt><dd>{r.purpose.label(lang)}</dd>
                                    <dt>{lang.pick("Loginmiddel", "Authenticator")}</dt><dd>{r.device.clone()}</dd>
                                    <dt>{lang.pick("Aktiveringskode", "Activation code")}</dt><dd class="code" id="activation-code">{r.code.clone()}</dd>
                                    <dt>{lang.pick("Gyldig til", "Valid until")}</dt><dd>{r.valid_until.clone()}</dd>
                                    <dt>{lang.pick("Udstedt af", "Issued by")}</dt><dd>{r.issued_by.clone()} ", Borgerservice"</dd>
                                </dl>
                                <ul>
                                    <li>{lang.pick("Koden virker for ét loginmiddel i 48 timer.", "The code works for one authenticator for 48 hours.")}</li>
                                    <li>{lang.pick("Tre forkerte forsøg spærrer koden.", "Three wrong attempts block the code.")}</li>
                                    <li>{lang.pick("Vis aldrig koden til andre. MitID beder dig aldrig om den i telefonen.", "Never show the code to anyone. MitID never asks for it on the phone.")}</li>
                                    <li>{lang.pick("Hjælp: mitid.dk eller supporten.", "Help: mitid.dk or support.")}</li>
                                </ul>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </RequireRole>
    }
}

fn print_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

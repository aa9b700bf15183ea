use leptos::prelude::*;

use crate::domain::contacts::tel_href;
use crate::page_context::use_page_context;

/// What to do right now when a login means is lost or stolen, or misuse is suspected.
#[component]
pub fn UrgentBox() -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    let c = ctx.contacts;
    view! {
        <section class="urgent" aria-labelledby="urgent-title">
            <h2 id="urgent-title">
                {lang.pick(
                    "Mistet telefon, kodeviser eller kodeoplæser? Mistanke om misbrug?",
                    "Lost your phone, code display or audio code reader? Suspect misuse?",
                )}
            </h2>
            <p class="urgent-lead">
                <strong>{lang.pick("Spær med det samme.", "Block it right away.")}</strong>
                " "
                {lang.pick(
                    "Jo før du spærrer, jo mindre kan andre nå at gøre.",
                    "The sooner you block, the less anyone else can do.",
                )}
            </p>
            <ol class="urgent-steps">
                <li>
                    {lang.pick(
                        "Spær dit loginmiddel på MitID.dk, eller ring til MitID Support på ",
                        "Block your login means on MitID.dk, or call MitID Support on ",
                    )}
                    <a class="phone" href=tel_href(&c.mitid_support_phone)>{c.mitid_support_phone.clone()}</a>
                    " (" {c.mitid_support_hours(lang)} ")."
                </li>
                <li>
                    {lang.pick(
                        "Har du mistet din telefon, så spær også SIM-kortet hos dit teleselskab.",
                        "If you lost your phone, also block the SIM card with your mobile operator.",
                    )}
                </li>
                <li>
                    {lang.pick(
                        "Tror du, at nogen misbruger dit MitID eller din identitet? Ring til hotlinen for identitetstyveri på ",
                        "Do you think someone is misusing your MitID or your identity? Call the identity-theft hotline on ",
                    )}
                    <a class="phone" href=tel_href(&c.identity_theft_phone)>{c.identity_theft_phone.clone()}</a>
                    {lang.pick(" (døgnåben). ", " (24 hours). ")}
                    {lang.pick(
                        "Anmeld det til politiet, gem anmeldelsen, og kontakt dine kreditorer.",
                        "Report it to the police, keep the report, and contact your creditors.",
                    )}
                </li>
            </ol>
            <p class="urgent-note">
                {lang.pick(
                    "Myndigheder og banker beder dig aldrig uopfordret om dine MitID-oplysninger.",
                    "Authorities and banks never ask for your MitID details out of the blue.",
                )}
            </p>
        </section>
    }
}

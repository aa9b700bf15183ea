use leptos::prelude::*;

use crate::domain::contacts::tel_href;
use crate::page_context::use_page_context;

#[component]
pub fn SiteFooter() -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    let c = ctx.contacts;
    view! {
        <footer class="site-footer">
            <div class="footer-inner">
                <section aria-labelledby="footer-contact">
                    <h2 id="footer-contact">{lang.pick("Kontakt", "Contact")}</h2>
                    <dl class="contacts">
                        <dt>{lang.pick("MitID Support", "MitID Support")}</dt>
                        <dd>
                            <a href=tel_href(&c.mitid_support_phone)>{c.mitid_support_phone.clone()}</a>
                            <span class="hours">{c.mitid_support_hours(lang)}</span>
                        </dd>
                        <dt>{lang.pick("Hotline ved identitetstyveri", "Identity-theft hotline")}</dt>
                        <dd>
                            <a href=tel_href(&c.identity_theft_phone)>{c.identity_theft_phone.clone()}</a>
                            <span class="hours">{lang.pick("Døgnåben, hele året", "24 hours, all year")}</span>
                        </dd>
                        <dt>{lang.pick("borger.dk kontaktcenter", "borger.dk contact centre")}</dt>
                        <dd><a href=tel_href(&c.borger_dk_phone)>{c.borger_dk_phone.clone()}</a></dd>
                    </dl>
                </section>
                <p class="footer-note">
                    {lang.pick(
                        "Vi spørger aldrig om din adgangskode, dine koder eller din MitID-godkendelse.",
                        "We never ask for your password, your codes or your MitID approval.",
                    )}
                </p>
            </div>
        </footer>
    }
}

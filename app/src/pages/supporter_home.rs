use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::domain::contacts::tel_href;
use crate::page_context::use_page_context;

/// The supporter's start page.
#[component]
pub fn SupporterHome() -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    let name = ctx.user.map(|u| u.display_name).unwrap_or_default();
    let c = ctx.contacts;
    view! {
        <Title text=lang.pick("Support", "Support")/>
        <RequireRole role=Role::Supporter>
            <div class="page">
                <h1>{lang.pick("Supportkonsol", "Support console")}</h1>
                <p class="lead">{format!("{} {}.", lang.pick("Velkommen,", "Welcome,"), name.clone())}</p>
                <section class="panel" aria-labelledby="numbers-title">
                    <h2 id="numbers-title">{lang.pick("Numre til borgeren", "Numbers for the citizen")}</h2>
                    <dl class="contacts">
                        <dt>"MitID Support"</dt>
                        <dd><a href=tel_href(&c.mitid_support_phone)>{c.mitid_support_phone.clone()}</a>
                            <span class="hours">{c.mitid_support_hours(lang)}</span></dd>
                        <dt>{lang.pick("Identitetstyveri (døgnåben)", "Identity theft (24 hours)")}</dt>
                        <dd><a href=tel_href(&c.identity_theft_phone)>{c.identity_theft_phone.clone()}</a></dd>
                        <dt>{lang.pick("borger.dk kontaktcenter", "borger.dk contact centre")}</dt>
                        <dd><a href=tel_href(&c.borger_dk_phone)>{c.borger_dk_phone.clone()}</a></dd>
                    </dl>
                </section>
            </div>
        </RequireRole>
    }
}

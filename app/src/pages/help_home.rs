use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::search_box::SearchBox;
use crate::components::urgent_box::UrgentBox;
use crate::domain::System;
use crate::domain::contacts::tel_href;
use crate::page_context::use_page_context;

/// The citizens' front page: search, the urgent box, the six systems and how to reach a person.
#[component]
pub fn HelpHome() -> impl IntoView {
    let ctx = use_page_context();
    let lang = ctx.lang;
    let c = ctx.contacts;
    view! {
        <Title text=""/>
        <div class="page">
            <section class="hero" aria-labelledby="help-title">
                <h1 id="help-title">
                    {lang.pick("Hvad skal du have hjælp til?", "What do you need help with?")}
                </h1>
                <p class="lead">
                    {lang.pick(
                        "Fælles hjælp til MitID, NemLog-in, Digital Post, NemKonto, Virk og borger.dk.",
                        "Shared help with MitID, NemLog-in, Digital Post, NemKonto, Virk and borger.dk.",
                    )}
                </p>
                <SearchBox initial=""/>
            </section>

            <UrgentBox/>

            <section aria-labelledby="systems-title">
                <h2 id="systems-title">{lang.pick("Vælg et område", "Choose an area")}</h2>
                <ul class="systems">
                    {System::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <li class="system-card">
                                    <a href=format!("/soeg?system={}", s.slug())>
                                        <span class="system-name">{s.name()}</span>
                                        <span class="system-desc">{s.description(lang)}</span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>

            <section class="contact-us" aria-labelledby="contact-title">
                <h2 id="contact-title">{lang.pick("Tal med en person", "Talk to a person")}</h2>
                <p>
                    {lang.pick(
                        "Du kan ringe til den fælles support. Har du brug for at møde op, kan Borgerservice i din kommune hjælpe med MitID, også hvis du ikke har en smartphone.",
                        "You can call the shared support line. If you need to meet in person, Borgerservice in your municipality can help with MitID, also if you do not have a smartphone.",
                    )}
                </p>
                <p>
                    <a href="/kontakt">{lang.pick("Skriv til os i stedet", "Write to us instead")}</a>
                </p>
                <p class="big-phone">
                    <a href=tel_href(&c.mitid_support_phone)>{c.mitid_support_phone.clone()}</a>
                    <span class="hours">{c.mitid_support_hours(lang)}</span>
                </p>
            </section>
        </div>
    }
}

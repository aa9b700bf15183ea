//! `/support/borger/:id`: a citizen found by CPR number: their MitID, their cases (each with
//! a way into the block flow), and an urgent phone case with the block flow in one step.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::components::csrf_field::CsrfField;
use crate::components::identity_panel::IdentityPanel;
use crate::components::require_role::RequireRole;
use crate::domain::Role;
use crate::functions::citizens::{OpenBlockCase, get_citizen};
use crate::page_context::use_page_context;

#[component]
pub fn CitizenPage() -> impl IntoView {
    let lang = use_page_context().lang;
    let action = ServerAction::<OpenBlockCase>::new();
    let citizen = Resource::new(crate::pages::id_param(), get_citizen);
    view! {
        <Title text=lang.pick("Borger", "Citizen")/>
        <RequireRole role=Role::Supporter>
            <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter …", "Loading …")}</p> }>
                {move || Suspend::new(async move {
                    match citizen.await {
                        Err(e) => view! { <div class="page"><p class="error" role="alert">{e.message(lang)}</p></div> }.into_any(),
                        Ok(None) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                        Ok(Some(z)) => view! {
                            <div class="page">
                                <p class="breadcrumb"><a href="/support">{lang.pick("Sagskø", "Case queue")}</a> " › " <a href="/support/soeg">{lang.pick("Søg", "Search")}</a></p>
                                <h1>{z.name.clone()}</h1>
                                <p class="identity-line">"CPR " {z.cpr_masked.clone()}</p>
                                {move || action.value().get().and_then(Result::err).map(|e| view! {
                                    <div class="error-summary" role="alert" tabindex="-1"><p>{e.message(lang)}</p></div>
                                })}
                                <form method="post" action=OpenBlockCase::url() class="stack">
                                    <CsrfField/>
                                    <input type="hidden" name="citizen_id" value=z.id.to_string()/>
                                    <button type="submit" class="danger" id="block-new-case">{lang.pick("Opret akut telefonsag og spær", "Open an urgent phone case and block")}</button>
                                </form>
                                <IdentityPanel identity=z.identity.clone() heading_id="mitid-title"/>
                                <section class="panel" aria-labelledby="cases-title">
                                    <h2 id="cases-title">{lang.pick("Borgerens sager", "The citizen's cases")}</h2>
                                    {if z.cases.is_empty() {
                                        view! { <p>{lang.pick("Ingen.", "None.")}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul>
                                                {z.cases.iter().map(|c| view! {
                                                    <li>
                                                        <a href=format!("/support/sag/{}", c.reference)>{c.reference.clone()}</a> " " {c.subject.clone()} " (" {c.status.label(lang)} ") · "
                                                        <a href=format!("/support/sag/{}/spaer", c.reference)>{lang.pick("Spær fra denne sag", "Block from this case")}</a>
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </section>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </RequireRole>
    }
}

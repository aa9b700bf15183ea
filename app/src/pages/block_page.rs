//! `/support/sag/:reference/spaer`: the block flow in three steps on one screen, so a
//! supporter with a caller on the line gets from the case to a confirmed block quickly and by
//! keyboard alone: verify the caller, choose what to block and why, confirm.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::csrf_field::CsrfField;
use crate::components::identity_panel::{
    assurance_label, authenticator_name, authenticator_status_label, describe_block,
    identity_status_label,
};
use crate::components::require_role::RequireRole;
use crate::components::verify_caller::VerifyFieldset;
use crate::domain::identity_views::{
    AuthenticatorStatus, AuthenticatorView, BlockView, IdentityStatus,
};
use crate::domain::{BlockReason, Category, Role};
use crate::functions::blocks::{BlockLoginMeans, LiftBlock};
use crate::functions::cases::get_case;
use crate::page_context::use_page_context;

#[component]
pub fn BlockPage() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Spær loginmiddel", "Block login means")/>
        <RequireRole role=Role::Supporter>
            <BlockFlow/>
        </RequireRole>
    }
}

#[component]
fn BlockFlow() -> impl IntoView {
    let lang = use_page_context().lang;
    let params = use_params_map();
    let block_action = ServerAction::<BlockLoginMeans>::new();
    let lift_action = ServerAction::<LiftBlock>::new();
    let errors = move || {
        block_action
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| lift_action.value().get().and_then(Result::err))
    };
    let data = Resource::new(
        move || params.read().get("reference").unwrap_or_default(),
        get_case,
    );
    view! {
        <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter …", "Loading …")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <div class="page"><p class="error" role="alert">{e.message(lang)}</p></div> }.into_any(),
                    Ok(None) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Ok(Some(case)) => {
                        let identity = case.identity.clone();
                        let reference = case.reference.clone();
                        let default_reason = match case.category {
                            Category::IdentityTheft => BlockReason::IdentityTheft,
                            _ => BlockReason::Lost,
                        };
                        // The police report and advice fields belong to identity theft only.
                        let reason = RwSignal::new(default_reason);
                        view! {
                            <Title text=format!("{} {}", lang.pick("Spær", "Block"), case.reference)/>
                            <div class="page block-flow">
                                <p class="breadcrumb">
                                    <a href="/support">{lang.pick("Sagskø", "Case queue")}</a> " › "
                                    <a href=format!("/support/sag/{reference}")>{reference.clone()}</a>
                                </p>
                                <h1>{lang.pick("Spær loginmiddel", "Block login means")}</h1>
                                {move || errors().map(|e| view! {
                                    <div class="error-summary" role="alert" tabindex="-1"><p>{e.message(lang)}</p></div>
                                })}
                                {match identity {
                                    None => view! {
                                        <p class="error">{lang.pick(
                                            "Borgeren på sagen har intet MitID i registret. Find borgeren, eller henvis til Borgerservice.",
                                            "The citizen on the case has no MitID in the registry. Find the citizen, or refer them to Borgerservice.")}</p>
                                    }.into_any(),
                                    Some(identity) => {
                                        let active: Vec<AuthenticatorView> = identity.authenticators.iter()
                                            .filter(|a| a.status != AuthenticatorStatus::Blocked).cloned().collect();
                                        let whole_blocked = identity.status == IdentityStatus::Blocked
                                            || identity.blocks.iter().any(|b| b.authenticator.is_none() && b.lifted_at.is_none());
                                        let temporary: Vec<BlockView> = identity.blocks.iter()
                                            .filter(|b| !b.permanent && b.lifted_at.is_none()).cloned().collect();
                                        let citizen = case.citizen.clone();
                                        view! {
                                            <p class="identity-line">
                                                <strong>{citizen.map(|c| c.name).unwrap_or_default()}</strong>
                                                " · " {lang.pick("Bruger-ID", "User-ID")} " " <code>{identity.user_id.clone()}</code>
                                                " · " {lang.pick("Sikringsniveau", "Assurance")} " " {assurance_label(identity.assurance, lang)}
                                                " · " {lang.pick("Status", "Status")} " " {identity_status_label(identity.status, lang)}
                                            </p>
                                            <form method="post" action=BlockLoginMeans::url() class="stack steps">
                                                <CsrfField/>
                                                <input type="hidden" name="reference" value=reference.clone()/>
                                                <VerifyFieldset legend=lang.pick("1. Bekræft hvem der ringer", "1. Verify the caller") prefix="b"/>
                                                <fieldset>
                                                    <legend>{lang.pick("2. Hvad skal spærres, og hvorfor", "2. What to block, and why")}</legend>
                                                    <div class="field" role="radiogroup" aria-labelledby="b-target-label">
                                                        <p id="b-target-label" class="label">{lang.pick("Spær", "Block")}</p>
                                                        {active.iter().map(|a| {
                                                            let id = format!("b-target-{}", a.id);
                                                            view! {
                                                                <div class="choice">
                                                                    <input type="radio" name="target" id=id.clone() value=a.id.to_string()/>
                                                                    <label for=id>{authenticator_name(a.kind, a.serial.as_deref(), a.label.as_deref(), lang)} " (" {authenticator_status_label(a.status, lang)} ")"</label>
                                                                </div>
                                                            }
                                                        }).collect_view()}
                                                        {(!whole_blocked).then(|| view! {
                                                            <div class="choice">
                                                                <input type="radio" name="target" id="b-target-all" value="all"/>
                                                                <label for="b-target-all">{lang.pick("Hele MitID (midlertidigt – ved mistanke om misbrug eller identitetstyveri)", "The whole MitID (temporary – on suspected misuse or identity theft)")}</label>
                                                            </div>
                                                        })}
                                                    </div>
                                                    <div class="field">
                                                        <label for="b-reason">{lang.pick("Årsag", "Reason")}</label>
                                                        <select id="b-reason" name="reason" on:change=move |ev| {
                                                            reason.set(BlockReason::parse(&event_target_value(&ev)).unwrap_or(default_reason));
                                                        }>
                                                            {BlockReason::ALL.into_iter().map(|r| view! {
                                                                <option value=r.as_str() selected=r == default_reason>
                                                                    {r.label(lang)} " – " {if r.is_permanent() { lang.pick("ét loginmiddel, permanent", "one login means, permanent") } else { lang.pick("hele MitID, midlertidigt", "the whole MitID, temporary") }}
                                                                </option>
                                                            }).collect_view()}
                                                        </select>
                                                    </div>
                                                    {move || (reason.get() == BlockReason::IdentityTheft).then(|| view! {
                                                        <div class="field">
                                                            <label for="b-police">{lang.pick("Politiets journalnummer (ved identitetstyveri)", "Police report number (identity theft)")}</label>
                                                            <input id="b-police" name="police_report" type="text" autocomplete="off"/>
                                                        </div>
                                                        <div class="field">
                                                            <label for="b-advice">{lang.pick("Råd givet til borgeren (ved identitetstyveri)", "Advice given to the citizen (identity theft)")}</label>
                                                            <textarea id="b-advice" name="advice" rows="2"></textarea>
                                                        </div>
                                                    })}
                                                </fieldset>
                                                <fieldset>
                                                    <legend>{lang.pick("3. Bekræft", "3. Confirm")}</legend>
                                                    <p class="hint">{lang.pick(
                                                        "Spærringen træder i kraft med det samme. Borgeren får en bekræftelse på e-mail.",
                                                        "The block takes effect at once. The citizen gets a confirmation by e-mail.")}</p>
                                                    <button id="b-confirm" type="submit" class="danger">{lang.pick("Spær nu", "Block now")}</button>
                                                </fieldset>
                                            </form>

                                            {(!temporary.is_empty()).then(|| view! {
                                                <section aria-labelledby="lift-title">
                                                    <h2 id="lift-title">{lang.pick("Ophæv midlertidig spærring", "Lift a temporary block")}</h2>
                                                    {temporary.into_iter().map(|b| view! {
                                                        <form method="post" action=LiftBlock::url() class="stack steps">
                                                            <CsrfField/>
                                                            <input type="hidden" name="reference" value=reference.clone()/>
                                                            <input type="hidden" name="block_id" value=b.id.to_string()/>
                                                            <p>{lang.pick("Spærret", "Blocked")} " " {b.blocked_at.chars().take(16).collect::<String>().replace('T', " ")} " · " {b.reason.label(lang)}</p>
                                                            <VerifyFieldset legend=lang.pick("Bekræft hvem der ringer igen", "Verify the caller again") prefix="l"/>
                                                            <button type="submit">{lang.pick("Ophæv spærringen", "Lift the block")}</button>
                                                        </form>
                                                    }).collect_view()}
                                                </section>
                                            })}

                                            <section aria-labelledby="history-title">
                                                <h2 id="history-title">{lang.pick("Spærringer", "Blocks")}</h2>
                                                {if identity.blocks.is_empty() {
                                                    view! { <p>{lang.pick("Ingen.", "None.")}</p> }.into_any()
                                                } else {
                                                    view! {
                                                        <ul class="block-history">
                                                            {identity.blocks.iter().map(|b| view! { <li>{describe_block(b, lang)}</li> }).collect_view()}
                                                        </ul>
                                                    }.into_any()
                                                }}
                                            </section>
                                        }.into_any()
                                    }
                                }}
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

//! `/support/sag/:reference/spaer-erhverv?medarbejder=ID`: blocking an employee's MitID
//! Erhverv authenticator (lost, stolen) or the whole identity (suspected misuse). Who is
//! calling comes first: the employee, or an administrator of the organisation, and that is
//! the person verified. The rules of who may ask for what are checked on the server.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::csrf_field::CsrfField;
use crate::components::identity_panel::{authenticator_name, authenticator_status_label};
use crate::components::require_role::RequireRole;
use crate::components::verify_caller::VerifyFieldset;
use crate::domain::Role;
use crate::domain::business::{BusinessIdentityStatus, EmployeeView};
use crate::domain::business_block::BusinessBlockReason;
use crate::domain::identity_views::AuthenticatorStatus;
use crate::functions::blocks::BlockBusinessLoginMeans;
use crate::functions::cases::get_case;
use crate::page_context::use_page_context;

#[component]
pub fn BusinessBlockPage() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Spær MitID Erhverv", "Block MitID Erhverv")/>
        <RequireRole role=Role::Supporter>
            <BusinessBlockFlow/>
        </RequireRole>
    }
}

#[component]
fn BusinessBlockFlow() -> impl IntoView {
    let lang = use_page_context().lang;
    let params = use_params_map();
    let query = use_query_map();
    let action = ServerAction::<BlockBusinessLoginMeans>::new();
    let data = Resource::new(
        move || params.read().get("reference").unwrap_or_default(),
        get_case,
    );
    view! {
        <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter …", "Loading …")}</p> }>
            {move || Suspend::new(async move {
                let chosen: Option<i64> = query.read_untracked().get("medarbejder").and_then(|v| v.parse().ok());
                match data.await {
                    Err(e) => view! { <div class="page"><p class="error" role="alert">{e.message(lang)}</p></div> }.into_any(),
                    Ok(None) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Ok(Some(case)) => {
                        let reference = case.reference.clone();
                        let Some(org) = case.organisation.clone() else {
                            return view! {
                                <div class="page">
                                    <p class="error" role="alert">{lang.pick(
                                        "Sagen har ingen virksomhed. Sæt sagens part og CVR-nummer på sagen først.",
                                        "The case has no organisation. Set the case's party and CVR number first.")}</p>
                                    <a href=format!("/support/sag/{reference}")>{lang.pick("Tilbage til sagen", "Back to the case")}</a>
                                </div>
                            }.into_any();
                        };
                        let Some(employee) = chosen.and_then(|id| org.employees.iter().find(|e| e.id == id).cloned()) else {
                            return view! {
                                <div class="page">
                                    <p class="error" role="alert">{lang.pick(
                                        "Vælg medarbejderen på sagen.",
                                        "Choose the employee on the case.")}</p>
                                    <a href=format!("/support/sag/{reference}")>{lang.pick("Tilbage til sagen", "Back to the case")}</a>
                                </div>
                            }.into_any();
                        };
                        // Who may be on the line for this employee: they themself, or an
                        // administrator; the server decides whether that one may ask.
                        let admins: Vec<EmployeeView> = org.employees.iter()
                            .filter(|a| a.id != employee.id && a.role.administers_users() && a.status == BusinessIdentityStatus::Active)
                            .cloned().collect();
                        let devices: Vec<_> = employee.authenticators.iter()
                            .filter(|a| a.status != AuthenticatorStatus::Blocked).cloned().collect();
                        let whole_open = employee.status == BusinessIdentityStatus::Active;
                        let default_reason = if devices.is_empty() { BusinessBlockReason::SuspectedMisuse } else { BusinessBlockReason::Lost };
                        view! {
                            <Title text=format!("{} {}", lang.pick("Spær MitID Erhverv", "Block MitID Erhverv"), reference)/>
                            <div class="page block-flow">
                                <p class="breadcrumb">
                                    <a href="/support">{lang.pick("Sagskø", "Case queue")}</a> " › "
                                    <a href=format!("/support/sag/{reference}")>{reference.clone()}</a>
                                </p>
                                <h1>{lang.pick("Spær MitID Erhverv", "Block MitID Erhverv")}</h1>
                                {move || action.value().get().and_then(Result::err).map(|e| view! {
                                    <div class="error-summary" role="alert" tabindex="-1"><p>{e.message(lang)}</p></div>
                                })}
                                <p class="identity-line">
                                    <strong>{employee.name.clone()}</strong>
                                    " · " {employee.role.label(lang)}
                                    " · " {lang.pick("Bruger-ID", "User-ID")} " " <code>{employee.user_id.clone()}</code>
                                    " · " {org.name.clone()} " (CVR " {org.cvr.clone()} ")"
                                    " · " {employee.status.label(lang)}
                                </p>
                                {employee.private_mitid.then(|| view! {
                                    <p class="hint">{lang.pick(
                                        "Medarbejderen bruger sit private MitID på arbejdet. Her kan kun brugen til arbejdet spærres; de private loginmidler spærres på en borgersag med medarbejderen selv.",
                                        "The employee uses their private MitID for work. Only its use for work can be blocked here; the private login means are blocked on a citizen case with the employee themself.")}</p>
                                })}
                                <form method="post" action=BlockBusinessLoginMeans::url() class="stack steps">
                                    <CsrfField/>
                                    <input type="hidden" name="reference" value=reference.clone()/>
                                    <input type="hidden" name="employee" value=employee.id.to_string()/>
                                    <VerifyFieldset legend=lang.pick("1. Bekræft hvem der ringer", "1. Verify the caller") prefix="e"/>
                                    <fieldset>
                                        <legend>{lang.pick("2. Hvem beder om spærringen", "2. Who asks for the block")}</legend>
                                        <div class="field" role="radiogroup" aria-label=lang.pick("Den, der ringer", "The caller")>
                                            <div class="choice">
                                                <input type="radio" name="asker" id="e-asker-self" value=employee.id.to_string() checked/>
                                                <label for="e-asker-self">{lang.pick("Medarbejderen selv", "The employee themself")} " (" {employee.name.clone()} ")"</label>
                                            </div>
                                            {admins.into_iter().map(|a| {
                                                let id = format!("e-asker-{}", a.id);
                                                view! {
                                                    <div class="choice">
                                                        <input type="radio" name="asker" id=id.clone() value=a.id.to_string()/>
                                                        <label for=id>{a.name.clone()} " – " {a.role.label(lang)}</label>
                                                    </div>
                                                }
                                            }).collect_view()}
                                        </div>
                                    </fieldset>
                                    <fieldset>
                                        <legend>{lang.pick("3. Hvad skal spærres, og hvorfor", "3. What to block, and why")}</legend>
                                        <div class="field" role="radiogroup" aria-label=lang.pick("Spær", "Block")>
                                            {devices.iter().enumerate().map(|(i, a)| {
                                                let id = format!("e-target-{}", a.id);
                                                view! {
                                                    <div class="choice">
                                                        <input type="radio" name="target" id=id.clone() value=a.id.to_string() checked=i == 0/>
                                                        <label for=id>{authenticator_name(a.kind, a.serial.as_deref(), a.label.as_deref(), lang)} " (" {authenticator_status_label(a.status, lang)} ")"</label>
                                                    </div>
                                                }
                                            }).collect_view()}
                                            {whole_open.then(|| view! {
                                                <div class="choice">
                                                    <input type="radio" name="target" id="e-target-all" value="all" checked=devices.is_empty()/>
                                                    <label for="e-target-all">{lang.pick("Hele MitID Erhverv-identiteten (ved mistanke om misbrug)", "The whole MitID Erhverv identity (on suspected misuse)")}</label>
                                                </div>
                                            })}
                                        </div>
                                        <div class="field">
                                            <label for="e-reason">{lang.pick("Årsag", "Reason")}</label>
                                            <select id="e-reason" name="reason">
                                                {BusinessBlockReason::ALL.into_iter().map(|r| view! {
                                                    <option value=r.as_str() selected=r == default_reason>
                                                        {r.label(lang)} " – " {if r == BusinessBlockReason::SuspectedMisuse { lang.pick("hele identiteten", "the whole identity") } else { lang.pick("ét loginmiddel, permanent", "one login means, permanent") }}
                                                    </option>
                                                }).collect_view()}
                                            </select>
                                        </div>
                                    </fieldset>
                                    <fieldset>
                                        <legend>{lang.pick("4. Bekræft", "4. Confirm")}</legend>
                                        <p class="hint">{lang.pick(
                                            "Spærringen træder i kraft med det samme. Den, der beder om den, og organisationens administratorer får en bekræftelse på e-mail.",
                                            "The block takes effect at once. The person asking and the organisation's administrators get a confirmation by e-mail.")}</p>
                                        <button id="e-confirm" type="submit" class="danger">{lang.pick("Spær nu", "Block now")}</button>
                                    </fieldset>
                                </form>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

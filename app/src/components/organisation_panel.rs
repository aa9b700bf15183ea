//! The organisation on a case: its CVR number and contact, and each employee's MitID Erhverv
//! identity (role, status, authenticators, private MitID used for work and its two consents),
//! with the way into the MitID Erhverv block flow. Also where the case's party is set.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::components::csrf_field::CsrfField;
use crate::components::identity_panel::{authenticator_name, authenticator_status_label};
use crate::domain::business::{BusinessIdentityStatus, EmployeeView, OrganisationView, Party};
use crate::functions::organisations::SetCaseParty;
use crate::i18n::Lang;
use crate::page_context::use_page_context;

#[component]
pub fn OrganisationPanel(
    reference: String,
    party: Party,
    organisation: Option<OrganisationView>,
) -> impl IntoView {
    let lang = use_page_context().lang;
    let cvr = organisation
        .as_ref()
        .map(|o| o.cvr.clone())
        .unwrap_or_default();
    view! {
        <section class="panel organisation-panel" aria-labelledby="organisation-title">
            <h2 id="organisation-title">{lang.pick("Part og virksomhed", "Party and organisation")}</h2>
            <p class="party-line"><strong>{party.label(lang)}</strong></p>
            {organisation.map(|o| {
                let reference = reference.clone();
                view! {
                    <dl class="case-facts">
                        <dt>{lang.pick("Virksomhed", "Organisation")}</dt><dd>{o.name.clone()}</dd>
                        <dt>{lang.pick("CVR-nr.", "CVR no.")}</dt><dd><code>{o.cvr.clone()}</code></dd>
                        <dt>{lang.pick("Kontakt", "Contact")}</dt>
                        <dd>{[o.contact_email.clone(), o.contact_phone.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</dd>
                    </dl>
                    <h3>{lang.pick("MitID Erhverv", "MitID Erhverv")}</h3>
                    {if o.employees.is_empty() {
                        view! { <p>{lang.pick("Ingen medarbejdere i registret.", "No employees in the registry.")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="employees">
                                {o.employees.into_iter().map(|e| view! { <Employee employee=e reference=reference.clone()/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            })}
            <details class="party-change">
                <summary>{lang.pick("Skift part", "Change party")}</summary>
                <form method="post" action=SetCaseParty::url() class="stack">
                    <CsrfField/>
                    <input type="hidden" name="reference" value=reference.clone()/>
                    <div class="field">
                        <label for="party">{lang.pick("Sagen gælder", "The case is for")}</label>
                        <select id="party" name="party">
                            {Party::ALL.into_iter().map(|p| view! {
                                <option value=p.as_str() selected=p == party>{p.label(lang)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="party-cvr">{lang.pick("CVR-nr. (8 cifre)", "CVR no. (8 digits)")}</label>
                        <input id="party-cvr" name="cvr" type="text" inputmode="numeric" autocomplete="off" maxlength="20" value=cvr/>
                    </div>
                    <div class="field">
                        <label for="party-name">{lang.pick("Virksomhedens navn (kun hvis den er ny)", "Organisation's name (only if new)")}</label>
                        <input id="party-name" name="organisation_name" type="text" autocomplete="organization" maxlength="160"/>
                    </div>
                    <button type="submit" class="secondary">{lang.pick("Gem part", "Save party")}</button>
                </form>
            </details>
        </section>
    }
}

#[component]
fn Employee(employee: EmployeeView, reference: String) -> impl IntoView {
    let lang = use_page_context().lang;
    let e = employee;
    let private = e.private_mitid.then(|| consent_line(&e, lang));
    let closed = e.status == BusinessIdentityStatus::Revoked;
    let link_id = format!("business-block-{}", e.id);
    view! {
        <li class="employee">
            <p>
                <strong>{e.name.clone()}</strong> " · " {e.role.label(lang)} " · "
                <code>{e.user_id.clone()}</code> " · "
                <span class=format!("status-{}", e.status.as_str())>{e.status.label(lang)}</span>
            </p>
            {private.map(|line| view! { <p class="hint">{line}</p> })}
            {(!e.authenticators.is_empty()).then(|| view! {
                <ul class="devices">
                    {e.authenticators.iter().map(|a| view! {
                        <li>{authenticator_name(a.kind, a.serial.as_deref(), a.label.as_deref(), lang)} " – " {authenticator_status_label(a.status, lang)}</li>
                    }).collect_view()}
                </ul>
            })}
            {(!closed).then(|| view! {
                <a id=link_id class="button secondary small" href=format!("/support/sag/{reference}/spaer-erhverv?medarbejder={}", e.id)>
                    {lang.pick("Spær for ", "Block for ")} {e.name.clone()}
                </a>
            })}
        </li>
    }
}

/// "Privat MitID bruges på arbejdet – samtykke: medarbejder ja, arbejdsgiver nej".
fn consent_line(e: &EmployeeView, lang: Lang) -> String {
    let yes_no = |b: bool| {
        if b {
            lang.pick("ja", "yes")
        } else {
            lang.pick("nej", "no")
        }
    };
    let head = if e.private_use_agreed() {
        lang.pick(
            "Privat MitID bruges på arbejdet",
            "Private MitID used for work",
        )
    } else {
        lang.pick(
            "Privat MitID på arbejdet – mangler samtykke",
            "Private MitID for work – consent missing",
        )
    };
    format!(
        "{head}: {} {}, {} {}",
        lang.pick("medarbejder", "employee"),
        yes_no(e.employee_consent),
        lang.pick("arbejdsgiver", "employer"),
        yes_no(e.employer_consent),
    )
}

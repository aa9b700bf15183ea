//! The counter's step for a paper power of attorney returned to Borgerservice: the holder's
//! name (and CPR number, optional, kept sealed), what the power covers and its period. The
//! giver is the visit's citizen, present and identity-checked in the step before.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::components::csrf_field::CsrfField;
use crate::domain::counter::Step;
use crate::domain::counter::view::VisitView;
use crate::domain::danish_time;
use crate::domain::power_of_attorney::PowerScope;
use crate::functions::powers::SavePaperPower;
use crate::page_context::use_page_context;

#[component]
pub fn PowerStep(visit: VisitView) -> impl IntoView {
    let lang = use_page_context().lang;
    let today = danish_time::now_local().date().to_string();
    view! {
        <section aria-labelledby="step-title">
            <h2 id="step-title">{Step::PowerOfAttorney.label(lang)}</h2>
            <p>{lang.pick(
                "Borgeren giver fuldmagt og er selv til stede. Man skal være over 15 år for at give en fuldmagt. Valg og ændring af NemKonto kan aldrig ske med fuldmagt.",
                "The citizen gives the power and is present. A giver must be over 15. Choosing or changing NemKonto can never be done under a power of attorney.")}</p>
            <form method="post" action=SavePaperPower::url() class="stack steps big-form">
                <CsrfField/>
                <input type="hidden" name="visit_id" value=visit.id.to_string()/>
                <div class="field">
                    <label for="holder-name">{lang.pick("Fuldmagtshaverens navn", "The holder's name")}</label>
                    <input id="holder-name" name="holder_name" type="text" required minlength="2" maxlength="200" autocomplete="off" autofocus/>
                </div>
                <div class="field">
                    <label for="holder-cpr">{lang.pick("Fuldmagtshaverens CPR-nr. (frivilligt – gemmes beskyttet, vises maskeret)", "The holder's CPR no. (optional – stored protected, shown masked)")}</label>
                    <input id="holder-cpr" name="holder_cpr" type="password" inputmode="numeric" autocomplete="off" maxlength="11" aria-describedby="holder-cpr-hint"/>
                    <p class="hint" id="holder-cpr-hint">{lang.pick("DDMMÅÅ-SSSS. Så vises fuldmagten også hos fuldmagtshaveren.", "DDMMYY-SSSS. The power then shows on the holder too.")}</p>
                </div>
                <fieldset>
                    <legend>{lang.pick("Fuldmagten dækker", "The power covers")}</legend>
                    {PowerScope::ALL.into_iter().map(|s| {
                        let id = format!("scope-{}", s.as_str());
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=id.clone() name=format!("scope_{}", s.as_str()) value="1"/>
                                <label for=id>{s.label(lang)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="valid-from">{lang.pick("Gyldig fra (ÅÅÅÅ-MM-DD)", "Valid from (YYYY-MM-DD)")}</label>
                    <input id="valid-from" name="valid_from" type="date" required value=today/>
                </div>
                <div class="field">
                    <label for="valid-to">{lang.pick("Gyldig til og med (tom: indtil den tilbagekaldes)", "Valid until and including (empty: until revoked)")}</label>
                    <input id="valid-to" name="valid_to" type="date"/>
                </div>
                <button type="submit" class="primary" id="power-submit">{lang.pick("Registrér fuldmagten", "Register the power of attorney")}</button>
            </form>
        </section>
    }
}

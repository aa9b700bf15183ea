//! Powers of attorney (digital fuldmagt): the case page's panel (the citizen's powers given and
//! held), the supporter recording that the caller acts as the holder, and the counter's step
//! registering a paper power.
// A server function takes one argument per form field; the counter's step has nine. The
// generated client stubs cannot carry an item-level allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::power_of_attorney::CasePowers;
use crate::errors::AppError;

#[cfg(feature = "ssr")]
fn failed(e: crate::powers::PowersError) -> AppError {
    use crate::i18n::Lang;
    use crate::powers::PowersError;
    match e {
        PowersError::Store(e) => e.into(),
        PowersError::Vault => AppError::Internal,
        other => crate::functions::invalid(
            other.field(),
            &other.message(Lang::Da),
            &other.message(Lang::En),
        ),
    }
}

/// The powers the citizen on the case has given and holds, with their state today.
#[server(prefix = "/api", endpoint = "cases/powers", input = GetUrl)]
pub async fn get_case_powers(reference: String) -> Result<Option<CasePowers>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};

    let Staff { state, .. } = staff(&[Role::Supporter])?;
    if reference.len() > 40 {
        return Ok(None);
    }
    Ok(crate::powers::of_case(&state, reference.trim()).await?)
}

/// The caller is the holder of the citizen's power `power_id` and wants `matter` done: the
/// power must be valid today and cover the matter. Recorded on the timeline and audited; a
/// refusal is audited and its reason answered (422).
#[server(prefix = "/api", endpoint = "cases/power-holder")]
pub async fn act_as_power_holder(
    csrf_token: String,
    reference: String,
    power_id: String,
    matter: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::domain::power_of_attorney::Matter;
    use crate::functions::guard::{Staff, staff};
    use crate::functions::{find_case, invalid};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let power_id = power_id.trim().parse::<i64>().map_err(|_| {
        invalid(
            "power_id",
            "Vælg den fuldmagt, opkalderen handler efter.",
            "Choose the power of attorney the caller acts under.",
        )
    })?;
    let matter = Matter::parse(&matter).ok_or_else(|| {
        invalid(
            "matter",
            "Vælg hvad opkalderen vil have gjort.",
            "Choose what the caller wants done.",
        )
    })?;
    let case = find_case(&state.db, &reference).await?;
    crate::powers::record_holder_on_case(&state, &case, &me.username, power_id, matter)
        .await
        .map_err(failed)?;
    leptos_axum::redirect(&format!(
        "/support/sag/{}?fuldmagt=1#timeline",
        case.row.reference
    ));
    Ok(())
}

/// The counter's step for a paper power of attorney: the holder's name (and CPR number, kept
/// sealed), the scopes and the period. Refused with the reason when the giver is 15 or
/// younger, the period is backwards or the holder is the giver.
#[server(prefix = "/api", endpoint = "counter/power-of-attorney")]
pub async fn save_paper_power(
    csrf_token: String,
    visit_id: i64,
    holder_name: String,
    holder_cpr: Option<String>,
    scope_digital_post: Option<String>,
    scope_mitid_support: Option<String>,
    scope_self_service: Option<String>,
    scope_nemkonto_information: Option<String>,
    valid_from: String,
    valid_to: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::counter::Step;
    use crate::domain::power_of_attorney::{
        HolderName, PowerRequest, PowerScope, parse_date, scopes_of,
    };
    use crate::domain::{Cpr, Role};
    use crate::functions::guard::{Staff, staff};
    use crate::functions::{invalid, reject_invalid};
    use crate::i18n::Lang;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Borgerservice])?;
    let visit = crate::counter::flow::open(&state, visit_id, Step::PowerOfAttorney)
        .await
        .map_err(reject_invalid)?;
    let refused = |e: crate::domain::power_of_attorney::RegistrationRefusal| {
        invalid(e.field(), &e.message(Lang::Da), &e.message(Lang::En))
    };
    let holder_name = HolderName::parse(&holder_name).map_err(refused)?;
    let holder_cpr = match holder_cpr.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            Cpr::parse(raw)
                .map_err(|e| invalid("holder_cpr", e.message(Lang::Da), e.message(Lang::En)))?,
        ),
    };
    let ticked = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    let chosen: Vec<PowerScope> = [
        (&scope_digital_post, PowerScope::DigitalPost),
        (&scope_mitid_support, PowerScope::MitIdSupport),
        (&scope_self_service, PowerScope::SelfService),
        (&scope_nemkonto_information, PowerScope::NemKontoInformation),
    ]
    .into_iter()
    .filter(|(v, _)| ticked(v))
    .map(|(_, s)| s)
    .collect();
    let scopes = scopes_of(&chosen).map_err(refused)?;
    let valid_from = parse_date(&valid_from).map_err(refused)?;
    let valid_to = match valid_to.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(parse_date(raw).map_err(refused)?),
    };
    let request = PowerRequest {
        holder_name,
        scopes,
        valid_from,
        valid_to,
    };
    crate::powers::register_paper(&state, &visit, &me.username, &request, holder_cpr.as_ref())
        .await
        .map_err(failed)?;
    leptos_axum::redirect(&format!("/borgerservice/besoeg/{}", visit.id));
    Ok(())
}

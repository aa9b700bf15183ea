//! Businesses on a case: who the case is for (citizen, organisation, citizen for an
//! organisation) and which organisation, by CVR number.

use leptos::prelude::*;

use crate::errors::AppError;

/// Sets the case's party. An organisation the desk does not know yet is added with `name`.
#[server(prefix = "/api", endpoint = "cases/party")]
pub async fn set_case_party(
    csrf_token: String,
    reference: String,
    party: String,
    cvr: Option<String>,
    organisation_name: Option<String>,
) -> Result<(), AppError> {
    use crate::cases::party::{self, PartyChoice, PartyError};
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::functions::invalid;
    use crate::i18n::Lang;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let refused = |e: PartyError| match e {
        PartyError::Store(e) => AppError::from(e),
        e => invalid(e.field(), e.message(Lang::Da), e.message(Lang::En)),
    };
    let choice = PartyChoice::parse(
        &party,
        cvr.as_deref().unwrap_or_default(),
        organisation_name.as_deref().unwrap_or_default(),
    )
    .map_err(refused)?;
    let reference = party::set(&state.db, &reference, &me.username, &choice)
        .await
        .map_err(refused)?;
    leptos_axum::redirect(&format!("/support/sag/{reference}#organisation-title"));
    Ok(())
}

//! Finding a citizen by CPR number on the phone, and starting a block from there when the
//! caller has no case yet. The number travels in a POST body only (never in a URL, where
//! access logs would keep it), and every look-up is audited.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::domain::case_views::RelatedCase;
use crate::domain::identity_views::IdentityView;
use crate::errors::AppError;

/// A citizen as the supporter sees them: masked CPR, MitID, cases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitizenView {
    pub id: i64,
    pub name: String,
    pub cpr_masked: String,
    pub identity: Option<IdentityView>,
    pub cases: Vec<RelatedCase>,
}

/// Looks the citizen up by the CPR number the caller gives; opens their page.
#[server(prefix = "/api", endpoint = "citizens/find")]
pub async fn find_citizen(csrf_token: String, cpr: String) -> Result<(), AppError> {
    use crate::cases::citizens::{self, CitizenError};
    use crate::domain::{Cpr, Role};
    use crate::functions::guard::{Staff, staff};
    use crate::functions::invalid;
    use crate::i18n::Lang;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let cpr =
        Cpr::parse(&cpr).map_err(|e| invalid("cpr", e.message(Lang::Da), e.message(Lang::En)))?;
    let id = citizens::find_by_cpr(&state.db, &state.cpr_vault, &cpr, &me.username)
        .await
        .map_err(|e| match e {
            CitizenError::Store(e) => e.into(),
            CitizenError::UnknownStaff => AppError::Internal,
            e => invalid("cpr", e.message(Lang::Da), e.message(Lang::En)),
        })?;
    leptos_axum::redirect(&format!("/support/borger/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "citizens/get", input = GetUrl)]
pub async fn get_citizen(id: i64) -> Result<Option<CitizenView>, AppError> {
    use crate::audit::{self};
    use crate::domain::Role;
    use crate::domain::audit::AuditEntry;
    use crate::functions::guard::{Staff, staff};
    use crate::store::{citizens, identities};

    let Staff { me, state } = staff(&[Role::Supporter])?;
    let Some((name, cpr_masked, cases)) = citizens::overview(&state.db, id).await? else {
        return Ok(None);
    };
    // Ids are sequential: every view is on record, so walking them leaves a trail.
    audit::record(
        &state.db,
        &AuditEntry::new(&me.username, "citizen.view", &format!("citizen:{id}")),
    )
    .await?;
    Ok(Some(CitizenView {
        id,
        name,
        cpr_masked,
        identity: identities::for_citizen(&state.db, id).await?,
        cases,
    }))
}

/// Opens an urgent phone case for the citizen and goes straight to the block flow.
#[server(prefix = "/api", endpoint = "citizens/block-case")]
pub async fn open_block_case(csrf_token: String, citizen_id: i64) -> Result<(), AppError> {
    use crate::cases::citizens::{self, BLOCK_CASE_CATEGORY, BLOCK_CASE_SUBJECT, CitizenError};
    use crate::domain::live_case::LiveCase;
    use crate::domain::{Role, System};
    use crate::functions::guard::{Staff, staff};
    use crate::functions::invalid;
    use crate::i18n::Lang;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let reference = citizens::open_block_case(&state.db, &me.username, citizen_id)
        .await
        .map_err(|e| match e {
            CitizenError::Store(e) => e.into(),
            CitizenError::UnknownStaff => AppError::Internal,
            e => invalid("citizen_id", e.message(Lang::Da), e.message(Lang::En)),
        })?;
    state.announce(LiveCase {
        reference: reference.clone(),
        subject: BLOCK_CASE_SUBJECT.to_owned(),
        priority: BLOCK_CASE_CATEGORY.default_priority(),
        system: System::MitId,
    });
    leptos_axum::redirect(&format!("/support/sag/{reference}/spaer"));
    Ok(())
}

//! Starting a visit: the purpose must suit the citizen's age and existing MitID.

use super::flow::{refused, today};
use crate::domain::Cpr;
use crate::domain::counter::Purpose;
use crate::domain::counter::purpose::ExistingIdentity;
use crate::domain::identity_views::{AuthenticatorStatus, IdentityStatus, IdentityView};
use crate::errors::AppError;
use crate::state::AppState;
use crate::store::citizens::NewCitizen;
use crate::store::{identities, visits};

/// Starts a visit for the citizen with `cpr`, known or new (the CPR number is stored sealed).
/// Returns the visit's id.
pub async fn start(
    state: &AppState,
    purpose: Purpose,
    cpr: &Cpr,
    name: &str,
    staff: &str,
) -> Result<i64, AppError> {
    let hash = state.cpr_vault.lookup_hash(cpr);
    let existing = visits::citizen_by_cpr_hash(&state.db, &hash).await?;
    let identity = match existing {
        Some(id) => identities::for_citizen(&state.db, id).await?,
        None => None,
    };
    purpose
        .check_start(
            cpr.age_on(today()),
            identity.as_ref().map(existing_identity),
        )
        .map_err(|e| refused("purpose", |l| e.message(l)))?;
    let sealed = state.cpr_vault.seal(cpr).map_err(|_| AppError::Internal)?;
    let id = visits::start(
        &state.db,
        purpose,
        &NewCitizen {
            name,
            email: None,
            phone: None,
            phone_hash: None,
            cpr: Some(&sealed),
            lang: "da",
        },
        staff,
    )
    .await?;
    Ok(id)
}

/// What the purposes ask of an existing MitID, read from the registry's view of it.
fn existing_identity(identity: &IdentityView) -> ExistingIdentity {
    ExistingIdentity {
        active: identity.status == IdentityStatus::Active,
        has_block: identity.status == IdentityStatus::Blocked
            || identity.blocks.iter().any(|b| b.lifted_at.is_none())
            || identity
                .authenticators
                .iter()
                .any(|a| a.status == AuthenticatorStatus::Blocked),
    }
}

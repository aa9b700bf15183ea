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
    use crate::audit::{self};
    use crate::domain::audit::AuditEntry;
    use crate::domain::{Cpr, Role};
    use crate::functions::guard::{Staff, staff};
    use crate::functions::invalid;
    use crate::i18n::Lang;
    use crate::store::visits;

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let cpr =
        Cpr::parse(&cpr).map_err(|e| invalid("cpr", e.message(Lang::Da), e.message(Lang::En)))?;
    let hash = state.cpr_vault.lookup_hash(&cpr);
    let id = visits::citizen_by_cpr_hash(&state.db, &hash)
        .await?
        .ok_or_else(|| {
            invalid(
                "cpr",
                "Desken kender ingen borger med det CPR-nummer.",
                "The desk knows no citizen with that CPR number.",
            )
        })?;
    audit::record(
        &state.db,
        &AuditEntry::new(&me.username, "citizen.lookup", &format!("citizen:{id}"))
            .reason("opslag på CPR-nummer"),
    )
    .await?;
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
    use crate::domain::live_case::LiveCase;
    use crate::domain::{Category, Channel, Role, System};
    use crate::functions::guard::{Staff, staff};
    use crate::functions::invalid;
    use crate::store::cases::{self, NewCase};

    let _ = csrf_token;
    let Staff { me, state } = staff(&[Role::Supporter])?;
    let staff = crate::store::users::find_by_username(&state.db, &me.username)
        .await?
        .map(|u| u.id)
        .ok_or(AppError::Internal)?;
    let subject = "Spærring af loginmiddel (telefon)";
    let reference = cases::create_for_citizen(
        &state.db,
        NewCase {
            subject,
            body: "Oprettet fra opslag på borgeren for at spærre.",
            system: System::MitId,
            category: Category::LostOrStolenLoginMeans,
            channel: Channel::Phone,
            citizen: None,
            status_token_hash: None,
            created_by_staff: Some(staff),
            opened_at: None,
        },
        citizen_id,
    )
    .await?
    .ok_or_else(|| {
        invalid(
            "citizen_id",
            "Borgeren findes ikke.",
            "The citizen does not exist.",
        )
    })?;
    state.announce(LiveCase {
        reference: reference.clone(),
        subject: subject.to_owned(),
        priority: Category::LostOrStolenLoginMeans.default_priority(),
        system: System::MitId,
    });
    leptos_axum::redirect(&format!("/support/sag/{reference}/spaer"));
    Ok(())
}

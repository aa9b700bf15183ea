//! Supporters and a citizen on the phone: finding the citizen by the CPR number they give
//! (every look-up audited) and opening an urgent phone case to block their login means.

use crate::domain::audit::AuditEntry;
use crate::domain::{Category, Channel, Cpr, System};
use crate::i18n::Lang;
use crate::privacy::cpr_vault::CprVault;
use crate::store::cases::{self, NewCase};
use crate::store::{Db, StoreError};

/// Why the citizen was not found or the case not opened.
#[derive(Debug, thiserror::Error)]
pub enum CitizenError {
    #[error("no citizen with that CPR number")]
    UnknownCpr,
    #[error("no such citizen")]
    UnknownCitizen,
    #[error("the staff member is not on record")]
    UnknownStaff,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CitizenError {
    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            CitizenError::UnknownCpr => lang.pick(
                "Desken kender ingen borger med det CPR-nummer.",
                "The desk knows no citizen with that CPR number.",
            ),
            CitizenError::UnknownCitizen => {
                lang.pick("Borgeren findes ikke.", "The citizen does not exist.")
            }
            CitizenError::UnknownStaff | CitizenError::Store(_) => lang.pick(
                "Der skete en fejl hos os. Prøv igen om lidt.",
                "Something went wrong on our side. Please try again shortly.",
            ),
        }
    }
}

/// The id of the citizen with this CPR number; the look-up is on the audit record.
pub async fn find_by_cpr(
    db: &Db,
    vault: &CprVault,
    cpr: &Cpr,
    username: &str,
) -> Result<i64, CitizenError> {
    let hash = vault.lookup_hash(cpr);
    let id = crate::store::visits::citizen_by_cpr_hash(db, &hash)
        .await?
        .ok_or(CitizenError::UnknownCpr)?;
    crate::audit::record(
        db,
        &AuditEntry::new(username, "citizen.lookup", &format!("citizen:{id}"))
            .reason("opslag på CPR-nummer"),
    )
    .await?;
    Ok(id)
}

/// The subject of a case opened to block a citizen's login means from the phone.
pub const BLOCK_CASE_SUBJECT: &str = "Spærring af loginmiddel (telefon)";
/// Its category (which decides its priority).
pub const BLOCK_CASE_CATEGORY: Category = Category::LostOrStolenLoginMeans;

/// Opens an urgent phone case for the citizen, created by `username`; its reference.
pub async fn open_block_case(
    db: &Db,
    username: &str,
    citizen_id: i64,
) -> Result<String, CitizenError> {
    let staff = crate::store::users::find_by_username(db, username)
        .await?
        .map(|u| u.id)
        .ok_or(CitizenError::UnknownStaff)?;
    let reference = cases::create_for_citizen(
        db,
        NewCase {
            subject: BLOCK_CASE_SUBJECT,
            body: "Oprettet fra opslag på borgeren for at spærre.",
            system: System::MitId,
            category: BLOCK_CASE_CATEGORY,
            channel: Channel::Phone,
            citizen: None,
            status_token_hash: None,
            created_by_staff: Some(staff),
            opened_at: None,
        },
        citizen_id,
    )
    .await?
    .ok_or(CitizenError::UnknownCitizen)?;
    Ok(reference)
}

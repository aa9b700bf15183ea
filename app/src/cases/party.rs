//! Who a case is for: a citizen, an organisation (by CVR number), or a citizen acting for an
//! organisation. Set from the case page; the contact form and inbound e-mail set it when the
//! text names a CVR number.

use crate::domain::audit::AuditEntry;
use crate::domain::business::Party;
use crate::domain::{Cvr, cpr};
use crate::i18n::Lang;
use crate::store::blocks as records;
use crate::store::organisations::{self, NewOrganisation};
use crate::store::{Db, StoreError, audit, cases};

#[derive(Debug, thiserror::Error)]
pub enum PartyError {
    #[error("unknown party")]
    Party,
    #[error("invalid CVR number: {0}")]
    Cvr(#[from] crate::domain::cvr::CvrError),
    #[error("an organisation the desk does not know needs its name")]
    NameNeeded,
    #[error("the organisation's name is not acceptable")]
    Name,
    #[error("the case does not exist")]
    UnknownCase,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PartyError {
    pub fn field(&self) -> &'static str {
        match self {
            PartyError::Party => "party",
            PartyError::Cvr(_) => "cvr",
            PartyError::NameNeeded | PartyError::Name => "organisation_name",
            PartyError::UnknownCase | PartyError::Store(_) => "reference",
        }
    }

    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            PartyError::Party => lang.pick("Vælg hvem sagen er for.", "Choose who the case is for."),
            PartyError::Cvr(e) => e.message(lang),
            PartyError::NameNeeded => lang.pick(
                "Virksomheden er ny for os: skriv dens navn.",
                "The organisation is new to us: enter its name.",
            ),
            PartyError::Name => lang.pick(
                "Skriv virksomhedens navn med 2 til 160 tegn, uden CPR-numre og styretegn.",
                "Enter the organisation's name with 2 to 160 characters, without CPR numbers or control characters.",
            ),
            PartyError::UnknownCase => super::unknown_case(lang),
            PartyError::Store(_) => super::store_failure(lang),
        }
    }
}

/// What the form asked for, checked.
pub struct PartyChoice {
    pub party: Party,
    pub cvr: Option<Cvr>,
    pub name: Option<String>,
}

impl PartyChoice {
    pub fn parse(party: &str, cvr: &str, name: &str) -> Result<Self, PartyError> {
        let party = Party::parse(party).map_err(|_| PartyError::Party)?;
        let cvr = if party.has_organisation() {
            Some(Cvr::parse(cvr)?)
        } else {
            None
        };
        let name = name.trim();
        let name = if name.is_empty() {
            None
        } else {
            let n = name.chars().count();
            if !(2..=160).contains(&n)
                || name.chars().any(|c| c.is_control() || c == '\u{FFFD}')
                || cpr::contains_cpr(name)
            {
                return Err(PartyError::Name);
            }
            Some(name.to_owned())
        };
        Ok(Self { party, cvr, name })
    }
}

/// Sets the case's party; returns the case's reference.
pub async fn set(
    db: &Db,
    reference: &str,
    username: &str,
    choice: &PartyChoice,
) -> Result<String, PartyError> {
    let case = super::find(db, reference)
        .await?
        .ok_or(PartyError::UnknownCase)?;
    let mut tx = db.begin_write().await?;
    let organisation = match &choice.cvr {
        None => None,
        Some(cvr) => match organisations::find_by_cvr(&mut tx, cvr).await? {
            Some(id) => Some(id),
            None => {
                let name = choice.name.as_deref().ok_or(PartyError::NameNeeded)?;
                Some(
                    organisations::find_or_create(
                        &mut tx,
                        &NewOrganisation {
                            cvr,
                            name,
                            contact_email: None,
                            contact_phone: None,
                        },
                    )
                    .await?,
                )
            }
        },
    };
    organisations::set_case_party(&mut tx, case.id, choice.party, organisation).await?;
    let staff = cases::staff_id(&mut tx, username).await?;
    let body = match &choice.cvr {
        Some(cvr) => format!("Part: {} (CVR {cvr}).", choice.party.label(Lang::Da)),
        None => format!("Part: {}.", choice.party.label(Lang::Da)),
    };
    records::add_case_event(
        &mut tx,
        case.id,
        &cases::utc_now(),
        staff,
        "party",
        &body,
        &serde_json::json!({
            "party": choice.party.as_str(),
            "cvr": choice.cvr.as_ref().map(Cvr::as_str),
        }),
    )
    .await?;
    audit::append(
        &mut tx,
        &AuditEntry::new(username, "case.party", &case.row.reference).details(serde_json::json!({
            "party": choice.party.as_str(),
            "cvr": choice.cvr.as_ref().map(Cvr::as_str),
        })),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(case.row.reference)
}

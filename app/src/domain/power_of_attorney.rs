//! Digital power of attorney (digital fuldmagt): a citizen (the giver) lets another person (the
//! holder) act for them within one or more scopes, from a date until a date or until revoked.
//!
//! Two rules decide here, without I/O:
//! - [`may_act`]: may the holder, calling today, have `matter` done under this power? Refused
//!   when the power is revoked, not valid yet, expired, or does not cover the matter; choosing
//!   or changing NemKonto is never within a power (only the account holder may do it).
//! - [`check_registration`]: may a (paper) power be registered? The giver must be over 15, the
//!   power must end after it starts, cover something, and the holder cannot be the giver.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::i18n::Lang;

/// The giver must be over 15 (so at least 16 whole years old) when the power is registered.
pub const GIVER_MIN_AGE: u16 = 16;
/// The longest holder name accepted (in characters).
pub const HOLDER_NAME_MAX: usize = 200;

/// What a power of attorney covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PowerScope {
    /// Reading and answering the giver's Digital Post.
    DigitalPost,
    /// MitID support: asking for a block, general MitID help.
    MitIdSupport,
    /// Self-service on borger.dk and other public self-service.
    SelfService,
    /// Information about which NemKonto is registered (never choosing or changing it).
    NemKontoInformation,
}

impl PowerScope {
    pub const ALL: [PowerScope; 4] = [
        PowerScope::DigitalPost,
        PowerScope::MitIdSupport,
        PowerScope::SelfService,
        PowerScope::NemKontoInformation,
    ];

    /// The name stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            PowerScope::DigitalPost => "digital_post",
            PowerScope::MitIdSupport => "mitid_support",
            PowerScope::SelfService => "self_service",
            PowerScope::NemKontoInformation => "nemkonto_information",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PowerScope::DigitalPost => lang.pick("Digital Post", "Digital Post"),
            PowerScope::MitIdSupport => lang.pick(
                "MitID-support (spærring, hjælp)",
                "MitID support (blocks, help)",
            ),
            PowerScope::SelfService => {
                lang.pick("Selvbetjening på borger.dk", "Self-service on borger.dk")
            }
            PowerScope::NemKontoInformation => {
                lang.pick("Oplysning om NemKonto", "NemKonto information")
            }
        }
    }

    /// "Digital Post, MitID-support (…)": the scopes as a list in words.
    pub fn list(scopes: &[PowerScope], lang: Lang) -> String {
        scopes
            .iter()
            .map(|s| s.label(lang))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What the caller wants done for the giver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matter {
    /// Help with the giver's Digital Post (reading, answering, an exemption question).
    DigitalPost,
    /// Asking for a block of the giver's MitID or a login means.
    MitIdBlock,
    /// General help with the giver's MitID.
    MitIdHelp,
    /// A self-service matter on borger.dk.
    SelfService,
    /// Which NemKonto the giver has.
    NemKontoInformation,
    /// Choosing or changing the giver's NemKonto: never by a power of attorney.
    NemKontoChange,
}

impl Matter {
    pub const ALL: [Matter; 6] = [
        Matter::DigitalPost,
        Matter::MitIdBlock,
        Matter::MitIdHelp,
        Matter::SelfService,
        Matter::NemKontoInformation,
        Matter::NemKontoChange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Matter::DigitalPost => "digital_post",
            Matter::MitIdBlock => "mitid_block",
            Matter::MitIdHelp => "mitid_help",
            Matter::SelfService => "self_service",
            Matter::NemKontoInformation => "nemkonto_information",
            Matter::NemKontoChange => "nemkonto_change",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Matter::DigitalPost => lang.pick("Hjælp med Digital Post", "Help with Digital Post"),
            Matter::MitIdBlock => lang.pick(
                "Spærring af MitID eller loginmiddel",
                "Blocking MitID or a login means",
            ),
            Matter::MitIdHelp => lang.pick("Hjælp med MitID", "Help with MitID"),
            Matter::SelfService => {
                lang.pick("Selvbetjening på borger.dk", "Self-service on borger.dk")
            }
            Matter::NemKontoInformation => {
                lang.pick("Oplysning om NemKonto", "NemKonto information")
            }
            Matter::NemKontoChange => lang.pick(
                "Vælge eller ændre NemKonto",
                "Choosing or changing NemKonto",
            ),
        }
    }

    /// The scope a power needs for this matter; None when no power can cover it.
    pub fn needs(self) -> Option<PowerScope> {
        match self {
            Matter::DigitalPost => Some(PowerScope::DigitalPost),
            Matter::MitIdBlock | Matter::MitIdHelp => Some(PowerScope::MitIdSupport),
            Matter::SelfService => Some(PowerScope::SelfService),
            Matter::NemKontoInformation => Some(PowerScope::NemKontoInformation),
            Matter::NemKontoChange => None,
        }
    }
}

/// Where the power was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PowerSource {
    /// On borger.dk.
    Digital,
    /// On paper, returned to Borgerservice and registered there.
    Paper,
}

impl PowerSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PowerSource::Digital => "digital",
            PowerSource::Paper => "paper",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "digital" => Some(PowerSource::Digital),
            "paper" => Some(PowerSource::Paper),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PowerSource::Digital => lang.pick("digital (borger.dk)", "digital (borger.dk)"),
            PowerSource::Paper => lang.pick("papir (Borgerservice)", "paper (citizen service)"),
        }
    }
}

/// Where a power stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PowerState {
    Valid,
    NotYetValid,
    Expired,
    Revoked,
}

impl PowerState {
    pub fn as_str(self) -> &'static str {
        match self {
            PowerState::Valid => "valid",
            PowerState::NotYetValid => "not_yet_valid",
            PowerState::Expired => "expired",
            PowerState::Revoked => "revoked",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PowerState::Valid => lang.pick("gyldig", "valid"),
            PowerState::NotYetValid => lang.pick("ikke gyldig endnu", "not valid yet"),
            PowerState::Expired => lang.pick("udløbet", "expired"),
            PowerState::Revoked => lang.pick("tilbagekaldt", "revoked"),
        }
    }
}

/// A power of attorney as the rules need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerOfAttorney {
    pub id: i64,
    pub giver_name: String,
    pub holder_name: String,
    /// Sorted, no duplicates, never empty once registered.
    pub scopes: Vec<PowerScope>,
    pub valid_from: Date,
    /// The last day it is valid; None: until revoked.
    pub valid_to: Option<Date>,
    pub source: PowerSource,
    /// The day it was revoked, if it was.
    pub revoked_on: Option<Date>,
}

impl PowerOfAttorney {
    pub fn state_on(&self, today: Date) -> PowerState {
        if self.revoked_on.is_some_and(|r| r <= today) {
            PowerState::Revoked
        } else if today < self.valid_from {
            PowerState::NotYetValid
        } else if self.valid_to.is_some_and(|to| today > to) {
            PowerState::Expired
        } else {
            PowerState::Valid
        }
    }

    pub fn covers(&self, scope: PowerScope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// Why the holder may not act under the power.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PowerRefusal {
    #[error("no power of attorney on record for this holder and giver")]
    NoneOnRecord,
    #[error("the power of attorney was revoked on {0}")]
    Revoked(Date),
    #[error("the power of attorney is valid from {0}")]
    NotYetValid(Date),
    #[error("the power of attorney expired on {0}")]
    Expired(Date),
    #[error("only the account holder may choose or change NemKonto")]
    NemKontoOnlyByHolder,
    #[error("the power of attorney does not cover this matter")]
    OutOfScope {
        matter: Matter,
        covers: Vec<PowerScope>,
    },
}

/// A date as Danes write it: 1.11.2028 → "01-11-2028".
pub fn danish_date(date: Date) -> String {
    format!(
        "{:02}-{:02}-{}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

impl PowerRefusal {
    /// A short code for the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            PowerRefusal::NoneOnRecord => "none_on_record",
            PowerRefusal::Revoked(_) => "revoked",
            PowerRefusal::NotYetValid(_) => "not_yet_valid",
            PowerRefusal::Expired(_) => "expired",
            PowerRefusal::NemKontoOnlyByHolder => "nemkonto_only_by_holder",
            PowerRefusal::OutOfScope { .. } => "out_of_scope",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PowerRefusal::NoneOnRecord, _) => lang
                .pick(
                    "Der er ingen fuldmagt, hvor opkalderen er fuldmagtshaver for denne borger. Opkalderen kan ikke handle på borgerens vegne.",
                    "There is no power of attorney making the caller the holder for this citizen. The caller cannot act for the citizen.",
                )
                .to_owned(),
            (PowerRefusal::Revoked(d), Lang::Da) => format!(
                "Fuldmagten blev tilbagekaldt {}. Opkalderen kan ikke handle på borgerens vegne.",
                danish_date(*d)
            ),
            (PowerRefusal::Revoked(d), Lang::En) => format!(
                "The power of attorney was revoked on {}. The caller cannot act for the citizen.",
                danish_date(*d)
            ),
            (PowerRefusal::NotYetValid(d), Lang::Da) => format!(
                "Fuldmagten er ikke gyldig endnu: den gælder fra {}.",
                danish_date(*d)
            ),
            (PowerRefusal::NotYetValid(d), Lang::En) => format!(
                "The power of attorney is not valid yet: it applies from {}.",
                danish_date(*d)
            ),
            (PowerRefusal::Expired(d), Lang::Da) => format!(
                "Fuldmagten er udløbet: den gjaldt til og med {}. Borgeren kan give en ny på borger.dk.",
                danish_date(*d)
            ),
            (PowerRefusal::Expired(d), Lang::En) => format!(
                "The power of attorney has expired: it applied up to and including {}. The citizen can give a new one on borger.dk.",
                danish_date(*d)
            ),
            (PowerRefusal::NemKontoOnlyByHolder, _) => lang
                .pick(
                    "Kun kontohaveren selv kan vælge eller ændre NemKonto (i banken, netbanken eller på nemkonto.dk med MitID). Det kan ikke ske med fuldmagt.",
                    "Only the account holder may choose or change NemKonto (at the bank, in net banking or on nemkonto.dk with MitID). A power of attorney cannot do it.",
                )
                .to_owned(),
            (PowerRefusal::OutOfScope { matter, covers }, Lang::Da) => format!(
                "Fuldmagten dækker ikke \"{}\". Den dækker kun: {}.",
                matter.label(Lang::Da).to_lowercase(),
                PowerScope::list(covers, Lang::Da)
            ),
            (PowerRefusal::OutOfScope { matter, covers }, Lang::En) => format!(
                "The power of attorney does not cover \"{}\". It covers only: {}.",
                matter.label(Lang::En).to_lowercase(),
                PowerScope::list(covers, Lang::En)
            ),
        }
    }
}

/// May the holder of `power`, calling `today`, have `matter` done for the giver?
pub fn may_act(power: &PowerOfAttorney, today: Date, matter: Matter) -> Result<(), PowerRefusal> {
    let Some(needed) = matter.needs() else {
        return Err(PowerRefusal::NemKontoOnlyByHolder);
    };
    match power.state_on(today) {
        PowerState::Revoked => {
            return Err(PowerRefusal::Revoked(
                power.revoked_on.unwrap_or(power.valid_from),
            ));
        }
        PowerState::NotYetValid => return Err(PowerRefusal::NotYetValid(power.valid_from)),
        PowerState::Expired => {
            return Err(PowerRefusal::Expired(
                power.valid_to.unwrap_or(power.valid_from),
            ));
        }
        PowerState::Valid => {}
    }
    if !power.covers(needed) {
        return Err(PowerRefusal::OutOfScope {
            matter,
            covers: power.scopes.clone(),
        });
    }
    Ok(())
}

/// The holder's name as a form gives it: 2–200 characters of plain text, on one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderName(String);

impl HolderName {
    pub fn parse(raw: &str) -> Result<Self, RegistrationRefusal> {
        let name = raw.trim();
        let count = name.chars().count();
        if !(2..=HOLDER_NAME_MAX).contains(&count) {
            return Err(RegistrationRefusal::HolderNameLength);
        }
        if name
            .chars()
            .any(|c| c.is_control() || matches!(c, '<' | '>' | '{' | '}' | '\u{2028}' | '\u{2029}'))
        {
            return Err(RegistrationRefusal::HolderNameCharacters);
        }
        if crate::domain::cpr::contains_cpr(name) {
            return Err(RegistrationRefusal::HolderNameHasCpr);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a paper power of attorney asks to register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PowerRequest {
    pub holder_name: HolderName,
    pub scopes: Vec<PowerScope>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

/// Why a power of attorney cannot be registered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationRefusal {
    #[error("the giver is {age}; a giver must be over 15")]
    GiverTooYoung { age: u16 },
    #[error("the power must end after it starts")]
    EndsBeforeItStarts,
    #[error("the holder cannot be the giver")]
    HolderIsGiver,
    #[error("the power must cover at least one scope")]
    NoScope,
    #[error("the holder's name must be 2–200 characters")]
    HolderNameLength,
    #[error("the holder's name may hold no markup, line breaks or control characters")]
    HolderNameCharacters,
    #[error("the holder's name holds a CPR number")]
    HolderNameHasCpr,
    #[error("a date is not written YYYY-MM-DD")]
    BadDate,
    #[error("a power of attorney is already registered at this visit")]
    AlreadyRegistered,
}

impl RegistrationRefusal {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            RegistrationRefusal::GiverTooYoung { .. } | RegistrationRefusal::AlreadyRegistered => {
                "power"
            }
            RegistrationRefusal::EndsBeforeItStarts | RegistrationRefusal::BadDate => "valid_to",
            RegistrationRefusal::HolderIsGiver => "holder_cpr",
            RegistrationRefusal::NoScope => "scopes",
            RegistrationRefusal::HolderNameLength
            | RegistrationRefusal::HolderNameCharacters
            | RegistrationRefusal::HolderNameHasCpr => "holder_name",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RegistrationRefusal::GiverTooYoung { age }, Lang::Da) => format!(
                "Borgeren er {age} år. Man skal være over 15 år for at give en fuldmagt."
            ),
            (RegistrationRefusal::GiverTooYoung { age }, Lang::En) => format!(
                "The citizen is {age}. A giver of power of attorney must be over 15."
            ),
            (RegistrationRefusal::EndsBeforeItStarts, _) => lang
                .pick(
                    "Slutdatoen skal ligge efter startdatoen.",
                    "The end date must come after the start date.",
                )
                .to_owned(),
            (RegistrationRefusal::HolderIsGiver, _) => lang
                .pick(
                    "Fuldmagtshaveren kan ikke være borgeren selv.",
                    "The holder cannot be the citizen who gives the power.",
                )
                .to_owned(),
            (RegistrationRefusal::NoScope, _) => lang
                .pick(
                    "Vælg mindst ét område, fuldmagten dækker.",
                    "Choose at least one area the power covers.",
                )
                .to_owned(),
            (RegistrationRefusal::HolderNameLength, _) => lang
                .pick(
                    "Skriv fuldmagtshaverens navn (2–200 tegn).",
                    "Enter the holder's name (2–200 characters).",
                )
                .to_owned(),
            (RegistrationRefusal::HolderNameCharacters, _) => lang
                .pick(
                    "Fuldmagtshaverens navn må kun være almindelig tekst på én linje (ingen <, >, linjeskift eller kontroltegn).",
                    "The holder's name must be plain text on one line (no <, >, line breaks or control characters).",
                )
                .to_owned(),
            (RegistrationRefusal::HolderNameHasCpr, _) => lang
                .pick(
                    "Navnefeltet indeholder et CPR-nummer. Skriv CPR-nummeret i CPR-feltet, hvor det gemmes beskyttet.",
                    "The name field contains a CPR number. Enter it in the CPR field, where it is kept protected.",
                )
                .to_owned(),
            (RegistrationRefusal::BadDate, _) => lang
                .pick(
                    "Skriv datoerne som ÅÅÅÅ-MM-DD.",
                    "Enter the dates as YYYY-MM-DD.",
                )
                .to_owned(),
            (RegistrationRefusal::AlreadyRegistered, _) => lang
                .pick(
                    "Fuldmagten er allerede registreret ved dette besøg.",
                    "The power of attorney is already registered at this visit.",
                )
                .to_owned(),
        }
    }
}

/// The scopes as chosen, sorted and without duplicates; refused when there are none.
pub fn scopes_of(chosen: &[PowerScope]) -> Result<Vec<PowerScope>, RegistrationRefusal> {
    let mut scopes = chosen.to_vec();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(RegistrationRefusal::NoScope);
    }
    Ok(scopes)
}

/// May this power be registered? `giver_birth` from the giver's CPR number; `holder_is_giver`
/// when the holder's CPR number (if given) is the giver's own.
pub fn check_registration(
    giver_birth: Date,
    today: Date,
    request: &PowerRequest,
    holder_is_giver: bool,
) -> Result<(), RegistrationRefusal> {
    let age = crate::domain::cpr::age_in_years(giver_birth, today);
    if age < GIVER_MIN_AGE {
        return Err(RegistrationRefusal::GiverTooYoung { age });
    }
    if request.scopes.is_empty() {
        return Err(RegistrationRefusal::NoScope);
    }
    if request.valid_to.is_some_and(|to| to <= request.valid_from) {
        return Err(RegistrationRefusal::EndsBeforeItStarts);
    }
    if holder_is_giver {
        return Err(RegistrationRefusal::HolderIsGiver);
    }
    Ok(())
}

/// A date as forms send it, YYYY-MM-DD.
pub fn parse_date(raw: &str) -> Result<Date, RegistrationRefusal> {
    Date::parse(
        raw.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| RegistrationRefusal::BadDate)
}

/// One power as the case page shows it: who, what, when, and where it stands today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerView {
    pub id: i64,
    pub giver_name: String,
    pub holder_name: String,
    pub scopes: Vec<PowerScope>,
    pub valid_from: String,
    /// None: until revoked.
    pub valid_to: Option<String>,
    pub source: PowerSource,
    pub state: PowerState,
}

impl PowerView {
    pub fn of(power: &PowerOfAttorney, today: Date) -> Self {
        Self {
            id: power.id,
            giver_name: power.giver_name.clone(),
            holder_name: power.holder_name.clone(),
            scopes: power.scopes.clone(),
            valid_from: danish_date(power.valid_from),
            valid_to: power.valid_to.map(danish_date),
            source: power.source,
            state: power.state_on(today),
        }
    }
}

/// The powers of the citizen on a case: given by them, and held by them for others.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePowers {
    pub given: Vec<PowerView>,
    pub held: Vec<PowerView>,
}

/// What a counter visit registered (never the holder's CPR number).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredPower {
    pub power_id: i64,
    pub holder_name: String,
    pub scopes: Vec<PowerScope>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

impl RegisteredPower {
    pub fn describe(&self, lang: Lang) -> String {
        let until = match self.valid_to {
            Some(to) => danish_date(to),
            None => lang.pick("tilbagekaldelse", "revoked").to_owned(),
        };
        match lang {
            Lang::Da => format!(
                "Fuldmagt til {} ({}), gyldig {} til {}",
                self.holder_name,
                PowerScope::list(&self.scopes, lang),
                danish_date(self.valid_from),
                until
            ),
            Lang::En => format!(
                "Power of attorney to {} ({}), valid {} until {}",
                self.holder_name,
                PowerScope::list(&self.scopes, lang),
                danish_date(self.valid_from),
                until
            ),
        }
    }
}

#[cfg(test)]
#[path = "power_of_attorney_tests.rs"]
mod tests;

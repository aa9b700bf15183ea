//! Why the citizen is at the counter, and the steps each purpose takes.

use serde::{Deserialize, Serialize};

use crate::domain::Category;
use crate::i18n::Lang;

/// MitID is issued from this age (13–14 with limits).
pub const MITID_MIN_AGE: u16 = 13;
/// Digital Post is compulsory from 15, so an exemption is registered from then.
pub const DIGITAL_POST_MIN_AGE: u16 = 15;
/// A giver of power of attorney must be over 15.
pub const POWER_GIVER_MIN_AGE: u16 = crate::domain::power_of_attorney::GIVER_MIN_AGE;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    NewMitId,
    NemIdMigration,
    ReissueAfterBlock,
    RaiseAssurance,
    ChangeUserId,
    DigitalPostExemption,
    /// A paper power of attorney (fuldmagt) returned to Borgerservice, registered with the
    /// giver present.
    PaperPowerOfAttorney,
}

/// One screen of the guided flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Start,
    IdentityCheck,
    Authenticators,
    UserId,
    Activation,
    Exemption,
    /// The paper power of attorney: holder, scopes, valid from/to.
    PowerOfAttorney,
    Finish,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Start,
        Step::IdentityCheck,
        Step::Authenticators,
        Step::UserId,
        Step::Activation,
        Step::Exemption,
        Step::PowerOfAttorney,
        Step::Finish,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Start => "start",
            Step::IdentityCheck => "identity_check",
            Step::Authenticators => "authenticators",
            Step::UserId => "user_id",
            Step::Activation => "activation",
            Step::Exemption => "exemption",
            Step::PowerOfAttorney => "power_of_attorney",
            Step::Finish => "finish",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Step::Start => lang.pick("Borger og formål", "Citizen and purpose"),
            Step::IdentityCheck => lang.pick("Kontrol af identitet", "Identity check"),
            Step::Authenticators => lang.pick("Loginmidler", "Authenticators"),
            Step::UserId => lang.pick("Bruger-ID", "User-ID"),
            Step::Activation => lang.pick("Aktiveringskode", "Activation code"),
            Step::Exemption => lang.pick("Fritagelse", "Exemption"),
            Step::PowerOfAttorney => lang.pick("Fuldmagt", "Power of attorney"),
            Step::Finish => lang.pick("Afslut", "Finish"),
        }
    }
}

/// What the citizen's existing MitID must look like for a purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExistingIdentity {
    pub active: bool,
    /// The whole MitID or one of its authenticators is blocked.
    pub has_block: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StartRefusal {
    #[error("the citizen is {age}; this needs {min} or older")]
    TooYoung { age: u16, min: u16 },
    #[error("the citizen already has MitID")]
    AlreadyHasMitId,
    #[error("the citizen has no MitID")]
    NoMitId,
    #[error("nothing on the citizen's MitID is blocked")]
    NothingBlocked,
}

impl StartRefusal {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StartRefusal::TooYoung { age, min }, Lang::Da) => {
                format!("Borgeren er {age} år. Det kræver, at man er mindst {min} år.")
            }
            (StartRefusal::TooYoung { age, min }, Lang::En) => {
                format!("The citizen is {age}. This needs the citizen to be at least {min}.")
            }
            (StartRefusal::AlreadyHasMitId, _) => lang
                .pick(
                    "Borgeren har allerede MitID. Vælg genudstedelse, højere sikringsniveau eller skift af bruger-ID.",
                    "The citizen already has MitID. Choose re-issue, raise assurance level or change user-ID.",
                )
                .to_owned(),
            (StartRefusal::NoMitId, _) => lang
                .pick(
                    "Borgeren har intet MitID. Vælg nyt MitID eller skift fra NemID.",
                    "The citizen has no MitID. Choose new MitID or NemID to MitID.",
                )
                .to_owned(),
            (StartRefusal::NothingBlocked, _) => lang
                .pick(
                    "Intet på borgerens MitID er spærret, så der er intet at genudstede.",
                    "Nothing on the citizen's MitID is blocked, so there is nothing to re-issue.",
                )
                .to_owned(),
        }
    }
}

impl Purpose {
    pub const ALL: [Purpose; 7] = [
        Purpose::NewMitId,
        Purpose::NemIdMigration,
        Purpose::ReissueAfterBlock,
        Purpose::RaiseAssurance,
        Purpose::ChangeUserId,
        Purpose::DigitalPostExemption,
        Purpose::PaperPowerOfAttorney,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::NewMitId => "new_mitid",
            Purpose::NemIdMigration => "nemid_migration",
            Purpose::ReissueAfterBlock => "reissue_after_block",
            Purpose::RaiseAssurance => "raise_assurance",
            Purpose::ChangeUserId => "change_user_id",
            Purpose::DigitalPostExemption => "digital_post_exemption",
            Purpose::PaperPowerOfAttorney => "paper_power_of_attorney",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Purpose::NewMitId => lang.pick("Nyt MitID", "New MitID"),
            Purpose::NemIdMigration => lang.pick("Skift fra NemID til MitID", "NemID to MitID"),
            Purpose::ReissueAfterBlock => {
                lang.pick("Genudstedelse efter spærring", "Re-issue after a block")
            }
            Purpose::RaiseAssurance => {
                lang.pick("Højere sikringsniveau", "Raise the assurance level")
            }
            Purpose::ChangeUserId => lang.pick("Skift bruger-ID", "Change user-ID"),
            Purpose::DigitalPostExemption => {
                lang.pick("Fritagelse for Digital Post", "Digital Post exemption")
            }
            Purpose::PaperPowerOfAttorney => lang.pick(
                "Fuldmagt på papir (registrering)",
                "Paper power of attorney (registration)",
            ),
        }
    }

    /// The screens of this purpose's flow, in order.
    pub fn steps(self) -> &'static [Step] {
        use Step::*;
        match self {
            Purpose::NewMitId | Purpose::NemIdMigration => &[
                Start,
                IdentityCheck,
                Authenticators,
                UserId,
                Activation,
                Finish,
            ],
            Purpose::ReissueAfterBlock => {
                &[Start, IdentityCheck, Authenticators, Activation, Finish]
            }
            Purpose::RaiseAssurance => &[Start, IdentityCheck, Finish],
            Purpose::ChangeUserId => &[Start, IdentityCheck, UserId, Finish],
            Purpose::DigitalPostExemption => &[Start, IdentityCheck, Exemption, Finish],
            Purpose::PaperPowerOfAttorney => &[Start, IdentityCheck, PowerOfAttorney, Finish],
        }
    }

    /// The category of the case that records the visit.
    pub fn category(self) -> Category {
        match self {
            Purpose::NewMitId | Purpose::RaiseAssurance => Category::ActivationCode,
            Purpose::NemIdMigration => Category::NemIdMigration,
            Purpose::ReissueAfterBlock => Category::LostOrStolenLoginMeans,
            Purpose::ChangeUserId => Category::UserId,
            Purpose::DigitalPostExemption => Category::DigitalPost,
            Purpose::PaperPowerOfAttorney => Category::PowerOfAttorney,
        }
    }

    /// Whether the flow creates a new MitID (rather than changing an existing one).
    pub fn creates_identity(self) -> bool {
        matches!(self, Purpose::NewMitId | Purpose::NemIdMigration)
    }

    /// Whether the visit may start for a citizen of `age` with this MitID (or none).
    pub fn check_start(
        self,
        age: u16,
        identity: Option<ExistingIdentity>,
    ) -> Result<(), StartRefusal> {
        let min = match self {
            Purpose::DigitalPostExemption => DIGITAL_POST_MIN_AGE,
            Purpose::PaperPowerOfAttorney => POWER_GIVER_MIN_AGE,
            _ => MITID_MIN_AGE,
        };
        if age < min {
            return Err(StartRefusal::TooYoung { age, min });
        }
        match (self, identity) {
            (Purpose::DigitalPostExemption | Purpose::PaperPowerOfAttorney, _) => Ok(()),
            (Purpose::NewMitId | Purpose::NemIdMigration, Some(_)) => {
                Err(StartRefusal::AlreadyHasMitId)
            }
            (Purpose::NewMitId | Purpose::NemIdMigration, None) => Ok(()),
            (_, None) => Err(StartRefusal::NoMitId),
            (Purpose::ReissueAfterBlock, Some(i)) if !i.has_block && i.active => {
                Err(StartRefusal::NothingBlocked)
            }
            (_, Some(_)) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIVE: ExistingIdentity = ExistingIdentity {
        active: true,
        has_block: false,
    };
    const BLOCKED: ExistingIdentity = ExistingIdentity {
        active: false,
        has_block: true,
    };

    #[test]
    fn every_purpose_round_trips_and_starts_and_finishes() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.as_str()), Some(p));
            assert_eq!(p.steps().first(), Some(&Step::Start));
            assert_eq!(p.steps().last(), Some(&Step::Finish));
            assert!(p.steps().contains(&Step::IdentityCheck), "{p:?}");
        }
        for s in Step::ALL {
            assert_eq!(Step::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn only_issuing_purposes_have_activation() {
        let with: Vec<Purpose> = Purpose::ALL
            .into_iter()
            .filter(|p| p.steps().contains(&Step::Activation))
            .collect();
        assert_eq!(
            with,
            [
                Purpose::NewMitId,
                Purpose::NemIdMigration,
                Purpose::ReissueAfterBlock
            ]
        );
    }

    #[test]
    fn start_rules() {
        use Purpose::*;
        type Row = (
            Purpose,
            u16,
            Option<ExistingIdentity>,
            Result<(), StartRefusal>,
        );
        let table: [Row; 15] = [
            (NewMitId, 13, None, Ok(())),
            (
                NewMitId,
                12,
                None,
                Err(StartRefusal::TooYoung { age: 12, min: 13 }),
            ),
            (
                NewMitId,
                40,
                Some(ACTIVE),
                Err(StartRefusal::AlreadyHasMitId),
            ),
            (NemIdMigration, 80, None, Ok(())),
            (
                NemIdMigration,
                80,
                Some(BLOCKED),
                Err(StartRefusal::AlreadyHasMitId),
            ),
            (ReissueAfterBlock, 50, Some(BLOCKED), Ok(())),
            (
                ReissueAfterBlock,
                50,
                Some(ACTIVE),
                Err(StartRefusal::NothingBlocked),
            ),
            (ReissueAfterBlock, 50, None, Err(StartRefusal::NoMitId)),
            (ChangeUserId, 50, None, Err(StartRefusal::NoMitId)),
            (RaiseAssurance, 50, Some(ACTIVE), Ok(())),
            (
                DigitalPostExemption,
                14,
                None,
                Err(StartRefusal::TooYoung { age: 14, min: 15 }),
            ),
            (DigitalPostExemption, 15, None, Ok(())),
            (
                PaperPowerOfAttorney,
                15,
                Some(ACTIVE),
                Err(StartRefusal::TooYoung { age: 15, min: 16 }),
            ),
            (PaperPowerOfAttorney, 16, None, Ok(())),
            (PaperPowerOfAttorney, 90, Some(BLOCKED), Ok(())),
        ];
        for (purpose, age, identity, expected) in table {
            assert_eq!(
                purpose.check_start(age, identity),
                expected,
                "{purpose:?} {age}"
            );
        }
    }
}

//! Exemption (fritagelse) from Digital Post, registered in person at Borgerservice or by power
//! of attorney. The citizen does not have to state a reason; the grounds are recorded only
//! when given.
//!
//! An exemption usually lasts until 1 November of the second calendar year after the year it
//! was registered. Decided here: it ends at the start of that day, so the citizen is exempt
//! through 31 October and enrolled again from 1 November.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::i18n::Lang;

/// The day the exemption stops: 1 November, two calendar years after `registered`.
///
/// Registered 2026-01-01 or 2026-11-23, it ends 2028-11-01. (At the far end of the calendar,
/// where that day does not exist, `Date::MAX`.)
pub fn exemption_end(registered: Date) -> Date {
    Date::from_calendar_date(registered.year() + 2, Month::November, 1).unwrap_or(Date::MAX)
}

/// True if an exemption registered on `registered` is in force on `on`.
pub fn is_exempt_on(registered: Date, on: Date) -> bool {
    registered <= on && on < exemption_end(registered)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExemptionGround {
    PhysicalOrCognitiveImpairment,
    NoComputerOrInternet,
    Emigrated,
    Homeless,
    LanguageDifficulties,
    DifficultyGettingMitId,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown exemption ground {0:?}: expected physical_or_cognitive_impairment, \
     no_computer_or_internet, emigrated, homeless, language_difficulties or \
     difficulty_getting_mitid"
)]
pub struct UnknownExemptionGround(pub String);

impl ExemptionGround {
    pub const ALL: [ExemptionGround; 6] = [
        ExemptionGround::PhysicalOrCognitiveImpairment,
        ExemptionGround::NoComputerOrInternet,
        ExemptionGround::Emigrated,
        ExemptionGround::Homeless,
        ExemptionGround::LanguageDifficulties,
        ExemptionGround::DifficultyGettingMitId,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ExemptionGround::PhysicalOrCognitiveImpairment => "physical_or_cognitive_impairment",
            ExemptionGround::NoComputerOrInternet => "no_computer_or_internet",
            ExemptionGround::Emigrated => "emigrated",
            ExemptionGround::Homeless => "homeless",
            ExemptionGround::LanguageDifficulties => "language_difficulties",
            ExemptionGround::DifficultyGettingMitId => "difficulty_getting_mitid",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownExemptionGround> {
        let v = value.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == v)
            .ok_or_else(|| UnknownExemptionGround(value.to_owned()))
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ExemptionGround::PhysicalOrCognitiveImpairment => lang.pick(
                "Fysisk eller kognitiv funktionsnedsættelse",
                "Physical or cognitive impairment",
            ),
            ExemptionGround::NoComputerOrInternet => lang.pick(
                "Ingen adgang til computer eller internet",
                "No access to a computer or the internet",
            ),
            ExemptionGround::Emigrated => lang.pick("Udrejst af Danmark", "Emigrated from Denmark"),
            ExemptionGround::Homeless => lang.pick("Hjemløs", "Homeless"),
            ExemptionGround::LanguageDifficulties => {
                lang.pick("Sprogvanskeligheder", "Language difficulties")
            }
            ExemptionGround::DifficultyGettingMitId => lang.pick(
                "Praktiske vanskeligheder med at få MitID",
                "Practical difficulty getting MitID",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn ends_on_1_november_two_calendar_years_later() {
        for (registered, end) in [
            (date!(2026 - 11 - 23), date!(2028 - 11 - 01)),
            (date!(2026 - 01 - 01), date!(2028 - 11 - 01)),
            (date!(2026 - 12 - 31), date!(2028 - 11 - 01)),
            (date!(2026 - 10 - 31), date!(2028 - 11 - 01)),
            (date!(2026 - 11 - 01), date!(2028 - 11 - 01)),
            (date!(2024 - 02 - 29), date!(2026 - 11 - 01)),
            (date!(9999 - 06 - 01), Date::MAX),
        ] {
            assert_eq!(exemption_end(registered), end, "{registered}");
        }
    }

    #[test]
    fn in_force_through_31_october() {
        let registered = date!(2026 - 11 - 23);
        for (on, exempt) in [
            (date!(2026 - 11 - 22), false),
            (date!(2026 - 11 - 23), true),
            (date!(2027 - 11 - 01), true),
            (date!(2028 - 10 - 31), true),
            (date!(2028 - 11 - 01), false),
            (date!(2029 - 01 - 01), false),
        ] {
            assert_eq!(is_exempt_on(registered, on), exempt, "{on}");
        }
    }

    #[test]
    fn grounds_parse_and_have_labels() {
        for g in ExemptionGround::ALL {
            assert_eq!(ExemptionGround::parse(g.as_str()), Ok(g));
            assert_ne!(g.label(Lang::Da), g.label(Lang::En));
        }
        assert_eq!(
            ExemptionGround::parse(" Homeless "),
            Ok(ExemptionGround::Homeless)
        );
        assert!(ExemptionGround::parse("bored").is_err());
        assert_eq!(
            serde_json::to_string(&ExemptionGround::NoComputerOrInternet).unwrap(),
            "\"no_computer_or_internet\""
        );
    }
}

//! Step 2: how the person at the counter proved who they are, and the level it reaches.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::identity_document::DocumentRefusal;
use crate::domain::{AssuranceLevel, DocumentCheck, DocumentKind, WitnessRecord, WitnessRefusal};
use crate::i18n::Lang;

/// The fewest control questions (from the citizen's CPR data) that make a check; every one
/// asked must be answered correctly.
pub const MIN_CONTROL_QUESTIONS: u8 = 3;

/// ASSUMPTION: the sources list witnesses and control questions as ways to get MitID at
/// Borgerservice without naming a level; like the non-passport documents they are taken to
/// reach substantial, never high.
pub const WITNESS_LEVEL: AssuranceLevel = AssuranceLevel::Substantial;
pub const CONTROL_QUESTIONS_LEVEL: AssuranceLevel = AssuranceLevel::Substantial;

/// A passed identity check, as saved with the visit. The document number is kept to its
/// last four characters: enough to recognise it, too little to misuse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum IdentityCheck {
    Document {
        kind: DocumentKind,
        number_last4: String,
        expires: Date,
    },
    Witness {
        witness_citizen_id: i64,
        witness_name: String,
    },
    ControlQuestions {
        answered: u8,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckRefusal {
    #[error("{0}")]
    Document(DocumentRefusal),
    #[error("the witness does not meet the rules")]
    Witness(Vec<WitnessRefusal>),
    #[error("the witness has no MitID in the registry")]
    WitnessHasNoMitId,
    #[error("the citizen cannot be their own witness")]
    WitnessIsCitizen,
    #[error("too few control questions")]
    TooFewQuestions,
    #[error("a control question was answered wrongly")]
    WrongAnswer,
    #[error("the check reaches {reached:?}; {needed:?} or higher is needed")]
    LevelTooLow {
        reached: AssuranceLevel,
        needed: AssuranceLevel,
    },
}

impl CheckRefusal {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CheckRefusal::Document(r) => r.message(lang),
            CheckRefusal::Witness(rs) => rs
                .iter()
                .map(|r| r.message(lang))
                .collect::<Vec<_>>()
                .join(" "),
            CheckRefusal::WitnessHasNoMitId => lang
                .pick(
                    "Vidnet har ikke MitID i registret og kan ikke være vidne.",
                    "The witness has no MitID in the registry and cannot be a witness.",
                )
                .to_owned(),
            CheckRefusal::WitnessIsCitizen => lang
                .pick(
                    "Borgeren kan ikke være sit eget vidne.",
                    "The citizen cannot be their own witness.",
                )
                .to_owned(),
            CheckRefusal::TooFewQuestions => match lang {
                Lang::Da => format!(
                    "Stil mindst {MIN_CONTROL_QUESTIONS} kontrolspørgsmål fra borgerens CPR-oplysninger."
                ),
                Lang::En => format!(
                    "Ask at least {MIN_CONTROL_QUESTIONS} control questions from the citizen's CPR data."
                ),
            },
            CheckRefusal::WrongAnswer => lang
                .pick(
                    "Et kontrolspørgsmål blev besvaret forkert. Identiteten er ikke bekræftet: brug et ID-dokument eller et vidne.",
                    "A control question was answered wrongly. The identity is not confirmed: use an ID document or a witness.",
                )
                .to_owned(),
            CheckRefusal::LevelTooLow { reached, needed } => match lang {
                Lang::Da => format!(
                    "Kontrollen giver sikringsniveau {}, men der kræves {}. Brug et dokument, der giver et højere niveau (fx dansk pas).",
                    reached.label(lang),
                    needed.label(lang)
                ),
                Lang::En => format!(
                    "The check reaches assurance level {}, but {} is needed. Use a document that reaches a higher level (e.g. a Danish passport).",
                    reached.label(lang),
                    needed.label(lang)
                ),
            },
        }
    }
}

fn last4(number: &str) -> String {
    let chars: Vec<char> = number.chars().filter(|c| !c.is_whitespace()).collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

impl IdentityCheck {
    /// A document shown at the counter: valid on `today`, photo matched.
    pub fn by_document(check: &DocumentCheck, today: Date) -> Result<Self, CheckRefusal> {
        check.verify(today).map_err(CheckRefusal::Document)?;
        Ok(IdentityCheck::Document {
            kind: check.kind,
            number_last4: last4(&check.number),
            expires: check.expires,
        })
    }

    /// A witness known to the desk's records; every rule they fail is reported at once.
    pub fn by_witness(
        witness_citizen_id: i64,
        witness_name: &str,
        record: &WitnessRecord,
        today: Date,
    ) -> Result<Self, CheckRefusal> {
        let refusals = record.refusals(today);
        if !refusals.is_empty() {
            return Err(CheckRefusal::Witness(refusals));
        }
        Ok(IdentityCheck::Witness {
            witness_citizen_id,
            witness_name: witness_name.trim().to_owned(),
        })
    }

    pub fn by_control_questions(asked: u8, correct: u8) -> Result<Self, CheckRefusal> {
        if correct < asked {
            return Err(CheckRefusal::WrongAnswer);
        }
        if asked < MIN_CONTROL_QUESTIONS {
            return Err(CheckRefusal::TooFewQuestions);
        }
        Ok(IdentityCheck::ControlQuestions { answered: correct })
    }

    /// The highest assurance level a MitID issued on this check can have.
    pub fn level(&self) -> AssuranceLevel {
        match self {
            IdentityCheck::Document { kind, .. } => kind.max_level(),
            IdentityCheck::Witness { .. } => WITNESS_LEVEL,
            IdentityCheck::ControlQuestions { .. } => CONTROL_QUESTIONS_LEVEL,
        }
    }

    /// Refuses a check that does not reach `needed`.
    pub fn reaching(self, needed: AssuranceLevel) -> Result<Self, CheckRefusal> {
        let reached = self.level();
        if reached < needed {
            return Err(CheckRefusal::LevelTooLow { reached, needed });
        }
        Ok(self)
    }

    /// One line for the case record and the receipt.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            IdentityCheck::Document {
                kind, number_last4, ..
            } => format!("{} (…{number_last4})", kind.label(lang)),
            IdentityCheck::Witness { witness_name, .. } => {
                format!("{} {witness_name}", lang.pick("Vidne:", "Witness:"))
            }
            IdentityCheck::ControlQuestions { answered } => match lang {
                Lang::Da => format!("{answered} kontrolspørgsmål besvaret korrekt"),
                Lang::En => format!("{answered} control questions answered correctly"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn doc(kind: DocumentKind, expires: Date) -> DocumentCheck {
        DocumentCheck {
            kind,
            number: "AB 1234567".into(),
            expires,
            photo_matches: true,
        }
    }

    #[test]
    fn a_valid_document_keeps_only_the_last_four_characters() {
        let check =
            IdentityCheck::by_document(&doc(DocumentKind::DanishPassport, TODAY), TODAY).unwrap();
        assert_eq!(
            check,
            IdentityCheck::Document {
                kind: DocumentKind::DanishPassport,
                number_last4: "4567".into(),
                expires: TODAY
            }
        );
        assert_eq!(check.level(), AssuranceLevel::High);
        assert!(!check.describe(Lang::Da).contains("123"));
    }

    #[test]
    fn an_expired_document_stops_the_check() {
        let refusal = IdentityCheck::by_document(
            &doc(DocumentKind::DanishDrivingLicence, date!(2026 - 11 - 22)),
            TODAY,
        )
        .unwrap_err();
        assert!(matches!(
            refusal,
            CheckRefusal::Document(DocumentRefusal::Expired { .. })
        ));
        assert!(refusal.message(Lang::Da).contains("udløb"));
    }

    #[test]
    fn control_questions() {
        assert!(IdentityCheck::by_control_questions(3, 3).is_ok());
        assert!(IdentityCheck::by_control_questions(4, 4).is_ok());
        assert_eq!(
            IdentityCheck::by_control_questions(2, 2),
            Err(CheckRefusal::TooFewQuestions)
        );
        assert_eq!(
            IdentityCheck::by_control_questions(3, 2),
            Err(CheckRefusal::WrongAnswer)
        );
    }

    #[test]
    fn every_failed_witness_rule_is_named() {
        let record = WitnessRecord {
            birth_date: date!(2010 - 01 - 01),
            mitid_since: date!(2026 - 11 - 01),
            previous_witnessings: vec![TODAY, TODAY, TODAY],
        };
        let Err(CheckRefusal::Witness(rs)) = IdentityCheck::by_witness(7, "Ib", &record, TODAY)
        else {
            panic!("the witness passed");
        };
        assert_eq!(rs.len(), 3);
        let ok = WitnessRecord {
            birth_date: date!(1960 - 01 - 01),
            mitid_since: date!(2022 - 01 - 01),
            previous_witnessings: vec![],
        };
        assert!(IdentityCheck::by_witness(7, " Ib ", &ok, TODAY).is_ok());
    }

    #[test]
    fn raising_the_level_needs_a_document_that_reaches_it() {
        let licence =
            IdentityCheck::by_document(&doc(DocumentKind::DanishDrivingLicence, TODAY), TODAY)
                .unwrap();
        assert_eq!(
            licence.clone().reaching(AssuranceLevel::High),
            Err(CheckRefusal::LevelTooLow {
                reached: AssuranceLevel::Substantial,
                needed: AssuranceLevel::High
            })
        );
        assert!(licence.reaching(AssuranceLevel::Substantial).is_ok());
        let witness = IdentityCheck::Witness {
            witness_citizen_id: 1,
            witness_name: "Ib".into(),
        };
        assert!(witness.reaching(AssuranceLevel::High).is_err());
    }
}

//! Identity documents Borgerservice accepts when issuing MitID, and the NSIS assurance level
//! each can reach.
//!
//! Physical documents are the rule; the driving-licence app and the health-card app are the
//! only digital IDs accepted. Which level a document reaches follows the published list:
//! passports from Denmark, Greenland and the Faroe Islands reach high; Danish and Greenlandic
//! driving licences, residence permits with photo and CPR, and a foreign passport or ID
//! combined with a supporting document reach substantial.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::case_category::UnknownName;
use crate::domain::case_category::find;
use crate::i18n::Lang;

/// NSIS assurance levels, ordered: `Low < Substantial < High`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssuranceLevel {
    /// One factor.
    Low,
    /// Two factors: the usual level; tax, health and banks require it.
    Substantial,
    /// Two copy-resistant factors.
    High,
}

impl AssuranceLevel {
    pub const ALL: [AssuranceLevel; 3] = [
        AssuranceLevel::Low,
        AssuranceLevel::Substantial,
        AssuranceLevel::High,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssuranceLevel::Low => "low",
            AssuranceLevel::Substantial => "substantial",
            AssuranceLevel::High => "high",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "assurance level")
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AssuranceLevel::Low => lang.pick("Lav", "Low"),
            AssuranceLevel::Substantial => lang.pick("Betydelig", "Substantial"),
            AssuranceLevel::High => lang.pick("Høj", "High"),
        }
    }
}

/// The second document that must accompany a foreign passport or ID card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportingDocument {
    /// The yellow health-insurance card (sundhedskort).
    HealthInsuranceCard,
    /// Residence certificate (opholdsbevis).
    ResidenceCertificate,
    /// Birth or baptism certificate (fødsels- eller dåbsattest).
    BirthOrBaptismCertificate,
}

impl SupportingDocument {
    pub const ALL: [SupportingDocument; 3] = [
        SupportingDocument::HealthInsuranceCard,
        SupportingDocument::ResidenceCertificate,
        SupportingDocument::BirthOrBaptismCertificate,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SupportingDocument::HealthInsuranceCard => {
                lang.pick("Sundhedskort", "Health-insurance card")
            }
            SupportingDocument::ResidenceCertificate => {
                lang.pick("Opholdsbevis", "Residence certificate")
            }
            SupportingDocument::BirthOrBaptismCertificate => {
                lang.pick("Fødsels- eller dåbsattest", "Birth or baptism certificate")
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    DanishPassport,
    GreenlandicPassport,
    FaroesePassport,
    DanishDrivingLicence,
    GreenlandicDrivingLicence,
    ResidencePermitWithPhotoAndCpr,
    ForeignPassportOrIdWithSupportingDocument(SupportingDocument),
    /// The digital driving licence (Kørekort-appen).
    DrivingLicenceApp,
    /// The digital health card (Sundhedskort-appen).
    HealthCardApp,
}

impl DocumentKind {
    /// Every kind, with each supporting document spelled out: the choices a form offers.
    pub const ALL: [DocumentKind; 11] = [
        DocumentKind::DanishPassport,
        DocumentKind::GreenlandicPassport,
        DocumentKind::FaroesePassport,
        DocumentKind::DanishDrivingLicence,
        DocumentKind::GreenlandicDrivingLicence,
        DocumentKind::ResidencePermitWithPhotoAndCpr,
        DocumentKind::ForeignPassportOrIdWithSupportingDocument(
            SupportingDocument::HealthInsuranceCard,
        ),
        DocumentKind::ForeignPassportOrIdWithSupportingDocument(
            SupportingDocument::ResidenceCertificate,
        ),
        DocumentKind::ForeignPassportOrIdWithSupportingDocument(
            SupportingDocument::BirthOrBaptismCertificate,
        ),
        DocumentKind::DrivingLicenceApp,
        DocumentKind::HealthCardApp,
    ];

    /// A stable name for forms and storage.
    pub fn key(self) -> &'static str {
        use SupportingDocument as S;
        match self {
            DocumentKind::DanishPassport => "danish_passport",
            DocumentKind::GreenlandicPassport => "greenlandic_passport",
            DocumentKind::FaroesePassport => "faroese_passport",
            DocumentKind::DanishDrivingLicence => "danish_driving_licence",
            DocumentKind::GreenlandicDrivingLicence => "greenlandic_driving_licence",
            DocumentKind::ResidencePermitWithPhotoAndCpr => "residence_permit",
            DocumentKind::ForeignPassportOrIdWithSupportingDocument(S::HealthInsuranceCard) => {
                "foreign_id_with_health_card"
            }
            DocumentKind::ForeignPassportOrIdWithSupportingDocument(S::ResidenceCertificate) => {
                "foreign_id_with_residence_certificate"
            }
            DocumentKind::ForeignPassportOrIdWithSupportingDocument(
                S::BirthOrBaptismCertificate,
            ) => "foreign_id_with_birth_certificate",
            DocumentKind::DrivingLicenceApp => "driving_licence_app",
            DocumentKind::HealthCardApp => "health_card_app",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key.trim())
    }

    /// The highest assurance level a MitID issued on this document can have.
    pub fn max_level(self) -> AssuranceLevel {
        match self {
            DocumentKind::DanishPassport
            | DocumentKind::GreenlandicPassport
            | DocumentKind::FaroesePassport => AssuranceLevel::High,
            DocumentKind::DanishDrivingLicence
            | DocumentKind::GreenlandicDrivingLicence
            | DocumentKind::ResidencePermitWithPhotoAndCpr
            | DocumentKind::ForeignPassportOrIdWithSupportingDocument(_) => {
                AssuranceLevel::Substantial
            }
            // ASSUMPTION: the sources say only that these two apps are accepted as digital ID,
            // not which level they reach. They stand in for the physical driving licence and
            // health card, so substantial (never high) is assumed. Check before relying on it.
            DocumentKind::DrivingLicenceApp | DocumentKind::HealthCardApp => {
                AssuranceLevel::Substantial
            }
        }
    }

    /// True for the two accepted digital IDs, shown on the citizen's phone.
    pub fn is_digital(self) -> bool {
        matches!(
            self,
            DocumentKind::DrivingLicenceApp | DocumentKind::HealthCardApp
        )
    }

    pub fn label(self, lang: Lang) -> &'static str {
        use SupportingDocument as S;
        match self {
            DocumentKind::DanishPassport => lang.pick("Dansk pas", "Danish passport"),
            DocumentKind::GreenlandicPassport => {
                lang.pick("Grønlandsk pas", "Greenlandic passport")
            }
            DocumentKind::FaroesePassport => lang.pick("Færøsk pas", "Faroese passport"),
            DocumentKind::DanishDrivingLicence => {
                lang.pick("Dansk kørekort", "Danish driving licence")
            }
            DocumentKind::GreenlandicDrivingLicence => {
                lang.pick("Grønlandsk kørekort", "Greenlandic driving licence")
            }
            DocumentKind::ResidencePermitWithPhotoAndCpr => lang.pick(
                "Opholdstilladelse med foto og CPR-nummer",
                "Residence permit with photo and CPR number",
            ),
            DocumentKind::ForeignPassportOrIdWithSupportingDocument(S::HealthInsuranceCard) => lang
                .pick(
                    "Udenlandsk pas eller ID-kort med sundhedskort",
                    "Foreign passport or ID card with health-insurance card",
                ),
            DocumentKind::ForeignPassportOrIdWithSupportingDocument(S::ResidenceCertificate) => {
                lang.pick(
                    "Udenlandsk pas eller ID-kort med opholdsbevis",
                    "Foreign passport or ID card with residence certificate",
                )
            }
            DocumentKind::ForeignPassportOrIdWithSupportingDocument(
                S::BirthOrBaptismCertificate,
            ) => lang.pick(
                "Udenlandsk pas eller ID-kort med fødsels- eller dåbsattest",
                "Foreign passport or ID card with birth or baptism certificate",
            ),
            DocumentKind::DrivingLicenceApp => {
                lang.pick("Kørekort-appen", "The driving-licence app")
            }
            DocumentKind::HealthCardApp => lang.pick("Sundhedskort-appen", "The health-card app"),
        }
    }
}

/// What the counter clerk records about the document in front of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentCheck {
    pub kind: DocumentKind,
    pub number: String,
    /// The last day the document is valid.
    pub expires: Date,
    /// The clerk's judgement that the photo shows the person at the counter.
    pub photo_matches: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentRefusal {
    #[error("the document number is missing")]
    MissingNumber,
    #[error("the document expired on {expired_on}")]
    Expired { expired_on: Date },
    #[error("the photo on the document does not match the person")]
    PhotoMismatch,
}

impl DocumentRefusal {
    /// A message for the counter clerk, in the UI language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            DocumentRefusal::MissingNumber => lang
                .pick(
                    "Dokumentets nummer mangler.",
                    "The document number is missing.",
                )
                .to_owned(),
            DocumentRefusal::Expired { expired_on } => match lang {
                Lang::Da => format!("Dokumentet udløb {expired_on} og kan ikke bruges."),
                Lang::En => format!("The document expired on {expired_on} and cannot be used."),
            },
            DocumentRefusal::PhotoMismatch => lang
                .pick(
                    "Billedet på dokumentet ligner ikke personen.",
                    "The photo on the document does not match the person.",
                )
                .to_owned(),
        }
    }
}

impl DocumentCheck {
    /// The level this document supports, or why it is refused. Checked in this order: number,
    /// expiry, photo. A document is valid through its expiry date: one expiring today is
    /// accepted, one that expired yesterday is not.
    pub fn verify(&self, today: Date) -> Result<AssuranceLevel, DocumentRefusal> {
        if self.number.trim().is_empty() {
            return Err(DocumentRefusal::MissingNumber);
        }
        if self.expires < today {
            return Err(DocumentRefusal::Expired {
                expired_on: self.expires,
            });
        }
        if !self.photo_matches {
            return Err(DocumentRefusal::PhotoMismatch);
        }
        Ok(self.kind.max_level())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 03 - 10);

    fn check(kind: DocumentKind) -> DocumentCheck {
        DocumentCheck {
            kind,
            number: "AB1234567".into(),
            expires: date!(2030 - 01 - 01),
            photo_matches: true,
        }
    }

    #[test]
    fn levels_are_ordered() {
        assert!(AssuranceLevel::Low < AssuranceLevel::Substantial);
        assert!(AssuranceLevel::Substantial < AssuranceLevel::High);
        assert_eq!(
            AssuranceLevel::ALL.iter().max(),
            Some(&AssuranceLevel::High)
        );
    }

    #[test]
    fn every_kind_has_a_distinct_key() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(DocumentKind::from_key("library_card"), None);
    }

    #[test]
    fn max_level_per_kind() {
        use AssuranceLevel::*;
        use DocumentKind::*;
        let table = [
            (DanishPassport, High),
            (GreenlandicPassport, High),
            (FaroesePassport, High),
            (DanishDrivingLicence, Substantial),
            (GreenlandicDrivingLicence, Substantial),
            (ResidencePermitWithPhotoAndCpr, Substantial),
            (
                ForeignPassportOrIdWithSupportingDocument(SupportingDocument::HealthInsuranceCard),
                Substantial,
            ),
            (
                ForeignPassportOrIdWithSupportingDocument(SupportingDocument::ResidenceCertificate),
                Substantial,
            ),
            (
                ForeignPassportOrIdWithSupportingDocument(
                    SupportingDocument::BirthOrBaptismCertificate,
                ),
                Substantial,
            ),
            (DrivingLicenceApp, Substantial),
            (HealthCardApp, Substantial),
        ];
        assert_eq!(table.len(), DocumentKind::ALL.len());
        for (kind, level) in table {
            assert_eq!(kind.max_level(), level, "{kind:?}");
            assert_eq!(check(kind).verify(TODAY), Ok(level), "{kind:?}");
        }
        // No document reaches only low: Borgerservice always checks two things.
        assert!(DocumentKind::ALL.iter().all(|k| k.max_level() > Low));
    }

    #[test]
    fn only_the_two_apps_are_digital() {
        let digital: Vec<_> = DocumentKind::ALL
            .into_iter()
            .filter(|k| k.is_digital())
            .collect();
        assert_eq!(
            digital,
            [DocumentKind::DrivingLicenceApp, DocumentKind::HealthCardApp]
        );
    }

    #[test]
    fn expiry_boundary() {
        let mut doc = check(DocumentKind::DanishPassport);
        for (expires, ok) in [
            (date!(2026 - 03 - 11), true),
            (date!(2026 - 03 - 10), true), // expires today: still valid
            (date!(2026 - 03 - 09), false),
            (date!(2020 - 01 - 01), false),
        ] {
            doc.expires = expires;
            let result = doc.verify(TODAY);
            if ok {
                assert_eq!(result, Ok(AssuranceLevel::High), "{expires}");
            } else {
                assert_eq!(
                    result,
                    Err(DocumentRefusal::Expired {
                        expired_on: expires
                    })
                );
            }
        }
    }

    #[test]
    fn refusals() {
        let base = check(DocumentKind::DanishDrivingLicence);
        let table = [
            (
                DocumentCheck {
                    number: String::new(),
                    ..base.clone()
                },
                DocumentRefusal::MissingNumber,
            ),
            (
                DocumentCheck {
                    number: "  \t".into(),
                    ..base.clone()
                },
                DocumentRefusal::MissingNumber,
            ),
            (
                DocumentCheck {
                    photo_matches: false,
                    ..base.clone()
                },
                DocumentRefusal::PhotoMismatch,
            ),
            // Number is checked before expiry, expiry before photo.
            (
                DocumentCheck {
                    number: String::new(),
                    expires: date!(2000 - 01 - 01),
                    photo_matches: false,
                    ..base.clone()
                },
                DocumentRefusal::MissingNumber,
            ),
            (
                DocumentCheck {
                    expires: date!(2000 - 01 - 01),
                    photo_matches: false,
                    ..base.clone()
                },
                DocumentRefusal::Expired {
                    expired_on: date!(2000 - 01 - 01),
                },
            ),
        ];
        for (doc, refusal) in table {
            assert_eq!(doc.verify(TODAY), Err(refusal));
        }
    }

    #[test]
    fn messages_and_labels_in_both_languages() {
        let expired = DocumentRefusal::Expired {
            expired_on: date!(2026 - 03 - 09),
        };
        assert!(expired.message(Lang::Da).contains("2026-03-09"));
        assert!(expired.message(Lang::En).contains("expired"));
        assert_eq!(expired.to_string(), "the document expired on 2026-03-09");
        for refusal in [
            DocumentRefusal::MissingNumber,
            DocumentRefusal::PhotoMismatch,
            expired,
        ] {
            assert_ne!(refusal.message(Lang::Da), refusal.message(Lang::En));
        }
        let labels: std::collections::HashSet<_> = DocumentKind::ALL
            .iter()
            .map(|k| k.label(Lang::Da))
            .collect();
        assert_eq!(labels.len(), DocumentKind::ALL.len());
        for kind in DocumentKind::ALL {
            assert_ne!(kind.label(Lang::Da), kind.label(Lang::En));
        }
        for s in SupportingDocument::ALL {
            assert_ne!(s.label(Lang::Da), s.label(Lang::En));
        }
        assert_eq!(AssuranceLevel::Substantial.label(Lang::Da), "Betydelig");
        assert_eq!(AssuranceLevel::High.as_str(), "high");
    }
}

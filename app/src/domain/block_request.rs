//! The block flow's rules: what may be blocked, for which reason, with which verification.
//!
//! - Lost or stolen: one authenticator, permanently (a blocked code display or audio code
//!   reader can never be reused; a new app needs a new activation).
//! - Suspected misuse or identity theft: the whole MitID, temporarily, until the citizen has
//!   checked their latest activities; identity theft also needs the police report number and
//!   the advice given.
//! - The caller is verified first: by an ID document's number, or by at least two control
//!   questions answered correctly. Lifting a temporary block needs the same.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthenticatorKind {
    App,
    CodeDisplay,
    AudioCodeReader,
    Chip,
}

impl AuthenticatorKind {
    pub const ALL: [AuthenticatorKind; 4] = [
        AuthenticatorKind::App,
        AuthenticatorKind::CodeDisplay,
        AuthenticatorKind::AudioCodeReader,
        AuthenticatorKind::Chip,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthenticatorKind::App => "app",
            AuthenticatorKind::CodeDisplay => "code_display",
            AuthenticatorKind::AudioCodeReader => "audio_code_reader",
            AuthenticatorKind::Chip => "chip",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AuthenticatorKind::App => lang.pick("MitID-app", "MitID app"),
            AuthenticatorKind::CodeDisplay => lang.pick("Kodeviser", "Code display"),
            AuthenticatorKind::AudioCodeReader => lang.pick("Kodeoplæser", "Audio code reader"),
            AuthenticatorKind::Chip => lang.pick("MitID-chip", "MitID chip"),
        }
    }

    /// Whether the device carries a serial number.
    pub fn is_physical(self) -> bool {
        self != AuthenticatorKind::App
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    Lost,
    Stolen,
    SuspectedMisuse,
    IdentityTheft,
}

impl BlockReason {
    pub const ALL: [BlockReason; 4] = [
        BlockReason::Lost,
        BlockReason::Stolen,
        BlockReason::SuspectedMisuse,
        BlockReason::IdentityTheft,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BlockReason::Lost => "lost",
            BlockReason::Stolen => "stolen",
            BlockReason::SuspectedMisuse => "suspected_misuse",
            BlockReason::IdentityTheft => "identity_theft",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            BlockReason::Lost => lang.pick("Mistet", "Lost"),
            BlockReason::Stolen => lang.pick("Stjålet", "Stolen"),
            BlockReason::SuspectedMisuse => lang.pick("Mistanke om misbrug", "Suspected misuse"),
            BlockReason::IdentityTheft => lang.pick("Identitetstyveri", "Identity theft"),
        }
    }

    /// Lost or stolen devices are blocked one by one, for good; misuse blocks the whole MitID
    /// until it is lifted.
    pub fn is_permanent(self) -> bool {
        matches!(self, BlockReason::Lost | BlockReason::Stolen)
    }
}

/// How the caller proved who they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Verification {
    /// An ID document; only the number's last four characters are kept.
    Document { kind: String, number_end: String },
    /// Control questions answered correctly.
    ControlQuestions { answered: u8 },
}

impl Verification {
    /// From the form: `method` is "document" (with kind and number) or "questions" (with how
    /// many were answered correctly).
    pub fn parse(
        method: &str,
        document_kind: &str,
        document_number: &str,
        questions_answered: &str,
    ) -> Result<Self, BlockError> {
        match method.trim() {
            "document" => {
                let number: String = document_number
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect();
                if document_kind.trim().is_empty() {
                    return Err(BlockError::DocumentKind);
                }
                if number.len() < 6 || number.len() > 20 {
                    return Err(BlockError::DocumentNumber);
                }
                Ok(Verification::Document {
                    kind: document_kind.trim().chars().take(40).collect(),
                    number_end: number[number.len() - 4..].to_owned(),
                })
            }
            "questions" => {
                let answered: u8 = questions_answered
                    .trim()
                    .parse()
                    .map_err(|_| BlockError::TooFewQuestions)?;
                if answered < 2 {
                    return Err(BlockError::TooFewQuestions);
                }
                Ok(Verification::ControlQuestions { answered })
            }
            _ => Err(BlockError::NotVerified),
        }
    }

    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Verification::Document { kind, number_end }, Lang::Da) => {
                format!("{kind}, nummer slutter på {number_end}")
            }
            (Verification::Document { kind, number_end }, Lang::En) => {
                format!("{kind}, number ending {number_end}")
            }
            (Verification::ControlQuestions { answered }, Lang::Da) => {
                format!("{answered} kontrolspørgsmål besvaret korrekt")
            }
            (Verification::ControlQuestions { answered }, Lang::En) => {
                format!("{answered} control questions answered correctly")
            }
        }
    }
}

/// What is blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockTarget {
    Authenticator(i64),
    WholeMitId,
}

/// A block the desk may place: checked against the rules above.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockRequest {
    pub target: BlockTarget,
    pub reason: BlockReason,
    pub verification: Verification,
    pub police_report: Option<String>,
    pub advice: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    #[error("the caller has not been verified")]
    NotVerified,
    #[error("the document kind is missing")]
    DocumentKind,
    #[error("the document number must have 6 to 20 letters or digits")]
    DocumentNumber,
    #[error("at least two control questions must be answered correctly")]
    TooFewQuestions,
    #[error("a lost or stolen device is blocked on its own: choose the authenticator")]
    ChooseAuthenticator,
    #[error("suspected misuse blocks the whole MitID")]
    MisuseBlocksAll,
    #[error("identity theft needs the police report number")]
    PoliceReport,
    #[error("identity theft needs the advice given to the citizen")]
    Advice,
}

impl BlockError {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            BlockError::NotVerified => lang.pick(
                "Bekræft først borgerens identitet: med et ID-dokument eller kontrolspørgsmål.",
                "First verify the caller: with an ID document or control questions.",
            ),
            BlockError::DocumentKind => {
                lang.pick("Vælg dokumenttypen.", "Choose the document type.")
            }
            BlockError::DocumentNumber => lang.pick(
                "Dokumentnummeret skal have 6 til 20 bogstaver eller cifre.",
                "The document number must have 6 to 20 letters or digits.",
            ),
            BlockError::TooFewQuestions => lang.pick(
                "Mindst to kontrolspørgsmål skal være besvaret korrekt.",
                "At least two control questions must be answered correctly.",
            ),
            BlockError::ChooseAuthenticator => lang.pick(
                "Et mistet eller stjålet loginmiddel spærres for sig: vælg hvilket.",
                "A lost or stolen login means is blocked on its own: choose which.",
            ),
            BlockError::MisuseBlocksAll => lang.pick(
                "Ved mistanke om misbrug spærres hele MitID midlertidigt.",
                "On suspected misuse the whole MitID is blocked temporarily.",
            ),
            BlockError::PoliceReport => lang.pick(
                "Skriv politiets journalnummer for anmeldelsen.",
                "Enter the police report number.",
            ),
            BlockError::Advice => lang.pick(
                "Skriv hvilke råd borgeren har fået.",
                "Write the advice given to the citizen.",
            ),
        }
    }
}

impl BlockRequest {
    pub fn parse(
        target: BlockTarget,
        reason: BlockReason,
        verification: Verification,
        police_report: &str,
        advice: &str,
    ) -> Result<Self, BlockError> {
        match (reason.is_permanent(), target) {
            (true, BlockTarget::WholeMitId) => return Err(BlockError::ChooseAuthenticator),
            (false, BlockTarget::Authenticator(_)) => return Err(BlockError::MisuseBlocksAll),
            _ => {}
        }
        let clean = |s: &str, max: usize| -> Option<String> {
            let t = s.trim();
            (!t.is_empty()).then(|| t.chars().take(max).collect())
        };
        let police_report = clean(police_report, 60);
        let advice = clean(advice, 2_000);
        if reason == BlockReason::IdentityTheft {
            if police_report.is_none() {
                return Err(BlockError::PoliceReport);
            }
            if advice.is_none() {
                return Err(BlockError::Advice);
            }
        }
        Ok(Self {
            target,
            reason,
            verification,
            police_report,
            advice,
        })
    }

    pub fn permanent(&self) -> bool {
        self.reason.is_permanent()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Verification {
        Verification::parse("document", "Pas", "AB 123 4567", "").unwrap()
    }

    #[test]
    fn verification_by_document_keeps_only_the_last_four() {
        assert_eq!(
            doc(),
            Verification::Document {
                kind: "Pas".into(),
                number_end: "4567".into()
            }
        );
        assert_eq!(
            Verification::parse("document", "Pas", "12345", ""),
            Err(BlockError::DocumentNumber)
        );
        assert_eq!(
            Verification::parse("document", "", "12345678", ""),
            Err(BlockError::DocumentKind)
        );
    }

    #[test]
    fn verification_by_questions_needs_two() {
        assert!(Verification::parse("questions", "", "", "2").is_ok());
        assert_eq!(
            Verification::parse("questions", "", "", "1"),
            Err(BlockError::TooFewQuestions)
        );
        assert_eq!(
            Verification::parse("", "", "", ""),
            Err(BlockError::NotVerified)
        );
    }

    #[test]
    fn lost_and_stolen_block_one_device_for_good() {
        for reason in [BlockReason::Lost, BlockReason::Stolen] {
            let r =
                BlockRequest::parse(BlockTarget::Authenticator(7), reason, doc(), "", "").unwrap();
            assert!(r.permanent());
            assert_eq!(
                BlockRequest::parse(BlockTarget::WholeMitId, reason, doc(), "", ""),
                Err(BlockError::ChooseAuthenticator)
            );
        }
    }

    #[test]
    fn misuse_blocks_the_whole_mitid_for_now() {
        let r = BlockRequest::parse(
            BlockTarget::WholeMitId,
            BlockReason::SuspectedMisuse,
            doc(),
            "",
            "",
        )
        .unwrap();
        assert!(!r.permanent());
        assert_eq!(
            BlockRequest::parse(
                BlockTarget::Authenticator(1),
                BlockReason::SuspectedMisuse,
                doc(),
                "",
                ""
            ),
            Err(BlockError::MisuseBlocksAll)
        );
    }

    #[test]
    fn identity_theft_needs_the_police_report_and_the_advice() {
        let theft = |report: &str, advice: &str| {
            BlockRequest::parse(
                BlockTarget::WholeMitId,
                BlockReason::IdentityTheft,
                doc(),
                report,
                advice,
            )
        };
        assert_eq!(theft("", "Kontakt banken"), Err(BlockError::PoliceReport));
        assert_eq!(theft("0100-12345-00123-26", " "), Err(BlockError::Advice));
        let r = theft("0100-12345-00123-26", "Kontakt banken og kreditorer").unwrap();
        assert_eq!(r.police_report.as_deref(), Some("0100-12345-00123-26"));
    }
}

//! The six public systems the shared support line covers.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum System {
    MitId,
    NemLogIn,
    DigitalPost,
    NemKonto,
    Virk,
    BorgerDk,
}

impl System {
    pub const ALL: [System; 6] = [
        System::MitId,
        System::NemLogIn,
        System::DigitalPost,
        System::NemKonto,
        System::Virk,
        System::BorgerDk,
    ];

    /// The system's own spelling, as citizens know it and as the knowledge base writes it.
    pub fn name(self) -> &'static str {
        match self {
            System::MitId => "MitID",
            System::NemLogIn => "NemLog-in",
            System::DigitalPost => "Digital Post",
            System::NemKonto => "NemKonto",
            System::Virk => "Virk",
            System::BorgerDk => "borger.dk",
        }
    }

    /// URL-safe identifier.
    pub fn slug(self) -> &'static str {
        match self {
            System::MitId => "mitid",
            System::NemLogIn => "nemlog-in",
            System::DigitalPost => "digital-post",
            System::NemKonto => "nemkonto",
            System::Virk => "virk",
            System::BorgerDk => "borger-dk",
        }
    }

    /// Accepts the name or the slug, in any case.
    pub fn parse(value: &str) -> Option<Self> {
        let v = value.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|s| s.slug() == v || s.name().to_lowercase() == v)
    }

    /// One line on what the system is for, for the help front page.
    pub fn description(self, lang: Lang) -> &'static str {
        match self {
            System::MitId => lang.pick(
                "Dit digitale ID: app, kodeviser, kodeoplæser og chip. Spærring, bruger-ID og aktivering.",
                "Your digital ID: app, code display, audio code reader and chip. Blocking, user-ID and activation.",
            ),
            System::NemLogIn => lang.pick(
                "Det fælles offentlige log ind, erhvervsbrugere og fuldmagter.",
                "The shared public login, business users and powers of attorney.",
            ),
            System::DigitalPost => lang.pick(
                "Post fra det offentlige. Læs din post, eller bliv fritaget.",
                "Mail from public authorities. Read your mail, or get an exemption.",
            ),
            System::NemKonto => lang.pick(
                "Kontoen, som offentlige udbetalinger går til.",
                "The bank account public payments go to.",
            ),
            System::Virk => lang.pick(
                "Virksomhedernes indgang: MitID Erhverv, rettigheder og fuldmagter.",
                "The business portal: MitID Erhverv, rights and powers of attorney.",
            ),
            System::BorgerDk => lang.pick(
                "Borgernes indgang til det offentlige: selvbetjening og digital fuldmagt.",
                "The citizens' portal: self-service and digital power of attorney.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_slugs() {
        for s in System::ALL {
            assert_eq!(System::parse(s.name()), Some(s));
            assert_eq!(System::parse(s.slug()), Some(s));
        }
        assert_eq!(System::parse("MITID"), Some(System::MitId));
        assert_eq!(System::parse("nemid"), None);
    }
}

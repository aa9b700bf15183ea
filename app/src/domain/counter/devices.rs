//! Step 3: the authenticators, chosen by what the citizen needs.

use serde::{Deserialize, Serialize};

use crate::domain::AuthenticatorKind;
use crate::i18n::Lang;

/// What the clerk learns by asking the citizen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needs {
    pub no_smartphone: bool,
    pub visually_impaired: bool,
    pub many_logins: bool,
}

impl Needs {
    /// The authenticators to suggest, best first: the app for a smartphone owner, a code
    /// display without one, an audio code reader for the blind or visually impaired, and a
    /// chip beside either for someone who logs in many times a day.
    pub fn recommended(self) -> Vec<AuthenticatorKind> {
        let mut kinds = Vec::new();
        if self.visually_impaired {
            kinds.push(AuthenticatorKind::AudioCodeReader);
        } else if self.no_smartphone {
            kinds.push(AuthenticatorKind::CodeDisplay);
        } else {
            kinds.push(AuthenticatorKind::App);
        }
        if self.many_logins {
            kinds.push(AuthenticatorKind::Chip);
        }
        kinds
    }
}

/// A physical device's serial number: 6 to 20 letters and digits, kept upper case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Serial(String);

impl Serial {
    pub fn parse(raw: &str) -> Option<Self> {
        let value: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (6..=20)
            .contains(&value.len())
            .then_some(())
            .filter(|()| value.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|()| Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One device as ticked on the form, before the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceChoice<'a> {
    pub kind: AuthenticatorKind,
    pub serial: &'a str,
}

/// A device to register, as saved with the visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDevice {
    pub kind: AuthenticatorKind,
    pub serial: Option<Serial>,
}

impl NewDevice {
    pub fn describe(&self, lang: Lang) -> String {
        match &self.serial {
            Some(s) => format!("{} {}", self.kind.label(lang), s.as_str()),
            None => self.kind.label(lang).to_owned(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeviceRefusal {
    #[error("no authenticator chosen")]
    NoneChosen,
    #[error("the same kind twice")]
    Twice(AuthenticatorKind),
    #[error("a serial number is missing or malformed")]
    BadSerial(AuthenticatorKind),
    #[error("the app needs a smartphone")]
    AppWithoutSmartphone,
    #[error("a code display cannot be read by a visually impaired citizen")]
    CodeDisplayForVisuallyImpaired,
    #[error("only one active code display at a time")]
    SecondCodeDisplay,
    #[error("the serial number is already registered")]
    SerialTaken(String),
}

impl DeviceRefusal {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            DeviceRefusal::NoneChosen => lang
                .pick("Vælg mindst ét loginmiddel.", "Choose at least one authenticator.")
                .to_owned(),
            DeviceRefusal::Twice(k) => match lang {
                Lang::Da => format!("{} er valgt to gange.", k.label(lang)),
                Lang::En => format!("{} is chosen twice.", k.label(lang)),
            },
            DeviceRefusal::BadSerial(k) => match lang {
                Lang::Da => format!(
                    "Skriv serienummeret på {} (6–20 bogstaver og tal, som det står på bagsiden).",
                    k.label(lang).to_lowercase()
                ),
                Lang::En => format!(
                    "Enter the serial number of the {} (6–20 letters and digits, as printed on the back).",
                    k.label(lang).to_lowercase()
                ),
            },
            DeviceRefusal::AppWithoutSmartphone => lang
                .pick(
                    "MitID-appen kræver en smartphone. Vælg en kodeviser eller en kodeoplæser.",
                    "The MitID app needs a smartphone. Choose a code display or an audio code reader.",
                )
                .to_owned(),
            DeviceRefusal::CodeDisplayForVisuallyImpaired => lang
                .pick(
                    "En kodeviser kan ikke læses af en blind eller svagtseende borger. Vælg en kodeoplæser.",
                    "A code display cannot be read by a blind or visually impaired citizen. Choose an audio code reader.",
                )
                .to_owned(),
            DeviceRefusal::SecondCodeDisplay => lang
                .pick(
                    "Borgeren har allerede en aktiv kodeviser. Man kan kun have én aktiv kodeviser ad gangen.",
                    "The citizen already has an active code display. Only one can be active at a time.",
                )
                .to_owned(),
            DeviceRefusal::SerialTaken(s) => match lang {
                Lang::Da => format!("Serienummeret {s} er allerede registreret på et andet loginmiddel."),
                Lang::En => format!("The serial number {s} is already registered to another authenticator."),
            },
        }
    }
}

/// Checks the devices ticked on the form against the citizen's needs and the devices the
/// citizen already has active.
pub fn choose(
    needs: Needs,
    chosen: &[DeviceChoice<'_>],
    active: &[AuthenticatorKind],
) -> Result<Vec<NewDevice>, DeviceRefusal> {
    if chosen.is_empty() {
        return Err(DeviceRefusal::NoneChosen);
    }
    let mut devices: Vec<NewDevice> = Vec::new();
    for c in chosen {
        if devices.iter().any(|d| d.kind == c.kind) {
            return Err(DeviceRefusal::Twice(c.kind));
        }
        let serial = if c.kind.is_physical() {
            Some(Serial::parse(c.serial).ok_or(DeviceRefusal::BadSerial(c.kind))?)
        } else {
            None
        };
        devices.push(NewDevice {
            kind: c.kind,
            serial,
        });
    }
    let has = |k| devices.iter().any(|d| d.kind == k);
    if needs.no_smartphone && has(AuthenticatorKind::App) {
        return Err(DeviceRefusal::AppWithoutSmartphone);
    }
    if needs.visually_impaired && has(AuthenticatorKind::CodeDisplay) {
        return Err(DeviceRefusal::CodeDisplayForVisuallyImpaired);
    }
    if has(AuthenticatorKind::CodeDisplay) && active.contains(&AuthenticatorKind::CodeDisplay) {
        return Err(DeviceRefusal::SecondCodeDisplay);
    }
    Ok(devices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AuthenticatorKind::*;

    fn pick(kind: AuthenticatorKind, serial: &str) -> DeviceChoice<'_> {
        DeviceChoice { kind, serial }
    }

    #[test]
    fn recommendations_follow_needs() {
        let n = |no_smartphone, visually_impaired, many_logins| Needs {
            no_smartphone,
            visually_impaired,
            many_logins,
        };
        assert_eq!(n(false, false, false).recommended(), [App]);
        assert_eq!(n(true, false, false).recommended(), [CodeDisplay]);
        assert_eq!(n(true, true, false).recommended(), [AudioCodeReader]);
        assert_eq!(n(false, true, false).recommended(), [AudioCodeReader]);
        assert_eq!(n(false, false, true).recommended(), [App, Chip]);
        assert_eq!(n(true, false, true).recommended(), [CodeDisplay, Chip]);
    }

    #[test]
    fn serials() {
        assert_eq!(
            Serial::parse(" cd-1234 5678 ").unwrap().as_str(),
            "CD12345678"
        );
        for bad in [
            "",
            "CD123",
            "CD1234567890123456789",
            "CD12345Ø78",
            "CD12345_78",
        ] {
            assert_eq!(Serial::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn rules_for_the_chosen_devices() {
        let none = Needs::default();
        let no_phone = Needs {
            no_smartphone: true,
            ..Needs::default()
        };
        let blind = Needs {
            visually_impaired: true,
            ..Needs::default()
        };
        type Row<'a> = (
            Needs,
            Vec<DeviceChoice<'a>>,
            Vec<AuthenticatorKind>,
            Option<DeviceRefusal>,
        );
        let table: Vec<Row<'_>> = vec![
            (none, vec![pick(App, "")], vec![], None),
            (none, vec![], vec![], Some(DeviceRefusal::NoneChosen)),
            (
                no_phone,
                vec![pick(CodeDisplay, "CD12345678")],
                vec![],
                None,
            ),
            (
                no_phone,
                vec![pick(CodeDisplay, "")],
                vec![],
                Some(DeviceRefusal::BadSerial(CodeDisplay)),
            ),
            (
                no_phone,
                vec![pick(App, "")],
                vec![],
                Some(DeviceRefusal::AppWithoutSmartphone),
            ),
            (
                blind,
                vec![pick(AudioCodeReader, "AR12345678")],
                vec![],
                None,
            ),
            (
                blind,
                vec![pick(CodeDisplay, "CD12345678")],
                vec![],
                Some(DeviceRefusal::CodeDisplayForVisuallyImpaired),
            ),
            (
                none,
                vec![pick(CodeDisplay, "CD12345678")],
                vec![CodeDisplay],
                Some(DeviceRefusal::SecondCodeDisplay),
            ),
            (
                none,
                vec![pick(Chip, "CH12345678")],
                vec![CodeDisplay],
                None,
            ),
            (
                none,
                vec![pick(Chip, "CH11111111"), pick(Chip, "CH22222222")],
                vec![],
                Some(DeviceRefusal::Twice(Chip)),
            ),
        ];
        for (needs, chosen, active, refusal) in table {
            let got = choose(needs, &chosen, &active);
            assert_eq!(got.as_ref().err(), refusal.as_ref(), "{needs:?} {chosen:?}");
        }
        let devices = choose(
            no_phone,
            &[pick(CodeDisplay, "cd 1234 5678"), pick(App, "")],
            &[],
        );
        assert_eq!(devices, Err(DeviceRefusal::AppWithoutSmartphone));
    }
}

//! Telephone numbers, normalised to E.164 (`+4512345678`) so that one number written many ways
//! (`12 34 56 78`, `0045 1234-5678`, `+45 12345678`) is one number: stored once, hashed once,
//! found by the caller id a phone system sends.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// A telephone number in E.164 form: `+`, the country code and the subscriber number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("no phone number")]
    Empty,
    #[error("a phone number is at most 40 characters")]
    TooLong,
    #[error("a phone number holds only digits, spaces, +, -, . and brackets")]
    Characters,
    #[error("not a Danish number (8 digits) or an international one (+ and 8 to 15 digits)")]
    Digits,
}

impl PhoneError {
    /// What a person is told.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            PhoneError::Empty => lang.pick("Skriv et telefonnummer.", "Enter a phone number."),
            PhoneError::TooLong => lang.pick(
                "Et telefonnummer er højst 40 tegn.",
                "A phone number is at most 40 characters.",
            ),
            PhoneError::Characters => lang.pick(
                "Et telefonnummer må kun indeholde cifre, mellemrum, +, -, punktum og parenteser.",
                "A phone number may only contain digits, spaces, +, -, full stops and brackets.",
            ),
            PhoneError::Digits => lang.pick(
                "Skriv et dansk nummer med 8 cifre eller et udenlandsk med + og landekode.",
                "Enter a Danish number of 8 digits or a foreign one with + and the country code.",
            ),
        }
    }
}

/// The longest input considered: longer text is refused before it is looked at.
pub const MAX_INPUT_CHARS: usize = 40;

impl PhoneNumber {
    /// Reads a number as people and phone systems write it. Danish numbers (8 digits, with or
    /// without `+45`, `0045` or a bare `45`) become `+45XXXXXXXX`; other numbers need `+` or
    /// `00` and their country code (E.164: 8 to 15 digits, no leading zero).
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        // Only spaces are trimmed: a line break or other control character is refused below.
        let text = raw.trim_matches(' ');
        if text.is_empty() {
            return Err(PhoneError::Empty);
        }
        if text.chars().count() > MAX_INPUT_CHARS {
            return Err(PhoneError::TooLong);
        }
        let mut digits = String::with_capacity(16);
        let mut plus = false;
        for c in text.chars() {
            match c {
                '0'..='9' => digits.push(c),
                // One plus, before the digits ("+45", "(+45)").
                '+' if digits.is_empty() && !plus => plus = true,
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(PhoneError::Characters),
            }
        }
        let international = if plus {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else if digits.len() == 8 {
            format!("45{digits}")
        } else if digits.len() == 10 && digits.starts_with("45") {
            digits
        } else {
            return Err(PhoneError::Digits);
        };
        let ok = match international.strip_prefix("45") {
            // Danish numbers have exactly 8 digits after the country code.
            Some(national) => national.len() == 8,
            None => (8..=15).contains(&international.len()),
        };
        if !ok || international.starts_with('0') {
            return Err(PhoneError::Digits);
        }
        Ok(Self(format!("+{international}")))
    }

    /// `+4512345678`: how the number is stored and hashed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How a person reads it: Danish numbers in pairs (`+45 12 34 56 78`), others as stored.
    pub fn display(&self) -> String {
        match self.0.strip_prefix("+45") {
            Some(national) if national.len() == 8 => {
                let pairs: Vec<&str> = (0..4)
                    .filter_map(|i| national.get(i * 2..i * 2 + 2))
                    .collect();
                format!("+45 {}", pairs.join(" "))
            }
            _ => self.0.clone(),
        }
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_numbers_are_normalised_however_written() {
        for raw in [
            "12345678",
            "12 34 56 78",
            "1234-5678",
            "+4512345678",
            "+45 12 34 56 78",
            "0045 12 34 56 78",
            "004512345678",
            "4512345678",
            " (+45) 12.34.56.78 ",
        ] {
            assert_eq!(
                PhoneNumber::parse(raw).map(|p| p.as_str().to_owned()),
                Ok("+4512345678".to_owned()),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn other_countries_need_their_code() {
        let table = [
            ("+46 8 123 456 78", Ok("+46812345678")),
            ("0049 171 1234567", Ok("+491711234567")),
            ("+1 (212) 555-0100", Ok("+12125550100")),
            ("+447911123456", Ok("+447911123456")),
            // Too short or too long for E.164.
            ("+46 123", Err(PhoneError::Digits)),
            ("+1234567890123456", Err(PhoneError::Digits)),
            // No country code: neither 8 digits nor 45 and 8 digits.
            ("1234567", Err(PhoneError::Digits)),
            ("123456789", Err(PhoneError::Digits)),
            // Danish numbers have exactly 8 digits.
            ("+45 1234567", Err(PhoneError::Digits)),
            ("+45 123456789", Err(PhoneError::Digits)),
            ("+0123456789", Err(PhoneError::Digits)),
        ];
        for (raw, want) in table {
            assert_eq!(
                PhoneNumber::parse(raw).map(|p| p.as_str().to_owned()),
                want.map(str::to_owned),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn garbage_and_hostile_text_is_refused() {
        let long = "1".repeat(100_000);
        let table = [
            ("", PhoneError::Empty),
            ("   ", PhoneError::Empty),
            ("12345678\r\nX-Evil: 1", PhoneError::Characters),
            ("12345678\n", PhoneError::Characters),
            ("1234\u{0}5678", PhoneError::Characters),
            ("\"><svg onload=alert(1)>", PhoneError::Characters),
            ("1234+5678", PhoneError::Characters),
            ("++4512345678", PhoneError::Characters),
            ("anonymous", PhoneError::Characters),
            ("١٢٣٤٥٦٧٨", PhoneError::Characters),
            (long.as_str(), PhoneError::TooLong),
        ];
        for (raw, want) in table {
            assert_eq!(
                PhoneNumber::parse(raw),
                Err(want),
                "{:?}",
                &raw[..raw.len().min(30)]
            );
        }
    }

    #[test]
    fn danish_numbers_display_in_pairs() {
        let p = PhoneNumber::parse("12345678").unwrap();
        assert_eq!(p.display(), "+45 12 34 56 78");
        let p = PhoneNumber::parse("+46812345678").unwrap();
        assert_eq!(p.display(), "+46812345678");
        assert!(!PhoneError::Digits.message(Lang::Da).is_empty());
    }
}

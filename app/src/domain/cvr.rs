//! CVR numbers: a business's 8-digit number in the Central Business Register. The check
//! multiplies the digits by the weights 2, 7, 6, 5, 4, 3, 2, 1; a valid number's sum is
//! divisible by 11. Unlike a CPR number it is public, so it may be shown, searched and mailed.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

const WEIGHTS: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];

/// A CVR number that passed the check: eight ASCII digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cvr(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CvrError {
    #[error("a CVR number has 8 digits")]
    Length,
    #[error("the CVR number's check digit does not match")]
    Check,
}

impl CvrError {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            CvrError::Length => lang.pick(
                "Et CVR-nummer har 8 cifre.",
                "A CVR number has 8 digits.",
            ),
            CvrError::Check => lang.pick(
                "CVR-nummeret findes ikke: kontrolcifferet passer ikke. Tjek det med den, der ringer.",
                "That CVR number does not exist: its check digit does not match. Check it with the caller.",
            ),
        }
    }
}

impl Cvr {
    /// Accepts the number as people write it: "12345678", "1234 5678", "12 34 56 78", with
    /// an optional "DK" or "CVR" in front.
    pub fn parse(raw: &str) -> Result<Self, CvrError> {
        let trimmed = raw.trim();
        let body = strip_prefix_ci(trimmed, "cvr")
            .or_else(|| strip_prefix_ci(trimmed, "dk"))
            .unwrap_or(trimmed)
            .trim_start_matches([' ', '.', ':', '-', 'n', 'r', 'N', 'R'])
            .trim();
        if body.len() > 16 || body.chars().any(|c| !(c.is_ascii_digit() || c == ' ')) {
            return Err(CvrError::Length);
        }
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        if digits.len() != 8 {
            return Err(CvrError::Length);
        }
        if !passes_check(&digits) {
            return Err(CvrError::Check);
        }
        Ok(Cvr(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A CVR number named in free text ("CVR 12345678", "cvr-nr. 1234 5678", "CVR:12345678"),
    /// when it passes the check. The word "CVR" must come first: a bare eight-digit number is
    /// as likely a phone number.
    pub fn find_in_text(text: &str) -> Option<Cvr> {
        let lower = text.to_lowercase();
        let mut from = 0;
        while let Some(at) = lower.get(from..).and_then(|rest| rest.find("cvr")) {
            let start = from + at;
            // A word of its own: not the end of another word.
            let word_start = lower[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after = &lower[start + 3..];
            if word_start && let Some(cvr) = number_after(after) {
                return Some(cvr);
            }
            from = start + 3;
        }
        None
    }
}

impl std::fmt::Display for Cvr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn passes_check(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    sum.is_multiple_of(11)
}

/// The number right after "CVR": a few words may come between ("-nr.", "nummer er"), and
/// the digits may be written in groups; what follows the eighth digit must not be a digit.
fn number_after(text: &str) -> Option<Cvr> {
    let (start, _) = text
        .char_indices()
        .take(16)
        .find(|(_, c)| c.is_ascii_digit())?;
    if text[..start]
        .chars()
        .any(|c| matches!(c, '\n' | '\r' | ',' | ';'))
    {
        return None;
    }
    let mut digits = String::new();
    for c in text[start..].chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            if digits.len() > 8 {
                return None;
            }
        } else if c == ' ' && digits.len() < 8 {
            continue;
        } else {
            break;
        }
    }
    (digits.len() == 8 && passes_check(&digits)).then_some(Cvr(digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums worked by hand with the weights 2, 7, 6, 5, 4, 3, 2, 1.
    #[test]
    fn the_modulus_11_check_decides() {
        let table: &[(&str, Result<&str, CvrError>)] = &[
            // 3*2+5*7+9*6+5*5+0*4+5*3+8*2+7*1 = 6+35+54+25+0+15+16+7 = 158? not /11
            ("35950587", Err(CvrError::Check)),
            // 1*2+0*7+0*6+0*5+0*4+0*3+0*2+9*1 = 11
            ("10000009", Ok("10000009")),
            // 2*2+5*7+3*6+1*5+3*4+1*3+6*2+9*1 = 4+35+18+5+12+3+12+9 = 98? no
            ("25313169", Err(CvrError::Check)),
            // 1*2+2*7+3*6+4*5+5*4+6*3+7*2+x: 2+14+18+20+20+18+14 = 106; 106+4 = 110
            ("12345674", Ok("12345674")),
            ("12345678", Err(CvrError::Check)),
            // Spaces, groups and prefixes as people write them.
            ("1234 5674", Ok("12345674")),
            ("12 34 56 74", Ok("12345674")),
            ("DK12345674", Ok("12345674")),
            ("CVR-nr. 12345674", Ok("12345674")),
            ("  12345674  ", Ok("12345674")),
            // 0 weighs nothing: all zeros sums to 0, divisible by 11.
            ("00000000", Ok("00000000")),
            // Wrong length, letters, look-alikes and markup.
            ("1234567", Err(CvrError::Length)),
            ("123456740", Err(CvrError::Length)),
            ("", Err(CvrError::Length)),
            ("1234567O", Err(CvrError::Length)),
            ("１２３４５６７４", Err(CvrError::Length)),
            ("12345674\u{0}", Err(CvrError::Length)),
            ("\"><svg onload=alert(1)>", Err(CvrError::Length)),
            ("12345674\r\n", Ok("12345674")),
        ];
        for (raw, expected) in table {
            let got = Cvr::parse(raw);
            match expected {
                Ok(digits) => assert_eq!(
                    got.as_ref().map(Cvr::as_str),
                    Ok(*digits),
                    "{raw:?} should pass"
                ),
                Err(e) => assert_eq!(got, Err(*e), "{raw:?}"),
            }
        }
    }

    #[test]
    fn every_check_digit_but_one_fails() {
        let valid = (0..=9)
            .filter(|d| Cvr::parse(&format!("1234567{d}")).is_ok())
            .count();
        assert_eq!(valid, 1);
    }

    #[test]
    fn a_cvr_number_is_found_only_where_the_text_names_it() {
        let table: &[(&str, Option<&str>)] = &[
            (
                "Vi er CVR 12345674 og vores kodeviser virker ikke",
                Some("12345674"),
            ),
            ("cvr-nr. 1234 5674", Some("12345674")),
            ("CVR:12345674.", Some("12345674")),
            ("Virksomhedens CVR-nummer er 12345674", Some("12345674")),
            ("CVR nummer: 12 34 56 74", Some("12345674")),
            // A phone number alone is not a CVR number.
            ("Ring på 12345674", None),
            // The check fails.
            ("CVR 12345678", None),
            // Longer numbers (a CPR number without its dash) are not CVR numbers.
            ("CVR 1234567400", None),
            // Part of another word.
            ("xcvr 12345674", None),
            ("", None),
        ];
        for (text, expected) in table {
            assert_eq!(
                Cvr::find_in_text(text).as_ref().map(Cvr::as_str),
                *expected,
                "{text:?}"
            );
        }
    }
}

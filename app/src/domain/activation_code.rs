//! Paper activation codes from Borgerservice.
//!
//! A paper code activates one authenticator, within 48 hours of being issued; three wrong
//! entries block it. (SMS codes, valid for 30 minutes, are not modelled here.)
//!
//! Boundaries, as decided here:
//! - The code is valid while `now < issued_at + 48 h`: at 47:59:59 it works, at exactly
//!   48:00:00 it has expired.
//! - The third wrong entry blocks it (`wrong_attempts >= 3`).
//! - When several apply, the status says the most final thing: used, then blocked, then
//!   expired. A code dated in the future (clock skew) counts as valid.
//!
//! Generating a code needs randomness and belongs to the server; this module only formats
//! and reads the 12 characters printed on the letter.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::i18n::Lang;

/// How long a paper code works after it is issued.
pub const VALIDITY: Duration = Duration::hours(48);

/// Wrong entries that block a code.
pub const MAX_WRONG_ATTEMPTS: u8 = 3;

/// The number of characters in a code, without separators.
pub const CODE_CHARS: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationCode {
    pub issued_at: OffsetDateTime,
    pub wrong_attempts: u8,
    pub used: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeStatus {
    Valid,
    Expired,
    Blocked,
    Used,
}

impl CodeStatus {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CodeStatus::Valid => lang.pick("Gyldig", "Valid"),
            CodeStatus::Expired => lang.pick("Udløbet", "Expired"),
            CodeStatus::Blocked => lang.pick("Spærret", "Blocked"),
            CodeStatus::Used => lang.pick("Brugt", "Used"),
        }
    }
}

impl ActivationCode {
    /// A fresh code, issued at `issued_at`.
    pub fn issued(issued_at: OffsetDateTime) -> Self {
        Self {
            issued_at,
            wrong_attempts: 0,
            used: false,
        }
    }

    /// The first moment the code no longer works.
    pub fn expires_at(&self) -> OffsetDateTime {
        self.issued_at.saturating_add(VALIDITY)
    }

    pub fn status(&self, now: OffsetDateTime) -> CodeStatus {
        if self.used {
            CodeStatus::Used
        } else if self.wrong_attempts >= MAX_WRONG_ATTEMPTS {
            CodeStatus::Blocked
        } else if now >= self.expires_at() {
            CodeStatus::Expired
        } else {
            CodeStatus::Valid
        }
    }

    pub fn is_valid(&self, now: OffsetDateTime) -> bool {
        self.status(now) == CodeStatus::Valid
    }

    /// The code after one more wrong entry.
    pub fn with_wrong_attempt(self) -> Self {
        Self {
            wrong_attempts: self.wrong_attempts.saturating_add(1),
            ..self
        }
    }

    /// Wrong entries left before the code is blocked.
    pub fn attempts_left(&self) -> u8 {
        MAX_WRONG_ATTEMPTS.saturating_sub(self.wrong_attempts)
    }
}

/// The 12 characters of a paper code, upper case, without separators. `Debug` hides them:
/// until it is used, the code is a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PaperCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaperCodeError {
    #[error("an activation code has 12 characters")]
    Length,
    #[error("an activation code has only the letters A–Z and the digits 0–9")]
    Characters,
}

impl PaperCode {
    /// Accepts "ABCD-EFGH-JKLM", "abcd efgh jklm" or "ABCDEFGHJKLM": hyphens and spaces
    /// anywhere are ignored (people copy codes in many ways), letters are upper-cased.
    ///
    /// The exact alphabet of real codes is not in the sources, so all of A–Z and 0–9 are
    /// accepted; the server's lookup decides whether the code exists.
    pub fn parse(raw: &str) -> Result<Self, PaperCodeError> {
        let value: String = raw
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !value.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(PaperCodeError::Characters);
        }
        if value.len() != CODE_CHARS {
            return Err(PaperCodeError::Length);
        }
        Ok(Self(value))
    }

    /// The 12 characters, no separators: the form to hash and compare.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Grouped for reading aloud and printing: "XXXX-XXXX-XXXX".
    pub fn formatted(&self) -> String {
        format!("{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

impl std::fmt::Debug for PaperCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PaperCode(…)")
    }
}

/// Groups a 12-character code as "XXXX-XXXX-XXXX" (input may already be grouped).
pub fn format_code(raw: &str) -> Result<String, PaperCodeError> {
    PaperCode::parse(raw).map(|code| code.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const ISSUED: OffsetDateTime = datetime!(2026-03-10 09:30 +01:00);

    fn after(d: Duration) -> OffsetDateTime {
        ISSUED + d
    }

    #[test]
    fn validity_window() {
        let code = ActivationCode::issued(ISSUED);
        for (elapsed, status) in [
            (Duration::ZERO, CodeStatus::Valid),
            (Duration::minutes(-5), CodeStatus::Valid), // clock skew
            (Duration::hours(24), CodeStatus::Valid),
            (
                Duration::hours(47) + Duration::minutes(59),
                CodeStatus::Valid,
            ),
            (
                Duration::hours(48) - Duration::seconds(1),
                CodeStatus::Valid,
            ),
            (Duration::hours(48), CodeStatus::Expired), // exactly 48 h: expired
            (
                Duration::hours(48) + Duration::minutes(1),
                CodeStatus::Expired,
            ),
            (Duration::days(30), CodeStatus::Expired),
        ] {
            assert_eq!(code.status(after(elapsed)), status, "{elapsed}");
            assert_eq!(code.is_valid(after(elapsed)), status == CodeStatus::Valid);
        }
        assert_eq!(code.expires_at(), datetime!(2026-03-12 09:30 +01:00));
    }

    #[test]
    fn the_third_wrong_attempt_blocks() {
        let now = after(Duration::hours(1));
        let mut code = ActivationCode::issued(ISSUED);
        for (attempts, status, left) in [
            (1, CodeStatus::Valid, 2),
            (2, CodeStatus::Valid, 1),
            (3, CodeStatus::Blocked, 0),
            (4, CodeStatus::Blocked, 0),
        ] {
            code = code.with_wrong_attempt();
            assert_eq!(code.wrong_attempts, attempts);
            assert_eq!(code.status(now), status, "after {attempts} wrong attempts");
            assert_eq!(code.attempts_left(), left);
        }
        let saturated = ActivationCode {
            wrong_attempts: u8::MAX,
            ..code
        }
        .with_wrong_attempt();
        assert_eq!(saturated.wrong_attempts, u8::MAX);
    }

    #[test]
    fn used_then_blocked_then_expired() {
        let late = after(Duration::hours(49));
        let early = after(Duration::hours(1));
        let table = [
            (true, 3, late, CodeStatus::Used),
            (true, 0, early, CodeStatus::Used),
            (false, 3, late, CodeStatus::Blocked),
            (false, 2, late, CodeStatus::Expired),
            (false, 2, early, CodeStatus::Valid),
        ];
        for (used, wrong_attempts, now, status) in table {
            let code = ActivationCode {
                issued_at: ISSUED,
                wrong_attempts,
                used,
            };
            assert_eq!(code.status(now), status, "{used} {wrong_attempts} {now}");
        }
    }

    #[test]
    fn paper_codes_parse_with_or_without_separators() {
        for raw in [
            "ABCD-EFGH-1234",
            "abcd-efgh-1234",
            "ABCDEFGH1234",
            "ABCD EFGH 1234",
            " abcd efgh-1234 ",
            "AB-CD-EF-GH-12-34",
        ] {
            let code = PaperCode::parse(raw).unwrap();
            assert_eq!(code.expose(), "ABCDEFGH1234", "{raw:?}");
            assert_eq!(code.formatted(), "ABCD-EFGH-1234");
            assert_eq!(format_code(raw), Ok("ABCD-EFGH-1234".to_owned()));
        }
    }

    #[test]
    fn malformed_paper_codes() {
        for (raw, err) in [
            ("", PaperCodeError::Length),
            ("ABCD-EFGH-123", PaperCodeError::Length),
            ("ABCD-EFGH-12345", PaperCodeError::Length),
            ("ABCD-EFGH-123Ø", PaperCodeError::Characters),
            ("ABCD_EFGH_1234", PaperCodeError::Characters),
            ("ABCD.EFGH.1234", PaperCodeError::Characters),
        ] {
            assert_eq!(PaperCode::parse(raw), Err(err.clone()), "{raw:?}");
            assert_eq!(format_code(raw), Err(err));
        }
    }

    #[test]
    fn debug_hides_the_code() {
        let code = PaperCode::parse("ABCD-EFGH-1234").unwrap();
        assert!(!format!("{code:?}").contains("ABCD"));
    }

    #[test]
    fn status_labels() {
        for s in [
            CodeStatus::Valid,
            CodeStatus::Expired,
            CodeStatus::Blocked,
            CodeStatus::Used,
        ] {
            assert_ne!(s.label(Lang::Da), s.label(Lang::En));
        }
    }
}

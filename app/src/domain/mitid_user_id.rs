//! MitID user-IDs (bruger-ID), the name a citizen logs in with.
//!
//! Rules: 5–48 characters from `abcdefghijklmnopqrstuvwxyzæøå0123456789{}!#$^,*()_+-=:;?.@`
//! and space, in any case; no leading or trailing space; not a CPR number and no run of 10
//! digits. A user-ID must also be unique across MitID, compared case-insensitively: that is a
//! lookup, done elsewhere against [`MitIdUserId::normalized`].
//!
//! The CPR rule, as decided here: a user-ID is refused when it contains any run of 10 or more
//! digits (which covers a CPR written without a separator), or when it contains a CPR number
//! as the desk's one detector finds it ([`cpr::contains_cpr`]: "DDMMYY-SSSS", "DD.MM.YY SSSS"
//! and the other spellings, with a plausible date, substitute numbers included). Six digits, a
//! hyphen and four digits that cannot be a CPR (e.g. "123456-7890", month 34) are allowed.

use serde::{Deserialize, Serialize};

use crate::domain::cpr;
use crate::i18n::Lang;

/// The lower-case characters MitID allows (besides space).
pub const ALLOWED_LOWER: &str = "abcdefghijklmnopqrstuvwxyzæøå0123456789{}!#$^,*()_+-=:;?.@";

pub const MIN_CHARS: usize = 5;
pub const MAX_CHARS: usize = 48;

/// A user-ID that meets every format rule. Keeps what the citizen typed; equality and
/// hashing use the lower-case form, because MitID treats user-IDs case-insensitively.
#[derive(Clone, Debug)]
pub struct MitIdUserId {
    original: String,
    normalized: String,
}

impl PartialEq for MitIdUserId {
    fn eq(&self, other: &Self) -> bool {
        self.normalized == other.normalized
    }
}

impl Eq for MitIdUserId {}

impl std::hash::Hash for MitIdUserId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.normalized.hash(state);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MitIdUserIdError {
    #[error("a user-ID has 5 to 48 characters")]
    Length,
    #[error("a user-ID may only contain a–z, æ, ø, å, 0–9, space and {{}}!#$^,*()_+-=:;?.@")]
    Characters,
    #[error("a user-ID must not start or end with a space")]
    LeadingOrTrailingSpace,
    #[error("a user-ID must not be a CPR number or contain 10 digits in a row")]
    CprOrTenDigits,
}

/// One rule a user-ID must meet, in the order they are shown and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserIdRule {
    Length,
    AllowedCharacters,
    NoLeadingOrTrailingSpace,
    NotCprOrTenDigits,
}

/// The outcome of one rule, for a live checklist while the citizen types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCheck<R> {
    pub rule: R,
    pub passed: bool,
}

impl UserIdRule {
    pub const ALL: [UserIdRule; 4] = [
        UserIdRule::Length,
        UserIdRule::AllowedCharacters,
        UserIdRule::NoLeadingOrTrailingSpace,
        UserIdRule::NotCprOrTenDigits,
    ];

    pub fn passes(self, raw: &str) -> bool {
        match self {
            UserIdRule::Length => (MIN_CHARS..=MAX_CHARS).contains(&raw.chars().count()),
            UserIdRule::AllowedCharacters => raw.chars().all(is_allowed),
            UserIdRule::NoLeadingOrTrailingSpace => !raw.starts_with(' ') && !raw.ends_with(' '),
            UserIdRule::NotCprOrTenDigits => !contains_ten_digits(raw) && !cpr::contains_cpr(raw),
        }
    }

    pub fn error(self) -> MitIdUserIdError {
        match self {
            UserIdRule::Length => MitIdUserIdError::Length,
            UserIdRule::AllowedCharacters => MitIdUserIdError::Characters,
            UserIdRule::NoLeadingOrTrailingSpace => MitIdUserIdError::LeadingOrTrailingSpace,
            UserIdRule::NotCprOrTenDigits => MitIdUserIdError::CprOrTenDigits,
        }
    }

    /// The rule as a checklist line.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            UserIdRule::Length => lang.pick("5 til 48 tegn", "5 to 48 characters"),
            UserIdRule::AllowedCharacters => lang.pick(
                "Kun bogstaverne a–å, tal, mellemrum og {}!#$^,*()_+-=:;?.@",
                "Only the letters a–å, digits, space and {}!#$^,*()_+-=:;?.@",
            ),
            UserIdRule::NoLeadingOrTrailingSpace => lang.pick(
                "Starter og slutter ikke med mellemrum",
                "Does not start or end with a space",
            ),
            UserIdRule::NotCprOrTenDigits => lang.pick(
                "Er ikke et CPR-nummer og har ikke 10 tal i træk",
                "Is not a CPR number and has no 10 digits in a row",
            ),
        }
    }
}

/// The status of every rule, in display order, so a form can tick them off as the citizen
/// types. Uniqueness is not among them: it needs the database.
pub fn check_all(raw: &str) -> Vec<RuleCheck<UserIdRule>> {
    UserIdRule::ALL
        .into_iter()
        .map(|rule| RuleCheck {
            rule,
            passed: rule.passes(raw),
        })
        .collect()
}

impl MitIdUserId {
    /// Validates as typed: no trimming, since a leading or trailing space is itself an error
    /// the citizen should see. Reports the first failing rule in [`UserIdRule::ALL`] order.
    pub fn parse(raw: &str) -> Result<Self, MitIdUserIdError> {
        if let Some(failed) = UserIdRule::ALL.into_iter().find(|r| !r.passes(raw)) {
            return Err(failed.error());
        }
        Ok(Self {
            original: raw.to_owned(),
            normalized: raw.to_lowercase(),
        })
    }

    /// As the citizen wrote it.
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// Lower case: the form to store in a unique index and compare by.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

impl std::fmt::Display for MitIdUserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.original)
    }
}

// Upper case is spelled out (not `to_lowercase`), so look-alikes such as the Kelvin sign
// "K", which lower-cases to "k", are refused.
fn is_allowed(c: char) -> bool {
    c == ' ' || ALLOWED_LOWER.contains(c) || c.is_ascii_uppercase() || "ÆØÅ".contains(c)
}

/// True if there are 10 or more digits in a row. Shared with the password rules. Digits of
/// any script count (a fullwidth "１" is a digit to the eye), and invisible characters do not
/// break a row.
pub(crate) fn contains_ten_digits(raw: &str) -> bool {
    cpr::has_digit_run(raw, 10, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_user_ids() {
        for raw in [
            "anne5",
            "Anne.Hansen@2026",
            "søren ærø",
            "ÆØÅ ÆØÅ",
            "BLÅBÆRGRØD",
            "a b c",
            "{}!#$^,*()_+-=:;?.@",
            "abc123456789",  // nine digits then letters: fine
            "123456789",     // nine digits
            "123456789a0",   // digits broken up
            "123456-7890",   // CPR-shaped but month 34: not a CPR
            "12345 67890 x", // two short runs
            &"a".repeat(5),
            &"a".repeat(48),
            &"ø".repeat(48), // 48 characters, 96 bytes
        ] {
            assert!(MitIdUserId::parse(raw).is_ok(), "{raw:?}");
            assert!(check_all(raw).iter().all(|c| c.passed), "{raw:?}");
        }
    }

    #[test]
    fn refused_user_ids() {
        use MitIdUserIdError::*;
        let table: &[(&str, MitIdUserIdError)] = &[
            ("abcd", Length),
            ("", Length),
            ("øøøø", Length),
            (&"a".repeat(49), Length),
            ("anne😀x", Characters),
            ("anne~x", Characters),
            ("anne%x", Characters),
            ("anne\tx", Characters),
            ("über1", Characters),
            ("ÜBER1", Characters),
            ("\u{212A}elvin", Characters), // Kelvin sign lower-cases to "k"
            ("anne\u{a0}x", Characters),   // no-break space is not a space
            (" anne", LeadingOrTrailingSpace),
            ("anne ", LeadingOrTrailingSpace),
            ("  anne  ", LeadingOrTrailingSpace),
            ("1234567890", CprOrTenDigits),
            ("abc1234567890", CprOrTenDigits),
            ("abc12345678901xyz", CprOrTenDigits),
            ("0101901234", CprOrTenDigits),
            ("010190-1234", CprOrTenDigits),
            ("010190 1234", CprOrTenDigits),
            ("me010190-1234", CprOrTenDigits),
            ("x290200-4001x", CprOrTenDigits),
            ("010190.1234", CprOrTenDigits),
            ("01.01.90-1234", CprOrTenDigits),
            ("710190-1234", CprOrTenDigits), // substitute number
            ("01 01 90 1234", CprOrTenDigits),
        ];
        for (raw, err) in table {
            assert_eq!(MitIdUserId::parse(raw), Err(err.clone()), "{raw:?}");
        }
    }

    #[test]
    fn check_all_reports_every_rule() {
        let checks = check_all(" ab");
        assert_eq!(
            checks,
            vec![
                RuleCheck {
                    rule: UserIdRule::Length,
                    passed: false
                },
                RuleCheck {
                    rule: UserIdRule::AllowedCharacters,
                    passed: true
                },
                RuleCheck {
                    rule: UserIdRule::NoLeadingOrTrailingSpace,
                    passed: false
                },
                RuleCheck {
                    rule: UserIdRule::NotCprOrTenDigits,
                    passed: true
                },
            ]
        );
        let checks = check_all("😀0101901234");
        let failed: Vec<_> = checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.rule)
            .collect();
        assert_eq!(
            failed,
            [UserIdRule::AllowedCharacters, UserIdRule::NotCprOrTenDigits]
        );
        assert_eq!(check_all("").len(), UserIdRule::ALL.len());
    }

    #[test]
    fn case_insensitive_comparison() {
        let upper = MitIdUserId::parse("BLÅBÆR Anne").unwrap();
        let lower = MitIdUserId::parse("blåbær anne").unwrap();
        assert_eq!(upper.as_str(), "BLÅBÆR Anne");
        assert_eq!(upper.normalized(), "blåbær anne");
        assert_eq!(upper, lower);
        assert_eq!(upper.to_string(), "BLÅBÆR Anne");
    }

    #[test]
    fn every_rule_has_labels_and_an_error() {
        for rule in UserIdRule::ALL {
            assert!(!rule.label(Lang::Da).is_empty());
            assert_ne!(rule.label(Lang::Da), rule.label(Lang::En));
            assert!(!rule.error().to_string().is_empty());
        }
    }

    #[test]
    fn ten_digit_runs() {
        for (raw, expected) in [
            ("123456789", false),
            ("1234567890", true),
            ("a123456789b123456789", false),
            ("12345678901", true),
            ("١٢٣٤٥٦٧٨٩٠", true),           // Arabic-Indic digits are digits too
            ("１２３４５６７８９０", true), // and so are fullwidth ones
        ] {
            assert_eq!(contains_ten_digits(raw), expected, "{raw}");
        }
    }
}

//! MitID passwords (used with the code display, audio code reader and chip).
//!
//! Rules: 8–64 characters; must not contain the user-ID, 10 digits in a row, the words
//! "password" or "adgangskode", or a keyboard run. All comparisons ignore case.
//!
//! The official wording only gives examples of keyboard runs ("qwertyui", "asdfghjk",
//! "abc12345"), so the list here is a decision: every 8-character stretch of the letter rows
//! of a Danish keyboard ("qwertyuiopå", "asdfghjklæø"), the whole bottom letter row "zxcvbnm"
//! (only 7 letters long), every 8-digit stretch of the number row "1234567890", and
//! "abcdefgh" and "abc12345". See [`KEYBOARD_RUNS`]. Reversed runs are not refused.

use serde::{Deserialize, Serialize};

use crate::domain::mitid_user_id::{RuleCheck, contains_ten_digits};
use crate::i18n::Lang;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 64;

/// Words a password must not contain, in lower case.
pub const FORBIDDEN_WORDS: [&str; 2] = ["password", "adgangskode"];

/// Keyboard runs a password must not contain, in lower case. A small, explicit list: see the
/// module comment for how it was chosen.
pub const KEYBOARD_RUNS: [&str; 14] = [
    "qwertyui",
    "wertyuio",
    "ertyuiop",
    "rtyuiopå", // top letter row
    "asdfghjk",
    "sdfghjkl",
    "dfghjklæ",
    "fghjklæø", // home row
    "zxcvbnm",  // bottom letter row, whole
    "12345678",
    "23456789",
    "34567890", // number row
    "abcdefgh",
    "abc12345",
];

/// A password that meets every MitID rule. Never printed: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct MitIdPassword(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MitIdPasswordError {
    #[error("a password has 8 to 64 characters")]
    Length,
    #[error("a password must not contain the user-ID")]
    ContainsUserId,
    #[error("a password must not contain 10 digits in a row")]
    TenDigits,
    #[error("a password must not contain the word \"password\" or \"adgangskode\"")]
    ForbiddenWord,
    #[error("a password must not contain a keyboard run such as \"qwertyui\" or \"abc12345\"")]
    KeyboardRun,
}

/// One rule a password must meet, in the order they are shown and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordRule {
    Length,
    NoUserId,
    NoTenDigits,
    NoForbiddenWords,
    NoKeyboardRuns,
}

impl PasswordRule {
    pub const ALL: [PasswordRule; 5] = [
        PasswordRule::Length,
        PasswordRule::NoUserId,
        PasswordRule::NoTenDigits,
        PasswordRule::NoForbiddenWords,
        PasswordRule::NoKeyboardRuns,
    ];

    /// `user_id` is a plain string so the rule can be checked before the user-ID itself is
    /// valid; an empty or blank user-ID passes the user-ID rule (there is nothing to contain).
    pub fn passes(self, password: &str, user_id: &str) -> bool {
        let lower = password.to_lowercase();
        match self {
            PasswordRule::Length => (MIN_CHARS..=MAX_CHARS).contains(&password.chars().count()),
            PasswordRule::NoUserId => {
                let user_id = user_id.trim().to_lowercase();
                user_id.is_empty() || !lower.contains(&user_id)
            }
            PasswordRule::NoTenDigits => !contains_ten_digits(password),
            PasswordRule::NoForbiddenWords => !FORBIDDEN_WORDS.iter().any(|w| lower.contains(w)),
            PasswordRule::NoKeyboardRuns => !KEYBOARD_RUNS.iter().any(|r| lower.contains(r)),
        }
    }

    pub fn error(self) -> MitIdPasswordError {
        match self {
            PasswordRule::Length => MitIdPasswordError::Length,
            PasswordRule::NoUserId => MitIdPasswordError::ContainsUserId,
            PasswordRule::NoTenDigits => MitIdPasswordError::TenDigits,
            PasswordRule::NoForbiddenWords => MitIdPasswordError::ForbiddenWord,
            PasswordRule::NoKeyboardRuns => MitIdPasswordError::KeyboardRun,
        }
    }

    /// The rule as a checklist line.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PasswordRule::Length => lang.pick("8 til 64 tegn", "8 to 64 characters"),
            PasswordRule::NoUserId => lang.pick(
                "Indeholder ikke dit bruger-ID",
                "Does not contain your user-ID",
            ),
            PasswordRule::NoTenDigits => {
                lang.pick("Har ikke 10 tal i træk", "Has no 10 digits in a row")
            }
            PasswordRule::NoForbiddenWords => lang.pick(
                "Indeholder ikke ordene \"password\" eller \"adgangskode\"",
                "Does not contain the words \"password\" or \"adgangskode\"",
            ),
            PasswordRule::NoKeyboardRuns => lang.pick(
                "Indeholder ikke tastaturrækker som \"qwertyui\" eller \"abc12345\"",
                "Does not contain keyboard runs such as \"qwertyui\" or \"abc12345\"",
            ),
        }
    }
}

/// The status of every rule, in display order, for a live checklist.
pub fn check_all(password: &str, user_id: &str) -> Vec<RuleCheck<PasswordRule>> {
    PasswordRule::ALL
        .into_iter()
        .map(|rule| RuleCheck {
            rule,
            passed: rule.passes(password, user_id),
        })
        .collect()
}

impl MitIdPassword {
    /// Reports the first failing rule in [`PasswordRule::ALL`] order. No trimming: spaces are
    /// part of a password.
    pub fn parse(password: &str, user_id: &str) -> Result<Self, MitIdPasswordError> {
        if let Some(failed) = PasswordRule::ALL
            .into_iter()
            .find(|r| !r.passes(password, user_id))
        {
            return Err(failed.error());
        }
        Ok(Self(password.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// Never print a password, not even in debug output.
impl std::fmt::Debug for MitIdPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MitIdPassword(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "Anne.Hansen";

    #[test]
    fn accepted_passwords() {
        for pw in [
            "Kaffe+Kage7",
            "blå bær grød",
            "12345 67890 x", // digits broken up, no 8-digit run of the number row
            "1234567x",      // …only seven digits in a row
            "qwertyu!",      // seven of the top row
            "zxcvbn!!",      // six of the bottom row
            "ihgfedcba",     // reversed alphabet is not on the list
            "pass word1",
            "adgangs-kode",
            &"x".repeat(8),
            &"x".repeat(64),
            &"æ".repeat(64), // characters, not bytes
        ] {
            assert!(MitIdPassword::parse(pw, USER).is_ok(), "{pw:?}");
            assert!(check_all(pw, USER).iter().all(|c| c.passed), "{pw:?}");
        }
    }

    #[test]
    fn refused_passwords() {
        use MitIdPasswordError::*;
        let table: &[(&str, MitIdPasswordError)] = &[
            ("Kaffe7!", Length),
            ("", Length),
            (&"x".repeat(65), Length),
            ("my-anne.hansen-pw", ContainsUserId),
            ("MY-ANNE.HANSEN-PW", ContainsUserId),
            ("Anne.Hansen", ContainsUserId),
            ("x0123456789x", TenDigits),
            ("99999999999", TenDigits),
            ("Password1!", ForbiddenWord),
            ("mitPASSWORD", ForbiddenWord),
            ("Adgangskode7", ForbiddenWord),
            ("qwertyui", KeyboardRun),
            ("XQWERTYUIx", KeyboardRun),
            ("asdfghjk1", KeyboardRun),
            ("sdfghjkl!", KeyboardRun),
            ("fghjklæø!", KeyboardRun),
            ("rtyuiopå!", KeyboardRun),
            ("zxcvbnm!", KeyboardRun),
            ("ABC12345", KeyboardRun),
            ("x12345678", KeyboardRun),
            ("34567890y", KeyboardRun),
            ("abcdefghij", KeyboardRun),
        ];
        for (pw, err) in table {
            assert_eq!(MitIdPassword::parse(pw, USER), Err(err.clone()), "{pw:?}");
        }
    }

    #[test]
    fn an_empty_user_id_is_not_contained_in_everything() {
        assert!(MitIdPassword::parse("Kaffe+Kage7", "").is_ok());
        assert!(MitIdPassword::parse("Kaffe+Kage7", "   ").is_ok());
    }

    #[test]
    fn check_all_reports_every_rule() {
        let checks = check_all("password", "pass");
        let failed: Vec<_> = checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.rule)
            .collect();
        assert_eq!(
            failed,
            [PasswordRule::NoUserId, PasswordRule::NoForbiddenWords]
        );
        assert_eq!(checks.len(), PasswordRule::ALL.len());

        let failed: Vec<_> = check_all("1234567890", "")
            .into_iter()
            .filter(|c| !c.passed)
            .map(|c| c.rule)
            .collect();
        assert_eq!(
            failed,
            [PasswordRule::NoTenDigits, PasswordRule::NoKeyboardRuns]
        );

        let all_failed = check_all("x", "x");
        assert_eq!(
            all_failed[0],
            RuleCheck {
                rule: PasswordRule::Length,
                passed: false
            }
        );
        assert_eq!(
            all_failed[1],
            RuleCheck {
                rule: PasswordRule::NoUserId,
                passed: false
            }
        );
    }

    #[test]
    fn every_rule_has_labels_and_an_error() {
        for rule in PasswordRule::ALL {
            assert_ne!(rule.label(Lang::Da), rule.label(Lang::En));
            assert!(!rule.error().to_string().is_empty());
        }
        for run in KEYBOARD_RUNS {
            assert!(run.chars().count() >= 7, "{run}");
            assert_eq!(run, run.to_lowercase());
        }
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let pw = MitIdPassword::parse("Kaffe+Kage7", USER).unwrap();
        assert_eq!(pw.expose(), "Kaffe+Kage7");
        assert!(!format!("{pw:?}").contains("Kage"));
        assert!(!format!("{:?}", Ok::<_, ()>(pw)).contains("Kage"));
    }
}

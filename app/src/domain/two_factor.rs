//! Two-factor login for staff: who must use it, the steps a login passes through between the
//! password and the session, and the shapes of what a person types (a six-digit code from the
//! authenticator, or one of their ten recovery codes). The codes themselves are computed in
//! `auth::totp` (RFC 6238), which needs the secret.

use serde::{Deserialize, Serialize};

use super::Role;

/// The TOTP time step, in seconds (RFC 6238's default; every authenticator app uses it).
pub const STEP_SECS: i64 = 30;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// A recovery code's characters, shown in groups of four: letters and digits without the
/// look-alikes `0`/`O` and `1`/`I`, so a code written down by hand reads back the same.
pub const RECOVERY_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// 16 characters of 5 bits: 80 random bits each.
pub const RECOVERY_CHARS: usize = 16;

/// Whether this person must pass a second factor: administrators and team leads always, and
/// everyone when the desk is configured so (`DESK_REQUIRE_2FA=true`). Whoever has enrolled
/// uses it whether or not they must.
pub fn required(role: Role, everyone: bool, enrolled: bool) -> bool {
    everyone || enrolled || matches!(role, Role::Admin | Role::Lead)
}

/// The time step a Unix time falls in.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// A step between a correct password and an open session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginStep {
    /// An administrator reset the password: choose a new one first.
    NewPassword,
    /// A second factor is required but none is set up: set up the authenticator now.
    Enrol,
    /// Type the code from the authenticator (or a recovery code).
    Code,
}

impl LoginStep {
    /// The step a login stands at, or `None` when the session may open. A new password comes
    /// first, so the person never sets up a factor under a password someone else knows.
    pub fn next(must_change_password: bool, second_factor: bool, enrolled: bool) -> Option<Self> {
        if must_change_password {
            Some(LoginStep::NewPassword)
        } else if second_factor && !enrolled {
            Some(LoginStep::Enrol)
        } else if second_factor {
            Some(LoginStep::Code)
        } else {
            None
        }
    }

    /// The page of this step.
    pub fn path(self) -> &'static str {
        match self {
            LoginStep::NewPassword => "/login/ny-adgangskode",
            LoginStep::Enrol => "/login/tofaktor/opsaet",
            LoginStep::Code => "/login/tofaktor",
        }
    }
}

/// What a person typed at the code step: a six-digit code, or a recovery code.
#[derive(Clone, PartialEq, Eq)]
pub enum SecondFactor {
    Code(String),
    Recovery(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecondFactorError {
    #[error("no code given")]
    Empty,
    #[error("not a six-digit code or a recovery code")]
    Malformed,
}

impl SecondFactor {
    /// Reads a code as people type it: spaces and dashes anywhere, any case; full-width
    /// digits are not digits. Six digits are a code, sixteen recovery characters a recovery code.
    pub fn parse(raw: &str) -> Result<Self, SecondFactorError> {
        // Bounded before any work: a megabyte of input is not a code.
        if raw.len() > 64 {
            return Err(SecondFactorError::Malformed);
        }
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.is_empty() {
            return Err(SecondFactorError::Empty);
        }
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(SecondFactor::Code(compact));
        }
        normalize_recovery(&compact)
            .map(SecondFactor::Recovery)
            .ok_or(SecondFactorError::Malformed)
    }
}

/// A recovery code in its one stored form (upper case, no separators), or `None` when it
/// cannot be one.
pub fn normalize_recovery(raw: &str) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == RECOVERY_CHARS && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
        .then_some(code)
}

/// A recovery code as shown: four groups of four.
pub fn format_recovery(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_and_leads_always_need_a_second_factor_others_when_configured_or_enrolled() {
        for role in Role::ALL {
            let always = matches!(role, Role::Admin | Role::Lead);
            assert_eq!(required(role, false, false), always, "{role:?}");
            assert!(
                required(role, true, false),
                "{role:?} with DESK_REQUIRE_2FA"
            );
            assert!(required(role, false, true), "{role:?} enrolled");
        }
    }

    #[test]
    fn a_new_password_comes_before_the_second_factor() {
        use LoginStep::*;
        assert_eq!(LoginStep::next(true, true, true), Some(NewPassword));
        assert_eq!(LoginStep::next(true, false, false), Some(NewPassword));
        assert_eq!(LoginStep::next(false, true, false), Some(Enrol));
        assert_eq!(LoginStep::next(false, true, true), Some(Code));
        assert_eq!(LoginStep::next(false, false, false), None);
        assert_eq!(LoginStep::next(false, false, true), None);
    }

    #[test]
    fn steps_are_thirty_seconds_and_negative_times_round_down() {
        assert_eq!(step_at(59), 1);
        assert_eq!(step_at(60), 2);
        assert_eq!(step_at(0), 0);
        assert_eq!(step_at(-1), -1);
    }

    #[test]
    fn reads_codes_as_typed() {
        assert!(
            matches!(SecondFactor::parse(" 123 456 "), Ok(SecondFactor::Code(c)) if c == "123456")
        );
        assert!(
            matches!(SecondFactor::parse("123-456"), Ok(SecondFactor::Code(c)) if c == "123456")
        );
        assert_eq!(
            SecondFactor::parse("   ").err(),
            Some(SecondFactorError::Empty)
        );
        for bad in [
            "12345",
            "1234567",
            "１２３４５６",
            "12345\0",
            "\"><svg onload=alert(1)>",
            "</title>",
        ] {
            assert!(
                !matches!(SecondFactor::parse(bad), Ok(SecondFactor::Code(_))),
                "{bad:?}"
            );
        }
        assert_eq!(
            SecondFactor::parse(&"1".repeat(100_000)).err(),
            Some(SecondFactorError::Malformed)
        );
    }

    #[test]
    fn recovery_codes_forgive_case_and_separators_but_not_foreign_characters() {
        let code = "ABCDEFGHJKLMNPQR";
        assert_eq!(format_recovery(code), "ABCD-EFGH-JKLM-NPQR");
        assert_eq!(
            normalize_recovery("abcd-efgh-jklm-npqr").as_deref(),
            Some(code)
        );
        assert_eq!(
            normalize_recovery("abcd efgh jklm npqr").as_deref(),
            Some(code)
        );
        assert_eq!(
            normalize_recovery("2345-6789-2345-6789").as_deref(),
            Some("2345678923456789")
        );
        assert!(normalize_recovery("0000-1111-8888-2222").is_none());
        assert!(
            normalize_recovery("ΑBCD-EFGH-JKLM-NPQR").is_none(),
            "Greek capital alpha"
        );
        assert!(normalize_recovery("ABCD-EFGH-JKLM").is_none());
        assert!(normalize_recovery("ABCD-EFGH-JKLM-NPQ!").is_none());
        assert!(matches!(
            SecondFactor::parse("abcd-efgh-jklm-npqr"),
            Ok(SecondFactor::Recovery(c)) if c == code
        ));
    }
}

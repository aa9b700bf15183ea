//! Staff usernames (not MitID user-IDs, which have their own rules).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("a username has 3 to 32 characters")]
    Length,
    #[error("a username may only contain a-z, 0-9, '.', '-' and '_'")]
    Characters,
}

impl Username {
    /// Usernames are case-insensitive: they are stored and compared in lower case.
    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        let value = raw.trim().to_lowercase();
        let len = value.chars().count();
        if !(3..=32).contains(&len) {
            return Err(UsernameError::Length);
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c);
        if !value.chars().all(allowed) {
            return Err(UsernameError::Characters);
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_usernames_are_lower_cased() {
        for (raw, expected) in [
            ("anne", "anne"),
            ("Anne.Hansen", "anne.hansen"),
            ("  bo_42 ", "bo_42"),
            ("a-b", "a-b"),
        ] {
            assert_eq!(Username::parse(raw).map(|u| u.0), Ok(expected.to_owned()));
        }
    }

    #[test]
    fn invalid_usernames_are_refused() {
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
        assert_eq!(Username::parse(&"a".repeat(33)), Err(UsernameError::Length));
        assert_eq!(Username::parse("søren"), Err(UsernameError::Characters));
        assert_eq!(
            Username::parse("anne hansen"),
            Err(UsernameError::Characters)
        );
        assert_eq!(Username::parse("anne@x"), Err(UsernameError::Characters));
    }
}

//! The rule for a new staff password. Only the hash is ever stored.

#[derive(Clone, PartialEq, Eq)]
pub struct StaffPassword(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffPasswordError {
    #[error("a staff password has at least 12 characters")]
    TooShort,
    #[error("a staff password has at most 128 characters")]
    TooLong,
    #[error("a staff password must not contain the username")]
    ContainsUsername,
}

impl StaffPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str, username: &str) -> Result<Self, StaffPasswordError> {
        let len = raw.chars().count();
        if len < Self::MIN_CHARS {
            return Err(StaffPasswordError::TooShort);
        }
        if len > Self::MAX_CHARS {
            return Err(StaffPasswordError::TooLong);
        }
        if !username.is_empty() && raw.to_lowercase().contains(&username.to_lowercase()) {
            return Err(StaffPasswordError::ContainsUsername);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// Never print a password, not even in debug output.
impl std::fmt::Debug for StaffPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaffPassword(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bounds() {
        assert_eq!(
            StaffPassword::parse("short-pw", "anne"),
            Err(StaffPasswordError::TooShort)
        );
        assert!(StaffPassword::parse("twelve-chars", "anne").is_ok());
        assert!(StaffPassword::parse(&"x".repeat(128), "anne").is_ok());
        assert_eq!(
            StaffPassword::parse(&"x".repeat(129), "anne"),
            Err(StaffPasswordError::TooLong)
        );
    }

    #[test]
    fn refuses_the_username_inside_the_password() {
        assert_eq!(
            StaffPassword::parse("my-ANNE-password", "anne"),
            Err(StaffPasswordError::ContainsUsername)
        );
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let pw = StaffPassword::parse("correct horse battery", "anne").expect("valid");
        assert!(!format!("{pw:?}").contains("horse"));
    }
}

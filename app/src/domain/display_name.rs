//! A staff member's name as colleagues and citizens' case timelines show it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("a name has 1 to 80 characters")]
    Length,
    #[error("a name may not contain control characters")]
    Control,
}

impl DisplayName {
    pub const MAX_CHARS: usize = 80;

    /// Trimmed, inner runs of spaces made one, no control characters (a CR/LF or NUL in a
    /// name would break the lines of the audit log and the CLI's listing).
    pub fn parse(raw: &str) -> Result<Self, DisplayNameError> {
        if raw.chars().any(char::is_control) {
            return Err(DisplayNameError::Control);
        }
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() || value.chars().count() > Self::MAX_CHARS {
            return Err(DisplayNameError::Length);
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Anne   Marie  Holm ").map(|n| n.0),
            Ok("Anne Marie Holm".to_owned())
        );
        assert_eq!(DisplayName::parse("   "), Err(DisplayNameError::Length));
        assert_eq!(
            DisplayName::parse(&"æ".repeat(81)),
            Err(DisplayNameError::Length)
        );
        assert!(DisplayName::parse(&"æ".repeat(80)).is_ok());
        for bad in ["Anne\r\nadmin", "Anne\0", "Anne\u{1b}[31m"] {
            assert_eq!(
                DisplayName::parse(bad),
                Err(DisplayNameError::Control),
                "{bad:?}"
            );
        }
        // Markup is a name like any other here; pages escape it.
        assert!(DisplayName::parse("\"><svg onload=alert(1)>").is_ok());
    }
}

//! The UI language. Danish is the default; English is one click away. Strings stay next to
//! the markup that uses them (`lang.pick("Log ind", "Log in")`), so a page reads whole.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Da,
    En,
}

impl Lang {
    /// The BCP 47 code, as used in `lang="…"`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// Accepts a language code as users and browsers write it ("da", "EN", "en-GB").
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "da" => Some(Lang::Da),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language: what the language switch offers.
    pub fn other(self) -> Self {
        match self {
            Lang::Da => Lang::En,
            Lang::En => Lang::Da,
        }
    }

    /// The name of this language, written in itself (as a language switch should show it).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Da => "Dansk",
            Lang::En => "English",
        }
    }

    pub fn pick<'a>(self, da: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Da => da,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_regional_variants() {
        assert_eq!(Lang::parse("da"), Some(Lang::Da));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("da_DK"), Some(Lang::Da));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn danish_is_the_default_and_other_flips() {
        assert_eq!(Lang::default(), Lang::Da);
        assert_eq!(Lang::Da.other(), Lang::En);
        assert_eq!(Lang::En.other(), Lang::Da);
        assert_eq!(Lang::En.pick("ja", "yes"), "yes");
    }
}

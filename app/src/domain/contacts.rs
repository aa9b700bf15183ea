//! The support line's phone numbers and hours. They change from time to time, so they come
//! from configuration; these defaults are the published ones.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportContacts {
    pub mitid_support_phone: String,
    pub mitid_support_weekday_hours: String,
    pub mitid_support_weekend_hours: String,
    pub identity_theft_phone: String,
    pub borger_dk_phone: String,
}

impl Default for SupportContacts {
    fn default() -> Self {
        Self {
            mitid_support_phone: "33 98 00 10".into(),
            mitid_support_weekday_hours: "8–20".into(),
            mitid_support_weekend_hours: "10–16".into(),
            identity_theft_phone: "33 98 00 98".into(),
            borger_dk_phone: "70 10 18 81".into(),
        }
    }
}

impl SupportContacts {
    /// "Hverdage 8–20, weekend og helligdage 10–16".
    pub fn mitid_support_hours(&self, lang: Lang) -> String {
        match lang {
            Lang::Da => format!(
                "Hverdage {}, weekend og helligdage {}",
                self.mitid_support_weekday_hours, self.mitid_support_weekend_hours
            ),
            Lang::En => format!(
                "Weekdays {}, weekends and public holidays {}",
                self.mitid_support_weekday_hours, self.mitid_support_weekend_hours
            ),
        }
    }
}

/// A phone number as a `tel:` link target ("33 98 00 10" → "tel:+4533980010").
pub fn tel_href(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if number.trim_start().starts_with('+') {
        format!("tel:+{digits}")
    } else {
        format!("tel:+45{digits}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_published_numbers() {
        let c = SupportContacts::default();
        assert_eq!(c.mitid_support_phone, "33 98 00 10");
        assert_eq!(c.identity_theft_phone, "33 98 00 98");
        assert_eq!(c.borger_dk_phone, "70 10 18 81");
        assert_eq!(
            c.mitid_support_hours(Lang::Da),
            "Hverdage 8–20, weekend og helligdage 10–16"
        );
    }

    #[test]
    fn tel_links_carry_the_country_code() {
        assert_eq!(tel_href("33 98 00 10"), "tel:+4533980010");
        assert_eq!(tel_href("+45 70 10 18 81"), "tel:+4570101881");
    }
}

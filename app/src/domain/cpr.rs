//! Danish CPR numbers (personnummer), DDMMYY-SSSS.
//!
//! A CPR number is confidential personal data: it may identify a person or serve as a case
//! reference, but it must not be shown to outsiders. So this type has no `Display` and no
//! `Serialize`, and its `Debug` prints the masked form. Ask for the full number on purpose
//! with [`Cpr::formatted`] or [`Cpr::digits`].
//!
//! Only the format and the birth date are validated. The modulus-11 check is deliberately NOT
//! applied: numbers without it have been issued since 2007, and refusing them would lock real
//! people out.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::i18n::Lang;

/// A validated CPR number. Stores the ten digits and the birth date they encode.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cpr {
    digits: String,
    birth_date: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CprError {
    #[error("a CPR number has the form DDMMYY-SSSS (ten digits, optionally with a hyphen)")]
    Format,
    #[error("the CPR number does not start with a real date of birth (DDMMYY)")]
    InvalidDate,
}

impl CprError {
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            CprError::Format => lang.pick(
                "Et CPR-nummer skrives DDMMÅÅ-SSSS (ti cifre, bindestreg valgfri).",
                "A CPR number is written DDMMYY-SSSS (ten digits, hyphen optional).",
            ),
            CprError::InvalidDate => lang.pick(
                "CPR-nummeret begynder ikke med en gyldig fødselsdato.",
                "The CPR number does not begin with a valid date of birth.",
            ),
        }
    }
}

/// Legal sex as recorded in CPR: the parity of the last digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LegalSex {
    Female,
    Male,
}

impl LegalSex {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            LegalSex::Female => lang.pick("Kvinde", "Female"),
            LegalSex::Male => lang.pick("Mand", "Male"),
        }
    }
}

impl Cpr {
    /// Accepts "DDMMYY-SSSS", "DDMMYY SSSS" and "DDMMYYSSSS", with surrounding whitespace.
    pub fn parse(raw: &str) -> Result<Self, CprError> {
        let value = raw.trim();
        let chars: Vec<char> = value.chars().collect();
        let digits: String = match chars.len() {
            10 => chars.iter().collect(),
            // Exactly one separator, and only between the date and the serial part.
            11 if chars[6] == '-' || chars[6] == ' ' => {
                chars[..6].iter().chain(&chars[7..]).collect()
            }
            _ => return Err(CprError::Format),
        };
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(CprError::Format);
        }
        let bytes = digits.as_bytes();
        let two = |i: usize| (bytes[i] - b'0') * 10 + (bytes[i + 1] - b'0');
        let (day, month, yy, seventh) = (two(0), two(2), two(4), bytes[6] - b'0');
        let year = birth_year(yy, seventh);
        let month = Month::try_from(month).map_err(|_| CprError::InvalidDate)?;
        let birth_date =
            Date::from_calendar_date(year, month, day).map_err(|_| CprError::InvalidDate)?;
        Ok(Self { digits, birth_date })
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Even last digit: female; odd: male.
    pub fn legal_sex(&self) -> LegalSex {
        let last = self.digits.as_bytes().last().copied().unwrap_or(b'0');
        if (last - b'0').is_multiple_of(2) {
            LegalSex::Female
        } else {
            LegalSex::Male
        }
    }

    /// "DDMMYY-XXXX": what lists, exports and logs may show.
    pub fn masked(&self) -> String {
        format!("{}-XXXX", &self.digits[..6])
    }

    /// The ten digits without a hyphen: the canonical form to hash or look up by.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The full number, "DDMMYY-SSSS". Only for people allowed to see it.
    pub fn formatted(&self) -> String {
        format!("{}-{}", &self.digits[..6], &self.digits[6..])
    }

    /// Age in whole years on `date` (0 before birth).
    pub fn age_on(&self, date: Date) -> u16 {
        age_in_years(self.birth_date, date)
    }
}

// Never print the full number by accident, not even in debug output or a log line.
impl std::fmt::Debug for Cpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cpr({})", self.masked())
    }
}

/// The four-digit birth year from YY and the 7th digit (the first of SSSS), per the CPR
/// office's century table.
fn birth_year(yy: u8, seventh: u8) -> i32 {
    let yy = i32::from(yy);
    match seventh {
        0..=3 => 1900 + yy,
        4 | 9 if yy <= 36 => 2000 + yy,
        4 | 9 => 1900 + yy,
        _ if yy <= 57 => 2000 + yy,
        _ => 1800 + yy,
    }
}

/// Whole years from `birth` to `on`; 0 if `on` is before `birth`.
///
/// Someone born on 29 February has their birthday on 1 March in non-leap years (on 28
/// February they are still the younger age): the plain (month, day) comparison gives that.
pub fn age_in_years(birth: Date, on: Date) -> u16 {
    if on <= birth {
        return 0;
    }
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    u16::try_from(years.max(0)).unwrap_or(u16::MAX)
}

/// Replaces everything in `text` shaped like a CPR number (DDMMYY-SSSS, DDMMYY SSSS or ten
/// digits in a row, with a real date in front and no digit right before or after) with
/// "[CPR]". Used on anything that leaves the desk or enters an index: a CPR number typed into
/// free text must not travel on.
pub fn redact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(len) = cpr_at(&chars, i) {
            out.push_str("[CPR]");
            i += len;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Whether `text` holds something shaped like a CPR number (see [`redact`]).
pub fn contains_cpr(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|i| cpr_at(&chars, i).is_some())
}

/// The length of a CPR-shaped number starting at `i`, if one does.
fn cpr_at(chars: &[char], i: usize) -> Option<usize> {
    // This runs at every position of every e-mail and note: reject without allocating first.
    if !chars.get(i).is_some_and(char::is_ascii_digit) || i > 0 && chars[i - 1].is_ascii_digit() {
        return None;
    }
    for len in [10, 11] {
        let Some(candidate) = chars.get(i..i + len) else {
            continue;
        };
        if len == 11 && !matches!(candidate[6], '-' | ' ') {
            continue;
        }
        let shaped = candidate
            .iter()
            .enumerate()
            .all(|(k, c)| (len == 11 && k == 6) || c.is_ascii_digit());
        if !shaped {
            continue;
        }
        if chars.get(i + len).is_some_and(char::is_ascii_digit) {
            continue;
        }
        let raw: String = candidate.iter().collect();
        if Cpr::parse(&raw).is_ok() {
            return Some(len);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn accepts_the_three_written_forms() {
        for raw in [
            "010190-1235",
            "0101901235",
            "010190 1235",
            "  010190-1235\n",
        ] {
            let cpr = Cpr::parse(raw).unwrap();
            assert_eq!(cpr.digits(), "0101901235", "{raw:?}");
            assert_eq!(cpr.formatted(), "010190-1235");
            assert_eq!(cpr.birth_date(), date!(1990 - 01 - 01));
        }
    }

    #[test]
    fn the_full_century_table() {
        // (YY, 7th digit, expected year)
        let table: &[(&str, u8, i32)] = &[
            ("00", 0, 1900),
            ("99", 0, 1999),
            ("36", 1, 1936),
            ("37", 2, 1937),
            ("57", 3, 1957),
            ("58", 3, 1958),
            ("00", 4, 2000),
            ("36", 4, 2036),
            ("37", 4, 1937),
            ("99", 4, 1999),
            ("36", 9, 2036),
            ("37", 9, 1937),
            ("00", 9, 2000),
            ("99", 9, 1999),
            ("00", 5, 2000),
            ("57", 5, 2057),
            ("58", 5, 1858),
            ("99", 5, 1899),
            ("36", 6, 2036),
            ("37", 6, 2037),
            ("57", 6, 2057),
            ("58", 6, 1858),
            ("57", 7, 2057),
            ("58", 7, 1858),
            ("57", 8, 2057),
            ("58", 8, 1858),
        ];
        for &(yy, seventh, year) in table {
            let raw = format!("0101{yy}-{seventh}001");
            let cpr = Cpr::parse(&raw).unwrap();
            assert_eq!(cpr.birth_date().year(), year, "{raw}");
        }
        // Every 7th digit at both boundaries, against the rule written out once more.
        for seventh in 0..=9u8 {
            for yy in [0u8, 36, 37, 57, 58, 99] {
                let expected = match (seventh, yy) {
                    (0..=3, _) => 1900,
                    (4 | 9, 0..=36) => 2000,
                    (4 | 9, _) => 1900,
                    (_, 0..=57) => 2000,
                    _ => 1800,
                } + i32::from(yy);
                assert_eq!(birth_year(yy, seventh), expected, "yy={yy} 7th={seventh}");
            }
        }
    }

    #[test]
    fn leap_days_follow_the_century() {
        // None: the date does not exist in the century the 7th digit gives.
        let table = [
            ("290200-4001", Some(date!(2000 - 02 - 29))), // 2000 is a leap year
            ("290200-1001", None),                        // 1900 is not
            ("290296-1001", Some(date!(1996 - 02 - 29))),
            ("290297-1001", None),
            ("290204-4001", Some(date!(2004 - 02 - 29))),
            ("290236-9001", Some(date!(2036 - 02 - 29))),
            ("290200-5001", Some(date!(2000 - 02 - 29))),
            ("290260-5001", Some(date!(1860 - 02 - 29))), // 1860 is a leap year
            ("290258-5001", None),                        // 1858 is not
            ("290257-5001", None),                        // 2057 is not
        ];
        for (raw, expected) in table {
            let parsed = Cpr::parse(raw).map(|c| c.birth_date());
            match expected {
                Some(d) => assert_eq!(parsed, Ok(d), "{raw}"),
                None => assert_eq!(parsed, Err(CprError::InvalidDate), "{raw}"),
            }
        }
    }

    #[test]
    fn refuses_dates_that_do_not_exist() {
        for raw in [
            "000190-1234", // day 0
            "320190-1234", // day 32
            "310490-1234", // 31 April
            "300290-1234", // 30 February
            "010090-1234", // month 0
            "011390-1234", // month 13
            "019990-1234",
        ] {
            assert_eq!(Cpr::parse(raw), Err(CprError::InvalidDate), "{raw}");
        }
    }

    #[test]
    fn refuses_malformed_input() {
        for raw in [
            "",
            "   ",
            "010190-123",
            "010190-12345",
            "01019012",
            "01019012345",
            "01019-01234",
            "0101901-234",
            "010190--1234",
            "010190_1234",
            "010190/1234",
            "O10190-1234",
            "abcdef-ghij",
            "010190-12a4",
            "０１０１９０１２３４", // full-width digits are not ASCII digits
            "-0101901234",
            "+010190123",
        ] {
            assert_eq!(Cpr::parse(raw), Err(CprError::Format), "{raw:?}");
        }
    }

    #[test]
    fn modulus_11_is_not_a_validity_test() {
        // Weights 4 3 2 7 6 5 4 3 2 1; a valid mod-11 number has a weighted sum divisible by 11.
        let mod11 = |d: &str| {
            let w = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
            d.bytes()
                .zip(w)
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum::<u32>()
                % 11
                == 0
        };
        // 070761-4285 passes mod-11; 010190-1234 does not. Both are accepted.
        assert!(mod11("0707614285"));
        assert!(!mod11("0101901234"));
        assert!(Cpr::parse("070761-4285").is_ok());
        assert!(Cpr::parse("010190-1234").is_ok());
    }

    #[test]
    fn legal_sex_from_the_last_digit() {
        for (raw, sex) in [
            ("010190-1230", LegalSex::Female),
            ("010190-1232", LegalSex::Female),
            ("010190-1238", LegalSex::Female),
            ("010190-1231", LegalSex::Male),
            ("010190-1235", LegalSex::Male),
            ("010190-1239", LegalSex::Male),
        ] {
            assert_eq!(Cpr::parse(raw).unwrap().legal_sex(), sex, "{raw}");
        }
        assert_eq!(LegalSex::Female.label(Lang::Da), "Kvinde");
        assert_eq!(LegalSex::Male.label(Lang::En), "Male");
    }

    #[test]
    fn masking_and_debug_never_show_the_serial_part() {
        let cpr = Cpr::parse("0101905678").unwrap();
        assert_eq!(cpr.masked(), "010190-XXXX");
        let debug = format!("{cpr:?}");
        assert_eq!(debug, "Cpr(010190-XXXX)");
        assert!(!debug.contains("5678"));
        let debug_alt = format!("{cpr:#?}");
        assert!(!debug_alt.contains("5678"));
        // Also inside a container.
        assert!(!format!("{:?}", Some(vec![cpr])).contains("5678"));
    }

    #[test]
    fn age_on_a_date() {
        let cpr = Cpr::parse("150600-4001").unwrap(); // 15 June 2000
        for (on, age) in [
            (date!(2000 - 06 - 15), 0),
            (date!(2000 - 01 - 01), 0), // before birth
            (date!(2018 - 06 - 14), 17),
            (date!(2018 - 06 - 15), 18),
            (date!(2018 - 06 - 16), 18),
            (date!(2026 - 01 - 01), 25),
        ] {
            assert_eq!(cpr.age_on(on), age, "{on}");
        }
    }

    #[test]
    fn leap_day_birthdays_count_from_1_march() {
        let birth = date!(2004 - 02 - 29);
        assert_eq!(age_in_years(birth, date!(2022 - 02 - 28)), 17);
        assert_eq!(age_in_years(birth, date!(2022 - 03 - 01)), 18);
        assert_eq!(age_in_years(birth, date!(2024 - 02 - 29)), 20);
    }

    #[test]
    fn redact_replaces_every_cpr_shape_in_free_text() {
        let text = "Min far 010203-1234 og mor 0102031234, søster 010203 1234.";
        let redacted = redact(text);
        assert_eq!(redacted, "Min far [CPR] og mor [CPR], søster [CPR].");
        assert!(contains_cpr(text) && !contains_cpr(&redacted));
    }

    #[test]
    fn redact_leaves_phone_numbers_references_and_non_dates_alone() {
        for text in [
            "Ring 33 98 00 10",
            "SAG-2026-000123",
            "Kontonummer 12345678901",
            "999999-1234 er ikke en dato",
            "kode 123456",
        ] {
            assert_eq!(redact(text), text);
            assert!(!contains_cpr(text), "{text}");
        }
    }
}

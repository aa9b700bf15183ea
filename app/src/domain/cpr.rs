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

// ---------------------------------------------------------------------------------------------
// Finding CPR numbers in free text: the one detector every part of the desk uses (replies,
// notes, call summaries, names, block advice, inbound mail, e-mail templates, the case index).
//
// What counts as written like a CPR number:
// - ten digits, where a digit is any Unicode decimal digit (ASCII, fullwidth "０", Arabic-Indic,
//   mathematical bold ...), since they look alike on screen and in a mail client;
// - written "DDMMYYSSSS", "DDMMYY?SSSS" or "DD?MM?YY?SSSS", where each "?" is a gap of one to
//   three separators: any whitespace (no-break, thin, narrow, ideographic spaces included), any
//   dash (hyphen, en and em dash, minus sign, non-breaking hyphen, figure dash, fullwidth
//   hyphen-minus ...), a dot or a slash;
// - invisible characters (control characters, soft hyphen, zero-width space and joiners, bidi
//   marks, variation selectors, combining marks such as the keycap) are skipped wherever they
//   stand;
// - no digit right before or after (ignoring invisible characters): eleven digits are not a
//   CPR number, and neither is the tail of a longer number;
// - DD is 01–31, or 61–91 (a substitute number, "erstatningspersonnummer", adds 60 to the
//   day), and MM is 01–12. The calendar itself (31 April, leap years) and the modulus-11 check
//   are NOT applied: something that close to a CPR number is kept out all the same, and
//   modulus 11 says nothing about validity since 2007.
// Other groupings ("1203 461235", "120346 12 35") are not matched: they are rare, and allowing
// them makes dates with times and bank numbers look like CPR numbers.
// ---------------------------------------------------------------------------------------------

/// What [`redact`] puts where a CPR number was. Holds no digit, so redacting is idempotent.
pub const REDACTED: &str = "[CPR]";

/// The code points of the digit zero of every run of Unicode decimal digits (general category
/// Nd). Unicode keeps each run as ten consecutive code points, zero to nine.
const DIGIT_ZEROS: [u32; 75] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x116D0, 0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50,
    0x11DA0, 0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8,
    0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950,
];

/// The value of `c` if it is a decimal digit of any script (see [`DIGIT_ZEROS`]).
pub fn digit_value(c: char) -> Option<u8> {
    if c.is_ascii() {
        return c.is_ascii_digit().then(|| c as u8 - b'0');
    }
    let cp = u32::from(c);
    // The last run whose zero is at or before `c`; `c` is a digit if it is within ten of it.
    let at = DIGIT_ZEROS.partition_point(|&zero| zero <= cp);
    let zero = DIGIT_ZEROS.get(at.checked_sub(1)?)?;
    u8::try_from(cp - zero).ok().filter(|d| *d < 10)
}

/// Characters that do not show (or only decorate the character before them): skipped
/// wherever they stand, so "0101\u{200B}90-1234" is found like "010190-1234".
fn is_invisible(c: char) -> bool {
    // Control characters other than whitespace (NUL, ESC ...) show as nothing, and cleaning
    // steps elsewhere drop them or turn them into spaces.
    (c.is_control() && !c.is_whitespace())
        || matches!(c,
            '\u{AD}'                      // soft hyphen
            | '\u{300}'..='\u{36F}'       // combining diacritical marks
            | '\u{61C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'     // zero-width space, joiners, direction marks
            | '\u{202A}'..='\u{202E}'     // bidi embeddings and overrides
            | '\u{2060}'..='\u{206F}'     // word joiner, invisible operators, bidi isolates
            | '\u{20D0}'..='\u{20FF}'     // combining marks for symbols (the keycap "1⃣")
            | '\u{3164}' | '\u{FFA0}'     // Hangul fillers
            | '\u{FE00}'..='\u{FE0F}'     // variation selectors
            | '\u{FE20}'..='\u{FE2F}'
            | '\u{FEFF}'                  // byte order mark, zero-width no-break space
            | '\u{E0000}'..='\u{E0FFF}'   // tags, variation selectors supplement
        )
}

/// Dashes and hyphens of every kind (general category Pd), and the minus signs.
const DASHES: &str = "-\u{2D7}\u{58A}\u{5BE}\u{1400}\u{1806}\u{2010}\u{2011}\u{2012}\u{2013}\
    \u{2014}\u{2015}\u{2043}\u{207B}\u{208B}\u{2212}\u{2796}\u{2E17}\u{2E1A}\u{2E3A}\u{2E3B}\
    \u{2E40}\u{2E5D}\u{301C}\u{3030}\u{30A0}\u{FE31}\u{FE32}\u{FE58}\u{FE63}\u{FF0D}\u{10EAD}";

/// Dots, slashes and the underscore, in their look-alike forms too.
const DOTS_AND_SLASHES: &str = "./\\_\u{B7}\u{2024}\u{2027}\u{2044}\u{2215}\u{2219}\u{22C5}\
    \u{29F8}\u{3002}\u{30FB}\u{FE52}\u{FF0E}\u{FF0F}\u{FF3C}\u{FF3F}\u{FF61}\u{FF65}";

fn is_dash(c: char) -> bool {
    DASHES.contains(c)
}

/// What may stand between the groups of a CPR number: whitespace, dashes, dots, slashes.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || is_dash(c) || DOTS_AND_SLASHES.contains(c)
}

/// At most this many separators in one gap ("120346 - 1235" has three).
const MAX_GAP: usize = 3;

/// The byte length of the CPR number that starts at the beginning of `s`, if one does. The
/// caller has checked that no digit comes right before. Allocates nothing.
fn cpr_len(s: &str) -> Option<usize> {
    let mut digits = [0u8; 10];
    let mut count = 0;
    let mut gap = 0;
    // Bit n set: a gap after the n-th digit.
    let mut gaps = 0u16;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if let Some(d) = digit_value(c) {
            if count == 10 {
                return None; // an eleventh digit: a longer number
            }
            digits[count] = d;
            count += 1;
            gap = 0;
            end = i + c.len_utf8();
            // Give up early on what cannot be a date, the usual case in ordinary text.
            if count == 2 && !matches!(digits[0] * 10 + digits[1], 1..=31 | 61..=91) {
                return None;
            }
            if count == 4 && !matches!(digits[2] * 10 + digits[3], 1..=12) {
                return None;
            }
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if count == 10 {
            break;
        }
        if !is_separator(c) || !matches!(count, 2 | 4 | 6) {
            return None;
        }
        gap += 1;
        if gap > MAX_GAP {
            return None;
        }
        gaps |= 1 << count;
    }
    const AFTER_YEAR: u16 = 1 << 6;
    const BETWEEN_ALL: u16 = 1 << 2 | 1 << 4 | 1 << 6;
    (count == 10 && matches!(gaps, 0 | AFTER_YEAR | BETWEEN_ALL)).then_some(end)
}

/// Every CPR number in `text`, as byte ranges from its first to its last digit, left to right
/// and not overlapping. See the comment above [`REDACTED`] for what counts.
pub fn find_cpr_like(text: &str) -> CprMatches<'_> {
    CprMatches {
        text,
        at: 0,
        after_digit: false,
    }
}

/// The iterator [`find_cpr_like`] returns.
#[derive(Clone, Debug)]
pub struct CprMatches<'a> {
    text: &'a str,
    at: usize,
    /// Whether the last visible character before `at` is a digit.
    after_digit: bool,
}

impl Iterator for CprMatches<'_> {
    type Item = std::ops::Range<usize>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.at..)?;
        for (i, c) in rest.char_indices() {
            let start = self.at + i;
            let is_digit = digit_value(c).is_some();
            if is_digit
                && !self.after_digit
                && let Some(len) = self.text.get(start..).and_then(cpr_len)
            {
                self.at = start + len;
                // A CPR number ends with a digit.
                self.after_digit = true;
                return Some(start..start + len);
            }
            if !is_invisible(c) {
                self.after_digit = is_digit;
            }
        }
        self.at = self.text.len();
        None
    }
}

/// Whether `text` holds a CPR number (see [`find_cpr_like`]).
pub fn contains_cpr(text: &str) -> bool {
    find_cpr_like(text).next().is_some()
}

/// `text` with every CPR number (see [`find_cpr_like`]) replaced by [`REDACTED`]. Used on
/// anything that leaves the desk, is stored from outside or enters an index: a CPR number
/// typed into free text must not travel on. One allocation, for the result.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for found in find_cpr_like(text) {
        out.push_str(&text[copied..found.start]);
        out.push_str(REDACTED);
        copied = found.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether `text` has at least `min` digits (of any script) in a row. Invisible characters do
/// not break a row; with `across_spaces_and_dashes`, whitespace and dashes do not either
/// ("01 01 90" is six in a row then). For rules stricter than [`contains_cpr`]: the MitID
/// "no 10 digits in a row", and keeping anything that may hold part of a CPR number out of
/// what is stored from anonymous input.
pub fn has_digit_run(text: &str, min: usize, across_spaces_and_dashes: bool) -> bool {
    let mut run = 0;
    for c in text.chars() {
        if digit_value(c).is_some() {
            run += 1;
            if run >= min {
                return true;
            }
        } else if !(is_invisible(c)
            || across_spaces_and_dashes && (c.is_whitespace() || is_dash(c)))
        {
            run = 0;
        }
    }
    false
}

/// A query that may hold a CPR number or part of one (six or more digits in a row, across
/// spaces and dashes): never store it. Stricter than [`contains_cpr`], because nothing is
/// lost by not counting a miss.
pub fn may_hold_personal_number(query: &str) -> bool {
    contains_cpr(query) || has_digit_run(query, 6, true)
}

#[cfg(test)]
#[path = "cpr_tests.rs"]
mod tests;

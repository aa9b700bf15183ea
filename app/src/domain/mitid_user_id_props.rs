//! Property tests of the MitID user-ID rules (`mitid_user_id`): whatever a citizen types at
//! the counter or in a form, parsing never panics, and what it accepts meets every rule of
//! domain-facts ("User-ID"): 5–48 characters of the allowed set and space, case-insensitive,
//! no space at either end, no run of 10 digits and no CPR number, however it is spelled.

use proptest::prelude::*;

use super::cpr::{self, Cpr};
use super::mitid_user_id::{ALLOWED_LOWER, MAX_CHARS, MIN_CHARS, MitIdUserId};

/// Allowed characters (lower case, space included), for generated user-IDs.
fn allowed() -> Vec<char> {
    ALLOWED_LOWER.chars().chain([' ']).collect()
}

/// A character of the allowed set, any case.
fn allowed_char() -> impl Strategy<Value = char> {
    let lower = allowed();
    let upper: Vec<char> = lower
        .iter()
        .flat_map(|c| c.to_uppercase())
        .filter(|c| !lower.contains(c))
        .collect();
    prop_oneof![
        3 => proptest::sample::select(lower),
        1 => proptest::sample::select(upper),
    ]
}

/// What a stranger may send: any characters; strings mostly of the allowed set, with digits
/// and look-alikes (fullwidth, Arabic-Indic, mathematical digits, the Kelvin sign, "ß" whose
/// upper case is two letters, no-break and other spaces) sprinkled in.
fn raw() -> impl Strategy<Value = String> {
    let odd = proptest::sample::select(vec![
        '０', '１', '٣', '𝟗', '\u{212A}', 'ß', 'ü', 'Ü', 'İ', '\u{a0}', '\u{2009}', '\t', '\n',
        '\0', '\u{200b}', '\u{202e}', '-', '.', '/', '~', '%', '😀',
    ]);
    let mostly_allowed = proptest::collection::vec(
        prop_oneof![
            6 => allowed_char(),
            4 => proptest::char::range('0', '9'),
            1 => odd,
        ],
        0..60,
    )
    .prop_map(String::from_iter);
    prop_oneof![
        3 => mostly_allowed,
        1 => proptest::collection::vec(any::<char>(), 0..60).prop_map(String::from_iter),
        1 => proptest::collection::vec(any::<char>(), 0..1000).prop_map(String::from_iter),
    ]
}

/// Whether `raw` holds 10 or more ASCII digits in a row.
fn ten_ascii_digits(raw: &str) -> bool {
    raw.as_bytes()
        .split(|b| !b.is_ascii_digit())
        .any(|run| run.len() >= 10)
}

/// A real CPR number's ten digits: a valid date (or its substitute day + 60) and serial.
fn cpr_digits() -> impl Strategy<Value = String> {
    (1..=28u32, 1..=12u32, 0..=99u32, 0..=9999u32, any::<bool>()).prop_map(
        |(day, month, year, serial, substitute)| {
            let day = if substitute { day + 60 } else { day };
            format!("{day:02}{month:02}{year:02}{serial:04}")
        },
    )
}

/// The ways a CPR number can be written with only characters a user-ID allows: no
/// separator, or a hyphen, space, dot or underscore after the year, or between every group,
/// in a gap of one to three.
fn cpr_spelling() -> impl Strategy<Value = String> {
    let gap = proptest::collection::vec(proptest::sample::select(vec!['-', ' ', '.', '_']), 1..=3)
        .prop_map(String::from_iter);
    (cpr_digits(), 0..3u8, gap.clone(), gap.clone(), gap).prop_map(|(d, shape, g1, g2, g3)| {
        match shape {
            0 => d,
            1 => format!("{}{g3}{}", &d[..6], &d[6..]),
            _ => format!("{}{g1}{}{g2}{}{g3}{}", &d[..2], &d[2..4], &d[4..6], &d[6..]),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Parsing never panics, and anything accepted meets every rule.
    #[test]
    fn what_is_accepted_meets_every_rule(raw in raw()) {
        let Ok(id) = MitIdUserId::parse(&raw) else {
            return Ok(());
        };
        let chars = raw.chars().count();
        prop_assert!((MIN_CHARS..=MAX_CHARS).contains(&chars), "{raw:?}: {chars} characters");
        let allowed = allowed();
        for c in raw.chars() {
            prop_assert!(
                c.to_lowercase().count() == 1 && c.to_lowercase().all(|l| allowed.contains(&l)),
                "{raw:?}: {c:?} is not allowed"
            );
        }
        prop_assert!(!raw.starts_with(' ') && !raw.ends_with(' '), "{raw:?}");
        // Only ASCII digits pass the character rule, so no other digit can hide a run.
        prop_assert!(raw.chars().all(|c| !c.is_numeric() || c.is_ascii_digit()), "{raw:?}");
        prop_assert!(!ten_ascii_digits(&raw), "{raw:?}");
        prop_assert!(!cpr::contains_cpr(&raw), "{raw:?}");
        // No eleven characters of it are a CPR number as `Cpr::parse` reads one.
        let chars: Vec<char> = raw.chars().collect();
        for window in chars.windows(11).chain(chars.windows(10)) {
            let window: String = window.iter().collect();
            prop_assert!(Cpr::parse(&window).is_err(), "{raw:?} holds {window:?}");
        }
        prop_assert_eq!(id.as_str(), raw.as_str());
        prop_assert_eq!(id.normalized(), raw.to_lowercase());
    }

    /// Case does not matter: an all-lower-case user-ID is accepted exactly when its upper-case
    /// spelling is, and the two are the same user-ID.
    #[test]
    fn case_never_changes_the_answer(lower in proptest::collection::vec(proptest::sample::select(allowed()), 0..55)
        .prop_map(String::from_iter))
    {
        let upper = lower.to_uppercase();
        prop_assert_eq!(upper.chars().count(), lower.chars().count());
        let (l, u) = (MitIdUserId::parse(&lower), MitIdUserId::parse(&upper));
        prop_assert_eq!(l.is_ok(), u.is_ok(), "{:?} vs {:?}", lower, upper);
        prop_assert_eq!(l.as_ref().err(), u.as_ref().err());
        if let (Ok(l), Ok(u)) = (l, u) {
            prop_assert_eq!(l.normalized(), u.normalized());
            prop_assert!(l == u);
        }
    }

    /// The same for anything typed: what is accepted, lower-cased, is accepted as the same
    /// user-ID.
    #[test]
    fn accepted_values_round_trip_through_lower_case(raw in raw()) {
        if let Ok(id) = MitIdUserId::parse(&raw) {
            let again = MitIdUserId::parse(id.normalized());
            prop_assert!(again.as_ref().is_ok_and(|a| *a == id), "{raw:?}: {again:?}");
        }
    }

    /// A CPR number, written in any way the allowed characters permit, is refused wherever it
    /// stands among letters.
    #[test]
    fn a_cpr_number_never_passes(
        before in "[a-zæøåA-Z{}!#$^,*()+=:;?@]{0,10}",
        cpr in cpr_spelling(),
        after in "[a-zæøåA-Z{}!#$^,*()+=:;?@]{0,10}",
    ) {
        let raw = format!("{before}{cpr}{after}");
        prop_assume!(!raw.starts_with(' ') && !raw.ends_with(' '));
        prop_assert!(MitIdUserId::parse(&raw).is_err(), "{raw:?} was accepted");
    }
}

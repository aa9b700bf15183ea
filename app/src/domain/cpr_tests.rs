//! Tests of `cpr`.

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
fn the_en_dash_and_no_break_space_from_issue_12() {
    for text in ["120346–1235", "120346\u{A0}1235"] {
        assert!(contains_cpr(text), "{text:?}");
        assert_eq!(redact(text), "[CPR]", "{text:?}");
        let reply = format!("Hej Jens, dit nummer {text} er noteret.");
        assert_eq!(redact(&reply), "Hej Jens, dit nummer [CPR] er noteret.");
    }
}

#[test]
fn every_separator_dash_space_and_look_alike_digit() {
    for text in [
        "120346-1235",
        "120346\u{2013}1235", // en dash
        "120346\u{2014}1235", // em dash
        "120346\u{2212}1235", // minus sign
        "120346\u{2012}1235", // figure dash
        "120346\u{2011}1235", // non-breaking hyphen
        "120346\u{2010}1235", // hyphen
        "120346\u{FE63}1235", // small hyphen-minus
        "120346\u{FF0D}1235", // fullwidth hyphen-minus
        "120346\u{AD}1235",   // soft hyphen (invisible)
        "120346\u{200B}1235", // zero-width space
        "120346.1235",
        "120346/1235",
        "120346\u{2044}1235", // fraction slash
        "1203461235",
        "120346 1235",
        "120346\u{2009}1235", // thin space
        "120346\u{202F}1235", // narrow no-break space
        "120346\u{2007}1235", // figure space
        "120346\u{3000}1235", // ideographic space
        "120346\t1235",
        "120346\n1235",
        "120346 - 1235",
        "120346  1235",
        "12 03 46 1235",
        "12.03.46-1235",
        "12/03/46/1235",
        "12-03-46-1235",
        "12\u{A0}03\u{A0}46\u{A0}1235",
        "１２０３４６－１２３５",      // fullwidth digits and hyphen
        "１２０３４６1235",            // mixed
        "١٢٠٣٤٦-١٢٣٥",                 // Arabic-Indic digits
        "𝟏𝟐𝟎𝟑𝟒𝟔-𝟏𝟐𝟑𝟓",                 // mathematical bold digits
        "1\u{FE0F}\u{20E3}20346-1235", // a keycap "1"
        "1\u{200D}2\u{200C}0346-1235", // joiners between digits
        "120346\u{0}1235",             // NUL, which a cleaning step may turn into a space
        "12\u{1B}0346\u{7}-1235",
        "720346-1235", // substitute number: day 12 + 60
        "610190-1235",
        "910190-1235",
        "311299-9999",
        "310490-1234", // 31 April: close enough to a CPR number to keep out
        "070761-4285",
    ] {
        assert!(contains_cpr(text), "{text:?}");
        assert_eq!(redact(text), "[CPR]", "{text:?}");
        let inside = format!("cpr:{text}, tak");
        assert_eq!(redact(&inside), "cpr:[CPR], tak", "{text:?}");
    }
}

#[test]
fn found_as_byte_ranges_from_first_to_last_digit() {
    let text = "a 010203\u{2013}1234 b \u{FF10}\u{FF11}0203 1234.";
    let found: Vec<_> = find_cpr_like(text).collect();
    assert_eq!(found.len(), 2);
    assert_eq!(&text[found[0].clone()], "010203\u{2013}1234");
    assert_eq!(&text[found[1].clone()], "\u{FF10}\u{FF11}0203 1234");
    assert_eq!(redact(text), "a [CPR] b [CPR].");
}

#[test]
fn redact_leaves_phone_numbers_references_and_non_dates_alone() {
    for text in [
        "Ring 33 98 00 10",
        "SAG-2026-000123",
        "2026-000123",
        "SAG-2011-000123", // a year-2011 reference: a gap after four digits is no CPR
        "Kontonummer 12345678901",
        "999999-1234 er ikke en dato",
        "320190-1234", // day 32
        "600190-1234", // day 60
        "920190-1234", // day 92
        "000190-1234", // day 0
        "010090-1234", // month 0
        "011390-1234", // month 13
        "123456-7890", // month 34
        "kode 123456",
        "01020312345",  // eleven digits
        "1010203-1234", // a digit before
        "010203-12345", // a digit after
        "010203\u{200B}1234\u{200B}5",
        "010203-123",
        "010203--- 1234", // a gap too long
        "0102-031234",    // grouped as no one writes a CPR number
        "010203 12 34",
        "0100-12345-00123-26", // a police report number
        "23-11-2026 10:15",
        "12.03.2024 12:35",
        "tlf. 12 34 56 78",
        "010203:1234",
        "",
        "æøå 010203",
        "[CPR]",
    ] {
        assert_eq!(redact(text), text, "{text:?}");
        assert!(!contains_cpr(text), "{text:?}");
    }
}

#[test]
fn digits_of_every_script() {
    assert_eq!(digit_value('7'), Some(7));
    assert_eq!(digit_value('\u{FF17}'), Some(7)); // fullwidth
    assert_eq!(digit_value('\u{667}'), Some(7)); // Arabic-Indic
    assert_eq!(digit_value('\u{1D7D5}'), Some(7)); // mathematical bold
    for c in [
        'a',
        ' ',
        '/',
        ':',
        '½',
        '²',
        'Ⅶ',
        '\u{FF0F}',
        '\u{FF1A}',
        '\u{10FFFF}',
    ] {
        assert_eq!(digit_value(c), None, "{c:?}");
    }
    // The table against the standard library's Unicode data: every run is ten numeric
    // characters, and the characters either side of a run are not digits of it.
    for zero in DIGIT_ZEROS {
        for d in 0..10u8 {
            let c = char::from_u32(zero + u32::from(d)).unwrap();
            assert!(c.is_numeric(), "{c:?}");
            assert_eq!(digit_value(c), Some(d), "{c:?}");
        }
    }
    let all = (0..=0x10FFFF_u32).filter_map(char::from_u32);
    assert!(
        all.filter(|c| digit_value(*c).is_some())
            .all(|c| c.is_numeric())
    );
}

#[test]
fn digit_runs() {
    for (text, min, across, expected) in [
        ("123456789", 10, false, false),
        ("1234567890", 10, false, true),
        ("a123456789b123456789", 10, false, false),
        ("١٢٣٤٥٦٧٨٩٠", 10, false, true),
        ("１２３４５６７８９０", 10, false, true),
        ("12345\u{200B}67890", 10, false, true),
        ("12345 67890", 10, false, false),
        ("12345 67890", 10, true, true),
        ("01 01 90", 6, true, true),
        ("01–01–90", 6, true, true),
        ("01.01.90", 6, true, false),
        ("kodeviser 42 kr", 6, true, false),
        ("mistet kodeviser 2026", 6, true, false),
    ] {
        assert_eq!(has_digit_run(text, min, across), expected, "{text:?}");
    }
}

#[test]
fn long_digit_and_invisible_floods_take_linear_time() {
    // Every start position gives up after a few characters: a megabyte of digits, spaced
    // digits or invisible characters is scanned in well under a second even unoptimised.
    let floods = [
        "1".repeat(1_000_000),
        "12 ".repeat(300_000),
        format!("1{}", "\u{200B}".repeat(300_000)),
        "010190-1234 ".repeat(50_000),
    ];
    let started = std::time::Instant::now();
    for flood in &floods {
        let _ = redact(flood);
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(find_cpr_like(&floods[3]).count(), 50_000);
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    /// Zeros of digit scripts a CPR number might be typed or pasted in.
    const ZEROS: [u32; 6] = [0x30, 0x30, 0xFF10, 0x660, 0x966, 0x1D7CE];
    const SEPARATORS: [char; 16] = [
        '-', ' ', '.', '/', '\u{A0}', '\u{2009}', '\u{202F}', '\u{2007}', '\u{2013}', '\u{2014}',
        '\u{2212}', '\u{2011}', '\u{2012}', '\u{FF0D}', '\u{3000}', '\t',
    ];
    const INVISIBLE: [char; 5] = ['\u{AD}', '\u{200B}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

    /// The ten digits of a CPR number: a real day (or day + 60), month, year, serial.
    fn cpr_digits() -> impl Strategy<Value = [u8; 10]> {
        (1..=31u8, any::<bool>(), 1..=12u8, 0..=99u8, 0..=9999u16).prop_map(
            |(day, substitute, month, year, serial)| {
                let day = if substitute { day + 60 } else { day };
                let mut d = [0u8; 10];
                for (i, v) in [day, month, year].into_iter().enumerate() {
                    d[2 * i] = v / 10;
                    d[2 * i + 1] = v % 10;
                }
                for (i, p) in [1000, 100, 10, 1].into_iter().enumerate() {
                    d[6 + i] = ((serial / p) % 10) as u8;
                }
                d
            },
        )
    }

    fn gap() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(&SEPARATORS[..]), 1..=3)
            .prop_map(|g| g.into_iter().collect())
    }

    /// A CPR number spelled as people (and attackers) write it.
    fn spelled_cpr() -> impl Strategy<Value = String> {
        (
            cpr_digits(),
            prop::collection::vec(prop::sample::select(&ZEROS[..]), 10),
            0..3usize,
            [gap(), gap(), gap()],
            prop::collection::vec(
                prop::option::weighted(0.1, prop::sample::select(&INVISIBLE[..])),
                10,
            ),
        )
            .prop_map(|(digits, zeros, grouping, gaps, invisible)| {
                let mut out = String::new();
                for (i, (d, zero)) in digits.iter().zip(zeros).enumerate() {
                    let gap_here = match grouping {
                        1 => i == 6,
                        2 => matches!(i, 2 | 4 | 6),
                        _ => false,
                    };
                    if gap_here {
                        out.push_str(&gaps[i / 2 - 1]);
                    }
                    out.extend(char::from_u32(zero + u32::from(*d)));
                    // Inside the number only: the match ends at its last digit.
                    if i < 9 {
                        out.extend(invisible[i]);
                    }
                }
                out
            })
    }

    /// Text around a number: may hold digits, but ends (or starts) with a letter or
    /// punctuation next to the number, never a digit.
    fn before() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-zA-ZæøåÆØÅ0-9 ,:()\n]{0,20}[a-zA-ZæøåÆØÅ ,:(\n]",
        ]
    }

    fn after() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-zA-ZæøåÆØÅ ,.:)\n!?][a-zA-ZæøåÆØÅ0-9 ,.:()\n]{0,20}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn no_spelling_of_a_cpr_number_survives(
            before in before(),
            cpr in spelled_cpr(),
            after in after(),
        ) {
            let text = format!("{before}{cpr}{after}");
            prop_assert!(contains_cpr(&text), "{text:?}");
            prop_assert!(contains_cpr(&cpr), "{cpr:?}");
            let redacted = redact(&text);
            prop_assert_eq!(
                &redacted,
                &format!("{}{REDACTED}{}", redact(&before), redact(&after))
            );
            prop_assert!(!contains_cpr(&redacted), "{redacted:?}");
        }

        #[test]
        fn two_numbers_in_one_text_are_both_redacted(
            a in spelled_cpr(),
            b in spelled_cpr(),
            between in "[a-zæøå ,.]{0,5}[a-zæøå]",
        ) {
            let text = format!("{a}{between} {b}");
            prop_assert_eq!(find_cpr_like(&text).count(), 2, "{:?}", text);
            prop_assert_eq!(redact(&text), format!("{REDACTED}{between} {REDACTED}"));
        }

        #[test]
        fn redact_never_panics_and_is_idempotent(text in any::<String>()) {
            let once = redact(&text);
            prop_assert!(!contains_cpr(&once));
            prop_assert_eq!(redact(&once), once.clone());
        }

        #[test]
        fn digit_heavy_text_is_redacted_to_a_fixpoint(
            text in "[0-9０-９٠-٩ \u{A0}\u{2013}\u{200B}.\\-/:a]{0,60}",
        ) {
            for found in find_cpr_like(&text) {
                let digits = text[found].chars().filter(|c| digit_value(*c).is_some()).count();
                prop_assert_eq!(digits, 10);
            }
            let once = redact(&text);
            prop_assert!(!contains_cpr(&once), "{:?} -> {:?}", text, once);
            prop_assert_eq!(redact(&once), once.clone());
        }
    }
}

#[test]
fn spots_numbers_that_may_be_cpr() {
    assert!(may_hold_personal_number("010190-1234 spærret"));
    assert!(may_hold_personal_number("0101901234"));
    assert!(may_hold_personal_number("01 01 90"));
    assert!(!may_hold_personal_number("kodeviser 42 kr"));
    assert!(!may_hold_personal_number("mistet kodeviser 2026"));
    // Other dashes and spaces, dots, look-alike digits.
    assert!(may_hold_personal_number("010190–1234"));
    assert!(may_hold_personal_number("010190\u{a0}1234"));
    assert!(may_hold_personal_number("01.01.90.1234"));
    assert!(may_hold_personal_number("０１０１９０"));
}

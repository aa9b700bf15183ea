//! Property tests of e-mail ingest's parsing (`inbound_mail::parse`, raw bytes → the desk's
//! `InboundEmail`, a pure function) and of the subject's case reference
//! (`app::domain::mail_threading::subject_reference`, also pure). Whatever bytes a stranger mails:
//! parsing never panics; what it keeps has no CR, LF, NUL or other control character in a
//! header value, bounded lengths, a body without control characters but line breaks and tabs;
//! and a case reference is found only where the subject really holds one in ASCII.
//! Look-alike digits (fullwidth "２０２６", Arabic-Indic, ...) and a fullwidth "ＳＡＧ" are
//! deliberately NOT normalised: such a subject names no case (the threading code says so too).

use app::domain::cpr;
use app::domain::email::InboundEmail;
use app::domain::mail_threading::subject_reference;
use proptest::prelude::*;

use crate::inbound_mail::{
    MAX_ATTACHMENTS, MAX_FILENAME_CHARS, MAX_NAME_CHARS, MAX_SUBJECT_CHARS, MAX_TEXT_CHARS, parse,
};

/// RFC 2047 "Q" encoding of every byte: lets a header value carry CR, LF, NUL and bad UTF-8
/// past the header syntax, as an attacker would.
fn encoded_word(bytes: &[u8]) -> String {
    let mut out = String::from("=?utf-8?Q?");
    for b in bytes {
        out.push_str(&format!("={b:02X}"));
    }
    out.push_str("?=");
    out
}

/// A CPR number hidden by what the cleaning removes or rewrites: control characters (which
/// become spaces or go), a run of spaces (which becomes one), bidi controls, line breaks.
fn cpr_trap() -> impl Strategy<Value = Vec<u8>> {
    let gap = proptest::sample::select(vec![
        "", "\0", "\u{1}", "\t", "    ", "\r\n", "\u{202e}", "\u{200b}", " \0 ", "\u{85}",
    ]);
    (gap.clone(), gap, 0..10usize).prop_map(|(g1, g2, at)| {
        let first = format!("010190{g1}1234");
        // A second gap somewhere in the number too.
        let cut = first.char_indices().nth(at).map_or(first.len(), |(i, _)| i);
        format!("cpr {}{g2}{} slut", &first[..cut], &first[cut..]).into_bytes()
    })
}

/// A header value as an attacker writes it: raw bytes (bad UTF-8, bare CR or LF, NUL), or
/// an encoded word hiding the same.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    let nasty = proptest::collection::vec(
        prop_oneof![
            4 => proptest::char::range(' ', '~').prop_map(|c| c as u8),
            1 => proptest::sample::select(vec![b'\r', b'\n', 0, b'\t', 0x1b, 0x7f, 0xff, 0xc3, 0x80, 0xe2]),
            1 => any::<u8>(),
        ],
        0..80,
    );
    let text = proptest::collection::vec(any::<char>(), 0..60).prop_map(String::from_iter);
    prop_oneof![
        2 => nasty.clone(),
        1 => nasty.prop_map(|b| encoded_word(&b).into_bytes()),
        1 => text.clone().prop_map(String::into_bytes),
        1 => text.prop_map(|t| encoded_word(t.as_bytes()).into_bytes()),
        1 => Just(b"Jens\r\nBcc: victim@example.dk".to_vec()),
        1 => cpr_trap(),
        1 => cpr_trap().prop_map(|b| encoded_word(&b).into_bytes()),
        1 => Just(encoded_word(b"Hej\r\nBcc: victim@example.dk\r\n\r\n<script>x</script>").into_bytes()),
    ]
}

/// A message put together from hostile parts, with any line ending.
fn message() -> impl Strategy<Value = Vec<u8>> {
    let eol = proptest::sample::select(vec!["\r\n", "\n", "\r"]);
    let address = prop_oneof![
        Just(b"jens@example.dk".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
        "[a-z0-9.\\-\\\\\"<>@ ]{0,30}".prop_map(String::into_bytes),
    ];
    let body = prop_oneof![
        cpr_trap(),
        proptest::collection::vec(any::<u8>(), 0..400),
        proptest::collection::vec(any::<char>(), 0..200)
            .prop_map(|c| String::from_iter(c).into_bytes()),
    ];
    let extra = proptest::collection::vec(("[A-Za-z-]{1,20}", header_value()), 0..4);
    let attachments =
        proptest::collection::vec((header_value(), header_value(), body.clone()), 0..3);
    (
        eol,
        header_value(),
        address,
        header_value(),
        extra,
        body,
        attachments,
        any::<bool>(),
    )
        .prop_map(
            |(eol, name, address, subject, extra, body, attachments, multipart)| {
                let eol = eol.as_bytes();
                let mut m = Vec::new();
                let mut header = |name: &[u8], value: &[u8]| {
                    m.extend_from_slice(name);
                    m.extend_from_slice(b": ");
                    m.extend_from_slice(value);
                    m.extend_from_slice(eol);
                };
                let mut from = name.clone();
                from.extend_from_slice(b" <");
                from.extend_from_slice(&address);
                from.push(b'>');
                header(b"From", &from);
                header(b"Subject", &subject);
                header(b"Message-ID", &name);
                header(b"In-Reply-To", &subject);
                header(b"References", &from);
                for (name, value) in &extra {
                    header(name.as_bytes(), value);
                }
                if multipart {
                    header(b"Content-Type", b"multipart/mixed; boundary=\"b\"");
                }
                m.extend_from_slice(eol);
                if !multipart {
                    m.extend_from_slice(&body);
                    return m;
                }
                let mut part = |headers: &[(&[u8], &[u8])], content: &[u8]| {
                    m.extend_from_slice(b"--b");
                    m.extend_from_slice(eol);
                    for (name, value) in headers {
                        m.extend_from_slice(name);
                        m.extend_from_slice(b": ");
                        m.extend_from_slice(value);
                        m.extend_from_slice(eol);
                    }
                    m.extend_from_slice(eol);
                    m.extend_from_slice(content);
                    m.extend_from_slice(eol);
                };
                part(
                    &[(&b"Content-Type"[..], &b"text/plain; charset=utf-8"[..])],
                    &body,
                );
                for (filename, ctype, content) in &attachments {
                    let mut disposition = b"attachment; filename=\"".to_vec();
                    disposition.extend_from_slice(filename);
                    disposition.push(b'"');
                    part(
                        &[
                            (&b"Content-Type"[..], &ctype[..]),
                            (&b"Content-Disposition"[..], &disposition[..]),
                        ],
                        content,
                    );
                }
                m.extend_from_slice(b"--b--");
                m.extend_from_slice(eol);
                m
            },
        )
}

/// A header value as stored: one line, no control or bidi characters, no whitespace at
/// either end, at most `max` characters.
fn one_line(what: &str, value: &str, max: usize) -> Result<(), TestCaseError> {
    prop_assert!(
        !value
            .chars()
            .any(|c| c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
        "{what} {value:?} has a control character"
    );
    prop_assert_eq!(value.trim(), value, "{} {:?} is not trimmed", what, value);
    prop_assert!(value.chars().count() <= max, "{what} {value:?} is too long");
    Ok(())
}

/// Everything `parse` keeps meets the rules of the module comment.
fn check(m: &InboundEmail) -> Result<(), TestCaseError> {
    one_line("subject", &m.subject, MAX_SUBJECT_CHARS)?;
    if let Some(name) = &m.from_name {
        one_line("sender name", name, MAX_NAME_CHARS)?;
        prop_assert!(!name.is_empty());
    }
    one_line("sender address", &m.from_address, 254)?;
    prop_assert!(m.from_address.contains('@'));
    prop_assert!(!m.from_address.chars().any(char::is_whitespace));
    for id in m
        .message_id
        .iter()
        .chain(&m.in_reply_to)
        .chain(&m.references)
    {
        // Never shown, only compared with ours: a bidi control in one is harmless.
        prop_assert!(!id.chars().any(char::is_control), "{id:?}");
        prop_assert!(id.len() <= 252, "{id:?}");
        prop_assert!(id.starts_with('<') && id.ends_with('>'), "{id:?}");
        prop_assert!(!id.chars().any(char::is_whitespace), "{id:?}");
    }
    prop_assert!(
        !m.text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t')),
        "the body keeps a control character: {:?}",
        m.text
    );
    prop_assert!(m.text.chars().count() <= MAX_TEXT_CHARS + 100);
    prop_assert!(m.attachments.len() <= MAX_ATTACHMENTS);
    for a in &m.attachments {
        one_line("file name", &a.filename, MAX_FILENAME_CHARS)?;
        prop_assert!(!a.filename.is_empty());
        prop_assert!(!a.filename.contains(['/', '\\']), "{:?}", a.filename);
        prop_assert!(
            a.content_type.split_once('/').is_some_and(|(t, s)| {
                let token = |x: &str| {
                    !x.is_empty()
                        && x.bytes().all(|b| {
                            b.is_ascii_lowercase()
                                || b.is_ascii_digit()
                                || b"!#$&^_.+-".contains(&b)
                        })
                };
                token(t) && token(s)
            }),
            "content type {:?}",
            a.content_type
        );
    }
    Ok(())
}

/// No text kept holds a CPR number as the desk's one detector finds it.
fn no_cpr(m: &InboundEmail) -> Result<(), TestCaseError> {
    let names = m.attachments.iter().map(|a| a.filename.as_str());
    for text in [m.subject.as_str(), &m.text]
        .into_iter()
        .chain(m.from_name.as_deref())
        .chain(names)
    {
        prop_assert!(!cpr::contains_cpr(text), "a CPR number is kept: {text:?}");
    }
    Ok(())
}

/// The first "SAG-YYYY-NNNNNN" in `subject`, in ASCII and any letter case, year 2000 or
/// later, number not zero, no digit (of any script) glued on: written apart from the code
/// under test, byte by byte.
fn expected_reference(subject: &str) -> Option<String> {
    let b = subject.as_bytes();
    (0..b.len()).find_map(|i| {
        let at = |k: usize| b.get(i + k).copied();
        let digits = |from: usize, n: usize| {
            (from..from + n).all(|k| at(k).is_some_and(|c| c.is_ascii_digit()))
        };
        let shaped = b
            .get(i..i + 4)
            .is_some_and(|s| s.eq_ignore_ascii_case(b"SAG-"))
            && digits(4, 4)
            && at(8) == Some(b'-')
            && digits(9, 6);
        if !shaped {
            return None;
        }
        let glued = subject[i + 15..]
            .chars()
            .next()
            .is_some_and(char::is_numeric);
        let year: u32 = subject[i + 4..i + 8].parse().ok()?;
        let seq: u32 = subject[i + 9..i + 15].parse().ok()?;
        (!glued && year >= 2000 && seq >= 1).then(|| format!("SAG-{year:04}-{seq:06}"))
    })
}

/// How a reference may be written in a subject, and whether it names a case.
fn reference() -> impl Strategy<Value = (String, bool)> {
    let fullwidth = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' | 'A'..='Z' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
                c => c,
            })
            .collect()
    };
    let arabic = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - 0x30 + 0x660).unwrap_or(c),
                c => c,
            })
            .collect()
    };
    (2000..2100u32, 1..1_000_000u32, 0..8u8).prop_map(move |(year, seq, kind)| {
        let real = format!("SAG-{year:04}-{seq:06}");
        match kind {
            0 => (real, true),
            1 => (real.to_lowercase(), true),
            2 => (fullwidth(&real), false),
            3 => (real.replace("SAG", "ＳＡＧ"), false),
            4 => (
                format!("SAG-{}-{}", year, arabic(&format!("{seq:06}"))),
                false,
            ),
            5 => (format!("SAG-{year}-{seq:06}１"), false), // a fullwidth digit glued on
            6 => (format!("SAG-{year}-{:05}", seq % 100_000), false),
            _ => (format!("SAG-{year}-000000"), false),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any bytes at all: no panic, and anything accepted is clean.
    #[test]
    fn any_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(m) = parse(&raw) {
            check(&m)?;
        }
    }

    /// Messages made of hostile headers, bodies and attachments: no panic, and no CR, LF,
    /// NUL or other control character reaches a stored header value.
    #[test]
    fn hostile_messages_come_out_clean(raw in message()) {
        if let Ok(m) = parse(&raw) {
            check(&m)?;
        }
    }

    /// A reference threads only when the subject really holds one in ASCII.
    #[test]
    fn a_reference_is_found_only_where_one_is_written(
        before in "[^0-9\u{FF10}-\u{FF19}]{0,30}",
        (reference, real) in reference(),
        after in prop_oneof!["[ :;.,!?a-zA-Z]{0,30}", "[^0-9]{0,30}"],
        encoded in any::<bool>(),
    ) {
        let subject = format!("{before}{reference}{after}");
        // Raw, a line break would end the header: only encoded words carry control characters.
        let value = if encoded || subject.contains(char::is_control) {
            encoded_word(subject.as_bytes())
        } else {
            subject.clone()
        };
        let raw = format!("From: Jens <jens@example.dk>\r\nSubject: {value}\r\n\r\nTekst\r\n");
        let m = parse(raw.as_bytes()).map_err(|e| TestCaseError::fail(format!("{raw:?}: {e}")))?;
        let found = subject_reference(&m.subject).map(|r| r.to_string());
        // Against a scan written apart from the code, on what was kept of the subject.
        prop_assert_eq!(&found, &expected_reference(&m.subject), "subject {:?}", m.subject);
        // And by construction: nothing before the reference can be one (no ASCII digits).
        let glued = after.chars().next().is_some_and(char::is_numeric);
        if real && !glued && !after.starts_with(['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']) {
            prop_assert_eq!(found, Some(reference.to_uppercase()), "subject {:?}", m.subject);
        } else if !real && !after.chars().any(|c| c.is_ascii_digit()) {
            prop_assert_eq!(found, None, "subject {:?}", m.subject);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// A CPR number hidden by what the cleaning rewrites (a NUL that becomes a space, four
    /// spaces that become one, a NUL dropped from the body) must not come out whole.
    #[test]
    fn no_cpr_number_survives_the_cleaning(raw in message()) {
        if let Ok(m) = parse(&raw) {
            no_cpr(&m)?;
        }
    }
}

/// The cases `no_cpr_number_survives_the_cleaning` found, kept as they are.
#[test]
fn cpr_numbers_hidden_by_control_characters() {
    let subject = encoded_word(b"cpr 010190    \x001234 slut");
    let name = encoded_word(b"Jens 010190\x001234");
    let raw = format!(
        "From: {name} <jens@example.dk>\r\nSubject: {subject}\r\n\r\ncpr 0101\x00901234 slut\r\n"
    );
    let m = parse(raw.as_bytes()).expect("parsed");
    for text in [
        m.subject.as_str(),
        &m.text,
        m.from_name.as_deref().unwrap_or_default(),
    ] {
        assert!(!cpr::contains_cpr(text), "a CPR number is kept: {text:?}");
    }
}

#[test]
fn huge_and_folded_headers_are_bounded() {
    let subject = "SAG-2026-000123 ".repeat(20_000);
    let raw = format!(
        "From: {} <jens@example.dk>\r\nSubject: {subject}\r\nX-Long: {}\r\n\r\nTekst\r\n",
        "Navn ".repeat(10_000),
        "x".repeat(1_000_000)
    );
    let m = parse(raw.as_bytes()).expect("parsed");
    assert_eq!(m.subject.chars().count(), MAX_SUBJECT_CHARS);
    assert!(m.subject.ends_with('…'));
    assert_eq!(
        m.from_name.as_deref().map(|n| n.chars().count()),
        Some(MAX_NAME_CHARS)
    );
    // Folded over many lines, with an injected header inside an encoded word.
    let raw = format!(
        "From: Jens <jens@example.dk>\r\nSubject: Re:\r\n {}\r\n\t{}\r\n\r\nTekst\r\n",
        "SAG-2026-000123",
        encoded_word(b"\r\nBcc: x@example.dk\0")
    );
    let m = parse(raw.as_bytes()).expect("parsed");
    assert!(!m.subject.contains(['\r', '\n', '\0']), "{:?}", m.subject);
    assert_eq!(
        subject_reference(&m.subject)
            .map(|r| r.to_string())
            .as_deref(),
        Some("SAG-2026-000123")
    );
}

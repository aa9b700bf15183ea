use super::*;
use time::macros::date;

fn power(scopes: &[PowerScope], to: Option<Date>, revoked: Option<Date>) -> PowerOfAttorney {
    PowerOfAttorney {
        id: 1,
        giver_name: "Inge Madsen".into(),
        holder_name: "Lars Madsen".into(),
        scopes: scopes.to_vec(),
        valid_from: date!(2025 - 01 - 01),
        valid_to: to,
        source: PowerSource::Digital,
        revoked_on: revoked,
    }
}

#[test]
fn every_enum_round_trips() {
    for s in PowerScope::ALL {
        assert_eq!(PowerScope::parse(s.as_str()), Some(s));
        assert!(!s.label(Lang::Da).is_empty() && !s.label(Lang::En).is_empty());
    }
    for m in Matter::ALL {
        assert_eq!(Matter::parse(m.as_str()), Some(m));
    }
    assert_eq!(PowerScope::parse("everything"), None);
    assert_eq!(Matter::parse(""), None);
    for s in [PowerSource::Digital, PowerSource::Paper] {
        assert_eq!(PowerSource::parse(s.as_str()), Some(s));
    }
}

#[test]
fn may_act_table() {
    use Matter::*;
    use PowerScope as S;
    let today = date!(2026 - 12 - 02);
    let post = [S::DigitalPost];
    let post_and_self = [S::DigitalPost, S::SelfService];
    let all = PowerScope::ALL;
    type Row = (
        &'static str,
        PowerOfAttorney,
        Matter,
        Result<(), PowerRefusal>,
    );
    let table: Vec<Row> = vec![
        (
            "valid, in scope",
            power(&post, None, None),
            DigitalPost,
            Ok(()),
        ),
        (
            "valid to today counts",
            power(&post, Some(today), None),
            DigitalPost,
            Ok(()),
        ),
        (
            "out of scope names what it covers",
            power(&post_and_self, None, None),
            MitIdBlock,
            Err(PowerRefusal::OutOfScope {
                matter: MitIdBlock,
                covers: post_and_self.to_vec(),
            }),
        ),
        (
            "MitID help needs MitID support",
            power(&[S::MitIdSupport], None, None),
            MitIdHelp,
            Ok(()),
        ),
        (
            "a block needs MitID support too",
            power(&[S::MitIdSupport], None, None),
            MitIdBlock,
            Ok(()),
        ),
        (
            "expired yesterday",
            power(&post, Some(date!(2026 - 12 - 01)), None),
            DigitalPost,
            Err(PowerRefusal::Expired(date!(2026 - 12 - 01))),
        ),
        (
            "revoked beats everything but NemKonto",
            power(&post, None, Some(date!(2026 - 06 - 01))),
            DigitalPost,
            Err(PowerRefusal::Revoked(date!(2026 - 06 - 01))),
        ),
        (
            "revoked in the future still valid",
            power(&post, None, Some(date!(2027 - 01 - 01))),
            DigitalPost,
            Ok(()),
        ),
        (
            "not valid yet",
            PowerOfAttorney {
                valid_from: date!(2027 - 01 - 01),
                ..power(&post, None, None)
            },
            DigitalPost,
            Err(PowerRefusal::NotYetValid(date!(2027 - 01 - 01))),
        ),
        (
            "NemKonto information within scope",
            power(&[S::NemKontoInformation], None, None),
            NemKontoInformation,
            Ok(()),
        ),
        (
            "changing NemKonto never, even with every scope",
            power(&all, None, None),
            NemKontoChange,
            Err(PowerRefusal::NemKontoOnlyByHolder),
        ),
        (
            "changing NemKonto never, even expired",
            power(&all, Some(date!(2025 - 06 - 01)), None),
            NemKontoChange,
            Err(PowerRefusal::NemKontoOnlyByHolder),
        ),
        (
            "an expired power out of scope says expired",
            power(&post, Some(date!(2025 - 06 - 01)), None),
            MitIdHelp,
            Err(PowerRefusal::Expired(date!(2025 - 06 - 01))),
        ),
    ];
    for (what, p, matter, expected) in table {
        assert_eq!(may_act(&p, today, matter), expected, "{what}");
    }
}

#[test]
fn refusals_speak_both_languages_and_name_dates_and_scopes() {
    let expired = PowerRefusal::Expired(date!(2025 - 06 - 30));
    assert!(expired.message(Lang::Da).contains("30-06-2025"));
    assert!(expired.message(Lang::En).contains("30-06-2025"));
    let out = PowerRefusal::OutOfScope {
        matter: Matter::MitIdBlock,
        covers: vec![PowerScope::DigitalPost],
    };
    assert!(out.message(Lang::Da).contains("Digital Post"));
    assert!(out.message(Lang::Da).contains("dækker kun"));
    assert!(out.message(Lang::En).contains("covers only"));
    for r in [
        PowerRefusal::NoneOnRecord,
        PowerRefusal::Revoked(date!(2026 - 01 - 01)),
        PowerRefusal::NotYetValid(date!(2027 - 01 - 01)),
        expired,
        PowerRefusal::NemKontoOnlyByHolder,
        out,
    ] {
        assert_ne!(r.message(Lang::Da), r.message(Lang::En), "{r:?}");
        assert!(!r.code().is_empty());
    }
}

#[test]
fn states_on_a_day() {
    let today = date!(2026 - 12 - 02);
    let p = power(
        &[PowerScope::DigitalPost],
        Some(date!(2026 - 12 - 31)),
        None,
    );
    assert_eq!(p.state_on(today), PowerState::Valid);
    assert_eq!(p.state_on(date!(2024 - 12 - 31)), PowerState::NotYetValid);
    assert_eq!(p.state_on(date!(2027 - 01 - 01)), PowerState::Expired);
    let revoked = power(&[PowerScope::DigitalPost], None, Some(today));
    assert_eq!(revoked.state_on(today), PowerState::Revoked);
    let view = PowerView::of(&p, today);
    assert_eq!(view.valid_from, "01-01-2025");
    assert_eq!(view.valid_to.as_deref(), Some("31-12-2026"));
}

#[test]
fn registration_table() {
    let today = date!(2026 - 12 - 02);
    let request = |from: Date, to: Option<Date>, scopes: &[PowerScope]| PowerRequest {
        holder_name: HolderName::parse("Lars Madsen").unwrap(),
        scopes: scopes.to_vec(),
        valid_from: from,
        valid_to: to,
    };
    let post = [PowerScope::DigitalPost];
    type Row = (
        &'static str,
        Date,
        PowerRequest,
        bool,
        Result<(), RegistrationRefusal>,
    );
    let table: Vec<Row> = vec![
        (
            "an adult, until revoked",
            date!(1942 - 03 - 03),
            request(today, None, &post),
            false,
            Ok(()),
        ),
        (
            "16 today: over 15",
            date!(2010 - 12 - 02),
            request(today, None, &post),
            false,
            Ok(()),
        ),
        (
            "16 tomorrow: still 15",
            date!(2010 - 12 - 03),
            request(today, None, &post),
            false,
            Err(RegistrationRefusal::GiverTooYoung { age: 15 }),
        ),
        (
            "a child",
            date!(2016 - 05 - 01),
            request(today, None, &post),
            false,
            Err(RegistrationRefusal::GiverTooYoung { age: 10 }),
        ),
        (
            "ends the day it starts",
            date!(1980 - 01 - 01),
            request(today, Some(today), &post),
            false,
            Err(RegistrationRefusal::EndsBeforeItStarts),
        ),
        (
            "ends before it starts",
            date!(1980 - 01 - 01),
            request(today, Some(date!(2026 - 01 - 01)), &post),
            false,
            Err(RegistrationRefusal::EndsBeforeItStarts),
        ),
        (
            "ends the day after",
            date!(1980 - 01 - 01),
            request(today, Some(date!(2026 - 12 - 03)), &post),
            false,
            Ok(()),
        ),
        (
            "the holder is the giver",
            date!(1980 - 01 - 01),
            request(today, None, &post),
            true,
            Err(RegistrationRefusal::HolderIsGiver),
        ),
        (
            "no scope",
            date!(1980 - 01 - 01),
            request(today, None, &[]),
            false,
            Err(RegistrationRefusal::NoScope),
        ),
    ];
    for (what, birth, req, same, expected) in table {
        assert_eq!(
            check_registration(birth, today, &req, same),
            expected,
            "{what}"
        );
    }
}

#[test]
fn the_giver_age_comes_from_the_cpr_century_rules() {
    // 7th digit 4, YY 10 → born 2010; 7th digit 0, YY 10 → born 1910.
    let today = date!(2026 - 12 - 02);
    let young = crate::domain::Cpr::parse("031210-4001").unwrap();
    let old = crate::domain::Cpr::parse("031210-0001").unwrap();
    let req = PowerRequest {
        holder_name: HolderName::parse("Lars Madsen").unwrap(),
        scopes: vec![PowerScope::DigitalPost],
        valid_from: today,
        valid_to: None,
    };
    assert_eq!(
        check_registration(young.birth_date(), today, &req, false),
        Err(RegistrationRefusal::GiverTooYoung { age: 15 })
    );
    assert_eq!(
        check_registration(old.birth_date(), today, &req, false),
        Ok(())
    );
}

#[test]
fn holder_names_are_plain_text_on_one_line() {
    assert_eq!(
        HolderName::parse("  Lars Madsen ").unwrap().as_str(),
        "Lars Madsen"
    );
    assert!(HolderName::parse("Søren Ørsted-Æbelø").is_ok());
    let table: [(&str, RegistrationRefusal); 7] = [
        ("", RegistrationRefusal::HolderNameLength),
        ("L", RegistrationRefusal::HolderNameLength),
        (
            "<script>alert(1)</script>",
            RegistrationRefusal::HolderNameCharacters,
        ),
        ("Lars\r\nBcc: x", RegistrationRefusal::HolderNameCharacters),
        ("Lars\0Madsen", RegistrationRefusal::HolderNameCharacters),
        (
            "Lars\u{2028}Madsen",
            RegistrationRefusal::HolderNameCharacters,
        ),
        ("Lars 010190-1234", RegistrationRefusal::HolderNameHasCpr),
    ];
    for (raw, expected) in table {
        assert_eq!(HolderName::parse(raw), Err(expected), "{raw:?}");
    }
    let huge = "a".repeat(20_000);
    assert_eq!(
        HolderName::parse(&huge),
        Err(RegistrationRefusal::HolderNameLength)
    );
}

#[test]
fn scopes_are_sorted_deduplicated_and_required() {
    use PowerScope::*;
    assert_eq!(
        scopes_of(&[SelfService, DigitalPost, SelfService]),
        Ok(vec![DigitalPost, SelfService])
    );
    assert_eq!(scopes_of(&[]), Err(RegistrationRefusal::NoScope));
    assert_eq!(parse_date("2026-12-02"), Ok(date!(2026 - 12 - 02)));
    assert_eq!(parse_date("02-12-2026"), Err(RegistrationRefusal::BadDate));
    assert_eq!(parse_date("2026-02-30"), Err(RegistrationRefusal::BadDate));
}

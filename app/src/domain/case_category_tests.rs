//! Tests of `case_category`.

use super::*;
use std::collections::HashSet;

#[test]
fn names_round_trip_and_are_unique() {
    for c in Category::ALL {
        assert_eq!(Category::parse(c.as_str()), Ok(c));
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, format!("\"{}\"", c.as_str()));
        assert_ne!(c.label(Lang::Da), "");
        assert_ne!(c.label(Lang::En), "");
    }
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Ok(s));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{}\"", s.as_str())
        );
        assert_ne!(s.label(Lang::Da), s.label(Lang::En));
    }
    for ch in Channel::ALL {
        assert_eq!(Channel::parse(ch.as_str()), Ok(ch));
        assert_eq!(
            serde_json::to_string(&ch).unwrap(),
            format!("\"{}\"", ch.as_str())
        );
    }
    let names: HashSet<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(names.len(), Category::ALL.len());
    assert_eq!(
        Category::parse(" Identity_Theft "),
        Ok(Category::IdentityTheft)
    );
    assert_eq!(
        Status::parse("pending"),
        Err(UnknownName {
            kind: "status",
            value: "pending".into()
        })
    );
    assert!(Channel::parse("fax").is_err());
    assert!(Category::parse("").is_err());
}

#[test]
fn default_priorities() {
    use Category::*;
    let table = [
        (LostOrStolenLoginMeans, Priority::Urgent),
        (IdentityTheft, Priority::Urgent),
        (UserId, Priority::Normal),
        (PasswordOrPin, Priority::High),
        (ActivationCode, Priority::High),
        (NemIdMigration, Priority::Normal),
        (DigitalPost, Priority::Normal),
        (NemKonto, Priority::Normal),
        (Business, Priority::Normal),
        (PowerOfAttorney, Priority::Normal),
        (Other, Priority::Normal),
    ];
    assert_eq!(table.len(), Category::ALL.len());
    for (category, priority) in table {
        assert_eq!(default_priority(category), priority, "{category:?}");
    }
}

#[test]
fn anonymous_urgent_cases_get_the_unverified_lane() {
    for channel in Channel::ALL {
        let anonymous = matches!(channel, Channel::WebForm | Channel::Email);
        assert_eq!(channel.is_anonymous(), anonymous, "{channel:?}");
        let urgent = Lane::of(Priority::Urgent, channel);
        assert_eq!(
            urgent,
            if anonymous {
                Lane::Unverified
            } else {
                Lane::Urgent
            },
            "{channel:?}"
        );
        for p in [Priority::High, Priority::Normal, Priority::Low] {
            assert_eq!(Lane::of(p, channel), Lane::Regular, "{p:?} {channel:?}");
        }
    }
    // The queue sorts by the stored value: verified urgent, unverified, the rest.
    assert!(Lane::Urgent.as_i64() < Lane::Unverified.as_i64());
    assert!(Lane::Unverified.as_i64() < Lane::Regular.as_i64());
    assert_ne!(
        Lane::Unverified.label(Lang::Da),
        Lane::Unverified.label(Lang::En)
    );
}

#[test]
fn only_waiting_on_citizen_pauses_the_sla() {
    for s in Status::ALL {
        assert_eq!(s.pauses_sla(), s == Status::WaitingOnCitizen, "{s:?}");
    }
}

#[test]
fn the_full_transition_table() {
    use Status::*;
    // Rows: from; columns: to, in Status::ALL order (new, open, waiting, resolved, closed).
    let table = [
        (New, [false, true, true, true, true]),
        (Open, [false, false, true, true, true]),
        (WaitingOnCitizen, [false, true, false, true, true]),
        (Resolved, [false, true, false, false, true]),
        (Closed, [false, true, false, false, false]),
    ];
    for (from, row) in table {
        for (to, allowed) in Status::ALL.into_iter().zip(row) {
            assert_eq!(can_transition(from, to), allowed, "{from:?} → {to:?}");
        }
    }
    // Nothing ever goes back to new, and nothing stays put.
    for s in Status::ALL {
        assert!(!can_transition(s, Status::New));
        assert!(!can_transition(s, s));
    }
    assert!(Status::Closed.is_done() && Status::Resolved.is_done());
    assert!(!Status::WaitingOnCitizen.is_done());
}

#[test]
fn case_refs() {
    let r = CaseRef::new(2026, 123).unwrap();
    assert_eq!(r.to_string(), "SAG-2026-000123");
    assert_eq!((r.year(), r.seq()), (2026, 123));
    for raw in ["SAG-2026-000123", " sag-2026-000123 ", "Sag-2026-000123"] {
        assert_eq!(CaseRef::parse(raw), Ok(r), "{raw:?}");
    }
    assert_eq!(
        CaseRef::parse("SAG-2026-999999").map(CaseRef::seq),
        Ok(999_999)
    );
    assert!(CaseRef::new(2026, 1).unwrap() < CaseRef::new(2026, 2).unwrap());
    assert!(CaseRef::new(2026, 999_999).unwrap() < CaseRef::new(2027, 1).unwrap());
}

#[test]
fn malformed_case_refs() {
    use CaseRefError::*;
    for (raw, err) in [
        ("", Format),
        ("SAG-2026-123", Format),
        ("SAG-2026-0000123", Format),
        ("SAG-26-000123", Format),
        ("SAG 2026 000123", Format),
        ("SAG-2026-000123-1", Format),
        ("CASE-2026-000123", Format),
        ("SAG-2026-+00123", Format),
        ("SAG-2026-00012a", Format),
        ("SAG-1999-000123", Year),
        ("SAG-2026-000000", Sequence),
    ] {
        assert_eq!(CaseRef::parse(raw), Err(err), "{raw:?}");
    }
    assert_eq!(CaseRef::new(10_000, 1), Err(Year));
    assert_eq!(CaseRef::new(2026, 1_000_000), Err(Sequence));
    assert_eq!(CaseRef::new(2026, 0), Err(Sequence));
}

#[test]
fn case_refs_serialize_as_their_written_form() {
    let r = CaseRef::new(2026, 42).unwrap();
    assert_eq!(serde_json::to_string(&r).unwrap(), "\"SAG-2026-000042\"");
    assert_eq!(
        serde_json::from_str::<CaseRef>("\"SAG-2026-000042\"").unwrap(),
        r
    );
    assert!(serde_json::from_str::<CaseRef>("\"SAG-2026-0\"").is_err());
}

#[test]
fn finds_a_reference_inside_a_subject() {
    let found = |t: &str| CaseRef::find_in(t).map(|r| r.to_string());
    assert_eq!(
        found("Re: SAG-2026-000123: Mistet kodeviser").as_deref(),
        Some("SAG-2026-000123")
    );
    assert_eq!(
        found("SV: sag-2026-000007").as_deref(),
        Some("SAG-2026-000007")
    );
    assert_eq!(
        found("Re: SAG-2026-12 og SAG-2026-000009").as_deref(),
        Some("SAG-2026-000009")
    );
    assert_eq!(found("SAG-2026-0001234"), None);
    assert_eq!(found("Hjælp"), None);
}

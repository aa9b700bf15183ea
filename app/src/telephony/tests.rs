//! Tests of `telephony`: the rules over a real (temporary) database.

use super::*;
use crate::domain::Username;
use crate::store::citizens::NewCitizen;
use crate::store::users::{self, NewStaff};

struct Desk {
    _dir: tempfile::TempDir,
    db: Db,
    vault: CprVault,
    consoles: crate::live::Bus<AgentCall>,
}

impl Desk {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        for (name, role) in [
            ("anna", Role::Supporter),
            ("bodil", Role::Supporter),
            ("skranke", Role::Borgerservice),
        ] {
            users::insert(
                &db,
                NewStaff {
                    username: &Username::parse(name).unwrap(),
                    display_name: name,
                    role,
                    password_hash: "x",
                    must_change_password: false,
                },
            )
            .await
            .unwrap();
        }
        Self {
            _dir: dir,
            db,
            vault: CprVault::from_master([3; 32]),
            consoles: crate::live::Bus::local(),
        }
    }

    fn line(&self) -> Line<'_> {
        Line {
            db: &self.db,
            vault: &self.vault,
            consoles: &self.consoles,
        }
    }

    /// A citizen with this phone number (stored as the contact form stores it) and one case.
    async fn citizen(&self, name: &str, phone: &str) -> String {
        let (phone, hash) = self.vault.phone_for_storage(phone);
        cases::create(
            &self.db,
            NewCase {
                subject: "Mistet kodeviser",
                body: "Hjælp.",
                system: System::MitId,
                category: Category::LostOrStolenLoginMeans,
                channel: Channel::WebForm,
                citizen: Some(NewCitizen {
                    name,
                    email: None,
                    phone: Some(&phone),
                    phone_hash: Some(&hash),
                    cpr: None,
                    lang: "da",
                }),
                status_token_hash: None,
                created_by_staff: None,
                opened_at: None,
            },
        )
        .await
        .unwrap()
        .to_string()
    }

    async fn event(&self, phase: &str, call: &str, from: &str, agent: &str, at: i64) -> Recorded {
        let json = format!(
            r#"{{"event":"{phase}","call_id":"{call}","from":"{from}","to":"+4570202020","agent":"{agent}"}}"#
        );
        let event = CtiEvent::parse(json.as_bytes()).unwrap();
        record(self.line(), &event, at).await.unwrap()
    }
}

#[tokio::test]
async fn a_call_is_matched_popped_logged_with_its_length_and_wrapped_up() {
    let desk = Desk::new().await;
    let open = desk.citizen("Karen Hansen", "12 34 56 78").await;
    let mut anna = desk.consoles.subscribe();

    let ringing = desk
        .event("ringing", "c1", "+4512345678", "anna", 1_000)
        .await;
    assert!(!ringing.duplicate);
    let pop = ringing.pop;
    assert_eq!(pop.phase, CallPhase::Ringing);
    assert_eq!(pop.caller.as_deref(), Some("+4512345678"));
    assert_eq!(pop.caller_display.as_deref(), Some("+45 12 34 56 78"));
    assert_eq!(pop.callers.len(), 1);
    assert_eq!(pop.callers[0].name, "Karen Hansen");
    assert_eq!(pop.callers[0].open_cases[0].reference, open);
    let told = anna.try_recv().unwrap();
    assert_eq!((told.agent.as_str(), told.pop), ("anna", pop));

    desk.event("answered", "c1", "+4512345678", "anna", 1_010)
        .await;
    let again = desk
        .event("answered", "c1", "+4512345678", "anna", 1_050)
        .await;
    assert!(again.duplicate, "a repeat changes nothing");
    let hung = desk
        .event("hangup", "c1", "+4512345678", "anna", 1_202)
        .await;
    assert_eq!(hung.pop.duration_seconds, Some(192));
    assert!(hung.pop.needs_wrap_up);
    assert_eq!(hung.pop.case_reference, None);

    // Not on a case yet: the summary waits for one.
    let err = wrap_up(desk.line(), "anna", "c1", "Glemt kode")
        .await
        .unwrap_err();
    assert!(matches!(err, TelephonyError::NoCase), "{err:?}");
    // Another supporter cannot take it over.
    let err = open_phone_case(desk.line(), "bodil", "c1")
        .await
        .unwrap_err();
    assert!(matches!(err, TelephonyError::NotYourCall), "{err:?}");

    let (reference, live) = open_phone_case(desk.line(), "anna", "c1").await.unwrap();
    assert!(live.is_some());
    let (same, live) = open_phone_case(desk.line(), "anna", "c1").await.unwrap();
    assert_eq!(
        (same.as_str(), live),
        (reference.as_str(), None),
        "one case per call"
    );
    let case = cases::find(&desk.db, &reference).await.unwrap().unwrap();
    assert_eq!(case.row.channel, Channel::Phone);
    assert_eq!(case.citizen.unwrap().name, "Karen Hansen");
    let timeline = cases::timeline(&desk.db, case.id).await.unwrap();
    let calls: Vec<_> = timeline.iter().filter(|e| e.kind == "call").collect();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].detail.as_deref(), Some("incoming · 3:12"));

    let err = wrap_up(desk.line(), "anna", "c1", "CPR 010190-1234")
        .await
        .unwrap_err();
    assert!(
        matches!(err, TelephonyError::Summary(CallError::ContainsCpr)),
        "{err:?}"
    );
    let err = wrap_up(desk.line(), "anna", "c1", "a\u{0}b")
        .await
        .unwrap_err();
    assert!(matches!(err, TelephonyError::Garbled), "{err:?}");
    wrap_up(desk.line(), "anna", "c1", "Glemt kode; nulstillet.")
        .await
        .unwrap();
    let err = wrap_up(desk.line(), "anna", "c1", "Igen")
        .await
        .unwrap_err();
    assert!(matches!(err, TelephonyError::AlreadyWrappedUp), "{err:?}");
    let timeline = cases::timeline(&desk.db, case.id).await.unwrap();
    let call = timeline.iter().find(|e| e.kind == "call").unwrap();
    assert_eq!(call.body, "Glemt kode; nulstillet.");
    assert_eq!(current_call(desk.line(), "anna").await.unwrap(), None);

    let log = calls_today(&desk.db).await.unwrap();
    assert_eq!(log.len(), 0, "the test's calls are from 1970");
}

#[tokio::test]
async fn a_call_nobody_answered_is_missed_and_shows_in_todays_log() {
    let desk = Desk::new().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    desk.event("ringing", "m1", "87654321", "bodil", now - 30)
        .await;
    let current = current_call(desk.line(), "bodil").await.unwrap().unwrap();
    assert_eq!(current.phase, CallPhase::Ringing);
    assert!(
        current.callers.is_empty(),
        "an unknown number matches nobody"
    );
    let hung = desk.event("hangup", "m1", "87654321", "bodil", now).await;
    assert!(hung.pop.missed && !hung.pop.needs_wrap_up);
    assert_eq!(current_call(desk.line(), "bodil").await.unwrap(), None);
    let err = wrap_up(desk.line(), "bodil", "m1", "x").await.unwrap_err();
    assert!(matches!(err, TelephonyError::Missed), "{err:?}");
    let log = calls_today(&desk.db).await.unwrap();
    assert_eq!(log.len(), 1);
    assert!(log[0].missed);
    assert_eq!(log[0].caller_display.as_deref(), Some("+45 87 65 43 21"));
    assert_eq!(log[0].agent, "bodil");
}

#[tokio::test]
async fn only_active_supporters_take_calls() {
    let desk = Desk::new().await;
    for agent in ["nobody", "skranke"] {
        let json = format!(r#"{{"event":"ringing","call_id":"x","agent":"{agent}"}}"#);
        let event = CtiEvent::parse(json.as_bytes()).unwrap();
        let err = record(desk.line(), &event, 1).await.unwrap_err();
        assert!(
            matches!(err, TelephonyError::UnknownAgent),
            "{agent}: {err:?}"
        );
    }
}

#[tokio::test]
async fn attaching_to_an_open_case_logs_the_call_there_once_it_ends() {
    let desk = Desk::new().await;
    let reference = desk.citizen("Ole", "+45 11 22 33 44").await;
    desk.event("ringing", "a1", "11223344", "anna", 100).await;
    desk.event("answered", "a1", "11223344", "anna", 105).await;
    let err = attach(desk.line(), "anna", "a1", "SAG-2026-999999")
        .await
        .unwrap_err();
    assert!(matches!(err, TelephonyError::UnknownCase), "{err:?}");
    attach(desk.line(), "anna", "a1", &reference).await.unwrap();
    let case = cases::find(&desk.db, &reference).await.unwrap().unwrap();
    let logged = |t: &[crate::domain::case_views::TimelineEntry]| {
        t.iter().filter(|e| e.kind == "call").count()
    };
    assert_eq!(
        logged(&cases::timeline(&desk.db, case.id).await.unwrap()),
        0
    );
    let hung = desk.event("hangup", "a1", "11223344", "anna", 170).await;
    assert_eq!(hung.pop.case_reference.as_deref(), Some(reference.as_str()));
    desk.event("hangup", "a1", "11223344", "anna", 999).await;
    let timeline = cases::timeline(&desk.db, case.id).await.unwrap();
    assert_eq!(
        logged(&timeline),
        1,
        "once, however often the hang-up comes"
    );
    assert!(
        timeline
            .iter()
            .any(|e| e.detail.as_deref() == Some("incoming · 1:05"))
    );
}

#[tokio::test]
async fn stored_numbers_are_hashed_at_start_up_however_they_were_written() {
    let desk = Desk::new().await;
    let mut tx = desk.db.begin_write().await.unwrap();
    for (name, phone) in [
        ("Gammel", "0045 99 88 77 66"),
        ("Ukendt", "ring efter kl. 16"),
    ] {
        citizens::find_or_create(
            &mut tx,
            &NewCitizen {
                name,
                email: None,
                phone: Some(phone),
                phone_hash: None,
                cpr: None,
                lang: "da",
            },
            "2026-01-01T00:00:00Z",
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(
        backfill_phone_hashes(&desk.db, &desk.vault).await.unwrap(),
        2
    );
    assert_eq!(
        backfill_phone_hashes(&desk.db, &desk.vault).await.unwrap(),
        0
    );
    let pop = desk
        .event("ringing", "b1", "+4599887766", "anna", 1)
        .await
        .pop;
    assert_eq!(pop.callers.len(), 1);
    assert_eq!(pop.callers[0].name, "Gammel");
}

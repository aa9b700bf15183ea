//! Tests of `login`.

use super::*;
use crate::auth::password;
use crate::domain::throttle;
use crate::domain::{Role, Username};

const NOW: i64 = 1_800_000_000;

async fn db_with(users: &[(&str, &str)]) -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
    db.migrate().await.unwrap();
    for (name, pw) in users {
        let username = Username::parse(name).unwrap();
        let hash = password::hash((*pw).to_owned()).await.unwrap();
        users::insert(
            &db,
            users::NewStaff {
                username: &username,
                display_name: name,
                role: Role::Supporter,
                password_hash: &hash,
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    }
    (dir, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_parallel_wrong_guesses_evaluate_at_most_five_passwords() {
    let (_dir, db) = db_with(&[("supporter", "rigtig-kode-1234")]).await;
    let gate = HashGate::new(2, 100);
    let none = TrustedNetworks::default();
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let (db, gate, none) = (db.clone(), gate.clone(), none.clone());
            tokio::spawn(async move {
                attempt(
                    &db,
                    &gate,
                    &none,
                    "Supporter",
                    format!("forkert-{i}"),
                    "203.0.113.5",
                    NOW,
                )
                .await
            })
        })
        .collect();
    let (mut wrong, mut locked) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Err(AppError::InvalidCredentials) => wrong += 1,
            Err(AppError::TooManyAttempts {
                retry_after_minutes: 1,
            }) => locked += 1,
            other => panic!("unexpected {:?}", other.map(|r| r.username)),
        }
    }
    assert_eq!((wrong, locked), (5, 35));
    assert_eq!(gate.verifications(), 5, "argon2 runs");
    // Now even the right password waits at this address ...
    assert!(matches!(
        attempt(
            &db,
            &gate,
            &none,
            "supporter",
            "rigtig-kode-1234".into(),
            "203.0.113.5",
            NOW
        )
        .await,
        Err(AppError::TooManyAttempts { .. })
    ));
    // ... but not from the user's own address, and not after the minute.
    for (client, at) in [("198.51.100.7", NOW), ("203.0.113.5", NOW + 60)] {
        let r = attempt(
            &db,
            &gate,
            &none,
            "supporter",
            "rigtig-kode-1234".into(),
            client,
            at,
        )
        .await
        .unwrap();
        assert_eq!(r.username, "supporter");
    }
    assert_eq!(gate.verifications(), 7);
}

#[tokio::test]
async fn a_colleague_behind_the_nat_logs_in_after_thirty_failures_of_others() {
    let (_dir, db) = db_with(&[("kollega", "rigtig-kode-1234")]).await;
    let gate = HashGate::new(2, 100);
    let nat = "192.0.2.44";
    for trusted in [
        TrustedNetworks::default(),
        TrustedNetworks::parse("192.0.2.0/24").unwrap(),
    ] {
        for i in 0..30 {
            let who = format!("bruger{}", i % 6);
            let r = attempt(&db, &gate, &trusted, &who, "forkert".into(), nat, NOW).await;
            assert!(matches!(
                r,
                Err(AppError::InvalidCredentials | AppError::TooManyAttempts { .. })
            ));
        }
        let r = attempt(
            &db,
            &gate,
            &trusted,
            "kollega",
            "rigtig-kode-1234".into(),
            nat,
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(r.username, "kollega");
    }
}

#[tokio::test]
async fn beyond_the_loose_address_limit_only_trusted_networks_log_in() {
    let (_dir, db) = db_with(&[("kollega", "rigtig-kode-1234")]).await;
    let nat = "192.0.2.44";
    // The address limit's failures, on record without hashing 100 passwords here.
    for i in 0..throttle::ADDRESS.threshold {
        let who = format!("bruger{i}");
        let r = login_failures::reserve(&db, &who, nat, false, NOW)
            .await
            .unwrap();
        assert!(matches!(r, Reservation::Reserved { .. }));
    }
    let gate = HashGate::new(2, 100);
    let r = attempt(
        &db,
        &gate,
        &TrustedNetworks::default(),
        "kollega",
        "rigtig-kode-1234".into(),
        nat,
        NOW,
    )
    .await;
    assert_eq!(
        r.err(),
        Some(AppError::TooManyAttempts {
            retry_after_minutes: 1
        })
    );
    assert_eq!(gate.verifications(), 0, "refused before hashing");
    let trusted = TrustedNetworks::parse("10.0.0.0/8,192.0.2.0/24").unwrap();
    let r = attempt(
        &db,
        &gate,
        &trusted,
        "kollega",
        "rigtig-kode-1234".into(),
        nat,
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(r.username, "kollega");
}

#[tokio::test]
async fn a_full_gate_refuses_at_once_and_nothing_is_recorded() {
    let (_dir, db) = db_with(&[]).await;
    let gate = HashGate::new(1, 0);
    let _held = gate.admit().unwrap();
    let r = attempt(
        &db,
        &gate,
        &TrustedNetworks::default(),
        "supporter",
        "x".into(),
        "203.0.113.5",
        NOW,
    )
    .await;
    assert_eq!(r.err(), Some(AppError::Busy));
    assert_eq!(AppError::Busy.status_code(), 429);
    let failures: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(failures, 0);
}

#[test]
fn overlong_usernames_are_cut_before_they_are_recorded() {
    assert_eq!(username_key("  Supporter "), "supporter");
    assert_eq!(
        username_key(&"a".repeat(1_000_000)).chars().count(),
        MAX_KEY_CHARS
    );
}

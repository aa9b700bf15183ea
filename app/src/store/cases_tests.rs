//! Tests of `cases`.

use super::*;
use crate::domain::case_views::QueueFilter;
use crate::store::case_queue::{counts, queue};

fn new_case(subject: &str, category: Category, channel: Channel) -> NewCase<'_> {
    NewCase {
        subject,
        body: "Sag til køen.",
        system: System::MitId,
        category,
        channel,
        citizen: None,
        status_token_hash: None,
        created_by_staff: None,
        opened_at: None,
    }
}

#[tokio::test]
async fn anonymous_urgent_cases_queue_after_the_verified_urgent_lane() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
    db.migrate().await.unwrap();
    // Anonymous "identity theft" first, so creation order alone would put it on top.
    for (subject, category, channel) in [
        ("web theft", Category::IdentityTheft, Channel::WebForm),
        (
            "mail lost",
            Category::LostOrStolenLoginMeans,
            Channel::Email,
        ),
        ("web password", Category::PasswordOrPin, Channel::WebForm),
        ("phone theft", Category::IdentityTheft, Channel::Phone),
        (
            "counter lost",
            Category::LostOrStolenLoginMeans,
            Channel::Counter,
        ),
    ] {
        create(&db, new_case(subject, category, channel))
            .await
            .unwrap();
    }
    let (rows, total) = queue(&db, &QueueFilter::default(), "nobody", 50)
        .await
        .unwrap();
    assert_eq!(total, 5);
    let order: Vec<&str> = rows.iter().map(|r| r.subject.as_str()).collect();
    // Verified urgent (both due at once; then by id), unverified urgent, the rest.
    assert_eq!(
        order,
        [
            "phone theft",
            "counter lost",
            "web theft",
            "mail lost",
            "web password"
        ]
    );
    // They keep their urgent priority; only the verified lane counts as urgent work.
    assert!(rows[..4].iter().all(|r| r.priority == Priority::Urgent));
    let (_, urgent) = counts(&db).await.unwrap();
    assert_eq!(urgent, 2);
    // The default queue still reads the partial covering index, lanes and all.
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "EXPLAIN QUERY PLAN SELECT c.reference FROM cases c INDEXED BY cases_open_queue
         WHERE c.status IN ('new', 'open', 'waiting_on_citizen')
         ORDER BY c.lane, c.resolution_due, c.id LIMIT 50",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let plan: String = plan.into_iter().map(|r| r.3 + "\n").collect();
    assert!(plan.contains("cases_open_queue"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE FOR ORDER BY"), "{plan}");
}

#[tokio::test]
async fn the_lane_migration_moves_existing_cases_without_queueing_them_for_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
    // The schema as it was before the unverified lane.
    for m in crate::store::db::MIGRATOR
        .iter()
        .filter(|m| m.version < 20261201000104)
    {
        sqlx::raw_sql(&m.sql).execute(db.pool()).await.unwrap();
    }
    let old = [
        ("phone", "urgent", 0),
        ("web_form", "urgent", 0),
        ("email", "urgent", 0),
        ("web_form", "high", 1),
        ("phone", "normal", 1),
    ];
    for (i, (channel, priority, lane)) in old.iter().enumerate() {
        sqlx::query(
            "INSERT INTO cases (reference, subject, system, category, priority, lane, status,
                channel, created_at, updated_at, sla_started, first_response_due,
                resolution_due)
             VALUES (?, 's', 'MitID', 'other', ?, ?, 'new', ?, 't', 't', 't', 't', 't')",
        )
        .bind(format!("SAG-2026-00000{}", i + 1))
        .bind(priority)
        .bind(lane)
        .bind(channel)
        .execute(db.pool())
        .await
        .unwrap();
    }
    let changes_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_changes")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let lane_migration = crate::store::db::MIGRATOR
        .iter()
        .find(|m| m.version == 20261201000104)
        .unwrap();
    sqlx::raw_sql(&lane_migration.sql)
        .execute(db.pool())
        .await
        .unwrap();
    let lanes: Vec<i64> = sqlx::query_scalar("SELECT lane FROM cases ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(lanes, [0, 1, 1, 2, 2]);
    let changes_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_changes")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(changes_after, changes_before);
    // The change log still follows later updates.
    sqlx::query("UPDATE cases SET status = 'open' WHERE id = 1")
        .execute(db.pool())
        .await
        .unwrap();
    let changes_now: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_changes")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(changes_now, changes_before + 1);
}

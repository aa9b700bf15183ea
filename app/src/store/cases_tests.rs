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
    let (rows, _, total) = queue(&db, &QueueFilter::default(), "nobody", 50)
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
             VALUES ($1, 's', 'MitID', 'other', $2, $3, 'new', $4, 't', 't', 't', 't', 't')",
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

#[tokio::test]
async fn every_queue_order_pages_through_all_open_work_once_and_the_views_count_it() {
    use crate::domain::queue_order::QueueSort;
    use crate::store::case_queue::view_counts;

    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
    db.migrate().await.unwrap();
    let categories = [
        Category::IdentityTheft,
        Category::PasswordOrPin,
        Category::LostOrStolenLoginMeans,
        Category::Other,
    ];
    let systems = [System::MitId, System::DigitalPost, System::Virk];
    for i in 0..23 {
        let mut case = new_case("paged", categories[i % 4], Channel::Phone);
        case.system = systems[i % 3];
        create(&db, case).await.unwrap();
    }
    for sort in QueueSort::ALL {
        let mut seen = Vec::new();
        let mut filter = QueueFilter {
            sort,
            ..QueueFilter::default()
        };
        let mut pages = 0;
        loop {
            let (rows, next, total) = queue(&db, &filter, "nobody", 5).await.unwrap();
            assert_eq!(total, 23);
            assert!(rows.len() <= 5);
            seen.extend(rows.iter().map(|r| (r.reference.clone(), r.priority)));
            pages += 1;
            match next {
                Some(cursor) => filter.after = Some(cursor),
                None => break,
            }
        }
        assert_eq!(pages, 5, "{sort:?}");
        let mut unique: Vec<_> = seen.iter().map(|(r, _)| r.clone()).collect();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 23, "{sort:?}: every case once");
        match sort {
            QueueSort::Created => {
                let refs: Vec<_> = seen.iter().map(|(r, _)| r.clone()).collect();
                let mut newest_first = refs.clone();
                newest_first.sort_by(|a, b| b.cmp(a));
                assert_eq!(refs, newest_first);
            }
            QueueSort::Priority => {
                let ranks: Vec<i64> = seen
                    .iter()
                    .map(|(_, p)| crate::domain::queue_order::priority_rank(*p))
                    .collect();
                assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
            }
            QueueSort::Due => {}
        }
    }
    let views = view_counts(&db, "nobody").await.unwrap();
    assert_eq!(views.open, 23);
    assert_eq!(views.unassigned, 23);
    assert_eq!(views.mine, 0);
    // Identity theft and lost means are urgent: 6 + 6 of the 23.
    assert_eq!(views.urgent, 12);
    let count = |s| views.systems.iter().find(|(x, _)| *x == s).unwrap().1;
    assert_eq!(
        (
            count(System::MitId),
            count(System::DigitalPost),
            count(System::Virk)
        ),
        (8, 8, 7)
    );
    assert_eq!(count(System::NemKonto), 0);

    // The history's priority order is read from its index, not sorted.
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "EXPLAIN QUERY PLAN SELECT c.reference FROM cases c WHERE c.status = 'resolved'
         ORDER BY (CASE c.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END),
                  c.resolution_due, c.id LIMIT 50",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let plan: String = plan.into_iter().map(|r| r.3 + "\n").collect();
    assert!(plan.contains("cases_by_status_priority"), "{plan}");
}

//! What citizens do in the self-service help, counted: the searches that found nothing (for
//! the knowledge-base team's "searches without results" report, `kb_admin::search_misses`), and
//! per hour how many searched, found nothing, opened a guide and wrote in anyway (the team
//! lead's deflection figures, table `kb_activity`).
//!
//! Anyone can search without logging in, so neither a search nor a miss may cost a write: that
//! would let a stranger keep the one database writer busy with made-up queries. Both are
//! counted in memory — misses in a map of at most [`MAX_QUERIES`] distinct (shortened) queries,
//! activity in one counter per hour and kind — and written in one group-commit write per flush:
//! every [`FLUSH_EVERY`], or sooner when the map is full. The `search_misses` table keeps the
//! [`MAX_STORED`] most frequent queries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::sql_builder::SqlBuilder;
use tokio::sync::Notify;

use super::cases::utc_now;
use super::db::Conn;
use super::{Db, StoreError};
use crate::domain::help_activity::Activity;

/// Distinct queries counted in memory between two flushes.
pub const MAX_QUERIES: usize = 10_000;
/// A query is counted by its first this many characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Queries the table keeps (the most frequent, then the most recent).
pub const MAX_STORED: i64 = 10_000;
/// How often the counts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(30);
/// The least time between two flushes, even when the map keeps filling up.
const MIN_GAP: Duration = Duration::from_secs(1);
/// Rows per statement (four values each; SQLite allows 32,766 per statement).
const ROWS_PER_STATEMENT: usize = 1_000;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Tally {
    count: i64,
    last_at: String,
}

type Counts = HashMap<(String, &'static str), Tally>;
/// Per UTC hour (`YYYY-MM-DDTHH`) and kind; a flush every 30 s leaves one or two hours here.
type Activities = HashMap<(String, Activity), i64>;

/// The in-memory counts; shared by all requests (it lives in `AppState`).
#[derive(Debug)]
pub struct HelpCounts {
    counts: Mutex<Counts>,
    activity: Mutex<Activities>,
    cap: usize,
    /// Wakes the flusher when the map is full.
    full: Notify,
    /// Misses not counted because the map was full (logged at the next flush).
    dropped: AtomicU64,
    /// Flushes that wrote something.
    writes: AtomicU64,
}

impl Default for HelpCounts {
    fn default() -> Self {
        Self::new(MAX_QUERIES)
    }
}

/// The form a query is counted under: lower case, single spaces, at most
/// [`MAX_QUERY_CHARS`] characters.
pub fn normalise(query: &str) -> String {
    query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain counts behind: still usable.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl HelpCounts {
    pub fn new(cap: usize) -> Self {
        Self {
            counts: Mutex::new(HashMap::new()),
            activity: Mutex::new(HashMap::new()),
            cap: cap.max(1),
            full: Notify::new(),
            dropped: AtomicU64::new(0),
            writes: AtomicU64::new(0),
        }
    }

    fn counts(&self) -> MutexGuard<'_, Counts> {
        lock(&self.counts)
    }

    /// Counts one step of the help (a search, a miss, a guide opened, a form sent) in the
    /// current UTC hour.
    pub fn count(&self, activity: Activity) {
        let hour: String = utc_now().chars().take(13).collect();
        *lock(&self.activity).entry((hour, activity)).or_insert(0) += 1;
    }

    /// Counts one search without a hit. A new query when the map is full is not counted (and
    /// the flusher is woken); returns whether it was counted.
    pub fn record(&self, query: &str, lang: &'static str) -> bool {
        let query = normalise(query);
        if query.is_empty() {
            return false;
        }
        let now = utc_now();
        let mut counts = self.counts();
        let len = counts.len();
        let counted = match counts.get_mut(&(query.clone(), lang)) {
            Some(tally) => {
                tally.count += 1;
                tally.last_at = now;
                true
            }
            None if len < self.cap => {
                counts.insert(
                    (query, lang),
                    Tally {
                        count: 1,
                        last_at: now,
                    },
                );
                true
            }
            None => false,
        };
        let is_full = counts.len() >= self.cap;
        drop(counts);
        if !counted {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        if is_full {
            self.full.notify_one();
        }
        counted
    }

    /// Distinct queries and hourly counters waiting to be written.
    pub fn pending(&self) -> usize {
        self.counts().len() + lock(&self.activity).len()
    }

    /// Flushes that wrote something, so far.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// Writes the counts so far in one write and forgets them; returns how many queries and
    /// hourly counters were written. If the write fails, the counts are kept for the next
    /// flush.
    pub async fn flush(&self, db: &Db) -> Result<usize, StoreError> {
        let batch: Vec<((String, &'static str), Tally)> =
            std::mem::take(&mut *self.counts()).into_iter().collect();
        let hours: Vec<((String, Activity), i64)> = std::mem::take(&mut *lock(&self.activity))
            .into_iter()
            .collect();
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "searches without a hit not counted: the map was full"
            );
        }
        if batch.is_empty() && hours.is_empty() {
            return Ok(0);
        }
        let n = batch.len() + hours.len();
        let batch = Arc::new((batch, hours));
        let written = {
            let batch = batch.clone();
            db.write(move |tx| {
                Box::pin(async move {
                    write_batch(tx, &batch.0).await?;
                    write_hours(tx, &batch.1).await
                })
            })
            .await
        };
        match written {
            Ok(()) => {
                self.writes.fetch_add(1, Ordering::Relaxed);
                Ok(n)
            }
            Err(err) => {
                self.put_back(&batch.0);
                let mut activity = lock(&self.activity);
                for (key, n) in &batch.1 {
                    *activity.entry(key.clone()).or_insert(0) += n;
                }
                Err(err)
            }
        }
    }

    /// Merges counts that could not be written back into the map, within the cap.
    fn put_back(&self, batch: &[((String, &'static str), Tally)]) {
        let mut counts = self.counts();
        for (key, tally) in batch {
            let len = counts.len();
            match counts.get_mut(key) {
                Some(now) => now.count += tally.count,
                None if len < self.cap => {
                    counts.insert(key.clone(), tally.clone());
                }
                None => {}
            }
        }
    }

    /// Flushes every `every`, and when the map is full (at most once per second), for as long
    /// as the server runs.
    pub fn spawn_flusher(self: &Arc<Self>, db: Db, every: Duration) {
        let counter = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    () = counter.full.notified() => {}
                }
                if let Err(err) = counter.flush(&db).await {
                    tracing::error!(error = %err, "cannot write the searches without a hit");
                }
                tokio::time::sleep(MIN_GAP).await;
            }
        });
    }
}

/// Adds the counts to the table and trims it to [`MAX_STORED`] queries.
async fn write_batch(
    tx: &mut Conn,
    batch: &[((String, &'static str), Tally)],
) -> Result<(), StoreError> {
    for chunk in batch.chunks(ROWS_PER_STATEMENT) {
        SqlBuilder::new("INSERT INTO search_misses (query, lang, count, last_at) ")
            .push_values(chunk, |mut row, ((query, lang), tally)| {
                row.push_bind(query)
                    .push_bind(*lang)
                    .push_bind(tally.count)
                    .push_bind(&tally.last_at);
            })
            .push(
                " ON CONFLICT (query, lang) DO UPDATE
                    SET count = search_misses.count + excluded.count,
                    last_at = CASE WHEN excluded.last_at > search_misses.last_at
                              THEN excluded.last_at ELSE search_misses.last_at END",
            )
            .build()?
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "DELETE FROM search_misses WHERE rowid NOT IN (
             SELECT rowid FROM search_misses ORDER BY count DESC, last_at DESC LIMIT $1)",
    )
    .bind(MAX_STORED)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Adds the hourly counters to `kb_activity`.
async fn write_hours(tx: &mut Conn, hours: &[((String, Activity), i64)]) -> Result<(), StoreError> {
    for chunk in hours.chunks(ROWS_PER_STATEMENT) {
        SqlBuilder::new("INSERT INTO kb_activity (hour, kind, n) ")
            .push_values(chunk, |mut row, ((hour, kind), n)| {
                row.push_bind(hour).push_bind(kind.as_str()).push_bind(*n);
            })
            .push(" ON CONFLICT (hour, kind) DO UPDATE SET n = kb_activity.n + excluded.n")
            .build()?
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        (dir, db)
    }

    async fn stored(db: &Db) -> Vec<(String, String, i64)> {
        sqlx::query_as("SELECT query, lang, count FROM search_misses ORDER BY query, lang")
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_thousand_misses_are_one_write_with_the_right_counts() {
        let (_dir, db) = db().await;
        let counter = HelpCounts::default();
        for n in 0..1_000 {
            // 50 queries, 20 times each, in both languages and varying spellings.
            let query = format!("  Glemt   KODE {} ", n % 50);
            assert!(counter.record(&query, if (n / 50) % 2 == 0 { "da" } else { "en" }));
        }
        // Nothing written yet: a miss costs no write.
        assert!(stored(&db).await.is_empty());
        assert_eq!(counter.pending(), 100);
        assert_eq!(counter.flush(&db).await.unwrap(), 100);
        assert_eq!(counter.writes(), 1);
        assert_eq!(counter.pending(), 0);
        let rows = stored(&db).await;
        assert_eq!(rows.len(), 100);
        assert!(rows.iter().all(|(_, _, count)| *count == 10), "{rows:?}");
        assert!(
            rows.iter()
                .any(|(q, l, _)| q == "glemt kode 7" && l == "en")
        );
        // A later flush adds to what is stored; an empty one writes nothing.
        for _ in 0..5 {
            counter.record("glemt kode 7", "en");
        }
        counter.flush(&db).await.unwrap();
        assert_eq!(counter.flush(&db).await.unwrap(), 0);
        assert_eq!(counter.writes(), 2);
        let count: i64 = sqlx::query_scalar(
            "SELECT count FROM search_misses WHERE query = 'glemt kode 7' AND lang = 'en'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(count, 15);
        // The report reads them as before, most frequent first.
        let report = super::super::kb_admin::search_misses(&db, 3).await.unwrap();
        assert_eq!(report[0].query, "glemt kode 7");
        assert_eq!(report[0].count, 15);
    }

    #[tokio::test]
    async fn the_cap_holds_under_a_hundred_thousand_distinct_queries() {
        let (_dir, db) = db().await;
        let counter = HelpCounts::default();
        let mut counted = 0;
        for n in 0..100_000 {
            if counter.record(&format!("nonsens {n} {}", "x".repeat(500)), "da") {
                counted += 1;
            }
            assert!(counter.pending() <= MAX_QUERIES);
        }
        assert_eq!(counted, MAX_QUERIES);
        counter.flush(&db).await.unwrap();
        assert_eq!(counter.writes(), 1);
        let longest: i64 = sqlx::query_scalar("SELECT MAX(length(query)) FROM search_misses")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(longest, i64::try_from(MAX_QUERY_CHARS).unwrap());
        // After the flush there is room again; the table keeps at most MAX_STORED rows.
        for n in 100_000..110_000 {
            assert!(counter.record(&format!("nonsens {n}"), "da"));
        }
        counter.flush(&db).await.unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_misses")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(rows, MAX_STORED);
    }

    #[tokio::test]
    async fn the_flusher_writes_when_the_map_fills() {
        let (_dir, db) = db().await;
        let counter = Arc::new(HelpCounts::new(10));
        counter.spawn_flusher(db.clone(), Duration::from_secs(3_600));
        for n in 0..10 {
            counter.record(&format!("fyld {n}"), "da");
        }
        // Long before the hourly flush, the full map is written.
        for _ in 0..100 {
            if counter.writes() > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(counter.writes(), 1);
        assert_eq!(stored(&db).await.len(), 10);
    }

    #[tokio::test]
    async fn help_activity_is_counted_per_hour_and_kind_in_the_same_write() {
        let (_dir, db) = db().await;
        let counter = HelpCounts::default();
        for _ in 0..7 {
            counter.count(Activity::Searched);
        }
        counter.count(Activity::Missed);
        counter.count(Activity::Opened);
        counter.count(Activity::Opened);
        counter.record("ingen hit", "da");
        assert_eq!(counter.pending(), 4);
        assert_eq!(counter.flush(&db).await.unwrap(), 4);
        assert_eq!(counter.writes(), 1, "misses and activity in one write");
        counter.count(Activity::Searched);
        counter.count(Activity::WroteIn);
        counter.flush(&db).await.unwrap();
        let rows: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT hour, kind, n FROM kb_activity ORDER BY kind")
                .fetch_all(db.pool())
                .await
                .unwrap();
        let hour: String = utc_now().chars().take(13).collect();
        let kinds: Vec<(&str, i64)> = rows.iter().map(|(_, k, n)| (k.as_str(), *n)).collect();
        assert_eq!(
            kinds,
            [
                ("missed", 1),
                ("opened", 2),
                ("searched", 8),
                ("wrote_in", 1)
            ]
        );
        // Written in the hour they happened (unless the hour turned during the test).
        assert!(rows.iter().all(|(h, _, _)| h.len() == 13 && *h <= hour));
    }

    #[test]
    fn queries_are_counted_in_one_short_form() {
        assert_eq!(normalise("  Glemt\tKODE\n "), "glemt kode");
        assert_eq!(normalise(&"å".repeat(300)).chars().count(), MAX_QUERY_CHARS);
        let counter = HelpCounts::new(2);
        assert!(counter.record("A", "da"));
        assert!(counter.record(" a ", "da"));
        assert!(counter.record("a", "en"));
        assert!(!counter.record("b", "da"), "the map is full");
        assert!(counter.record("A", "en"), "a known query is still counted");
        assert!(!counter.record("   ", "da"));
    }
}

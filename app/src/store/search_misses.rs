//! Citizens' searches that found nothing, for the knowledge-base team's "searches without
//! results" report (`kb_admin::search_misses` reads the `search_misses` table).
//!
//! Anyone can search without logging in, so a miss must not cost a write: that would let a
//! stranger keep the one database writer busy with made-up queries. Misses are counted in
//! memory, in a map of at most [`MAX_QUERIES`] distinct (shortened) queries, and written in one
//! group-commit write per flush: every [`FLUSH_EVERY`], or sooner when the map is full. The
//! table itself keeps the [`MAX_STORED`] most frequent queries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use tokio::sync::Notify;

use super::cases::utc_now;
use super::{Db, StoreError};

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

/// The in-memory counts; shared by all requests (it lives in `AppState`).
#[derive(Debug)]
pub struct MissCounter {
    counts: Mutex<Counts>,
    cap: usize,
    /// Wakes the flusher when the map is full.
    full: Notify,
    /// Misses not counted because the map was full (logged at the next flush).
    dropped: AtomicU64,
    /// Flushes that wrote something.
    writes: AtomicU64,
}

impl Default for MissCounter {
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

impl MissCounter {
    pub fn new(cap: usize) -> Self {
        Self {
            counts: Mutex::new(HashMap::new()),
            cap: cap.max(1),
            full: Notify::new(),
            dropped: AtomicU64::new(0),
            writes: AtomicU64::new(0),
        }
    }

    fn counts(&self) -> MutexGuard<'_, Counts> {
        // A panic while holding the lock leaves plain counts behind: still usable.
        self.counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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

    /// Distinct queries waiting to be written.
    pub fn pending(&self) -> usize {
        self.counts().len()
    }

    /// Flushes that wrote something, so far.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// Writes the counts so far in one write and forgets them; returns how many queries were
    /// written. If the write fails, the counts are kept for the next flush.
    pub async fn flush(&self, db: &Db) -> Result<usize, StoreError> {
        let batch: Vec<((String, &'static str), Tally)> =
            std::mem::take(&mut *self.counts()).into_iter().collect();
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "searches without a hit not counted: the map was full"
            );
        }
        if batch.is_empty() {
            return Ok(0);
        }
        let n = batch.len();
        let batch = Arc::new(batch);
        let written = {
            let batch = batch.clone();
            db.write(move |tx| Box::pin(async move { write_batch(tx, &batch).await }))
                .await
        };
        match written {
            Ok(()) => {
                self.writes.fetch_add(1, Ordering::Relaxed);
                Ok(n)
            }
            Err(err) => {
                self.put_back(&batch);
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
    tx: &mut SqliteConnection,
    batch: &[((String, &'static str), Tally)],
) -> Result<(), StoreError> {
    for chunk in batch.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::<Sqlite>::new("INSERT INTO search_misses (query, lang, count, last_at) ")
            .push_values(chunk, |mut row, ((query, lang), tally)| {
                row.push_bind(query)
                    .push_bind(*lang)
                    .push_bind(tally.count)
                    .push_bind(&tally.last_at);
            })
            .push(
                " ON CONFLICT (query, lang) DO UPDATE SET count = count + excluded.count,
                    last_at = max(last_at, excluded.last_at)",
            )
            .build()
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "DELETE FROM search_misses WHERE rowid IN (
             SELECT rowid FROM search_misses ORDER BY count DESC, last_at DESC LIMIT -1 OFFSET ?)",
    )
    .bind(MAX_STORED)
    .execute(&mut *tx)
    .await?;
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
        let counter = MissCounter::default();
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
        let counter = MissCounter::default();
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
        let counter = Arc::new(MissCounter::new(10));
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

    #[test]
    fn queries_are_counted_in_one_short_form() {
        assert_eq!(normalise("  Glemt\tKODE\n "), "glemt kode");
        assert_eq!(normalise(&"å".repeat(300)).chars().count(), MAX_QUERY_CHARS);
        let counter = MissCounter::new(2);
        assert!(counter.record("A", "da"));
        assert!(counter.record(" a ", "da"));
        assert!(counter.record("a", "en"));
        assert!(!counter.record("b", "da"), "the map is full");
        assert!(counter.record("A", "en"), "a known query is still counted");
        assert!(!counter.record("   ", "da"));
    }
}

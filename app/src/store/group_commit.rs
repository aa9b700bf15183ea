//! Group commit: one writer task takes every write waiting for it, runs each in its own
//! savepoint of one `BEGIN IMMEDIATE` transaction, commits once and only then answers each
//! caller. With `synchronous=FULL` every commit waits for the disk; sharing that wait lets
//! intake outrun the disk's commit rate, while a caller still hears "done" only after its rows
//! are on disk. A write that fails rolls back to its savepoint and leaves the others alone.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use futures_util::FutureExt;
use sqlx::pool::PoolConnection;
use sqlx::{Acquire, Connection, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use super::StoreError;

/// The future a write returns; it borrows the writer's connection.
pub type WriteFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'c>>;

type Output = Box<dyn Any + Send>;
type Work =
    Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> WriteFuture<'c, Output> + Send + 'static>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Result<Output, StoreError>>,
}

/// Writes waiting beyond this many wait for the next commit.
const MAX_BATCH: usize = 512;
/// Callers beyond this many wait to be queued (back-pressure instead of unbounded memory).
const QUEUE: usize = 4_096;

/// The handle callers submit writes through; cheap to clone.
#[derive(Clone, Debug)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer task on `pool`. It ends when the last handle is dropped.
    pub fn spawn(pool: SqlitePool) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, queue));
        Self { jobs }
    }

    /// Runs `write` in the next group and returns its result once the group is committed.
    /// An error from `write` undoes only what `write` did.
    pub async fn write<T, F>(&self, write: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> WriteFuture<'c, T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |conn| {
            Box::pin(async move { write(conn).await.map(|v| Box::new(v) as Output) })
        });
        self.jobs
            .send(Job { work, reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        let value = answer.await.map_err(|_| StoreError::WriterStopped)??;
        value
            .downcast::<T>()
            .map(|v| *v)
            .map_err(|_| StoreError::WriterStopped)
    }
}

async fn run(pool: SqlitePool, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // The writer keeps its own connection: as the one that writes, its page cache stays valid
    // from one group to the next. A connection that failed is replaced.
    let mut writer: Option<PoolConnection<Sqlite>> = None;
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let jobs = std::mem::take(&mut batch);
        let conn = match writer.as_mut() {
            Some(conn) => conn,
            None => match pool.acquire().await {
                Ok(conn) => writer.insert(conn),
                Err(e) => {
                    fail_all(jobs.into_iter().map(|j| j.reply), &e);
                    continue;
                }
            },
        };
        if !commit_group(conn, jobs).await {
            writer = None;
        }
    }
}

/// Runs one group and answers every job in it. False when the connection failed.
async fn commit_group(conn: &mut SqliteConnection, jobs: Vec<Job>) -> bool {
    let started = std::time::Instant::now();
    let size = jobs.len();
    let mut tx = match conn.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => {
            fail_all(jobs.into_iter().map(|j| j.reply), &e);
            return false;
        }
    };
    let mut done = Vec::with_capacity(jobs.len());
    let mut jobs = jobs.into_iter();
    while let Some(Job { work, reply }) = jobs.next() {
        let outcome = match tx.begin().await {
            Ok(mut savepoint) => {
                let result = AssertUnwindSafe(work(&mut savepoint))
                    .catch_unwind()
                    .await
                    .unwrap_or(Err(StoreError::WriterPanicked));
                match result {
                    Ok(value) => savepoint.commit().await.map(|()| Ok(value)),
                    Err(err) => savepoint.rollback().await.map(|()| Err(err)),
                }
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(Ok(value)) => done.push((reply, value)),
            Ok(Err(err)) => {
                let _ = reply.send(Err(err));
            }
            // The transaction itself is broken: nothing in this group can be committed.
            Err(e) => {
                let replies = done.into_iter().map(|(r, _)| r);
                let rest = jobs.map(|j| j.reply);
                fail_all(replies.chain(std::iter::once(reply)).chain(rest), &e);
                return false;
            }
        }
    }
    let ran = started.elapsed();
    let committed = tx.commit().await;
    tracing::debug!(
        size,
        run_us = ran.as_micros(),
        commit_us = started.elapsed().saturating_sub(ran).as_micros(),
        "group committed"
    );
    match committed {
        Ok(()) => {
            for (reply, value) in done {
                let _ = reply.send(Ok(value));
            }
            true
        }
        Err(e) => {
            fail_all(done.into_iter().map(|(r, _)| r), &e);
            false
        }
    }
}

fn fail_all(
    replies: impl Iterator<Item = oneshot::Sender<Result<Output, StoreError>>>,
    cause: &sqlx::Error,
) {
    tracing::error!(error = %cause, "group commit failed");
    for reply in replies {
        let _ = reply.send(Err(StoreError::NotCommitted(cause.to_string())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;

    async fn open() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        sqlx::query("CREATE TABLE t (v INTEGER NOT NULL UNIQUE)")
            .execute(db.pool())
            .await
            .unwrap();
        (dir, db)
    }

    fn insert(v: i64) -> impl for<'c> FnOnce(&'c mut SqliteConnection) -> WriteFuture<'c, i64> {
        move |conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO t (v) VALUES (?)")
                    .bind(v)
                    .execute(&mut *conn)
                    .await?;
                Ok(v)
            })
        }
    }

    async fn stored(db: &Db) -> Vec<i64> {
        sqlx::query_scalar("SELECT v FROM t ORDER BY v")
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_are_all_committed_and_answered() {
        let (_dir, db) = open().await;
        let writes: Vec<_> = (0..300)
            .map(|v| {
                let db = db.clone();
                tokio::spawn(async move { db.write(insert(v)).await })
            })
            .collect();
        for (v, w) in writes.into_iter().enumerate() {
            assert_eq!(w.await.unwrap().unwrap(), v as i64);
        }
        assert_eq!(stored(&db).await, (0..300).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_failing_write_is_undone_alone() {
        let (_dir, db) = open().await;
        db.write(insert(1)).await.unwrap();
        let (a, dup, b) = tokio::join!(
            db.write(insert(2)),
            // The first insert succeeds, the duplicate fails: both must be undone.
            db.write(|conn| Box::pin(async move {
                insert(3)(conn).await?;
                insert(1)(conn).await
            })),
            db.write(insert(4)),
        );
        assert_eq!((a.unwrap(), b.unwrap()), (2, 4));
        assert!(dup.is_err());
        assert_eq!(stored(&db).await, [1, 2, 4]);
    }

    #[tokio::test]
    async fn a_panicking_write_is_undone_and_the_writer_goes_on() {
        let (_dir, db) = open().await;
        let (boom, ok) = tokio::join!(
            db.write(|conn| Box::pin(async move {
                let v = insert(5)(conn).await?;
                assert!(v < 0, "a bug in a write");
                Ok(())
            }) as WriteFuture<'_, ()>),
            db.write(insert(6)),
        );
        assert!(matches!(boom, Err(StoreError::WriterPanicked)));
        assert_eq!(ok.unwrap(), 6);
        db.write(insert(7)).await.unwrap();
        assert_eq!(stored(&db).await, [6, 7]);
    }
}

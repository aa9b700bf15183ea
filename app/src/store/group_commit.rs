//! Group commit: one writer task takes every write waiting for it, runs each in its own
//! savepoint of one `BEGIN IMMEDIATE` transaction, commits once and only then answers each
//! caller. With `synchronous=FULL` every commit waits for the disk; sharing that wait lets
//! intake outrun the disk's commit rate, while a caller still hears "done" only after its rows
//! are on disk. A write that fails rolls back to its savepoint and leaves the others alone.
//! Closing (at shutdown) commits every write already handed over, then refuses new ones.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::time::Instant;

use futures_util::FutureExt;
use sqlx::pool::PoolConnection;
use sqlx::{Acquire, AnyPool};
use tokio::sync::{mpsc, oneshot};

use super::StoreError;
use super::db::{Backend, Conn, begin_write_on};
use crate::domain::metric_names;

/// The future a write returns; it borrows the writer's connection.
pub type WriteFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'c>>;

type Output = Box<dyn Any + Send>;
type Work = Box<dyn for<'c> FnOnce(&'c mut Conn) -> WriteFuture<'c, Output> + Send + 'static>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Result<Output, StoreError>>,
    /// When the caller handed it over: its wait for the commit is measured from here.
    queued_at: Instant,
}

enum Message {
    Write(Job),
    /// Commit what is queued, stop taking writes, answer once the connection is back.
    Close(oneshot::Sender<()>),
}

/// Writes waiting beyond this many wait for the next commit.
const MAX_BATCH: usize = 512;
/// Callers beyond this many wait to be queued (back-pressure instead of unbounded memory).
const QUEUE: usize = 4_096;

/// The handle callers submit writes through; cheap to clone.
#[derive(Clone, Debug)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Message>,
}

impl GroupCommit {
    /// Starts the writer task on `pool`. It ends when the last handle is dropped.
    pub fn spawn(pool: AnyPool, backend: Backend) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, backend, queue));
        Self { jobs }
    }

    /// Runs `write` in the next group and returns its result once the group is committed.
    /// An error from `write` undoes only what `write` did.
    pub async fn write<T, F>(&self, write: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn) -> WriteFuture<'c, T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |conn| {
            Box::pin(async move { write(conn).await.map(|v| Box::new(v) as Output) })
        });
        let job = Job {
            work,
            reply,
            queued_at: Instant::now(),
        };
        self.jobs
            .send(Message::Write(job))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        let value = answer.await.map_err(|_| StoreError::WriterStopped)??;
        value
            .downcast::<T>()
            .map(|v| *v)
            .map_err(|_| StoreError::WriterStopped)
    }

    /// Commits every write handed over before (and queued with) this call, then stops: later
    /// writes fail with [`StoreError::WriterStopped`]. Returns once the writer has given its
    /// connection back, so the pool can close.
    pub async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.jobs.send(Message::Close(done)).await.is_ok() {
            let _ = closed.await;
        }
    }
}

async fn run(pool: AnyPool, backend: Backend, mut queue: mpsc::Receiver<Message>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut closers = Vec::new();
    // The writer keeps its own connection: as the one that writes, its page cache stays valid
    // from one group to the next. A connection that failed is replaced.
    let mut writer: Option<PoolConnection<sqlx::Any>> = None;
    // After a close the queue takes nothing new but still yields what it holds.
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut jobs = Vec::with_capacity(batch.len());
        for message in batch.drain(..) {
            match message {
                Message::Write(job) => jobs.push(job),
                Message::Close(done) => {
                    queue.close();
                    closers.push(done);
                }
            }
        }
        if jobs.is_empty() {
            continue;
        }
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
        if !commit_group(conn, backend, jobs).await {
            writer = None;
        }
    }
    drop(writer);
    for done in closers {
        let _ = done.send(());
    }
}

/// Runs one group and answers every job in it. False when the connection failed.
async fn commit_group(conn: &mut Conn, backend: Backend, jobs: Vec<Job>) -> bool {
    let started = std::time::Instant::now();
    let size = jobs.len();
    let mut tx = match begin_write_on(conn, backend).await {
        Ok(tx) => tx,
        Err(e) => {
            fail_all(jobs.into_iter().map(|j| j.reply), &e);
            return false;
        }
    };
    let mut done = Vec::with_capacity(jobs.len());
    let mut jobs = jobs.into_iter();
    while let Some(Job {
        work,
        reply,
        queued_at,
    }) = jobs.next()
    {
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
            Ok(Ok(value)) => done.push((reply, value, queued_at)),
            Ok(Err(err)) => {
                let _ = reply.send(Err(err));
            }
            // The transaction itself is broken: nothing in this group can be committed.
            Err(e) => {
                let replies = done.into_iter().map(|(r, _, _)| r);
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
            metrics::histogram!(metric_names::GROUP_COMMIT_BATCH_SIZE).record(size as f64);
            let waited = metrics::histogram!(metric_names::GROUP_COMMIT_WAIT_SECONDS);
            for (reply, value, queued_at) in done {
                waited.record(queued_at.elapsed().as_secs_f64());
                let _ = reply.send(Ok(value));
            }
            true
        }
        Err(e) => {
            fail_all(done.into_iter().map(|(r, _, _)| r), &e);
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

    fn insert(v: i64) -> impl for<'c> FnOnce(&'c mut Conn) -> WriteFuture<'c, i64> {
        move |conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO t (v) VALUES ($1)")
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn closing_commits_what_was_handed_over_and_refuses_the_rest() {
        let (dir, db) = open().await;
        let writes: Vec<_> = (0..50)
            .map(|v| {
                let db = db.clone();
                tokio::spawn(async move { db.write(insert(v)).await })
            })
            .collect();
        // Every write above is queued before the close, since each task starts at once.
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        db.close().await;
        let answered: Vec<i64> = futures_util::future::join_all(writes)
            .await
            .into_iter()
            .filter_map(|w| w.unwrap().ok())
            .collect();
        assert!(matches!(
            db.write(insert(99)).await,
            Err(StoreError::WriterStopped)
        ));
        // Reopened: exactly the acknowledged writes are there.
        let path = dir.path().join("desk.db");
        let again = Db::open(&path).await.unwrap();
        let mut acknowledged = answered.clone();
        acknowledged.sort_unstable();
        assert_eq!(stored(&again).await, acknowledged);
        assert_eq!(acknowledged.len(), 50);
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

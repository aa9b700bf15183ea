//! Opening the database: WAL, foreign keys, a busy timeout, full fsync on commit, and the
//! embedded migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::group_commit::{GroupCommit, WriteFuture};

use crate::errors::AppError;

pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] MigrateError),
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The group this write was in could not be committed; nothing of it was saved.
    #[error("the write was not saved: {0}")]
    NotCommitted(String),
    #[error("the database writer has stopped")]
    WriterStopped,
    #[error("a write panicked and was undone")]
    WriterPanicked,
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "store error");
        AppError::Internal
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
    writer: GroupCommit,
}

impl Db {
    /// Opens (creating if missing) the database file at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before we acknowledge it, even across power loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        let writer = GroupCommit::spawn(pool.clone());
        Ok(Self { pool, writer })
    }

    /// Opens an existing database file without writing to it (a backup being checked).
    pub async fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .read_only(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        let writer = GroupCommit::spawn(pool.clone());
        Ok(Self { pool, writer })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// True when every embedded migration has been applied successfully.
    pub async fn is_migrated(&self) -> Result<bool, StoreError> {
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&self.pool)
                .await?;
        let applied: std::collections::HashSet<i64> = applied.into_iter().map(|(v,)| v).collect();
        Ok(MIGRATOR.iter().all(|m| applied.contains(&m.version)))
    }

    /// A write transaction that takes the write lock up front (`BEGIN IMMEDIATE`), so it
    /// waits on the busy timeout instead of failing on a stale read snapshot.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Runs `write` in the next group commit (see [`GroupCommit`]): for frequent small writes,
    /// such as new cases, that should not each wait for their own commit.
    pub async fn write<T, F>(&self, write: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> WriteFuture<'c, T> + Send + 'static,
    {
        self.writer.write(write).await
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Commits the writes already handed to the group commit, then closes every connection
    /// (SQLite folds the write-ahead log into the database file as the last one closes).
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

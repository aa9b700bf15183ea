//! Opening the database, on one of two engines through sqlx's `Any` driver: embedded SQLite
//! (WAL, foreign keys, a busy timeout, full fsync on commit) or a PostgreSQL server shared by
//! several desk nodes. Each engine has its own embedded migrations, applied on start.
//!
//! Queries are written once with `$1`-style parameters, which both engines read. Where the SQL
//! differs, the store matches on [`Backend`] and both texts stand side by side.

use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Connection, Executor, Transaction};

use super::group_commit::{GroupCommit, WriteFuture};

use crate::errors::AppError;

/// The SQLite schema's history. Existing desk databases carry these versions and checksums.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations/sqlite");
/// The same schema for PostgreSQL. sqlx takes an advisory lock while it migrates, so nodes
/// starting together apply each migration once.
pub static PG_MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

/// A connection of either engine; store functions take it for writes inside a transaction.
pub type Conn = AnyConnection;
/// A row of either engine.
pub type DbRow = sqlx::any::AnyRow;
/// A write transaction (see [`Db::begin_write`]).
pub type WriteTx = Transaction<'static, Any>;

/// Which engine the desk runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Every writer on PostgreSQL holds this transaction-scoped advisory lock, as every SQLite
/// writer holds the database's write lock: the rules that read, decide and write (the audit
/// chain's next hash, the next case reference, a throttle's count) stay correct across nodes
/// without each needing its own lock. Reads never take it.
const PG_WRITE_LOCK: i64 = 0x5344_4553_4b57; // "SDESKW"

fn install_drivers() {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(sqlx::any::install_default_drivers);
}

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
    #[error("DESK_DATABASE_URL must start with sqlite:// or postgres://")]
    UnknownUrl,
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
    pool: AnyPool,
    /// See [`Db::unflushed`].
    unflushed: AnyPool,
    backend: Backend,
    writer: GroupCommit,
}

impl Db {
    /// Opens the database `url` names: `postgres://…` (or `postgresql://…`) connects to
    /// PostgreSQL; `sqlite://PATH` opens (creating if missing) that SQLite file.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::open_postgres(url).await
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Self::open(Path::new(path)).await
        } else {
            Err(StoreError::UnknownUrl)
        }
    }

    /// Opens (creating if missing) the SQLite database file at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // FULL: a commit is on disk before we acknowledge it, even across power loss.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                    Ok(())
                })
            })
            .connect_with(any_options(&options)?)
            .await?;
        Ok(Self::with_pool(pool.clone(), pool, Backend::Sqlite))
    }

    /// Opens an existing SQLite file without writing to it (a backup being checked).
    pub async fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new().filename(path).read_only(true);
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect_with(any_options(&options)?)
            .await?;
        Ok(Self::with_pool(pool.clone(), pool, Backend::Sqlite))
    }

    async fn open_postgres(url: &str) -> Result<Self, StoreError> {
        install_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // A plan for the parameters at hand, every time: the queue's filters differ
                    // by orders of magnitude in how many cases they match (2,000 urgent,
                    // 100,000 resolved), and the generic plan PostgreSQL settles on after five
                    // runs of a statement reads a million rows for some of them.
                    conn.execute("SET plan_cache_mode = force_custom_plan")
                        .await?;
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        // Connected on first use: most commands never count anything.
        let unflushed = AnyPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("SET synchronous_commit = off").await?;
                    Ok(())
                })
            })
            .connect_lazy(url)?;
        Ok(Self::with_pool(pool, unflushed, Backend::Postgres))
    }

    fn with_pool(pool: AnyPool, unflushed: AnyPool, backend: Backend) -> Self {
        let writer = GroupCommit::spawn(pool.clone(), backend);
        Self {
            pool,
            unflushed,
            backend,
            writer,
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Connections whose commits do not wait for the disk (PostgreSQL's
    /// `synchronous_commit = off`), for single-statement writes that a crash may lose without
    /// harm, such as rate-limit counts: a flush per request would cost more than the count is
    /// worth. On SQLite the one pool (those counts are kept in memory there anyway).
    pub fn unflushed(&self) -> &AnyPool {
        &self.unflushed
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &MIGRATOR,
            Backend::Postgres => &PG_MIGRATOR,
        }
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// True when every embedded migration has been applied successfully.
    pub async fn is_migrated(&self) -> Result<bool, StoreError> {
        let applied: Vec<(i64,)> = sqlx::query_as(match self.backend {
            Backend::Sqlite => "SELECT version FROM _sqlx_migrations WHERE success = 1",
            Backend::Postgres => "SELECT version FROM _sqlx_migrations WHERE success",
        })
        .fetch_all(&self.pool)
        .await?;
        let applied: std::collections::HashSet<i64> = applied.into_iter().map(|(v,)| v).collect();
        Ok(self.migrator().iter().all(|m| applied.contains(&m.version)))
    }

    /// A write transaction that holds the write lock from its first statement: SQLite's
    /// (`BEGIN IMMEDIATE`, so it waits on the busy timeout instead of failing on a stale read
    /// snapshot) or, on PostgreSQL, the desk's advisory lock (see [`PG_WRITE_LOCK`]).
    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        match self.backend {
            Backend::Sqlite => Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                take_pg_write_lock(&mut tx).await?;
                Ok(tx)
            }
        }
    }

    /// A write transaction outside the desk's write order: on PostgreSQL it does not take the
    /// advisory lock, so it neither waits for nor holds up the writers that do. Only for writes
    /// whose rows no rule reads-and-decides on under that lock and that touch no case, timeline
    /// or audit row (their change log's order relies on the lock): outbox leases, the search
    /// indexes' progress. On SQLite the same as [`Db::begin_write`] (one writer at a time).
    pub async fn begin_unordered(&self) -> Result<WriteTx, StoreError> {
        match self.backend {
            Backend::Sqlite => self.begin_write().await,
            Backend::Postgres => Ok(self.pool.begin().await?),
        }
    }

    /// Runs `write` in the next group commit (see [`GroupCommit`]): for frequent small writes,
    /// such as new cases, that should not each wait for their own commit.
    pub async fn write<T, F>(&self, write: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn) -> WriteFuture<'c, T> + Send + 'static,
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
        self.unflushed.close().await;
    }
}

fn any_options(sqlite: &SqliteConnectOptions) -> Result<AnyConnectOptions, StoreError> {
    install_drivers();
    Ok(AnyConnectOptions::from_url(&sqlite.to_url_lossy())?)
}

/// Opens a write transaction on `conn` as [`Db::begin_write`] does (the group commit's).
pub(super) async fn begin_write_on(
    conn: &mut Conn,
    backend: Backend,
) -> Result<Transaction<'_, Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = conn.begin().await?;
            take_pg_write_lock(&mut tx).await?;
            Ok(tx)
        }
    }
}

async fn take_pg_write_lock(tx: &mut Conn) -> Result<(), sqlx::Error> {
    // A void column would not map to the Any driver's row: select a constant beside it.
    sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS l")
        .bind(PG_WRITE_LOCK)
        .execute(tx)
        .await?;
    Ok(())
}

/// The SQL that differs between the engines, side by side. Each returns a fragment to put
/// into a statement with `format!`.
impl Backend {
    /// The engine of a connection (for store functions handed a transaction).
    pub fn of(conn: &Conn) -> Self {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// `table alias INDEXED BY index` on SQLite, whose planner needs the hint for the
    /// queue's and dashboard's partial indexes; PostgreSQL's planner takes no hints.
    pub fn indexed_by(self, table: &str, index: &str) -> String {
        match self {
            Self::Sqlite => format!("{table} INDEXED BY {index}"),
            Self::Postgres => table.to_owned(),
        }
    }

    /// Seconds from `earlier` to `later`, two ISO-8601 text timestamps, as a real number.
    pub fn seconds_between(self, later: &str, earlier: &str) -> String {
        match self {
            Self::Sqlite => format!("((julianday({later}) - julianday({earlier})) * 86400.0)"),
            Self::Postgres => format!(
                "EXTRACT(EPOCH FROM (CAST({later} AS timestamptz) - CAST({earlier} AS timestamptz)))"
            ),
        }
    }

    /// The text of `key` in the JSON object stored as text in `column`.
    pub fn json_text(self, column: &str, key: &str) -> String {
        match self {
            Self::Sqlite => format!("json_extract({column}, '$.{key}')"),
            Self::Postgres => format!("(CAST({column} AS jsonb) ->> '{key}')"),
        }
    }

    /// The integer at `key` in the JSON object stored as text in `column`.
    pub fn json_int(self, column: &str, key: &str) -> String {
        match self {
            Self::Sqlite => format!("json_extract({column}, '$.{key}')"),
            Self::Postgres => format!("CAST(CAST({column} AS jsonb) ->> '{key}' AS BIGINT)"),
        }
    }
}

impl Backend {
    /// The values of `expr` over a group, joined by commas.
    pub fn comma_list(self, expr: &str) -> String {
        match self {
            Self::Sqlite => format!("group_concat({expr}, ',')"),
            Self::Postgres => format!("string_agg({expr}, ',')"),
        }
    }

    /// After a subquery that picks rows to update: PostgreSQL's `FOR UPDATE SKIP LOCKED`, so
    /// that writers outside the write lock pick disjoint rows; SQLite has one writer at a time.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// The larger of two values.
    pub fn greatest(self, a: &str, b: &str) -> String {
        match self {
            Self::Sqlite => format!("max({a}, {b})"),
            Self::Postgres => format!("GREATEST({a}, {b})"),
        }
    }

    /// Where `needle` first occurs in `haystack`, from 1; 0 when it does not.
    pub fn position(self, needle: &str, haystack: &str) -> String {
        match self {
            Self::Sqlite => format!("instr({haystack}, {needle})"),
            Self::Postgres => format!("strpos({haystack}, {needle})"),
        }
    }
}

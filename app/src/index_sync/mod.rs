//! The lifecycle both search indexes share (cases and knowledge base): the index records the
//! database change sequence it has applied, one sync runs at a time so that marker never runs
//! ahead of what was indexed, and every write to the index runs off the async threads.
//! What a change means for each index (which rows, which documents) is in `cases` and `kb`.

use std::sync::Arc;

use search::{ArticleDoc, CaseDoc, CaseIndex, KbIndex, SearchError};
use tokio::sync::{Mutex, MutexGuard};

use crate::store::StoreError;

pub mod cases;
pub mod kb;

#[derive(Debug, thiserror::Error)]
pub enum IndexSyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search index: {0}")]
    Search(#[from] SearchError),
    #[error("index task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl From<IndexSyncError> for crate::errors::AppError {
    fn from(err: IndexSyncError) -> Self {
        tracing::error!(error = %err, "search index sync failed");
        crate::errors::AppError::Internal
    }
}

/// A search index that remembers the last change sequence committed into it.
pub trait MarkedIndex: Send + Sync + 'static {
    type Doc: Send + 'static;
    fn marker(&self) -> Result<Option<i64>, SearchError>;
    fn upsert(&self, doc: &Self::Doc) -> Result<(), SearchError>;
    fn delete(&self, id: i64) -> Result<(), SearchError>;
    fn clear(&self) -> Result<(), SearchError>;
    fn commit_marked(&self, seq: i64) -> Result<(), SearchError>;
}

impl MarkedIndex for CaseIndex {
    type Doc = CaseDoc;
    fn marker(&self) -> Result<Option<i64>, SearchError> {
        CaseIndex::marker(self)
    }
    fn upsert(&self, doc: &CaseDoc) -> Result<(), SearchError> {
        CaseIndex::upsert(self, doc)
    }
    fn delete(&self, id: i64) -> Result<(), SearchError> {
        CaseIndex::delete(self, id)
    }
    fn clear(&self) -> Result<(), SearchError> {
        CaseIndex::clear(self)
    }
    fn commit_marked(&self, seq: i64) -> Result<(), SearchError> {
        CaseIndex::commit_marked(self, seq)
    }
}

impl MarkedIndex for KbIndex {
    type Doc = ArticleDoc;
    fn marker(&self) -> Result<Option<i64>, SearchError> {
        KbIndex::marker(self)
    }
    fn upsert(&self, doc: &ArticleDoc) -> Result<(), SearchError> {
        KbIndex::upsert(self, doc)
    }
    fn delete(&self, id: i64) -> Result<(), SearchError> {
        KbIndex::delete(self, id)
    }
    fn clear(&self) -> Result<(), SearchError> {
        KbIndex::clear(self)
    }
    fn commit_marked(&self, seq: i64) -> Result<(), SearchError> {
        KbIndex::commit_marked(self, seq)
    }
}

/// Changes to write into the index: documents to add or replace and ids to remove.
pub struct Batch<D> {
    pub upserts: Vec<D>,
    pub deletes: Vec<i64>,
}

/// An index and the lock that keeps its syncs one at a time.
pub struct SyncedIndex<I> {
    index: Arc<I>,
    sync_lock: Mutex<()>,
}

impl<I: MarkedIndex> SyncedIndex<I> {
    pub fn new(index: I) -> Self {
        Self {
            index: Arc::new(index),
            sync_lock: Mutex::new(()),
        }
    }

    pub fn index(&self) -> &I {
        &self.index
    }

    /// Held for the whole of a sync or a rebuild.
    pub async fn lock(&self) -> MutexGuard<'_, ()> {
        self.sync_lock.lock().await
    }

    /// The last change sequence the index committed.
    pub async fn marker(&self) -> Result<Option<i64>, IndexSyncError> {
        self.blocking(|index| index.marker()).await
    }

    /// Writes `batch`; with `commit_at`, commits it together with that sequence as the marker.
    pub async fn write(
        &self,
        batch: Batch<I::Doc>,
        commit_at: Option<i64>,
    ) -> Result<(), IndexSyncError> {
        self.blocking(move |index| {
            for doc in &batch.upserts {
                index.upsert(doc)?;
            }
            for id in batch.deletes {
                index.delete(id)?;
            }
            commit_at.map_or(Ok(()), |seq| index.commit_marked(seq))
        })
        .await
    }

    /// Empties the index (uncommitted until the rebuild's final commit).
    pub async fn clear(&self) -> Result<(), IndexSyncError> {
        self.blocking(|index| index.clear()).await
    }

    /// Commits what was written, marked as having applied every change up to `seq`.
    pub async fn commit_marked(&self, seq: i64) -> Result<(), IndexSyncError> {
        self.blocking(move |index| index.commit_marked(seq)).await
    }

    /// Runs `work` on a blocking thread: index writes and commits touch the disk.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&I) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, IndexSyncError> {
        let index = self.index.clone();
        Ok(tokio::task::spawn_blocking(move || work(&index)).await??)
    }
}

/// Runs a search on a blocking thread (tantivy reads the disk). A failure is logged, with
/// `what` was searched, and answered as an internal error.
pub async fn search<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, crate::errors::AppError> {
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, what, "search failed");
        crate::errors::AppError::Internal
    };
    let started = std::time::Instant::now();
    let result = tokio::task::spawn_blocking(work).await;
    metrics::histogram!(crate::domain::metric_names::SEARCH_SECONDS, "index" => what)
        .record(started.elapsed().as_secs_f64());
    result.map_err(|e| failed(&e))?.map_err(|e| failed(&e))
}

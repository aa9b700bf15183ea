//! What can go wrong in the search crate.

use std::path::PathBuf;

/// An error from the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed: a corrupt or unreadable index, a full disk, a held lock.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be opened.
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// A file operation on the index directory failed.
    #[error("search index: cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A thread panicked while it held the index writer.
    #[error("search index writer is poisoned by an earlier panic")]
    WriterPoisoned,
}

/// Result with a [`SearchError`].
pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// tantivy's lower-level readers (postings, term dictionaries) fail with plain I/O errors;
/// they are index errors like any other.
impl From<std::io::Error> for SearchError {
    fn from(error: std::io::Error) -> Self {
        SearchError::Index(tantivy::TantivyError::from(error))
    }
}

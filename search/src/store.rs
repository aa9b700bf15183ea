//! What every index of the crate does alike: its directory with a schema-version file, one
//! writer, a reader reloaded on commit, and the commit marker.

use std::fs;
use std::io;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use tantivy::directory::MmapDirectory;
use tantivy::index::SegmentMeta;
use tantivy::merge_policy::{MergeCandidate, MergePolicy};
use tantivy::schema::Schema;
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::analyzer;
use crate::error::{Result, SearchError};

/// Heap for an index writer: the desk's indexes are small.
const WRITER_HEAP_BYTES: usize = 20_000_000;

/// How an index directory was found when opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// An index of the current schema version: ready to search.
    Existing,
    /// No index was there; a new, empty one was made. Fill it.
    Created,
    /// The index had another schema version and was replaced by an empty one. Fill it.
    Recreated,
}

impl Opened {
    /// Whether the index is empty and must be filled from the database.
    pub fn needs_reindex(self) -> bool {
        !matches!(self, Opened::Existing)
    }
}

/// An index's schema version and the file in its directory that records it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Version {
    pub file: &'static str,
    pub number: u32,
}

impl Version {
    /// What the version file holds: the schema version, and a fingerprint of the synonym
    /// expressions indexed as pairs, so editing those also rebuilds the index.
    fn content(self) -> String {
        format!("{}-{:016x}", self.number, analyzer::pairs_fingerprint())
    }

    /// Whether the index in `dir` is missing or of another version.
    pub fn needs_rebuild(self, dir: &Path) -> Result<bool> {
        Ok(!dir.join("meta.json").is_file() || !self.matches(dir)?)
    }

    fn matches(self, dir: &Path) -> Result<bool> {
        let path = dir.join(self.file);
        match fs::read_to_string(&path) {
            Ok(text) => Ok(text.trim() == self.content()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(io_error("read", &path, source)),
        }
    }

    /// Whether tantivy (or this version) made a file of this name: its metadata and locks,
    /// segment files (named by a 32-hex-digit segment id), and the version file.
    pub fn is_index_file(self, name: &str) -> bool {
        let segment = name.len() > 33
            && name.as_bytes().get(32) == Some(&b'.')
            && name.bytes().take(32).all(|b| b.is_ascii_hexdigit());
        segment
            || name == self.file
            || matches!(
                name,
                "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock"
            )
    }

    /// Removes the files of an outdated index, and nothing else, from `dir`.
    fn remove_index_files(self, dir: &Path) -> Result<()> {
        let entries = fs::read_dir(dir).map_err(|e| io_error("list", dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error("list", dir, e))?;
            let path = entry.path();
            let is_file = entry
                .file_type()
                .map_err(|e| io_error("inspect", &path, e))?
                .is_file();
            if is_file
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| self.is_index_file(n))
            {
                fs::remove_file(&path).map_err(|e| io_error("remove", &path, e))?;
            }
        }
        Ok(())
    }
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> SearchError {
    SearchError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// How an index's segments are merged in the background after commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Merging {
    /// Into one segment, always: for a small index that changes rarely and is searched
    /// often. A search visits every segment, and some of its work (walking the term
    /// dictionaries for typos and prefixes) is per segment.
    OneSegment,
    /// tantivy's logarithmic policy: for an index that changes often.
    Logarithmic,
}

/// See [`Merging::OneSegment`].
#[derive(Debug)]
struct OneSegment;

impl MergePolicy for OneSegment {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        if segments.len() > 1 {
            vec![MergeCandidate(
                segments.iter().map(SegmentMeta::id).collect(),
            )]
        } else {
            Vec::new()
        }
    }
}

/// The methods every index passes straight through to its [`Store`]: removing, committing and
/// counting. `$what` names the documents in the docs ("case", "article"). The index must have
/// fields `store` and `fields.id`.
macro_rules! store_methods {
    ($what:literal) => {
        #[doc = concat!("Removes the ", $what, " `id`. Visible after [`Self::commit`].")]
        pub fn delete(&self, id: i64) -> Result<()> {
            self.store
                .delete(tantivy::Term::from_field_i64(self.fields.id, id))
        }

        #[doc = concat!("Removes every ", $what, ". Visible after [`Self::commit`], so a rebuild \
            (clear, upsert all, commit) replaces the old contents at once.")]
        pub fn clear(&self) -> Result<()> {
            self.store.clear()
        }

        /// Makes every change since the last commit durable and visible to searches.
        pub fn commit(&self) -> Result<()> {
            self.store.commit()
        }

        /// Like [`Self::commit`], and records `marker` (the database's change sequence the
        /// index now reflects) in the same commit, so a restart knows exactly what to catch up
        /// on.
        pub fn commit_marked(&self, marker: i64) -> Result<()> {
            self.store.commit_marked(marker)
        }

        /// The marker of the last [`Self::commit_marked`], if any.
        pub fn marker(&self) -> Result<Option<i64>> {
            self.store.marker()
        }

        #[doc = concat!("How many ", $what, "s searches see.")]
        pub fn doc_count(&self) -> u64 {
            self.store.doc_count()
        }
    };
}
pub(crate) use store_methods;

/// An open index with its only writer.
pub(crate) struct Store {
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    opened: Opened,
}

impl Store {
    /// Opens the index in `dir`, creating the directory and the index when missing. An index
    /// of another version or schema is replaced by an empty one.
    pub fn open_or_create(
        dir: &Path,
        schema: Schema,
        version: Version,
        merging: Merging,
    ) -> Result<Store> {
        fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
        let has_index = dir.join("meta.json").is_file();
        if has_index && version.matches(dir)? {
            let index = Index::open(MmapDirectory::open(dir)?)?;
            if index.schema() == schema {
                return Store::new(index, Opened::Existing, merging);
            }
        }
        let opened = if has_index {
            version.remove_index_files(dir)?;
            Opened::Recreated
        } else {
            let stale = dir.join(version.file);
            if stale.is_file() {
                fs::remove_file(&stale).map_err(|e| io_error("remove", &stale, e))?;
            }
            Opened::Created
        };
        let index = Index::create(MmapDirectory::open(dir)?, schema, IndexSettings::default())?;
        let path = dir.join(version.file);
        fs::write(&path, format!("{}\n", version.content()))
            .map_err(|e| io_error("write", &path, e))?;
        Store::new(index, opened, merging)
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_ram(schema: Schema, merging: Merging) -> Result<Store> {
        Store::new(Index::create_in_ram(schema), Opened::Created, merging)
    }

    fn new(index: Index, opened: Opened, merging: Merging) -> Result<Store> {
        analyzer::register_analyzers(index.tokenizers());
        // Reloaded after each commit of ours, and besides when a background merge has
        // replaced segments: a search reads every segment.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        let writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        if merging == Merging::OneSegment {
            writer.set_merge_policy(Box::new(OneSegment));
        }
        Ok(Store {
            reader,
            writer: Mutex::new(writer),
            opened,
        })
    }

    pub fn opened(&self) -> Opened {
        self.opened
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    fn writer(&self) -> Result<MutexGuard<'_, IndexWriter<TantivyDocument>>> {
        self.writer.lock().map_err(|_| SearchError::WriterPoisoned)
    }

    /// Adds `document` in place of any document with `id`.
    pub fn replace(&self, id: Term, document: TantivyDocument) -> Result<()> {
        let writer = self.writer()?;
        writer.delete_term(id);
        writer.add_document(document)?;
        Ok(())
    }

    pub fn delete(&self, id: Term) -> Result<()> {
        self.writer()?.delete_term(id);
        Ok(())
    }

    pub fn clear(&self) -> Result<()> {
        self.writer()?.delete_all_documents()?;
        Ok(())
    }

    pub fn commit(&self) -> Result<()> {
        self.writer()?.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    pub fn commit_marked(&self, marker: i64) -> Result<()> {
        let mut writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&marker.to_string());
        prepared.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    pub fn marker(&self) -> Result<Option<i64>> {
        let metas = self.writer()?.index().load_metas()?;
        Ok(metas.payload.and_then(|p| p.trim().parse().ok()))
    }

    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

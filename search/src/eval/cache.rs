//! The document sets of filters and facets, kept per searcher generation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::schema::{Facet, Field};
use tantivy::{Searcher, Term};

use super::FacetsOf;
use super::bits::{Bits, insert_postings};
use crate::error::Result;

/// What separates the levels of a facet path in its term (tantivy keeps its own constant
/// private).
const FACET_SEPARATOR: u8 = 0;

/// The document sets of filters and facets, per segment, for one searcher generation: they
/// are the same for every search until the next commit.
#[derive(Default)]
pub(crate) struct Cache {
    inner: Mutex<CacheInner>,
}

/// Per child facet, its name and documents.
type FacetDocs = Vec<(String, Bits)>;

#[derive(Default)]
struct CacheInner {
    generation: Option<u64>,
    allowed: HashMap<(usize, Vec<Term>), Arc<Bits>>,
    facets: HashMap<(usize, Field, String), Arc<FacetDocs>>,
}

impl Cache {
    /// The inner cache, emptied if `searcher` is of another generation. A poisoned lock
    /// only means a panic elsewhere while it was held; the cache is then rebuilt.
    fn inner(&self, searcher: &Searcher) -> std::sync::MutexGuard<'_, CacheInner> {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let generation = searcher.generation().generation_id();
        if inner.generation != Some(generation) {
            *inner = CacheInner {
                generation: Some(generation),
                ..CacheInner::default()
            };
        }
        inner
    }

    /// The live documents of segment `ord` having every one of `terms` (keyword terms).
    pub(super) fn allowed(
        &self,
        searcher: &Searcher,
        ord: usize,
        terms: &[Term],
    ) -> Result<Arc<Bits>> {
        let key = (ord, terms.to_vec());
        if let Some(bits) = self.inner(searcher).allowed.get(&key) {
            return Ok(bits.clone());
        }
        let reader = searcher.segment_reader(ord as u32);
        let mut allowed = Bits::all(reader.max_doc());
        for term in terms {
            let inverted = reader.inverted_index(term.field())?;
            let mut docs = Bits::new(reader.max_doc());
            if let Some(info) = inverted.get_term_info(term)? {
                insert_postings(&inverted, &info, &mut docs)?;
            }
            allowed.intersect(&docs);
        }
        if let Some(alive) = reader.alive_bitset() {
            for doc in 0..reader.max_doc() {
                if alive.is_deleted(doc) {
                    allowed.remove(doc);
                }
            }
        }
        let allowed = Arc::new(allowed);
        self.inner(searcher).allowed.insert(key, allowed.clone());
        Ok(allowed)
    }

    /// Per child facet of `facets.parent` in segment `ord`: its name and documents.
    pub(super) fn facets(
        &self,
        searcher: &Searcher,
        ord: usize,
        facets: &FacetsOf<'_>,
    ) -> Result<Arc<FacetDocs>> {
        let key = (ord, facets.field, facets.parent.encoded_str().to_string());
        if let Some(found) = self.inner(searcher).facets.get(&key) {
            return Ok(found.clone());
        }
        let reader = searcher.segment_reader(ord as u32);
        let inverted = reader.inverted_index(facets.field)?;
        let mut prefix = facets.parent.encoded_str().as_bytes().to_vec();
        prefix.push(FACET_SEPARATOR);
        let mut end = prefix.clone();
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        let depth = facets.parent.to_path().len() + 1;
        let mut found = Vec::new();
        let mut stream = inverted
            .terms()
            .range()
            .ge(&prefix)
            .lt(&end)
            .into_stream()?;
        while stream.advance() {
            let Ok(facet) = Facet::from_encoded(stream.key().to_vec()) else {
                continue;
            };
            let path = facet.to_path();
            let (true, Some(name)) = (path.len() == depth, path.last()) else {
                continue; // a grandchild
            };
            let mut docs = Bits::new(reader.max_doc());
            insert_postings(&inverted, stream.value(), &mut docs)?;
            found.push(((*name).to_string(), docs));
        }
        let found = Arc::new(found);
        self.inner(searcher).facets.insert(key, found.clone());
        Ok(found)
    }
}

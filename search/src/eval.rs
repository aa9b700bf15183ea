//! Runs a search a term at a time.
//!
//! A search expands to a tree of sums and "best of" choices over a few hundred term, phrase
//! and typo clauses, many of them the same term in different places (a synonym group names
//! "telefon" in a dozen expressions). tantivy's scorers walk such a tree a document at a time,
//! decoding each occurrence of a term separately: 20–50 ms at 100,000 articles. Here every
//! term's postings are decoded and BM25-scored once per segment, and each node adds its
//! scores into a dense per-segment array, so the cost is close to that of reading the
//! distinct postings once. The scores are tantivy's: the same [`Bm25Weight`](tantivy::query::Bm25Weight)s and phrase
//! scorers.
//!
//! Filters, the total, facet counts and the top hits then come from the same arrays, with
//! no second pass over the index; the document sets of filters and facets are kept per
//! searcher generation (they only change on commit).

mod bits;
mod cache;
mod lists;
mod node;
mod pool;
mod scores;
mod scoring;
mod segment;
#[cfg(test)]
mod tests;
mod top_k;

use std::collections::HashMap;

use tantivy::schema::{Facet, Field};
use tantivy::{DocAddress, DocId, Score, Searcher, Term};

use crate::error::Result;
use segment::{Segment, Weights};
use top_k::Top;

pub(crate) use cache::Cache;
pub(crate) use node::{Compiled, Node, best, sum};

/// Which documents count: every `must` term (keyword filters) for hits, total and facets;
/// besides, every `narrow` term for hits and total only (the filter the facets are about).
#[derive(Debug, Default)]
pub(crate) struct Filters {
    pub must: Vec<Term>,
    pub narrow: Vec<Term>,
}

/// Facet counts to make: per child facet of `parent` in `field`.
pub(crate) struct FacetsOf<'a> {
    pub field: Field,
    pub parent: &'a Facet,
}

/// What a search found.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Documents matching the query and every filter.
    pub total: usize,
    /// The `offset..offset + limit` best, best first.
    pub top: Vec<(Score, DocAddress)>,
    /// Per facet value, documents matching the query and the `must` filters. Most first,
    /// then by name.
    pub facets: Vec<(String, u64)>,
}

/// Runs `compiled` over every segment, then keeps what `filters` allow.
pub(crate) fn search(
    searcher: &Searcher,
    cache: &Cache,
    compiled: &Compiled,
    filters: &Filters,
    facets: Option<FacetsOf<'_>>,
    offset: usize,
    limit: usize,
) -> Result<Found> {
    let mut weights = Weights::default();
    let wanted = offset.saturating_add(limit);
    let mut top = Top::new(wanted);
    let mut total = 0;
    let mut facet_counts: HashMap<String, u64> = HashMap::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut segment = Segment::new(searcher, reader, ord, &mut weights);
        let scores = segment.evaluate(compiled)?;
        let allowed = cache.allowed(searcher, ord, &filters.must)?;
        let narrowed = if filters.narrow.is_empty() {
            None
        } else {
            Some(cache.allowed(searcher, ord, &filters.narrow)?)
        };
        let mut counted = 0u64;
        for (word, ((&seen, &allow), narrow)) in scores
            .seen
            .0
            .iter()
            .zip(&allowed.0)
            .zip(narrowed.as_ref().map_or(&allowed.0, |n| &n.0))
            .enumerate()
        {
            let mut hits = seen & allow & narrow;
            counted += u64::from(hits.count_ones());
            if wanted == 0 {
                continue;
            }
            while hits != 0 {
                let doc = (word * 64) as DocId + hits.trailing_zeros();
                hits &= hits - 1;
                top.offer(scores.score[doc as usize], DocAddress::new(ord as u32, doc));
            }
        }
        total += counted as usize;
        if let Some(facets) = &facets {
            for (name, docs) in cache.facets(searcher, ord, facets)?.iter() {
                let count: u64 = scores
                    .seen
                    .0
                    .iter()
                    .zip(&allowed.0)
                    .zip(&docs.0)
                    .map(|((s, a), d)| u64::from((s & a & d).count_ones()))
                    .sum();
                if count > 0 {
                    *facet_counts.entry(name.clone()).or_insert(0) += count;
                }
            }
        }
        pool::recycle(scores);
    }
    let mut facets: Vec<(String, u64)> = facet_counts.into_iter().collect();
    facets.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Found {
        total,
        top: top.page(offset),
        facets,
    })
}

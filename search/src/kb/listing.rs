//! An empty query: every article the filters allow, listed by title with tantivy's
//! collectors.

use tantivy::collector::{Collector, Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::{DocAddress, Order, Searcher};

use super::schema::system_facet;
use super::{KbIndex, SearchRequest, SearchResults, keyword_term, term_query};
use crate::error::Result;
use crate::highlight::Marks;

impl KbIndex {
    /// Nothing to search for: every article the filters allow, by title.
    pub(super) fn list(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        system: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<SearchResults> {
        let mut filters: Vec<Box<dyn Query>> = self
            .filter_terms(request.lang.as_deref(), request.audience)
            .into_iter()
            .map(term_query)
            .collect();
        let unfiltered = with_filters(&filters);
        let filtered = system.map(|s| {
            filters.push(term_query(keyword_term(self.fields.systems, s)));
            with_filters(&filters)
        });
        let top = TopDocs::with_limit(limit.max(1))
            .and_offset(offset)
            .order_by_string_fast_field("title_sort", Order::Asc);
        let (docs, total, facets) = run(searcher, &unfiltered, filtered.as_deref(), top)?;
        let marks = Marks::default();
        let mut hits = Vec::new();
        for (_, address) in docs.into_iter().take(limit) {
            hits.push(self.hit(searcher, address, 0.0, Some(&marks))?);
        }
        Ok(SearchResults {
            total,
            hits,
            facets: facet_list(&facets),
        })
    }
}

/// Hits (with their sort value), total and facet counts of one search.
type Collected<S> = (Vec<(S, DocAddress)>, usize, FacetCounts);

/// Runs the search: hits and total with every filter, facet counts without the system
/// filter (`filtered` is `None` when there is no system filter).
fn run<C, S>(
    searcher: &Searcher,
    unfiltered: &dyn Query,
    filtered: Option<&dyn Query>,
    top: C,
) -> Result<Collected<S>>
where
    C: Collector<Fruit = Vec<(S, DocAddress)>>,
{
    let mut facets = FacetCollector::for_field("system_facet");
    facets.add_facet(system_facet(None));
    Ok(match filtered {
        None => searcher.search(unfiltered, &(top, Count, facets))?,
        Some(filtered) => {
            let counts = searcher.search(unfiltered, &facets)?;
            let (docs, total) = searcher.search(filtered, &(top, Count))?;
            (docs, total, counts)
        }
    })
}

/// Every article, restricted by `filters`, which do not score.
fn with_filters(filters: &[Box<dyn Query>]) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(AllQuery))];
    for filter in filters {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

pub(super) fn facet_list(counts: &FacetCounts) -> Vec<(String, u64)> {
    let mut list: Vec<(String, u64)> = counts
        .get(system_facet(None))
        .filter_map(|(facet, count)| {
            let name = facet.to_path().last()?.replace('\u{2215}', "/");
            Some((name, count))
        })
        .collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list
}

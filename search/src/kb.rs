//! The knowledge-base index: schema, writing, searching, related articles.

mod listing;
mod related;
mod schema;

use std::path::Path;

use tantivy::query::{Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use crate::error::Result;
use crate::eval::{self, FacetsOf, Filters};
use crate::highlight::{self, Marks};
use crate::matching::Scheme;
use crate::query::Plan;
use crate::store::{Merging, Store, Version};
use schema::{Fields, build_schema, system_facet};

pub use crate::store::Opened;

/// Version of the schema and of the analysis behind it. Bump it whenever a field, a
/// tokenizer or what is indexed into a field changes: an index on disk with another version
/// is thrown away and must be rebuilt from the database.
pub const SCHEMA_VERSION: u32 = 2;

/// The file in the index directory that holds [`SCHEMA_VERSION`].
pub const SCHEMA_VERSION_FILE: &str = "kb-schema-version";

/// Most hits one search returns, whatever the request asks.
pub const MAX_LIMIT: usize = 200;

/// Most hits one search may skip: paging deeper than this is not a person reading.
pub const MAX_OFFSET: usize = 10_000;

const VERSION: Version = Version {
    file: SCHEMA_VERSION_FILE,
    number: SCHEMA_VERSION,
};

/// A knowledge-base article as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDoc {
    pub id: i64,
    pub slug: String,
    /// "da" or "en".
    pub lang: String,
    pub title: String,
    pub summary: String,
    /// Plain text, already stripped of Markdown by the caller.
    pub body: String,
    /// "MitID", "NemLog-in", "Digital Post", "NemKonto", "Virk", "borger.dk".
    pub systems: Vec<String>,
    /// "public" or "staff". Anything but "public" is hidden from citizens.
    pub audience: String,
    pub tags: Vec<String>,
}

/// Who is searching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    /// A citizen: only articles whose audience is "public".
    #[default]
    PublicOnly,
    /// Staff: every article.
    All,
}

/// A search in the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// What was typed. A query that does not end in a space is taken as still being typed:
    /// its last word also matches as a prefix. Empty lists articles by title.
    pub query: String,
    /// Only articles in this language ("da", "en"), when given.
    pub lang: Option<String>,
    pub audience: Audience,
    /// Only articles about this system, when given (case-insensitive).
    pub system: Option<String>,
    /// Hits to return, at most [`MAX_LIMIT`]. Zero returns only `total` and `facets`.
    pub limit: usize,
    /// Hits to skip, for paging, at most [`MAX_OFFSET`].
    pub offset: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            lang: None,
            audience: Audience::PublicOnly,
            system: None,
            limit: 10,
            offset: 0,
        }
    }
}

impl SearchRequest {
    /// A citizen's search for `query` in every language, ten hits.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }
}

/// One article found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub lang: String,
    pub audience: String,
    /// A passage of the body (else the summary) with the matched words in `<b>`; all other
    /// text is HTML-escaped, so it can be inserted as HTML.
    pub snippet_html: String,
    pub systems: Vec<String>,
    /// Relevance; 0 when listing by title.
    pub score: Score,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    /// How many articles match, with every filter applied.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Per system, how many articles match the query with the language and audience filters
    /// but without the system filter: the counts to show beside every system. Most first.
    pub facets: Vec<(String, u64)>,
}

/// The search index of knowledge-base articles. One per index directory: it holds the
/// directory's only writer.
pub struct KbIndex {
    store: Store,
    fields: Fields,
    scheme: Scheme,
    cache: eval::Cache,
}

impl std::fmt::Debug for KbIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KbIndex")
            .field("opened", &self.store.opened())
            .finish_non_exhaustive()
    }
}

/// Whether the index in `dir` is missing or of another schema version, so that
/// [`KbIndex::open_or_create`] will give an empty index to fill.
pub fn needs_rebuild(dir: &Path) -> Result<bool> {
    VERSION.needs_rebuild(dir)
}

impl KbIndex {
    /// Opens the index in `dir`, creating the directory and the index when missing. An index
    /// of another schema version is replaced by an empty one; [`KbIndex::opened`] tells the
    /// caller whether to fill it.
    pub fn open_or_create(dir: &Path) -> Result<KbIndex> {
        let (schema, fields) = build_schema();
        Ok(KbIndex::new(
            Store::open_or_create(dir, schema, VERSION, Merging::OneSegment)?,
            fields,
        ))
    }

    /// An index in memory, for tests and benchmarks.
    pub fn create_in_ram() -> Result<KbIndex> {
        let (schema, fields) = build_schema();
        Ok(KbIndex::new(
            Store::in_ram(schema, Merging::OneSegment)?,
            fields,
        ))
    }

    fn new(store: Store, fields: Fields) -> KbIndex {
        KbIndex {
            store,
            scheme: fields.scheme(),
            fields,
            cache: eval::Cache::default(),
        }
    }

    /// How the index directory was found when opened.
    pub fn opened(&self) -> Opened {
        self.store.opened()
    }

    /// Adds `article`, replacing any article of the same id. Visible after [`Self::commit`].
    pub fn upsert(&self, article: &ArticleDoc) -> Result<()> {
        self.store.replace(
            Term::from_field_i64(self.fields.id, article.id),
            self.fields.document(article),
        )
    }

    crate::store::store_methods!("article");

    /// Searches the knowledge base.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.store.searcher();
        let plan = Plan::parse(&request.query, |word| self.scheme.is_known(&searcher, word));
        let limit = request.limit.min(MAX_LIMIT);
        let offset = request.offset.min(MAX_OFFSET);
        let system = request
            .system
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let Some(compiled) = self.scheme.compile(&searcher, &plan)? else {
            return self.list(&searcher, request, system, offset, limit);
        };
        let filters = Filters {
            must: self.filter_terms(request.lang.as_deref(), request.audience),
            narrow: system
                .map(|s| keyword_term(self.fields.systems, s))
                .into_iter()
                .collect(),
        };
        let facet_parent = system_facet(None);
        let found = eval::search(
            &searcher,
            &self.cache,
            &compiled,
            &filters,
            Some(FacetsOf {
                field: self.fields.system_facet,
                parent: &facet_parent,
            }),
            offset,
            limit,
        )?;
        let marks = self.scheme.marks(&searcher, Some(&compiled), &plan)?;
        let mut hits = Vec::with_capacity(found.top.len());
        for (score, address) in found.top {
            hits.push(self.hit(&searcher, address, score, Some(&marks))?);
        }
        Ok(SearchResults {
            total: found.total,
            hits,
            facets: found
                .facets
                .into_iter()
                .map(|(name, count)| (name.replace('\u{2215}', "/"), count))
                .collect(),
        })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: Score,
        marks: Option<&Marks>,
    ) -> Result<Hit> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(address)?;
        let summary = first_str(&doc, f.summary);
        let snippet_html = match marks {
            Some(marks) => marks.snippet_html(&first_str(&doc, f.body), &summary),
            None => highlight::escape_html(&summary),
        };
        Ok(Hit {
            id: doc
                .get_first(f.id)
                .and_then(|v| v.as_i64())
                .unwrap_or_default(),
            slug: first_str(&doc, f.slug),
            title: first_str(&doc, f.title),
            lang: first_str(&doc, f.lang),
            audience: first_str(&doc, f.audience),
            snippet_html,
            systems: doc
                .get_all(f.systems)
                .filter_map(|v| v.as_str())
                .map(str::to_string)
                .collect(),
            score,
        })
    }

    /// The language and audience filters, as keyword terms every article must have.
    fn filter_terms(&self, lang: Option<&str>, audience: Audience) -> Vec<Term> {
        let mut terms = Vec::new();
        if let Some(lang) = lang.map(str::trim).filter(|l| !l.is_empty()) {
            terms.push(keyword_term(self.fields.lang, lang));
        }
        if audience == Audience::PublicOnly {
            terms.push(keyword_term(self.fields.audience, "public"));
        }
        terms
    }
}

/// The term of a keyword field's value: matched exactly, but case-insensitively.
fn keyword_term(field: Field, value: &str) -> Term {
    Term::from_field_text(field, &value.to_lowercase())
}

/// A filter on a keyword term.
fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn first_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Whether `name` is a file of a knowledge-base index directory.
#[cfg(test)]
fn is_index_file(name: &str) -> bool {
    VERSION.is_index_file(name)
}

#[cfg(test)]
#[path = "kb_tests.rs"]
mod tests;

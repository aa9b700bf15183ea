//! The knowledge-base index: schema, writing, searching, related articles.

use std::path::Path;

use tantivy::collector::{Collector, Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, MoreLikeThisQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, OwnedValue, STORED, STRING, Schema,
    TextOptions, Value,
};
use tantivy::{DocAddress, Order, Score, Searcher, TantivyDocument, Term};

use crate::error::Result;
use crate::eval::{self, FacetsOf, Filters};
use crate::highlight::{self, Marks};
use crate::matching::{Scheme, options, stemmed_stop_words};
use crate::query::Plan;
use crate::store::{Merging, Store, Version};

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

// Field boosts: a word in the title says more about an article than a word in its body.
const TITLE_BOOST: Score = 3.0;
const TAGS_BOOST: Score = 2.0;
const SUMMARY_BOOST: Score = 1.5;
const BODY_BOOST: Score = 1.0;

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

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    slug: Field,
    lang: Field,
    audience: Field,
    title: Field,
    summary: Field,
    body: Field,
    tags: Field,
    systems: Field,
    system_facet: Field,
    /// Title and tags, lower-cased, not stemmed: for typos and prefixes.
    title_raw: Field,
    /// Summary and body, lower-cased, not stemmed: for typos and prefixes.
    text_raw: Field,
    /// Fast field: the title as a Danish sort key.
    title_sort: Field,
    /// The synonym-expression pairs of title, tags, summary and body (see
    /// [`crate::analyzer::pairs`]).
    title_pairs: Field,
    tags_pairs: Field,
    summary_pairs: Field,
    body_pairs: Field,
}

impl Fields {
    /// The parts the fields play in a search.
    fn scheme(&self) -> Scheme {
        Scheme {
            stemmed: vec![
                (self.title, TITLE_BOOST),
                (self.tags, TAGS_BOOST),
                (self.summary, SUMMARY_BOOST),
                (self.body, BODY_BOOST),
            ],
            short: vec![
                (self.title, TITLE_BOOST),
                (self.tags, TAGS_BOOST),
                (self.summary, SUMMARY_BOOST),
            ],
            raw: vec![(self.title_raw, TITLE_BOOST), (self.text_raw, BODY_BOOST)],
            pairs: vec![
                (self.title, self.title_pairs),
                (self.tags, self.tags_pairs),
                (self.summary, self.summary_pairs),
                (self.body, self.body_pairs),
            ],
            title: (self.title, TITLE_BOOST),
            body: self.body,
        }
    }
}

fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let stemmed = options::stemmed().set_stored();
    let raw = options::raw();
    let keyword = options::keyword().set_stored();
    let pairs = options::pairs();
    let fields = Fields {
        id: builder.add_i64_field(
            "id",
            NumericOptions::default()
                .set_indexed()
                .set_stored()
                .set_fast(),
        ),
        slug: builder.add_text_field("slug", STRING | STORED),
        lang: builder.add_text_field("lang", keyword.clone()),
        audience: builder.add_text_field("audience", keyword.clone()),
        title: builder.add_text_field("title", stemmed.clone()),
        summary: builder.add_text_field("summary", stemmed.clone()),
        body: builder.add_text_field("body", stemmed.clone()),
        tags: builder.add_text_field("tags", stemmed),
        systems: builder.add_text_field("systems", keyword),
        system_facet: builder.add_facet_field("system_facet", FacetOptions::default()),
        title_raw: builder.add_text_field("title_raw", raw.clone()),
        text_raw: builder.add_text_field("text_raw", raw),
        title_sort: builder.add_text_field("title_sort", TextOptions::default().set_fast(None)),
        title_pairs: builder.add_text_field("title_pairs", pairs.clone()),
        tags_pairs: builder.add_text_field("tags_pairs", pairs.clone()),
        summary_pairs: builder.add_text_field("summary_pairs", pairs.clone()),
        body_pairs: builder.add_text_field("body_pairs", pairs),
    };
    (builder.build(), fields)
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
            self.document(article),
        )
    }

    /// Removes the article `id`. Visible after [`Self::commit`].
    pub fn delete(&self, id: i64) -> Result<()> {
        self.store.delete(Term::from_field_i64(self.fields.id, id))
    }

    /// Removes every article. Visible after [`Self::commit`], so a rebuild (clear, upsert
    /// all, commit) replaces the old contents at once.
    pub fn clear(&self) -> Result<()> {
        self.store.clear()
    }

    /// Makes every change since the last commit durable and visible to searches.
    pub fn commit(&self) -> Result<()> {
        self.store.commit()
    }

    /// Like [`Self::commit`], and records `marker` (the database's change sequence the index
    /// now reflects) in the same commit, so a restart knows exactly what to catch up on.
    pub fn commit_marked(&self, marker: i64) -> Result<()> {
        self.store.commit_marked(marker)
    }

    /// The marker of the last [`Self::commit_marked`], if any.
    pub fn marker(&self) -> Result<Option<i64>> {
        self.store.marker()
    }

    /// How many articles searches see.
    pub fn doc_count(&self) -> u64 {
        self.store.doc_count()
    }

    fn document(&self, article: &ArticleDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, article.id);
        doc.add_text(f.slug, &article.slug);
        doc.add_text(f.lang, article.lang.trim());
        doc.add_text(f.audience, article.audience.trim());
        doc.add_text(f.title, &article.title);
        doc.add_text(f.title_pairs, &article.title);
        doc.add_text(f.title_raw, &article.title);
        doc.add_text(f.title_sort, sort_key(&article.title));
        doc.add_text(f.summary, &article.summary);
        doc.add_text(f.summary_pairs, &article.summary);
        doc.add_text(f.text_raw, &article.summary);
        doc.add_text(f.body, &article.body);
        doc.add_text(f.body_pairs, &article.body);
        doc.add_text(f.text_raw, &article.body);
        for tag in &article.tags {
            doc.add_text(f.tags, tag);
            doc.add_text(f.tags_pairs, tag);
            doc.add_text(f.title_raw, tag);
        }
        for system in &article.systems {
            doc.add_text(f.systems, system);
            doc.add_facet(f.system_facet, system_facet(Some(system)));
        }
        doc
    }

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

    /// Nothing to search for: every article the filters allow, by title.
    fn list(
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
        let unfiltered = with_filters(None, &filters);
        let filtered = system.map(|s| {
            filters.push(term_query(keyword_term(self.fields.systems, s)));
            with_filters(None, &filters)
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

    /// Articles like article `id`, in its language, best first. A public article only gets
    /// public articles; a staff article gets both. Empty if there is no article `id`.
    pub fn related(&self, id: i64, limit: usize) -> Result<Vec<Hit>> {
        let f = &self.fields;
        let searcher = self.store.searcher();
        let by_id = TermQuery::new(Term::from_field_i64(f.id, id), IndexRecordOption::Basic);
        let Some((_, address)) = searcher
            .search(&by_id, &TopDocs::with_limit(1))?
            .into_iter()
            .next()
        else {
            return Ok(Vec::new());
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| -> Vec<OwnedValue> {
            doc.get_all(field)
                .filter_map(|v| v.as_str())
                .map(|s| OwnedValue::Str(s.to_string()))
                .collect()
        };
        let lang = first_str(&doc, f.lang);
        let audience = if first_str(&doc, f.audience) == "public" {
            Audience::PublicOnly
        } else {
            Audience::All
        };
        // More-like-this weighs a term by its frequency in the given text; repeating the
        // title and tags gives them the weight they have in search.
        let title = text(f.title);
        let tags = text(f.tags);
        let num_docs = searcher.num_docs();
        let like = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_max_doc_frequency((num_docs / 3).max(2))
            .with_min_term_frequency(1)
            .with_min_word_length(3)
            .with_max_query_terms(25)
            .with_stop_words(stemmed_stop_words())
            .with_document_fields(vec![
                (f.title, [title.clone(), title.clone(), title].concat()),
                (f.tags, [tags.clone(), tags].concat()),
                (f.summary, text(f.summary)),
                (f.body, text(f.body)),
            ]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(like)),
            (Occur::MustNot, Box::new(by_id)),
        ];
        let lang = (!lang.is_empty()).then_some(lang.as_str());
        for term in self.filter_terms(lang, audience) {
            clauses.push((Occur::Must, term_query(term)));
        }
        let query = BooleanQuery::new(clauses);
        let mut hits = Vec::new();
        if limit == 0 {
            return Ok(hits);
        }
        for (score, address) in searcher.search(&query, &TopDocs::with_limit(limit))? {
            hits.push(self.hit(&searcher, address, score, None)?);
        }
        Ok(hits)
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

/// `query` (or every article) restricted by `filters`, which do not score.
fn with_filters(query: Option<&dyn Query>, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        query.map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |q| q.box_clone()),
    )];
    for filter in filters {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The term of a keyword field's value: matched exactly, but case-insensitively.
fn keyword_term(field: Field, value: &str) -> Term {
    Term::from_field_text(field, &value.to_lowercase())
}

/// A filter on a keyword term.
fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// "/system/<name>", or "/system" for `None`. A "/" inside a name would nest the facet, so
/// it is swapped for a look-alike and swapped back in [`facet_list`].
fn system_facet(system: Option<&str>) -> tantivy::schema::Facet {
    let mut path = vec!["system".to_string()];
    path.extend(system.map(|s| s.replace('/', "\u{2215}")));
    tantivy::schema::Facet::from_path(path)
}

fn facet_list(counts: &FacetCounts) -> Vec<(String, u64)> {
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

/// A sort key that puts titles in Danish order: case-insensitive, with æ, ø, å after z.
pub(crate) fn sort_key(title: &str) -> String {
    title
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' => '{',
            'ø' => '|',
            'å' => '}',
            other => other,
        })
        .collect()
}

#[cfg(test)]
#[path = "kb_tests.rs"]
mod tests;

//! The knowledge-base index: schema, writing, searching, related articles.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::{Collector, Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery,
    MoreLikeThisQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, OwnedValue, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, Score,
    Searcher, TantivyDocument, Term,
};

use crate::analyzer::{self, DANISH, KEYWORD, LOWER};
use crate::error::{Result, SearchError};
use crate::highlight::{self, Marks};
use crate::query::{self, MIN_PREFIX_CHARS, Plan, Unit};
use crate::synonyms;

/// Version of the schema and of the analysis behind it. Bump it whenever a field, a
/// tokenizer or what is indexed into a field changes: an index on disk with another version
/// is thrown away and must be rebuilt from the database.
pub const SCHEMA_VERSION: u32 = 1;

/// The file in the index directory that holds [`SCHEMA_VERSION`].
pub const SCHEMA_VERSION_FILE: &str = "kb-schema-version";

/// Most hits one search returns, whatever the request asks.
pub const MAX_LIMIT: usize = 200;

/// Most hits one search may skip: paging deeper than this is not a person reading.
pub const MAX_OFFSET: usize = 10_000;

/// Heap for the index writer; the knowledge base is small.
const WRITER_HEAP_BYTES: usize = 20_000_000;

// Field boosts: a word in the title says more about an article than a word in its body.
const TITLE_BOOST: Score = 3.0;
const TAGS_BOOST: Score = 2.0;
const SUMMARY_BOOST: Score = 1.5;
const BODY_BOOST: Score = 1.0;
/// An unknown word is corrected to the words of the knowledge base a typo away, which then
/// score like typed words, times this for one edit...
const CORRECTION_WEIGHT: Score = 0.6;
/// ... and this for two.
const FAR_CORRECTION_WEIGHT: Score = 0.4;
/// A half-typed word is completed to the words of the knowledge base it begins, which then
/// score like typed words, times this.
const COMPLETION_WEIGHT: Score = 0.5;
/// Most corrections or completions tried for one word, most frequent first.
const MAX_EXPANSIONS: usize = 24;
/// Besides, tantivy's fuzzy and prefix queries match every such word, for a constant score
/// scaled by these: enough to be found, never enough to beat an exact match.
const FUZZY_WEIGHT: Score = 0.2;
const FUZZY_KNOWN_WEIGHT: Score = 0.1;
const PREFIX_WEIGHT: Score = 0.2;
/// The other expressions of a synonym group weigh this much against the one typed.
const SYNONYM_WEIGHT: Score = 0.8;
/// How much a second matching expression of a synonym group still adds.
const SYNONYM_TIE_BREAKER: Score = 0.2;
/// The words of a multi-word expression anywhere in a short field, not side by side.
const LOOSE_PHRASE_WEIGHT: Score = 0.4;
/// Stop words of the query in a title add this much of a title match (and never make an
/// article match on their own).
const SMALL_WORD_WEIGHT: Score = 0.3;
/// The whole query as a phrase in a title adds this much of a title match...
const TITLE_PHRASE_WEIGHT: Score = 1.0;
/// ... with this many words out of place.
const TITLE_PHRASE_SLOP: u32 = 2;
/// Words that may stand between the words of a multi-word expression.
const PHRASE_SLOP: u32 = 1;

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

/// How [`KbIndex::open_or_create`] found the index directory.
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
}

impl Fields {
    /// Stemmed fields and their boosts.
    fn stemmed(&self) -> [(Field, Score); 4] {
        [
            (self.title, TITLE_BOOST),
            (self.tags, TAGS_BOOST),
            (self.summary, SUMMARY_BOOST),
            (self.body, BODY_BOOST),
        ]
    }

    /// The short stemmed fields, where words that co-occur are about the same thing.
    fn short(&self) -> [(Field, Score); 3] {
        [
            (self.title, TITLE_BOOST),
            (self.tags, TAGS_BOOST),
            (self.summary, SUMMARY_BOOST),
        ]
    }

    /// Unstemmed fields and their boosts.
    fn raw(&self) -> [(Field, Score); 2] {
        [(self.title_raw, TITLE_BOOST), (self.text_raw, BODY_BOOST)]
    }
}

fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let indexed = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    };
    let stemmed = indexed(DANISH, IndexRecordOption::WithFreqsAndPositions).set_stored();
    let raw = indexed(LOWER, IndexRecordOption::WithFreqs);
    let keyword = indexed(KEYWORD, IndexRecordOption::Basic).set_stored();
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
    };
    (builder.build(), fields)
}

/// The search index of knowledge-base articles. One per index directory: it holds the
/// directory's only writer.
pub struct KbIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
    opened: Opened,
}

impl std::fmt::Debug for KbIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KbIndex")
            .field("opened", &self.opened)
            .finish_non_exhaustive()
    }
}

/// Whether the index in `dir` is missing or of another schema version, so that
/// [`KbIndex::open_or_create`] will give an empty index to fill.
pub fn needs_rebuild(dir: &Path) -> Result<bool> {
    Ok(!dir.join("meta.json").is_file() || !version_matches(dir)?)
}

fn version_matches(dir: &Path) -> Result<bool> {
    let path = dir.join(SCHEMA_VERSION_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(text.trim() == SCHEMA_VERSION.to_string()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(io_error("read", &path, source)),
    }
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> SearchError {
    SearchError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Whether tantivy made a file of this name: its metadata and locks, and segment files,
/// which are named by a 32-hex-digit segment id.
fn is_index_file(name: &str) -> bool {
    let segment = name.len() > 33
        && name.as_bytes().get(32) == Some(&b'.')
        && name.bytes().take(32).all(|b| b.is_ascii_hexdigit());
    segment
        || matches!(
            name,
            "meta.json"
                | ".managed.json"
                | ".tantivy-meta.lock"
                | ".tantivy-writer.lock"
                | SCHEMA_VERSION_FILE
        )
}

/// Removes the files of an outdated index, and nothing else, from `dir`.
fn remove_index_files(dir: &Path) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|e| io_error("list", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error("list", dir, e))?;
        let path = entry.path();
        let is_file = entry
            .file_type()
            .map_err(|e| io_error("inspect", &path, e))?
            .is_file();
        if is_file && entry.file_name().to_str().is_some_and(is_index_file) {
            fs::remove_file(&path).map_err(|e| io_error("remove", &path, e))?;
        }
    }
    Ok(())
}

impl KbIndex {
    /// Opens the index in `dir`, creating the directory and the index when missing. An index
    /// of another schema version is replaced by an empty one; [`KbIndex::opened`] tells the
    /// caller whether to fill it.
    pub fn open_or_create(dir: &Path) -> Result<KbIndex> {
        fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
        let (schema, fields) = build_schema();
        let has_index = dir.join("meta.json").is_file();
        if has_index && version_matches(dir)? {
            let index = Index::open(MmapDirectory::open(dir)?)?;
            if index.schema() == schema {
                return KbIndex::new(index, fields, Opened::Existing);
            }
        }
        let opened = if has_index {
            remove_index_files(dir)?;
            Opened::Recreated
        } else {
            let stale = dir.join(SCHEMA_VERSION_FILE);
            if stale.is_file() {
                fs::remove_file(&stale).map_err(|e| io_error("remove", &stale, e))?;
            }
            Opened::Created
        };
        let index = Index::create(MmapDirectory::open(dir)?, schema, IndexSettings::default())?;
        let version = dir.join(SCHEMA_VERSION_FILE);
        fs::write(&version, format!("{SCHEMA_VERSION}\n"))
            .map_err(|e| io_error("write", &version, e))?;
        KbIndex::new(index, fields, opened)
    }

    /// An index in memory, for tests and benchmarks.
    pub fn create_in_ram() -> Result<KbIndex> {
        let (schema, fields) = build_schema();
        KbIndex::new(Index::create_in_ram(schema), fields, Opened::Created)
    }

    fn new(index: Index, fields: Fields, opened: Opened) -> Result<KbIndex> {
        analyzer::register_analyzers(index.tokenizers());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        Ok(KbIndex {
            reader,
            writer: Mutex::new(writer),
            fields,
            opened,
        })
    }

    /// How the index directory was found when opened.
    pub fn opened(&self) -> Opened {
        self.opened
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>>> {
        self.writer.lock().map_err(|_| SearchError::WriterPoisoned)
    }

    /// Adds `article`, replacing any article of the same id. Visible after [`Self::commit`].
    pub fn upsert(&self, article: &ArticleDoc) -> Result<()> {
        let document = self.document(article);
        let writer = self.writer()?;
        writer.delete_term(Term::from_field_i64(self.fields.id, article.id));
        writer.add_document(document)?;
        Ok(())
    }

    /// Removes the article `id`. Visible after [`Self::commit`].
    pub fn delete(&self, id: i64) -> Result<()> {
        self.writer()?
            .delete_term(Term::from_field_i64(self.fields.id, id));
        Ok(())
    }

    /// Removes every article. Visible after [`Self::commit`], so a rebuild (clear, upsert
    /// all, commit) replaces the old contents at once.
    pub fn clear(&self) -> Result<()> {
        self.writer()?.delete_all_documents()?;
        Ok(())
    }

    /// Makes every change since the last commit durable and visible to searches.
    pub fn commit(&self) -> Result<()> {
        self.writer()?.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Like [`Self::commit`], and records `marker` (the database's change sequence the index
    /// now reflects) in the same commit, so a restart knows exactly what to catch up on.
    pub fn commit_marked(&self, marker: i64) -> Result<()> {
        let mut writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&marker.to_string());
        prepared.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// The marker of the last [`Self::commit_marked`], if any.
    pub fn marker(&self) -> Result<Option<i64>> {
        let metas = self.writer()?.index().load_metas()?;
        Ok(metas.payload.and_then(|p| p.trim().parse().ok()))
    }

    /// How many articles searches see.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn document(&self, article: &ArticleDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, article.id);
        doc.add_text(f.slug, &article.slug);
        doc.add_text(f.lang, article.lang.trim());
        doc.add_text(f.audience, article.audience.trim());
        doc.add_text(f.title, &article.title);
        doc.add_text(f.title_raw, &article.title);
        doc.add_text(f.title_sort, sort_key(&article.title));
        doc.add_text(f.summary, &article.summary);
        doc.add_text(f.text_raw, &article.summary);
        doc.add_text(f.body, &article.body);
        doc.add_text(f.text_raw, &article.body);
        for tag in &article.tags {
            doc.add_text(f.tags, tag);
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
        let searcher = self.reader.searcher();
        let plan = Plan::parse(&request.query, |word| self.is_known(&searcher, word));
        let text_query = self.text_query(&searcher, &plan)?;

        let mut filters = self.filters(request.lang.as_deref(), request.audience);
        let unfiltered = with_filters(text_query.as_deref(), &filters);
        let system_filter = request
            .system
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| keyword_query(self.fields.systems, s));
        let filtered = system_filter.map(|filter| {
            filters.push(filter);
            with_filters(text_query.as_deref(), &filters)
        });

        let limit = request.limit.min(MAX_LIMIT);
        let offset = request.offset.min(MAX_OFFSET);
        let top = TopDocs::with_limit(limit.max(1)).and_offset(offset);
        let (ranked, total, facets) = if text_query.is_some() {
            run(&searcher, &unfiltered, filtered.as_deref(), top)?
        } else {
            let listed = top.order_by_string_fast_field("title_sort", Order::Asc);
            let (docs, total, facets) = run(&searcher, &unfiltered, filtered.as_deref(), listed)?;
            let docs = docs
                .into_iter()
                .map(|(_, address)| (0.0, address))
                .collect();
            (docs, total, facets)
        };

        let marks = self.marks(&searcher, text_query.as_deref(), &plan)?;
        let mut hits = Vec::new();
        for (score, address) in ranked.into_iter().take(limit) {
            hits.push(self.hit(&searcher, address, score, Some(&marks))?);
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
        let searcher = self.reader.searcher();
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
        for filter in self.filters(lang, audience) {
            clauses.push((Occur::Must, filter));
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
            Some(marks) => marks.snippet_html(f.body, &first_str(&doc, f.body), &summary),
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

    /// The language and audience filters.
    fn filters(&self, lang: Option<&str>, audience: Audience) -> Vec<Box<dyn Query>> {
        let mut filters = Vec::new();
        if let Some(lang) = lang.map(str::trim).filter(|l| !l.is_empty()) {
            filters.push(keyword_query(self.fields.lang, lang));
        }
        if audience == Audience::PublicOnly {
            filters.push(keyword_query(self.fields.audience, "public"));
        }
        filters
    }

    /// Whether `word` occurs in some article, as typed or by its stem.
    fn is_known(&self, searcher: &Searcher, word: &str) -> bool {
        let f = &self.fields;
        let occurs = |field: Field, text: &str| {
            searcher
                .doc_freq(&Term::from_field_text(field, text))
                .is_ok_and(|n| n > 0)
        };
        occurs(f.title_raw, word)
            || occurs(f.text_raw, word)
            || analyzer::stem(word)
                .is_some_and(|stem| occurs(f.body, &stem) || occurs(f.title, &stem))
    }

    /// Words of the knowledge base as typed (the unstemmed fields' dictionaries), read in
    /// order from `start` for as long as `more` holds. Returns those `keep` gives a weight,
    /// each once, with that weight and how many articles have it: highest weight first, then
    /// most frequent, at most [`MAX_EXPANSIONS`].
    fn vocabulary(
        &self,
        searcher: &Searcher,
        start: &str,
        more: impl Fn(&str) -> bool,
        keep: impl Fn(&str) -> Option<Score>,
    ) -> Result<Vec<(String, Score, u64)>> {
        let mut found: BTreeMap<String, (Score, u64)> = BTreeMap::new();
        for segment in searcher.segment_readers() {
            for (field, _) in self.fields.raw() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted
                    .terms()
                    .range()
                    .ge(start.as_bytes())
                    .into_stream()
                    .map_err(tantivy::TantivyError::from)?;
                while stream.advance() {
                    let Ok(word) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if !more(word) {
                        break;
                    }
                    if let Some(weight) = keep(word) {
                        let entry = found.entry(word.to_string()).or_insert((weight, 0));
                        entry.1 += u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        let mut words: Vec<(String, Score, u64)> = found
            .into_iter()
            .map(|(word, (weight, count))| (word, weight, count))
            .collect();
        words.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)));
        words.truncate(MAX_EXPANSIONS);
        Ok(words)
    }

    /// The scoring query for the plan; `None` when the plan is empty.
    fn text_query(&self, searcher: &Searcher, plan: &Plan) -> Result<Option<Box<dyn Query>>> {
        let mut units: Vec<Box<dyn Query>> = Vec::new();
        for unit in &plan.units {
            let query = match unit {
                Unit::Word { forms, prefix } => {
                    let mut queries = Vec::new();
                    for form in forms {
                        queries.extend(self.word_query(searcher, form, *prefix)?);
                    }
                    any_of(queries, 0.0)
                }
                Unit::Synonyms {
                    group,
                    typed,
                    prefix,
                } => self.synonym_query(searcher, *group, typed, prefix.as_deref())?,
            };
            units.extend(query);
        }
        if units.is_empty() {
            return Ok(None);
        }
        let content: Box<dyn Query> = Box::new(BooleanQuery::union(units));
        let mut bonus: Vec<Box<dyn Query>> = plan
            .small_words
            .iter()
            .filter_map(|word| analyzer::stem(word))
            .map(|stem| {
                let term = TermQuery::new(
                    Term::from_field_text(self.fields.title, &stem),
                    IndexRecordOption::WithFreqs,
                );
                Box::new(BoostQuery::new(
                    Box::new(term),
                    TITLE_BOOST * SMALL_WORD_WEIGHT,
                )) as Box<dyn Query>
            })
            .collect();
        // The whole query, more or less word for word, in a title.
        let stems: Vec<String> = plan
            .words
            .iter()
            .filter_map(|w| analyzer::stem(w))
            .collect();
        if stems.len() >= 2 {
            let terms = stems
                .iter()
                .enumerate()
                .map(|(i, s)| (i, Term::from_field_text(self.fields.title, s)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, TITLE_PHRASE_SLOP);
            bonus.push(Box::new(BoostQuery::new(
                Box::new(phrase),
                TITLE_BOOST * TITLE_PHRASE_WEIGHT,
            )));
        }
        if bonus.is_empty() {
            return Ok(Some(content));
        }
        Ok(Some(Box::new(BooleanQuery::new(vec![
            (Occur::Must, content),
            (Occur::Should, Box::new(BooleanQuery::union(bonus))),
        ]))))
    }

    /// A typed word: its stem in every field; if the knowledge base does not have it, the
    /// words a typo away; if it may be half typed, the words it begins.
    fn word_query(
        &self,
        searcher: &Searcher,
        word: &str,
        prefix: bool,
    ) -> Result<Option<Box<dyn Query>>> {
        let mut clauses: Vec<Box<dyn Query>> = Vec::new();
        if let Some(stem) = analyzer::stem(word) {
            clauses.push(self.stem_query(&stem));
        }
        let distance = query::fuzzy_distance(word);
        if distance > 0 {
            let known = self.is_known(searcher, word);
            if !known {
                let corrections = self.vocabulary(
                    searcher,
                    "",
                    |_| true,
                    |candidate| match highlight::edits_within(word, candidate, distance) {
                        Some(1) => Some(CORRECTION_WEIGHT),
                        Some(2) => Some(FAR_CORRECTION_WEIGHT),
                        _ => None,
                    },
                )?;
                clauses.extend(self.expansion_query(&corrections));
            }
            let weight = if known {
                FUZZY_KNOWN_WEIGHT
            } else {
                FUZZY_WEIGHT
            };
            for (field, boost) in self.fields.raw() {
                let term = Term::from_field_text(field, word);
                let fuzzy = FuzzyTermQuery::new(term, distance, true);
                clauses.push(Box::new(BoostQuery::new(Box::new(fuzzy), boost * weight)));
            }
        }
        if prefix {
            clauses.extend(self.prefix_query(searcher, word)?);
        }
        Ok((!clauses.is_empty()).then(|| Box::new(BooleanQuery::union(clauses)) as Box<dyn Query>))
    }

    /// Words that `word` begins: their stems, scored, plus a constant for any of them.
    fn prefix_query(&self, searcher: &Searcher, word: &str) -> Result<Option<Box<dyn Query>>> {
        if word.chars().count() < MIN_PREFIX_CHARS {
            return Ok(None);
        }
        let completions = self.vocabulary(
            searcher,
            word,
            |candidate| candidate.starts_with(word),
            |candidate| (candidate != word).then_some(COMPLETION_WEIGHT),
        )?;
        let mut clauses: Vec<Box<dyn Query>> =
            self.expansion_query(&completions).into_iter().collect();
        for (field, boost) in self.fields.raw() {
            let term = Term::from_field_text(field, word);
            let prefix = FuzzyTermQuery::new_prefix(term, 0, true);
            clauses.push(Box::new(BoostQuery::new(
                Box::new(prefix),
                boost * PREFIX_WEIGHT,
            )));
        }
        Ok(Some(Box::new(BooleanQuery::union(clauses))))
    }

    /// The best of the stems of `words`, each scored like a typed word times its weight.
    fn expansion_query(&self, words: &[(String, Score, u64)]) -> Option<Box<dyn Query>> {
        let mut seen = Vec::new();
        let mut queries: Vec<Box<dyn Query>> = Vec::new();
        for (word, weight, _) in words {
            let Some(stem) = analyzer::stem(word) else {
                continue;
            };
            if seen.contains(&stem) {
                continue;
            }
            queries.push(Box::new(BoostQuery::new(self.stem_query(&stem), *weight)));
            seen.push(stem);
        }
        any_of(queries, 0.0)
    }

    /// A stem in every stemmed field, boosted by field.
    fn stem_query(&self, stem: &str) -> Box<dyn Query> {
        let clauses = self
            .fields
            .stemmed()
            .into_iter()
            .map(|(field, boost)| {
                let term = TermQuery::new(
                    Term::from_field_text(field, stem),
                    IndexRecordOption::WithFreqs,
                );
                Box::new(BoostQuery::new(Box::new(term), boost)) as Box<dyn Query>
            })
            .collect();
        Box::new(BooleanQuery::union(clauses))
    }

    /// A synonym group: any of its expressions, the typed one a little stronger.
    ///
    /// Expressions of one group are scored as one concept: each is weighed by the rarity of
    /// the group's most common expression, not its own ("blended" idf). Otherwise a rare
    /// synonym would outscore what was typed, and as English words are rare in a mostly
    /// Danish knowledge base, "mistet" would rank English articles about "lost" first.
    fn synonym_query(
        &self,
        searcher: &Searcher,
        group: usize,
        typed: &str,
        prefix: Option<&str>,
    ) -> Result<Option<Box<dyn Query>>> {
        let typed_stems = analyzer::analyze(typed);
        let mut expressions: Vec<(Vec<String>, Option<Score>)> = Vec::new();
        for expression in synonyms::expressions(group) {
            let stems = analyzer::analyze(expression);
            if !stems.is_empty() && !expressions.iter().any(|(s, _)| *s == stems) {
                let idf = self.idf(searcher, &stems)?;
                expressions.push((stems, idf));
            }
        }
        if !typed_stems.is_empty() && !expressions.iter().any(|(s, _)| *s == typed_stems) {
            // Matched with small words inside ("mistet min telefon"): search it as typed too.
            let idf = self.idf(searcher, &typed_stems)?;
            expressions.push((typed_stems.clone(), idf));
        }
        let concept_idf = expressions
            .iter()
            .filter_map(|(_, idf)| *idf)
            .reduce(Score::min);
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        for (stems, idf) in &expressions {
            let (Some(idf), Some(concept_idf)) = (idf, concept_idf) else {
                continue; // occurs nowhere
            };
            let base = if *stems == typed_stems {
                1.0
            } else {
                SYNONYM_WEIGHT
            };
            let weight = base * concept_idf / idf;
            alternatives.push(Box::new(BoostQuery::new(
                self.expression_query(stems),
                weight,
            )));
        }
        if let Some(word) = prefix {
            alternatives.extend(self.prefix_query(searcher, word)?);
        }
        Ok(any_of(alternatives, SYNONYM_TIE_BREAKER))
    }

    /// The BM25 rarity of an expression: the sum over its stems, each as rare as in the
    /// field where it is most common. `None` when a stem occurs nowhere.
    fn idf(&self, searcher: &Searcher, stems: &[String]) -> Result<Option<Score>> {
        let num_docs = searcher.num_docs() as Score;
        let mut sum = 0.0;
        for stem in stems {
            let mut doc_freq = 0;
            for (field, _) in self.fields.stemmed() {
                doc_freq = doc_freq.max(searcher.doc_freq(&Term::from_field_text(field, stem))?);
            }
            if doc_freq == 0 {
                return Ok(None);
            }
            let doc_freq = doc_freq as Score;
            sum += (1.0 + (num_docs - doc_freq + 0.5) / (doc_freq + 0.5)).ln();
        }
        Ok(Some(sum))
    }

    /// The stems of an expression: one stem anywhere; several side by side, or (weaker) all
    /// in a short field. An expression with a short word ("mit id", "nem id") is a fixed
    /// phrase: its words must stand side by side, or "mit id" would match "mit bruger-id".
    fn expression_query(&self, stems: &[String]) -> Box<dyn Query> {
        if let [stem] = stems {
            return self.stem_query(stem);
        }
        let fixed = stems.iter().any(|s| s.chars().count() <= 3);
        let slop = if fixed { 0 } else { PHRASE_SLOP };
        let mut clauses: Vec<Box<dyn Query>> = Vec::new();
        for (field, boost) in self.fields.stemmed() {
            let terms: Vec<(usize, Term)> = stems
                .iter()
                .enumerate()
                .map(|(i, s)| (i, Term::from_field_text(field, s)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, slop);
            clauses.push(Box::new(BoostQuery::new(Box::new(phrase), boost)));
        }
        if !fixed {
            for (field, boost) in self.fields.short() {
                let all: Vec<Box<dyn Query>> = stems
                    .iter()
                    .map(|s| {
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, s),
                            IndexRecordOption::WithFreqs,
                        )) as Box<dyn Query>
                    })
                    .collect();
                let loose = BooleanQuery::intersection(all);
                clauses.push(Box::new(BoostQuery::new(
                    Box::new(loose),
                    boost * LOOSE_PHRASE_WEIGHT,
                )));
            }
        }
        Box::new(BooleanQuery::union(clauses))
    }

    /// What the snippets of this search mark.
    fn marks(&self, searcher: &Searcher, query: Option<&dyn Query>, plan: &Plan) -> Result<Marks> {
        let mut marks = Marks {
            fuzzy: plan.fuzzy_words(),
            prefix: plan
                .prefix_word()
                .filter(|w| w.chars().count() >= MIN_PREFIX_CHARS)
                .map(str::to_string),
            ..Marks::default()
        };
        let Some(query) = query else {
            return Ok(marks);
        };
        let stemmed: Vec<Field> = self.fields.stemmed().iter().map(|(f, _)| *f).collect();
        let mut stems = BTreeMap::new();
        let small: Vec<String> = stemmed_stop_words();
        query.query_terms(&mut |term, _| {
            // Small words and the bits of "e-boks" or "mit.dk" are not worth marking.
            if stemmed.contains(&term.field())
                && let Some(text) = term.value().as_str()
                && text.chars().count() > 2
                && !small.iter().any(|s| s == text)
            {
                stems.insert(text.to_string(), ());
            }
        });
        for stem in stems.into_keys() {
            let doc_freq = searcher.doc_freq(&Term::from_field_text(self.fields.body, &stem))?;
            marks.stems.insert(stem, 1.0 / (1.0 + doc_freq as Score));
        }
        Ok(marks)
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

/// Exact, case-insensitive match of a keyword field.
fn keyword_query(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, &value.to_lowercase()),
        IndexRecordOption::Basic,
    ))
}

/// Any of `queries`: the best one scores, the others add `tie_breaker` of theirs.
fn any_of(mut queries: Vec<Box<dyn Query>>, tie_breaker: Score) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
            queries,
            tie_breaker,
        ))),
    }
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

fn stemmed_stop_words() -> Vec<String> {
    query::stop_words()
        .iter()
        .filter_map(|w| analyzer::stem(w))
        .collect()
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

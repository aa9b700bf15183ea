//! The case index: the supporters' full-text search over cases.
//!
//! The same Danish analysis, synonyms, typo tolerance and prefixes as the knowledge base,
//! over a case's subject, text, citizen name and category; a case reference (or its number)
//! finds its case first. The index keeps what it is given: the caller redacts CPR numbers
//! first (the app does, with its one CPR detector, `app::domain::cpr`; this crate cannot
//! depend on the app, and a second, different detector here was how spellings slipped by).

use std::path::Path;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, STORED, Schema, Value};
use tantivy::{DocAddress, Order, Score, Searcher, TantivyDocument, Term};

use crate::analyzer;
use crate::error::Result;
use crate::eval::{self, Filters, Node};
use crate::highlight::Marks;
use crate::kb::{MAX_LIMIT, MAX_OFFSET};
use crate::matching::{Scheme, options};
use crate::query::Plan;
use crate::store::{Merging, Opened, Store, Version};

/// Version of the case schema and of the analysis behind it; see [`crate::SCHEMA_VERSION`].
/// 2: CPR numbers are redacted by the app's one detector, which finds more spellings (dots,
/// other dashes and spaces, look-alike digits); an index from before is rebuilt without them.
pub const CASE_SCHEMA_VERSION: u32 = 3;

/// The file in the case index directory that holds [`CASE_SCHEMA_VERSION`].
pub const CASE_SCHEMA_VERSION_FILE: &str = "cases-schema-version";

const VERSION: Version = Version {
    file: CASE_SCHEMA_VERSION_FILE,
    number: CASE_SCHEMA_VERSION,
};

// Field boosts: the subject says most about a case, its running text least.
const SUBJECT_BOOST: Score = 3.0;
const NAME_BOOST: Score = 2.0;
const CATEGORY_BOOST: Score = 1.5;
const TEXT_BOOST: Score = 1.0;
/// A word of the case reference ("000123"): far above any text match, so a reference finds
/// its case first.
const REFERENCE_BOOST: Score = 20.0;

/// A case as the index sees it. Its texts must hold no CPR number: they are indexed and
/// stored as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseDoc {
    pub id: i64,
    /// "SAG-2026-000123".
    pub reference: String,
    pub subject: String,
    /// Description, notes and messages, joined.
    pub text: String,
    pub citizen_name: String,
    /// "MitID", "NemLog-in", "Digital Post", ...
    pub system: String,
    pub category: String,
    /// "open", "waiting", "closed", ...
    pub status: String,
    /// Last change, Unix seconds.
    pub updated_at: i64,
    /// Who the case is for: "citizen", "organisation", "citizen_for_organisation".
    pub party: String,
    /// The organisation's name and CVR number, when the case names one; searched like the
    /// citizen's name.
    pub organisation: String,
}

/// A search among the cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSearchRequest {
    /// What was typed; as in [`crate::SearchRequest::query`]. Empty lists cases, most
    /// recently updated first.
    pub query: String,
    /// Only cases about this system, when given (case-insensitive).
    pub system: Option<String>,
    /// Only cases with this status, when given (case-insensitive).
    pub status: Option<String>,
    /// Only cases for this party, when given (case-insensitive).
    pub party: Option<String>,
    /// Hits to return, at most [`MAX_LIMIT`]. Zero returns only `total`.
    pub limit: usize,
    /// Hits to skip, for paging, at most [`MAX_OFFSET`].
    pub offset: usize,
}

impl Default for CaseSearchRequest {
    fn default() -> Self {
        CaseSearchRequest {
            query: String::new(),
            system: None,
            status: None,
            party: None,
            limit: 20,
            offset: 0,
        }
    }
}

impl CaseSearchRequest {
    /// A search for `query` among all cases, twenty hits.
    pub fn new(query: impl Into<String>) -> Self {
        CaseSearchRequest {
            query: query.into(),
            ..CaseSearchRequest::default()
        }
    }
}

/// One case found.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseHit {
    pub id: i64,
    pub reference: String,
    pub subject: String,
    pub system: String,
    pub status: String,
    pub updated_at: i64,
    /// A passage of the text (else the subject) with the matched words in `<b>`; all other
    /// text is HTML-escaped.
    pub snippet_html: String,
    /// Relevance; 0 when listing by date.
    pub score: Score,
}

/// The answer to a [`CaseSearchRequest`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseSearchResults {
    /// How many cases match, with every filter applied.
    pub total: usize,
    pub hits: Vec<CaseHit>,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    reference: Field,
    /// The words of the reference ("sag", "2026", "000123"), lower-cased.
    reference_words: Field,
    subject: Field,
    text: Field,
    citizen_name: Field,
    category: Field,
    system: Field,
    status: Field,
    party: Field,
    updated_at: Field,
    /// Subject, name, category and reference, lower-cased, not stemmed: typos, prefixes.
    subject_raw: Field,
    /// The text, lower-cased, not stemmed.
    text_raw: Field,
    subject_pairs: Field,
    text_pairs: Field,
}

impl Fields {
    fn scheme(&self) -> Scheme {
        Scheme {
            stemmed: vec![
                (self.subject, SUBJECT_BOOST),
                (self.citizen_name, NAME_BOOST),
                (self.category, CATEGORY_BOOST),
                (self.text, TEXT_BOOST),
            ],
            short: vec![
                (self.subject, SUBJECT_BOOST),
                (self.citizen_name, NAME_BOOST),
                (self.category, CATEGORY_BOOST),
            ],
            raw: vec![
                (self.subject_raw, SUBJECT_BOOST),
                (self.text_raw, TEXT_BOOST),
            ],
            pairs: vec![
                (self.subject, self.subject_pairs),
                (self.text, self.text_pairs),
            ],
            title: (self.subject, SUBJECT_BOOST),
            body: self.text,
        }
    }
}

fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let stemmed = options::stemmed().set_stored();
    let keyword = options::keyword().set_stored();
    let fields = Fields {
        id: builder.add_i64_field(
            "id",
            NumericOptions::default()
                .set_indexed()
                .set_stored()
                .set_fast(),
        ),
        reference: builder.add_text_field("reference", STORED),
        reference_words: builder.add_text_field("reference_words", options::raw()),
        subject: builder.add_text_field("subject", stemmed.clone()),
        text: builder.add_text_field("text", stemmed.clone()),
        citizen_name: builder.add_text_field("citizen_name", stemmed.clone()),
        category: builder.add_text_field("category", stemmed),
        system: builder.add_text_field("system", keyword.clone()),
        status: builder.add_text_field("status", keyword.clone()),
        party: builder.add_text_field("party", keyword),
        updated_at: builder.add_i64_field(
            "updated_at",
            NumericOptions::default().set_stored().set_fast(),
        ),
        subject_raw: builder.add_text_field("subject_raw", options::raw()),
        text_raw: builder.add_text_field("text_raw", options::raw()),
        subject_pairs: builder.add_text_field("subject_pairs", options::pairs()),
        text_pairs: builder.add_text_field("text_pairs", options::pairs()),
    };
    (builder.build(), fields)
}

/// The search index of cases. One per index directory: it holds the directory's only
/// writer.
pub struct CaseIndex {
    store: Store,
    fields: Fields,
    scheme: Scheme,
    cache: eval::Cache,
}

impl std::fmt::Debug for CaseIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseIndex")
            .field("opened", &self.store.opened())
            .finish_non_exhaustive()
    }
}

impl CaseIndex {
    /// Opens the index in `dir`, creating the directory and the index when missing. An index
    /// of another schema version is replaced by an empty one; [`CaseIndex::opened`] tells
    /// the caller whether to fill it.
    pub fn open_or_create(dir: &Path) -> Result<CaseIndex> {
        let (schema, fields) = build_schema();
        // Cases change all day: tantivy's logarithmic merging, not one segment.
        let store = Store::open_or_create(dir, schema, VERSION, Merging::Logarithmic)?;
        Ok(CaseIndex::new(store, fields))
    }

    /// An index in memory, for tests.
    pub fn create_in_ram() -> Result<CaseIndex> {
        let (schema, fields) = build_schema();
        Ok(CaseIndex::new(
            Store::in_ram(schema, Merging::Logarithmic)?,
            fields,
        ))
    }

    /// Whether the case index in `dir` is missing or of another schema version, so that
    /// [`CaseIndex::open_or_create`] will give an empty index to fill.
    pub fn needs_rebuild(dir: &Path) -> Result<bool> {
        VERSION.needs_rebuild(dir)
    }

    fn new(store: Store, fields: Fields) -> CaseIndex {
        CaseIndex {
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

    /// Adds `case`, replacing any case of the same id. Visible after [`Self::commit`].
    pub fn upsert(&self, case: &CaseDoc) -> Result<()> {
        self.store.replace(
            Term::from_field_i64(self.fields.id, case.id),
            self.document(case),
        )
    }

    crate::store::store_methods!("case");

    fn document(&self, case: &CaseDoc) -> TantivyDocument {
        let f = &self.fields;
        let (subject, text, name) = (&case.subject, &case.text, &case.citizen_name);
        let (category, reference) = (&case.category, &case.reference);
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, case.id);
        doc.add_text(f.reference, reference);
        doc.add_text(f.reference_words, reference);
        doc.add_text(f.subject, subject);
        doc.add_text(f.subject_pairs, subject);
        doc.add_text(f.text, text);
        doc.add_text(f.text_pairs, text);
        doc.add_text(f.text_raw, text);
        doc.add_text(f.citizen_name, name);
        doc.add_text(f.citizen_name, &case.organisation);
        doc.add_text(f.category, category);
        for raw in [subject, name, &case.organisation, category, reference] {
            doc.add_text(f.subject_raw, raw);
        }
        doc.add_text(f.system, case.system.trim());
        doc.add_text(f.status, case.status.trim());
        let party = case.party.trim();
        doc.add_text(f.party, if party.is_empty() { "citizen" } else { party });
        doc.add_i64(f.updated_at, case.updated_at);
        doc
    }

    /// Searches the cases.
    pub fn search(&self, request: &CaseSearchRequest) -> Result<CaseSearchResults> {
        let searcher = self.store.searcher();
        let plan = Plan::parse(&request.query, |word| self.scheme.is_known(&searcher, word));
        let limit = request.limit.min(MAX_LIMIT);
        let offset = request.offset.min(MAX_OFFSET);
        let filters = Filters {
            must: self.filter_terms(request),
            narrow: Vec::new(),
        };
        let compiled = self.scheme.compile(&searcher, &plan)?;
        let reference = self.reference_node(&request.query);
        let (content, bonus) = match compiled {
            Some(compiled) => (
                eval::sum(
                    [Some(compiled.content), reference]
                        .into_iter()
                        .flatten()
                        .collect(),
                ),
                compiled.bonus,
            ),
            None => (reference, None),
        };
        let Some(content) = content else {
            return self.list(&searcher, &filters, offset, limit);
        };
        let compiled = eval::Compiled { content, bonus };
        let found = eval::search(
            &searcher,
            &self.cache,
            &compiled,
            &filters,
            None,
            offset,
            limit,
        )?;
        let marks = self.scheme.marks(&searcher, Some(&compiled), &plan)?;
        let mut hits = Vec::with_capacity(found.top.len());
        for (score, address) in found.top {
            hits.push(self.hit(&searcher, address, score, &marks)?);
        }
        Ok(CaseSearchResults {
            total: found.total,
            hits,
        })
    }

    /// The words of the query with a digit in them, matched against the case references:
    /// "SAG-2026-000123", "sag-2026-000123" and "000123" all name case 000123.
    fn reference_node(&self, query: &str) -> Option<Node> {
        let nodes = analyzer::words(query)
            .into_iter()
            .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
            .map(|w| Node::Term {
                term: Term::from_field_text(self.fields.reference_words, &w),
                boost: REFERENCE_BOOST,
            })
            .collect();
        eval::sum(nodes)
    }

    /// Nothing to search for: every case the filters allow, most recently updated first.
    fn list(
        &self,
        searcher: &Searcher,
        filters: &Filters,
        offset: usize,
        limit: usize,
    ) -> Result<CaseSearchResults> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(AllQuery))];
        for term in &filters.must {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(term.clone(), IndexRecordOption::Basic)),
                    0.0,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let top = TopDocs::with_limit(limit.max(1))
            .and_offset(offset)
            .order_by_fast_field::<i64>("updated_at", Order::Desc);
        let (docs, total) = searcher.search(&query, &(top, Count))?;
        let marks = Marks::default();
        let mut hits = Vec::new();
        for (_, address) in docs.into_iter().take(limit) {
            hits.push(self.hit(searcher, address, 0.0, &marks)?);
        }
        Ok(CaseSearchResults { total, hits })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: Score,
        marks: &Marks,
    ) -> Result<CaseHit> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let number = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_i64())
                .unwrap_or_default()
        };
        let subject = text(f.subject);
        Ok(CaseHit {
            id: number(f.id),
            reference: text(f.reference),
            snippet_html: marks.snippet_html(&text(f.text), &subject),
            subject,
            system: text(f.system),
            status: text(f.status),
            updated_at: number(f.updated_at),
            score,
        })
    }

    /// The system and status filters, as keyword terms every case must have.
    fn filter_terms(&self, request: &CaseSearchRequest) -> Vec<Term> {
        let mut terms = Vec::new();
        for (field, value) in [
            (self.fields.system, &request.system),
            (self.fields.status, &request.status),
            (self.fields.party, &request.party),
        ] {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                terms.push(Term::from_field_text(field, &value.to_lowercase()));
            }
        }
        terms
    }
}

#[cfg(test)]
#[path = "cases_tests.rs"]
mod tests;

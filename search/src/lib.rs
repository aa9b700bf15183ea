//! Full-text search for the desk. This crate owns tantivy: the Danish analysis chain, the
//! knowledge-base index and the supporters' case index, with typo tolerance, as-you-type
//! prefixes, Danish synonyms and colloquial words, field boosts, system facets, highlighted
//! snippets and related articles. It knows nothing of Leptos or sqlx: the caller hands it
//! plain [`ArticleDoc`]s and [`CaseDoc`]s.
//!
//! Both indexes expand a query into a tree of stem, phrase, typo and prefix clauses and score
//! it a term at a time (`eval`), over the BM25 statistics tantivy keeps; see `matching` for
//! how a query becomes that tree.
//!
//! ## The knowledge base
//!
//! ```
//! use search::{ArticleDoc, Audience, KbIndex, SearchRequest};
//!
//! # fn main() -> Result<(), search::SearchError> {
//! // On disk: `KbIndex::open_or_create(dir)?`, then refill it if `opened().needs_reindex()`.
//! let kb = KbIndex::create_in_ram()?;
//! kb.upsert(&ArticleDoc {
//!     id: 1,
//!     slug: "mistet-kodeviser".into(),
//!     lang: "da".into(),
//!     title: "Jeg har mistet min kodeviser".into(),
//!     summary: "Spær den med det samme, og bestil en ny.".into(),
//!     body: "Har du mistet din kodeviser, eller er den stjålet? Spær den.".into(),
//!     systems: vec!["MitID".into()],
//!     audience: "public".into(),
//!     tags: vec!["kodeviser".into(), "mistet".into()],
//! })?;
//! kb.commit()?;
//!
//! // Colloquial ("dims" is a kodeviser), with a typo, as typed so far.
//! let results = kb.search(&SearchRequest {
//!     lang: Some("da".into()),
//!     audience: Audience::PublicOnly,
//!     ..SearchRequest::new("mistt dims")
//! })?;
//! assert_eq!(results.hits[0].slug, "mistet-kodeviser");
//! assert_eq!(results.facets, [("MitID".to_string(), 1)]);
//! # Ok(())
//! # }
//! ```
//!
//! ## Cases
//!
//! [`CaseIndex`] works like [`KbIndex`]: `open_or_create(dir)` (a schema-version file, an
//! empty index to refill from the database when [`Opened::needs_reindex`]), `upsert`,
//! `delete`, `clear`, `commit`, `commit_marked(marker)` and `marker()` to reconcile with the
//! database's change sequence, `doc_count`. [`CaseIndex::search`] takes a
//! [`CaseSearchRequest`] (query, optional system and status filters, paging) and returns the
//! total and [`CaseHit`]s with escaped, highlighted snippets; an empty query lists the cases
//! most recently updated first. A case reference ("SAG-2026-000123", in any case, or just
//! "000123") finds its case first. Texts are indexed and stored as given: the caller redacts
//! CPR numbers first (the app does, with `app::domain::cpr::redact`).
//!
//! ```
//! use search::{CaseDoc, CaseIndex, CaseSearchRequest};
//!
//! # fn main() -> Result<(), search::SearchError> {
//! let cases = CaseIndex::create_in_ram()?;
//! cases.upsert(&CaseDoc {
//!     id: 123,
//!     reference: "SAG-2026-000123".into(),
//!     subject: "Spærret kodeviser".into(),
//!     text: "Borgeren ([CPR]) har tastet forkert kode for mange gange.".into(),
//!     citizen_name: "Jens Jensen".into(),
//!     system: "MitID".into(),
//!     category: "Kodeviser".into(),
//!     status: "open".into(),
//!     updated_at: 1_767_225_600,
//!     ..CaseDoc::default()
//! })?;
//! cases.commit_marked(7)?;
//!
//! let found = cases.search(&CaseSearchRequest {
//!     status: Some("open".into()),
//!     ..CaseSearchRequest::new("spæret kodeviser borgeren")
//! })?;
//! assert_eq!(found.hits[0].reference, "SAG-2026-000123");
//! assert!(found.hits[0].snippet_html.contains("<b>Borgeren</b> ([CPR])"));
//! assert_eq!(cases.search(&CaseSearchRequest::new("000123"))?.hits[0].id, 123);
//! assert_eq!(cases.marker()?, Some(7));
//! # Ok(())
//! # }
//! ```

pub mod analyzer;
mod cases;
mod error;
mod eval;
mod highlight;
#[cfg(test)]
mod hostile_tests;
mod kb;
mod matching;
mod query;
mod store;
pub mod synonyms;
mod terms;

pub use analyzer::{DANISH, KEYWORD, LOWER, register_analyzers};
pub use cases::{
    CASE_SCHEMA_VERSION, CASE_SCHEMA_VERSION_FILE, CaseDoc, CaseHit, CaseIndex, CaseSearchRequest,
    CaseSearchResults,
};
pub use error::{Result, SearchError};
pub use kb::{
    ArticleDoc, Audience, Hit, KbIndex, MAX_LIMIT, MAX_OFFSET, Opened, SCHEMA_VERSION,
    SCHEMA_VERSION_FILE, SearchRequest, SearchResults, needs_rebuild,
};

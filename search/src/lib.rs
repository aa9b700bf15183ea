//! Full-text search for the desk. This crate owns tantivy: the Danish analysis chain and the
//! knowledge-base index, with typo tolerance, as-you-type prefixes, Danish synonyms and
//! colloquial words, field boosts, system facets, highlighted snippets and related articles.
//! It knows nothing of Leptos or sqlx: the caller hands it plain [`ArticleDoc`]s.
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

pub mod analyzer;
mod error;
mod highlight;
mod kb;
mod query;
pub mod synonyms;

pub use analyzer::{DANISH, KEYWORD, LOWER, register_analyzers};
pub use error::{Result, SearchError};
pub use kb::{
    ArticleDoc, Audience, Hit, KbIndex, MAX_LIMIT, MAX_OFFSET, Opened, SCHEMA_VERSION,
    SCHEMA_VERSION_FILE, SearchRequest, SearchResults, needs_rebuild,
};

//! The knowledge base: what pages show of articles and searches (shared with the browser),
//! and, on the server, parsing, rendering and keeping the search index in step, and the
//! administrators' editing and publishing.

use serde::{Deserialize, Serialize};

pub mod admin_view;

#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod article_form;
#[cfg(feature = "ssr")]
pub mod front_matter;
#[cfg(feature = "ssr")]
pub mod index_sync;
#[cfg(feature = "ssr")]
pub mod last_change;
#[cfg(feature = "ssr")]
pub mod pending;
#[cfg(feature = "ssr")]
pub mod publishing;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod seed;

/// A link to an article, as lists and "related" panels show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleLink {
    pub slug: String,
    pub lang: String,
    pub title: String,
    pub summary: String,
}

/// An article as its page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticlePage {
    pub id: i64,
    pub slug: String,
    pub lang: String,
    pub title: String,
    pub summary: String,
    /// Rendered from Markdown and sanitised on save.
    pub body_html: String,
    pub systems: Vec<String>,
    pub updated_at: String,
    pub related: Vec<ArticleLink>,
    pub translation: Option<ArticleLink>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHitView {
    pub slug: String,
    pub lang: String,
    pub title: String,
    /// Escaped text with `<b>` around matches, made by the search crate.
    pub snippet_html: String,
    pub systems: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub query: String,
    pub system: Option<String>,
    pub total: usize,
    pub hits: Vec<SearchHitView>,
    /// (system, matches) over the query without the system filter.
    pub facets: Vec<(String, u64)>,
}

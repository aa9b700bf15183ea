//! The knowledge base on the server: parsing front matter, rendering Markdown, seeding the
//! shipped articles and keeping the search index in step. What pages show of articles and
//! searches is in `domain::kb_views`.

pub mod front_matter;
pub mod index_sync;
pub mod render;
pub mod seed;

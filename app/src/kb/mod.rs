//! The knowledge base on the server: parsing front matter, rendering Markdown, seeding the
//! shipped articles, keeping the search index in step, and the administrators' editing and
//! publishing. What pages show of articles, searches and the editor is in `domain::kb_views`
//! and `domain::kb_admin_views`.

pub mod admin;
pub mod article_form;
pub mod front_matter;
pub mod index_sync;
pub mod last_change;
pub mod pending;
pub mod publishing;
pub mod render;
pub mod seed;

//! The knowledge base on the server: parsing front matter, seeding the shipped articles, and
//! the administrators' editing and publishing. Markdown is rendered by `domain::markdown`, the
//! index kept in step by `index_sync::kb`; what pages show of articles, searches and the
//! editor is in `domain::kb_views` and `domain::kb_admin_views`.

pub mod admin;
pub mod article_form;
pub mod article_page;
pub mod front_matter;
pub mod last_change;
pub mod pending;
pub mod publishing;
pub mod search;
pub mod seed;

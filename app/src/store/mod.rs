//! The data layer: SQLite through sqlx. Everything that touches the database lives here, so the
//! rest of the crate reads as UI and domain.

pub mod articles;
pub mod audit;
pub mod blocks;
pub mod case_links;
pub mod case_queue;
pub mod case_search;
pub mod cases;
pub mod citizens;
pub mod contact_allowances;
pub mod dashboard;
pub mod db;
pub mod group_commit;
pub mod help_counts;
pub mod identities;
pub mod incidents;
pub mod intake;
pub mod kb_admin;
pub mod login_failures;
pub mod mail;
pub mod notify;
pub mod operations;
pub mod organisations;
pub mod outbox;
pub mod phone_calls;
pub mod powers;
pub mod ratings;
pub mod registry_tables;
pub mod sessions;
pub mod sql_builder;
pub mod two_factor;
pub mod users;
pub mod visits;

pub use db::{Db, StoreError};

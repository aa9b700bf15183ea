//! Full-text search for the desk. This crate owns tantivy: the Danish analysis chain now,
//! and the knowledge-base and case indexes as they arrive. It knows nothing of Leptos or sqlx.

pub mod analyzer;

pub use analyzer::{DANISH, register_analyzers};

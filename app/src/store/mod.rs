//! The data layer: SQLite through sqlx. Everything that touches the database lives here, so the
//! rest of the crate reads as UI and domain.

pub mod articles;
pub mod db;
pub mod login_failures;
pub mod sessions;
pub mod users;

pub use db::{Db, StoreError};

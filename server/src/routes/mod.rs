//! Plain axum routes beside the Leptos app.

pub mod assets;
pub mod cti;
pub mod dashboard;
pub mod health;
pub mod inbound_mail;
pub mod lang;
pub mod live;

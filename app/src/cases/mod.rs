//! Cases: canned answers, the contact form's limits, the case search index's upkeep and the
//! queue's live feed. The shapes pages show (queue rows, case page) are in
//! `domain::case_views`.

pub mod canned;
#[cfg(feature = "ssr")]
pub mod contact_limits;
#[cfg(feature = "ssr")]
pub mod index_sync;
pub mod live;

//! Cases on the server: the contact form's limits and the case search index's upkeep. The
//! shapes pages show (queue rows, case page, the live feed's items) and the canned answers are
//! in `domain`.

pub mod contact_limits;
pub mod index_sync;

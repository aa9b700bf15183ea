//! Cases on the server: the contact form's limits, linking and merging cases. The shapes pages show (queue rows, case
//! page, the live feed's items) and the canned answers are in `domain`, the case search
//! index's upkeep in `index_sync::cases`.

pub mod citizens;
pub mod contact;
pub mod contact_limits;
pub mod links;
pub mod search;

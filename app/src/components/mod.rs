//! Building blocks shared by pages.

pub mod call_pop;
pub mod csrf_field;
pub mod footer;
pub mod header;
pub mod identity_panel;
pub mod incident_banner;
pub mod kb_panel;
#[cfg(feature = "hydrate")]
pub mod live_feed;
pub mod organisation_panel;
pub mod page_title;
pub mod power_panel;
pub mod require_role;
pub mod search_box;
pub mod shortcuts;
pub mod urgent_box;
pub mod verify_caller;

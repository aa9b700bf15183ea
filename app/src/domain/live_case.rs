//! The queue's live feed: new cases pushed to every open console by server-sent events.

use serde::{Deserialize, Serialize};

use crate::domain::{Priority, System};

/// A case just created, as the feed announces it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveCase {
    pub reference: String,
    pub subject: String,
    pub priority: Priority,
    pub system: System,
}

/// The feed's address.
pub const EVENTS_PATH: &str = "/support/events";

//! The logged-in staff member, as sessions, guards and pages know them.

use serde::{Deserialize, Serialize};

use super::Role;

/// The logged-in staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

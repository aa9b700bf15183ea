//! Each citizen's MitID (user-ID, assurance level, status) and authenticators, as the desk
//! shows them.

use serde::{Deserialize, Serialize};

use crate::domain::{AuthenticatorKind, BlockReason};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentityView {
    pub identity_id: i64,
    pub user_id: String,
    /// low, substantial or high.
    pub assurance: String,
    /// active, blocked or revoked.
    pub status: String,
    pub authenticators: Vec<AuthenticatorView>,
    pub blocks: Vec<BlockView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthenticatorView {
    pub id: i64,
    pub kind: AuthenticatorKind,
    pub serial: Option<String>,
    pub label: Option<String>,
    /// pending_activation, active or blocked.
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockView {
    pub id: i64,
    /// What was blocked, e.g. "Kodeviser 12345678" or "hele MitID".
    pub authenticator: Option<(AuthenticatorKind, Option<String>)>,
    pub permanent: bool,
    pub reason: BlockReason,
    pub verification: String,
    pub police_report: Option<String>,
    pub blocked_by: String,
    pub blocked_at: String,
    pub lifted_at: Option<String>,
    /// With an external registry: queued, retrying, sent or failed.
    pub registry_state: Option<String>,
}

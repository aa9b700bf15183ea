//! Each citizen's MitID (user-ID, assurance level, status) and authenticators, as the desk
//! shows them.

use serde::{Deserialize, Serialize};

use crate::domain::case_category::{UnknownName, find};
use crate::domain::{AssuranceLevel, AuthenticatorKind, BlockReason, Verification};

/// Where a MitID stands in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityStatus {
    Active,
    Blocked,
    Revoked,
}

impl IdentityStatus {
    pub const ALL: [IdentityStatus; 3] = [
        IdentityStatus::Active,
        IdentityStatus::Blocked,
        IdentityStatus::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityStatus::Active => "active",
            IdentityStatus::Blocked => "blocked",
            IdentityStatus::Revoked => "revoked",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "identity status")
    }
}

/// Where one authenticator stands in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthenticatorStatus {
    /// Issued at the counter, not yet activated with its code.
    PendingActivation,
    Active,
    Blocked,
}

impl AuthenticatorStatus {
    pub const ALL: [AuthenticatorStatus; 3] = [
        AuthenticatorStatus::PendingActivation,
        AuthenticatorStatus::Active,
        AuthenticatorStatus::Blocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthenticatorStatus::PendingActivation => "pending_activation",
            AuthenticatorStatus::Active => "active",
            AuthenticatorStatus::Blocked => "blocked",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "authenticator status")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentityView {
    pub identity_id: i64,
    pub user_id: String,
    pub assurance: AssuranceLevel,
    pub status: IdentityStatus,
    pub authenticators: Vec<AuthenticatorView>,
    pub blocks: Vec<BlockView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthenticatorView {
    pub id: i64,
    pub kind: AuthenticatorKind,
    pub serial: Option<String>,
    pub label: Option<String>,
    pub status: AuthenticatorStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockView {
    pub id: i64,
    /// What was blocked: one authenticator (kind and serial), or None for the whole MitID.
    pub authenticator: Option<(AuthenticatorKind, Option<String>)>,
    pub permanent: bool,
    pub reason: BlockReason,
    /// How the caller was verified when the block was placed.
    pub verification: Verification,
    pub police_report: Option<String>,
    pub blocked_by: String,
    pub blocked_at: String,
    pub lifted_at: Option<String>,
    /// With an external registry: queued, retrying, sent or failed.
    pub registry_state: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_keep_their_stored_names() {
        for s in IdentityStatus::ALL {
            assert_eq!(IdentityStatus::parse(s.as_str()), Ok(s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::json!(s.as_str()))
            );
        }
        for s in AuthenticatorStatus::ALL {
            assert_eq!(AuthenticatorStatus::parse(s.as_str()), Ok(s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::json!(s.as_str()))
            );
        }
        for l in AssuranceLevel::ALL {
            assert_eq!(AssuranceLevel::parse(l.as_str()), Ok(l));
            assert_eq!(
                serde_json::to_value(l).ok(),
                Some(serde_json::json!(l.as_str()))
            );
        }
        assert!(IdentityStatus::parse("frozen").is_err());
    }
}

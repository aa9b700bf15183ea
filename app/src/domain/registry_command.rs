//! What the identity registry is told, as plain data: the embedded registry applies it to its
//! tables, the HTTP one sends it as JSON (the serde names are that wire format).

use serde::Serialize;

use crate::domain::AssuranceLevel;

/// What the registry is told. Serialised as the HTTP registry's JSON body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum RegistryCommand {
    Block {
        #[serde(skip)]
        identity_id: i64,
        /// The desk's block id: the registry's idempotency key is derived from it.
        block_id: i64,
        user_id: String,
        /// None: the whole MitID.
        authenticator: Option<AuthenticatorRef>,
        permanent: bool,
        reason: String,
        case_reference: String,
    },
    LiftTemporaryBlock {
        #[serde(skip)]
        identity_id: i64,
        block_id: i64,
        user_id: String,
        case_reference: String,
    },
    /// A MitID issued, re-issued or changed at the Borgerservice counter.
    Issue(Issue),
    /// One authenticator of a MitID Erhverv identity (lost, stolen) or the whole identity
    /// (suspected misuse), at the employee's or an administrator's request.
    BlockBusiness {
        #[serde(skip)]
        business_identity_id: i64,
        /// The desk's business block id: the idempotency key is derived from it.
        block_id: i64,
        cvr: String,
        user_id: String,
        /// None: the whole business identity.
        authenticator: Option<AuthenticatorRef>,
        reason: String,
        /// "employee" or "administrator".
        requested_by: String,
        /// The asker's MitID Erhverv user-ID.
        requester_user_id: String,
        case_reference: String,
    },
}

/// What a finished counter visit asks of the registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    #[serde(skip)]
    pub citizen_id: i64,
    /// The counter visit: the registry's idempotency key is derived from it.
    pub visit_id: i64,
    pub purpose: String,
    /// The user-ID the identity has after the visit.
    pub user_id: String,
    /// The user-ID it had before, when it changes.
    pub previous_user_id: Option<String>,
    pub assurance: AssuranceLevel,
    /// New authenticators, pending activation.
    pub authenticators: Vec<NewAuthenticatorRef>,
    /// The paper activation code for one of them: its SHA-256, never the code.
    pub activation: Option<ActivationRef>,
    /// Argon2 hash of the password set at the counter.
    pub password_argon2: Option<String>,
    /// Lift the temporary blocks of the whole MitID (re-issue after a block).
    pub reactivate: bool,
    pub case_reference: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewAuthenticatorRef {
    pub kind: String,
    pub serial: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActivationRef {
    pub kind: String,
    pub code_sha256: String,
    pub expires_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuthenticatorRef {
    #[serde(skip)]
    pub id: i64,
    pub kind: String,
    pub serial: Option<String>,
}

impl RegistryCommand {
    pub fn idempotency_key(&self) -> String {
        match self {
            RegistryCommand::Block { block_id, .. } => format!("block-{block_id}"),
            RegistryCommand::LiftTemporaryBlock { block_id, .. } => format!("lift-{block_id}"),
            RegistryCommand::Issue(issue) => format!("visit-{}", issue.visit_id),
            RegistryCommand::BlockBusiness { block_id, .. } => format!("business-block-{block_id}"),
        }
    }
}

/// How the command took effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// In the embedded registry, committed with the caller's transaction.
    Done,
    /// Queued for the external registry (the outbox row).
    Queued { outbox_id: i64 },
}

//! The port through which blocks and counter issuing take effect. Two real implementations: the embedded
//! registry (tables in the desk's own database, changed in the caller's transaction) and an
//! external one over HTTP (a signed call written to the outbox in the caller's transaction and
//! delivered by the server's worker until the registry acknowledges it).

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use sqlx::SqliteConnection;

use crate::store::StoreError;
use crate::store::outbox::{self, OutboxChannel};

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
    pub assurance: String,
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

type Effect<'a> = Pin<Box<dyn Future<Output = Result<Applied, StoreError>> + Send + 'a>>;

pub trait IdentityRegistry: Send + Sync {
    /// Applies `command` inside the caller's transaction.
    fn apply<'a>(
        &'a self,
        tx: &'a mut SqliteConnection,
        command: &'a RegistryCommand,
    ) -> Effect<'a>;

    /// "embedded" or "http", for the log and the case record.
    fn name(&self) -> &'static str;
}

/// The registry in the desk's own database.
pub struct EmbeddedRegistry;

impl IdentityRegistry for EmbeddedRegistry {
    fn apply<'a>(
        &'a self,
        tx: &'a mut SqliteConnection,
        command: &'a RegistryCommand,
    ) -> Effect<'a> {
        Box::pin(async move {
            let now = crate::store::cases::utc_now();
            match command {
                RegistryCommand::Block {
                    identity_id,
                    authenticator: Some(a),
                    ..
                } => {
                    sqlx::query(
                        "UPDATE authenticators SET status = 'blocked', updated_at = ?
                         WHERE id = ? AND identity_id = ?",
                    )
                    .bind(&now)
                    .bind(a.id)
                    .bind(identity_id)
                    .execute(&mut *tx)
                    .await?;
                }
                RegistryCommand::Block {
                    identity_id,
                    authenticator: None,
                    ..
                } => {
                    sqlx::query(
                        "UPDATE identities SET status = 'blocked', updated_at = ? WHERE id = ?",
                    )
                    .bind(&now)
                    .bind(identity_id)
                    .execute(&mut *tx)
                    .await?;
                }
                RegistryCommand::LiftTemporaryBlock { identity_id, .. } => {
                    sqlx::query(
                        "UPDATE identities SET status = 'active', updated_at = ?
                         WHERE id = ? AND status = 'blocked'",
                    )
                    .bind(&now)
                    .bind(identity_id)
                    .execute(&mut *tx)
                    .await?;
                }
                RegistryCommand::Issue(issue) => issue_embedded(tx, issue, &now).await?,
            }
            Ok(Applied::Done)
        })
    }

    fn name(&self) -> &'static str {
        "embedded"
    }
}

/// Creates or changes the identity in the embedded registry's tables.
async fn issue_embedded(
    tx: &mut SqliteConnection,
    issue: &Issue,
    now: &str,
) -> Result<(), StoreError> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM identities WHERE citizen_id = ?")
            .bind(issue.citizen_id)
            .fetch_optional(&mut *tx)
            .await?;
    let identity_id = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE identities SET user_id = ?, user_id_key = ?, assurance = ?,
                    password_hash = COALESCE(?, password_hash),
                    status = CASE WHEN ? THEN 'active' ELSE status END, updated_at = ?
                 WHERE id = ?",
            )
            .bind(&issue.user_id)
            .bind(issue.user_id.to_lowercase())
            .bind(&issue.assurance)
            .bind(&issue.password_argon2)
            .bind(issue.reactivate)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => sqlx::query(
            "INSERT INTO identities (citizen_id, user_id, user_id_key, assurance, status,
                password_hash, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
        )
        .bind(issue.citizen_id)
        .bind(&issue.user_id)
        .bind(issue.user_id.to_lowercase())
        .bind(&issue.assurance)
        .bind(&issue.password_argon2)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid(),
    };
    for a in &issue.authenticators {
        let authenticator_id = sqlx::query(
            "INSERT INTO authenticators (identity_id, kind, serial, status, created_at, updated_at)
             VALUES (?, ?, ?, 'pending_activation', ?, ?)",
        )
        .bind(identity_id)
        .bind(&a.kind)
        .bind(&a.serial)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        if let Some(code) = issue.activation.as_ref().filter(|c| c.kind == a.kind) {
            sqlx::query(
                "INSERT INTO activation_codes (authenticator_id, code_sha256, issued_at, expires_at)
                 VALUES (?, ?, ?, ?)",
            )
            .bind(authenticator_id)
            .bind(&code.code_sha256)
            .bind(now)
            .bind(&code.expires_at)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

/// An external registry over HTTP: the call goes to the outbox with the caller's commit.
pub struct HttpRegistry;

impl IdentityRegistry for HttpRegistry {
    fn apply<'a>(
        &'a self,
        tx: &'a mut SqliteConnection,
        command: &'a RegistryCommand,
    ) -> Effect<'a> {
        Box::pin(async move {
            let payload = serde_json::to_string(command)
                .map_err(|e| StoreError::Sqlx(sqlx::Error::Encode(Box::new(e))))?;
            let outbox_id = outbox::enqueue(
                tx,
                OutboxChannel::Registry,
                None,
                &command.idempotency_key(),
                &payload,
            )
            .await?;
            Ok(Applied::Queued { outbox_id })
        })
    }

    fn name(&self) -> &'static str {
        "http"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_http_body_names_the_device_and_carries_no_internal_ids() {
        let c = RegistryCommand::Block {
            identity_id: 3,
            block_id: 7,
            user_id: "grete.h".into(),
            authenticator: Some(AuthenticatorRef {
                id: 99,
                kind: "code_display".into(),
                serial: Some("CD12345678".into()),
            }),
            permanent: true,
            reason: "lost".into(),
            case_reference: "SAG-2026-000001".into(),
        };
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["command"], "block");
        assert_eq!(json["authenticator"]["serial"], "CD12345678");
        assert!(json["authenticator"].get("id").is_none());
        assert!(json.get("identity_id").is_none());
        assert_eq!(c.idempotency_key(), "block-7");
    }
}

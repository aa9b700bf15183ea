//! The port through which blocks take effect. Two real implementations: the embedded
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
        block_id: i64,
        user_id: String,
        case_reference: String,
    },
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
        identity_id: i64,
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
        identity_id: i64,
        command: &'a RegistryCommand,
    ) -> Effect<'a> {
        Box::pin(async move {
            let now = crate::store::cases::utc_now();
            match command {
                RegistryCommand::Block {
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
                RegistryCommand::LiftTemporaryBlock { .. } => {
                    sqlx::query(
                        "UPDATE identities SET status = 'active', updated_at = ?
                         WHERE id = ? AND status = 'blocked'",
                    )
                    .bind(&now)
                    .bind(identity_id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            Ok(Applied::Done)
        })
    }

    fn name(&self) -> &'static str {
        "embedded"
    }
}

/// An external registry over HTTP: the call goes to the outbox with the caller's commit.
pub struct HttpRegistry;

impl IdentityRegistry for HttpRegistry {
    fn apply<'a>(
        &'a self,
        tx: &'a mut SqliteConnection,
        _identity_id: i64,
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
        assert_eq!(c.idempotency_key(), "block-7");
    }
}

//! The port through which blocks and counter issuing take effect. Two real implementations: the embedded
//! registry (tables in the desk's own database, changed in the caller's transaction) and an
//! external one over HTTP (a signed call written to the outbox in the caller's transaction and
//! delivered by the server's worker until the registry acknowledges it).

use std::future::Future;
use std::pin::Pin;

use crate::store::db::Conn;

use crate::domain::registry_command::{Applied, RegistryCommand};
use crate::store::StoreError;
use crate::store::outbox::{self, OutboxChannel};
use crate::store::registry_tables;

type Effect<'a> = Pin<Box<dyn Future<Output = Result<Applied, StoreError>> + Send + 'a>>;

pub trait IdentityRegistry: Send + Sync {
    /// Applies `command` inside the caller's transaction.
    fn apply<'a>(&'a self, tx: &'a mut Conn, command: &'a RegistryCommand) -> Effect<'a>;

    /// "embedded" or "http", for the log and the case record.
    fn name(&self) -> &'static str;
}

/// The registry in the desk's own database.
pub struct EmbeddedRegistry;

impl IdentityRegistry for EmbeddedRegistry {
    fn apply<'a>(&'a self, tx: &'a mut Conn, command: &'a RegistryCommand) -> Effect<'a> {
        Box::pin(async move {
            match command {
                RegistryCommand::Block {
                    identity_id,
                    authenticator: Some(a),
                    ..
                } => registry_tables::block_authenticator(tx, *identity_id, a.id).await?,
                RegistryCommand::Block {
                    identity_id,
                    authenticator: None,
                    ..
                } => registry_tables::block_identity(tx, *identity_id).await?,
                RegistryCommand::LiftTemporaryBlock { identity_id, .. } => {
                    registry_tables::reactivate(tx, *identity_id).await?
                }
                RegistryCommand::Issue(issue) => registry_tables::issue(tx, issue).await?,
                RegistryCommand::BlockBusiness {
                    business_identity_id,
                    authenticator,
                    ..
                } => {
                    registry_tables::block_business(
                        tx,
                        *business_identity_id,
                        authenticator.as_ref().map(|a| a.id),
                    )
                    .await?
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
    fn apply<'a>(&'a self, tx: &'a mut Conn, command: &'a RegistryCommand) -> Effect<'a> {
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
    use crate::domain::identity_views::{AuthenticatorStatus, IdentityStatus};
    use crate::domain::registry_command::{AuthenticatorRef, Issue, NewAuthenticatorRef};
    use crate::domain::{AssuranceLevel, AuthenticatorKind};
    use crate::store::Db;
    use crate::store::citizens::{self, NewCitizen};
    use crate::store::identities::{self, NewAuthenticator};

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

    #[test]
    fn the_http_body_names_the_assurance_level_as_before() {
        let issue = Issue {
            citizen_id: 1,
            visit_id: 9,
            purpose: "raise_assurance".into(),
            user_id: "grete.h".into(),
            previous_user_id: None,
            assurance: AssuranceLevel::High,
            authenticators: vec![],
            activation: None,
            password_argon2: None,
            reactivate: false,
            case_reference: "SAG-2026-000002".into(),
        };
        let json = serde_json::to_value(RegistryCommand::Issue(issue)).unwrap();
        assert_eq!(json["command"], "issue");
        assert_eq!(json["assurance"], "high");
        assert!(json.get("citizen_id").is_none());
    }

    #[tokio::test]
    async fn the_embedded_registry_changes_its_tables_in_the_callers_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        let mut tx = db.begin_write().await.unwrap();
        let now = crate::store::cases::utc_now();
        let citizen = NewCitizen {
            name: "Grete Hansen",
            email: None,
            phone: None,
            phone_hash: None,
            cpr: None,
            lang: "da",
        };
        let citizen_id = citizens::find_or_create(&mut tx, &citizen, &now)
            .await
            .unwrap();
        let identity_id = identities::create_identity(
            &mut tx,
            citizen_id,
            "grete.h",
            AssuranceLevel::Substantial,
            &[NewAuthenticator {
                kind: AuthenticatorKind::CodeDisplay,
                serial: Some("CD12345678"),
                label: None,
                status: AuthenticatorStatus::Active,
            }],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let shown = || async {
            identities::for_citizen(&db, citizen_id)
                .await
                .unwrap()
                .unwrap()
        };
        let device = shown().await.authenticators[0].id;
        let apply = |command: RegistryCommand| {
            let db = db.clone();
            async move {
                let mut tx = db.begin_write().await.unwrap();
                let applied = EmbeddedRegistry.apply(&mut tx, &command).await.unwrap();
                tx.commit().await.unwrap();
                applied
            }
        };
        let block = |block_id, authenticator| RegistryCommand::Block {
            identity_id,
            block_id,
            user_id: "grete.h".into(),
            authenticator,
            permanent: false,
            reason: "lost".into(),
            case_reference: "SAG-2026-000001".into(),
        };

        let one = AuthenticatorRef {
            id: device,
            kind: "code_display".into(),
            serial: Some("CD12345678".into()),
        };
        assert_eq!(apply(block(1, Some(one))).await, Applied::Done);
        let after = shown().await;
        assert_eq!(after.authenticators[0].status, AuthenticatorStatus::Blocked);
        assert_eq!(after.status, IdentityStatus::Active);

        apply(block(2, None)).await;
        assert_eq!(shown().await.status, IdentityStatus::Blocked);
        apply(RegistryCommand::LiftTemporaryBlock {
            identity_id,
            block_id: 2,
            user_id: "grete.h".into(),
            case_reference: "SAG-2026-000001".into(),
        })
        .await;
        assert_eq!(shown().await.status, IdentityStatus::Active);

        apply(RegistryCommand::Issue(Issue {
            citizen_id,
            visit_id: 3,
            purpose: "raise_assurance".into(),
            user_id: "grete.h".into(),
            previous_user_id: None,
            assurance: AssuranceLevel::High,
            authenticators: vec![NewAuthenticatorRef {
                kind: "chip".into(),
                serial: Some("CH87654321".into()),
            }],
            activation: None,
            password_argon2: None,
            reactivate: false,
            case_reference: "SAG-2026-000003".into(),
        }))
        .await;
        let issued = shown().await;
        assert_eq!(issued.assurance, AssuranceLevel::High);
        assert_eq!(issued.authenticators.len(), 2);
        assert_eq!(
            issued.authenticators[1].status,
            AuthenticatorStatus::PendingActivation
        );
    }
}

//! Putting a failed e-mail back in the outbox.

use crate::domain::audit::AuditEntry;
use crate::i18n::Lang;
use crate::store::{Db, StoreError, outbox};

use super::Mailer;

/// Why a message was not put back in the outbox.
#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("the case does not exist")]
    UnknownCase,
    #[error("the message has not failed or is not on the case")]
    NotRetryable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RetryError {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            RetryError::UnknownCase => "reference",
            _ => "outbox_id",
        }
    }

    /// What the supporter is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            RetryError::UnknownCase => super::unknown_case(lang),
            RetryError::NotRetryable => lang.pick(
                "Beskeden kan ikke sendes igen: den er ikke fejlet, eller den hører ikke til sagen.",
                "The message cannot be resent: it has not failed, or it is not on this case.",
            ),
            RetryError::Store(_) => super::store_failure(lang),
        }
    }
}

/// Queues the failed message `outbox_id` on the case again and wakes the outbox; returns the
/// case's reference.
pub async fn retry(
    db: &Db,
    mailer: &Mailer<'_>,
    reference: &str,
    outbox_id: i64,
    username: &str,
) -> Result<String, RetryError> {
    let case = super::find(db, reference)
        .await?
        .ok_or(RetryError::UnknownCase)?;
    let audit = AuditEntry::new(username, "email.retry", &case.row.reference)
        .details(serde_json::json!({ "outbox_id": outbox_id }));
    if !outbox::retry_failed(db, outbox_id, case.id, &audit).await? {
        return Err(RetryError::NotRetryable);
    }
    mailer.wake_outbox();
    Ok(case.row.reference)
}

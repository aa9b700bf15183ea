//! Administrators releasing a username the login throttle holds back (audited).

use crate::domain::audit::AuditEntry;
use crate::i18n::Lang;
use crate::store::{Db, StoreError, login_failures};

/// Why nothing was unlocked.
#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    #[error("no username given")]
    NoUsername,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl UnlockError {
    /// What the administrator is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            UnlockError::NoUsername => lang.pick("Angiv et brugernavn.", "Give a username."),
            UnlockError::Store(_) => lang.pick(
                "Der skete en fejl hos os. Prøv igen om lidt.",
                "Something went wrong on our side. Please try again shortly.",
            ),
        }
    }
}

/// Clears every failed login of `username`, so its owner can log in at once; how many
/// failures were cleared.
pub async fn unlock(db: &Db, username: &str, by: &str) -> Result<u64, UnlockError> {
    let key = crate::auth::login::username_key(username);
    if key.is_empty() {
        return Err(UnlockError::NoUsername);
    }
    let audit = AuditEntry::new(by, "login.unlock", &key);
    let cleared = login_failures::unlock(db, &key, &audit).await?;
    tracing::info!(username = %key, by = %by, cleared, "login unlocked");
    Ok(cleared)
}

//! The login throttle's hold on usernames as administrators see it: which are held back now,
//! and releasing one (audited).

use crate::domain::audit::AuditEntry;
use crate::i18n::Lang;
use crate::store::login_failures::{self, LockedUsername};
use crate::store::{Db, StoreError};

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

/// The usernames the throttle holds back somewhere right now.
pub async fn locked(db: &Db) -> Result<Vec<LockedUsername>, StoreError> {
    login_failures::locked(db, crate::auth::unix_now()).await
}

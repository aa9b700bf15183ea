//! The online backup and a restore's checks. A backup is the database alone, copied from one
//! snapshot while the desk goes on serving; the keys that open its CPR numbers are never in
//! it (they are kept apart, so a stolen backup reveals no CPR number). A restore checks the
//! file before it is put in place: a sound SQLite file, a desk database no newer than this
//! binary, and, when it holds CPR numbers, a key that opens them.

use std::collections::HashSet;
use std::path::Path;

use crate::privacy::cpr_vault::CprVault;
use crate::store::db::MIGRATOR;
use crate::store::{Db, StoreError, operations};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} is not a database file the desk can read: {1}")]
    Unreadable(String, StoreError),
    #[error("{0} is damaged: {1}")]
    Damaged(String, String),
    #[error("{0} is a SQLite file but not a desk database")]
    NotADesk(String),
    #[error(
        "{0} comes from a newer version of the desk (it has changes this binary does not \
         know); restore it with that version or a later one"
    )]
    Newer(String),
    #[error(
        "{0} holds sealed CPR numbers, and no CPR key is in place: put the key file back \
         (keys/cpr.key in the data directory) or set DESK_CPR_KEY, then restore again"
    )]
    KeyMissing(String),
    #[error(
        "the CPR key in place does not open {0}'s CPR numbers: it belongs to another \
         installation; restore with the key that was used when the backup was taken"
    )]
    WrongKey(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a backup holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Totals {
    pub cases: i64,
    pub audit_entries: i64,
}

/// Copies the live database to `target` (which must not exist) and checks the copy.
pub async fn copy(db: &Db, target: &Path) -> Result<Totals, BackupError> {
    operations::vacuum_into(db, target).await?;
    let facts = inspect(target).await?;
    Ok(facts.totals)
}

/// What a backup file was found to be.
#[derive(Debug)]
pub struct BackupFacts {
    pub totals: Totals,
    /// One sealed CPR number, to try the key on.
    sealed_sample: Option<Vec<u8>>,
}

impl BackupFacts {
    pub fn holds_cpr_numbers(&self) -> bool {
        self.sealed_sample.is_some()
    }

    /// Whether `vault` opens the backup's CPR numbers (Ok when it holds none).
    pub fn check_key(&self, name: &str, vault: Option<&CprVault>) -> Result<(), BackupError> {
        match (&self.sealed_sample, vault) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(BackupError::KeyMissing(name.to_owned())),
            (Some(sealed), Some(vault)) => vault
                .open(sealed)
                .map(|_| ())
                .map_err(|_| BackupError::WrongKey(name.to_owned())),
        }
    }
}

/// Reads `file` without changing it: sound, a desk database, not from a newer desk.
pub async fn inspect(file: &Path) -> Result<BackupFacts, BackupError> {
    let name = file.display().to_string();
    let db = Db::open_read_only(file)
        .await
        .map_err(|e| BackupError::Unreadable(name.clone(), e))?;
    let facts = inspect_open(&db, &name).await;
    db.close().await;
    facts
}

async fn inspect_open(db: &Db, name: &str) -> Result<BackupFacts, BackupError> {
    let integrity = operations::integrity_check(db)
        .await
        .map_err(|e| BackupError::Unreadable(name.to_owned(), e))?;
    if integrity != "ok" {
        return Err(BackupError::Damaged(name.to_owned(), integrity));
    }
    let Some(applied) = operations::applied_migrations(db).await? else {
        return Err(BackupError::NotADesk(name.to_owned()));
    };
    let known: HashSet<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    if applied.iter().any(|v| !known.contains(v)) {
        return Err(BackupError::Newer(name.to_owned()));
    }
    let (cases, audit_entries) = operations::totals(db).await?;
    Ok(BackupFacts {
        totals: Totals {
            cases,
            audit_entries,
        },
        sealed_sample: operations::a_sealed_cpr(db).await?,
    })
}

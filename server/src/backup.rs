//! `supportdesk backup <file>` and `supportdesk restore <file>`: the files' side of
//! `app::operations::backup`. A backup is written next to its target under a temporary name,
//! readable by its owner only, checked, then renamed into place, so a half-written file never
//! carries the final name. A restore goes only into a data directory without a database, and
//! only after the file has passed its checks.

use std::path::{Path, PathBuf};

use app::operations::backup::{self, BackupError, Totals};
use app::privacy::cpr_vault::CprVault;
use app::store::{Db, StoreError};

use crate::config::Config;

#[derive(Debug, thiserror::Error)]
pub enum BackupFileError {
    #[error(
        "the desk runs on PostgreSQL (DESK_DATABASE_URL): back it up with PostgreSQL's own \
         tools (pg_dump, or pg_basebackup with WAL archiving) and a replica"
    )]
    OnPostgres,
    #[error("there is no database at {0}: nothing to back up (is DESK_DATA_DIR right?)")]
    NoDatabase(String),
    #[error("{0} already exists: a backup never overwrites a file, choose a new name")]
    Exists(String),
    #[error(
        "{0} already holds a database: restore only into an empty data directory (move the \
         old one away first, or point DESK_DATA_DIR at a new directory)"
    )]
    NotEmpty(String),
    #[error("there is no backup file at {0}")]
    NoBackup(String),
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("the CPR key cannot be read: {0}")]
    Key(String),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BackupFileError {
    let path = path.display().to_string();
    move |source| BackupFileError::Io { what, path, source }
}

/// `<file>.partial`, beside the target.
fn partial(target: &Path) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Takes a consistent copy of the live database into `target` while the desk serves.
pub async fn take(config: &Config, target: &Path) -> Result<Totals, BackupFileError> {
    if config.on_postgres() {
        return Err(BackupFileError::OnPostgres);
    }
    let source = config.database_path();
    if !source.exists() {
        return Err(BackupFileError::NoDatabase(source.display().to_string()));
    }
    if target.exists() {
        return Err(BackupFileError::Exists(target.display().to_string()));
    }
    let temporary = partial(target);
    // A partial file is only ever a backup that was cut off.
    if temporary.exists() {
        std::fs::remove_file(&temporary).map_err(io("cannot remove", &temporary))?;
    }
    let db = Db::open(&source).await?;
    let copied = backup::copy(&db, &temporary).await;
    db.close().await;
    let totals = match copied {
        Ok(totals) => totals,
        Err(e) => {
            let _ = std::fs::remove_file(&temporary);
            return Err(e.into());
        }
    };
    owner_only(&temporary)?;
    sync_file(&temporary)?;
    std::fs::rename(&temporary, target).map_err(io("cannot rename the backup to", target))?;
    sync_dir_of(target)?;
    Ok(totals)
}

/// What a restore found and did.
pub struct Restored {
    pub totals: Totals,
    /// Whether the backup holds CPR numbers (the key in place was checked against them).
    pub with_cpr_numbers: bool,
}

/// Puts `file` in place as the data directory's database after checking it, and applies the
/// migrations this binary has that the backup does not. The caller rebuilds the indexes.
pub async fn restore(config: &Config, file: &Path) -> Result<(Restored, Db), BackupFileError> {
    if config.on_postgres() {
        return Err(BackupFileError::OnPostgres);
    }
    if !file.is_file() {
        return Err(BackupFileError::NoBackup(file.display().to_string()));
    }
    let target = config.database_path();
    if target.exists() {
        return Err(BackupFileError::NotEmpty(target.display().to_string()));
    }
    let facts = backup::inspect(file).await?;
    let vault = existing_vault(config)?;
    facts.check_key(&file.display().to_string(), vault.as_ref())?;

    std::fs::create_dir_all(&config.data_dir).map_err(io("cannot create", &config.data_dir))?;
    // The derived indexes of whatever was here before would not match: rebuilt afterwards.
    let index_root = config.data_dir.join("index");
    if index_root.exists() {
        std::fs::remove_dir_all(&index_root).map_err(io("cannot clear", &index_root))?;
    }
    let temporary = partial(&target);
    std::fs::copy(file, &temporary).map_err(io("cannot copy the backup to", &temporary))?;
    owner_only(&temporary)?;
    sync_file(&temporary)?;
    std::fs::rename(&temporary, &target).map_err(io("cannot rename the copy to", &target))?;
    sync_dir_of(&target)?;
    let db = Db::open(&target).await?;
    db.migrate().await?;
    Ok((
        Restored {
            totals: facts.totals,
            with_cpr_numbers: facts.holds_cpr_numbers(),
        },
        db,
    ))
}

/// The CPR key as configured, never a new one: a restore must not mint a key that opens
/// nothing (the desk's start-up creates one only for a database without CPR numbers).
fn existing_vault(config: &Config) -> Result<Option<CprVault>, BackupFileError> {
    if let Some(key) = &config.cpr_key {
        return CprVault::from_base64(key).map(Some).ok_or_else(|| {
            BackupFileError::Key("DESK_CPR_KEY is not a base64 32-byte key".into())
        });
    }
    let path = config.cpr_key_path();
    if !path.exists() {
        return Ok(None);
    }
    CprVault::from_key_file(&path)
        .map(Some)
        .map_err(|e| BackupFileError::Key(e.to_string()))
}

#[cfg(unix)]
fn owner_only(path: &Path) -> Result<(), BackupFileError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(io("cannot restrict the permissions of", path))
}

#[cfg(not(unix))]
fn owner_only(_: &Path) -> Result<(), BackupFileError> {
    Ok(())
}

fn sync_file(path: &Path) -> Result<(), BackupFileError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io("cannot flush", path))
}

/// Makes the rename itself durable.
fn sync_dir_of(path: &Path) -> Result<(), BackupFileError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io("cannot flush the directory", dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

//! Secrets kept as files in the data directory: created on first run, readable by the owner
//! only, never overwritten.

use std::path::Path;

/// The secret in `path`, or a new random one written there first.
pub fn read_or_create(path: &Path) -> std::io::Result<String> {
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_private(path, crate::domain::tokens::new_token().as_bytes())?;
    }
    Ok(std::fs::read_to_string(path)?.trim().to_owned())
}

/// Writes a new file with mode 0600; fails if it exists, so a key is never replaced.
#[cfg(unix)]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_once_then_reads_the_same_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/inbound.secret");
        let first = read_or_create(&path).unwrap();
        assert_eq!(first.len(), 43);
        assert_eq!(read_or_create(&path).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

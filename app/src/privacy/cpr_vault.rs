//! Sealing CPR numbers. The database holds, per citizen, a keyed hash of the number (to find a
//! citizen by CPR), the number encrypted with AES-256-GCM (opened only on an audited reveal)
//! and the masked form that screens show. The key lives outside the database, in a key file.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::secret_file::write_private;
use crate::domain::Cpr;
use crate::domain::phone::PhoneNumber;
use crate::domain::sealed_cpr::SealedCpr;

const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("cannot read or write the key file {path}: {source}")]
    KeyFile {
        path: String,
        source: std::io::Error,
    },
    #[error("the key file {0} does not hold a 32-byte base64 key")]
    BadKey(String),
    #[error("a sealed CPR number could not be opened (wrong key or damaged data)")]
    Open,
}

#[derive(Clone)]
pub struct CprVault {
    cipher: Aes256Gcm,
    hash_key: [u8; 32],
    /// A key of its own for phone numbers: a phone hash can never be compared with a CPR one.
    phone_key: [u8; 32],
}

impl std::fmt::Debug for CprVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CprVault(…)")
    }
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(master) {
        mac.update(label);
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

fn keyed_hash(key: &[u8; 32], value: &[u8]) -> Vec<u8> {
    derive(key, value).to_vec()
}

impl CprVault {
    /// Separate keys for encryption and hashing, both derived from one master key.
    pub fn from_master(master: [u8; 32]) -> Self {
        let enc = derive(&master, b"cpr-encryption-v1");
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&enc)),
            hash_key: derive(&master, b"cpr-lookup-v1"),
            phone_key: derive(&master, b"phone-lookup-v1"),
        }
    }

    /// Reads the master key from `path`, creating the file (readable by the owner only) with a
    /// fresh random key when it does not exist.
    pub fn from_key_file(path: &Path) -> Result<Self, VaultError> {
        let io = |source| VaultError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        if !path.exists() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let mut master = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut master);
            write_private(path, STANDARD.encode(master).as_bytes()).map_err(io)?;
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Self::from_base64(text.trim()).ok_or_else(|| VaultError::BadKey(path.display().to_string()))
    }

    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text.trim()).ok()?;
        let master: [u8; 32] = bytes.try_into().ok()?;
        Some(Self::from_master(master))
    }

    pub fn lookup_hash(&self, cpr: &Cpr) -> Vec<u8> {
        keyed_hash(&self.hash_key, cpr.digits().as_bytes())
    }

    /// The keyed hash a citizen's phone number is found by (of its E.164 form, so every way of
    /// writing one number gives one hash).
    pub fn phone_lookup_hash(&self, phone: &PhoneNumber) -> Vec<u8> {
        keyed_hash(&self.phone_key, phone.as_str().as_bytes())
    }

    /// How a citizen's phone number is stored: its E.164 form and keyed hash, or as typed
    /// with an empty hash when it is not a phone number (so the start-up back-fill passes it
    /// by).
    pub fn phone_for_storage(&self, raw: &str) -> (String, Vec<u8>) {
        match PhoneNumber::parse(raw) {
            Ok(phone) => (phone.as_str().to_owned(), self.phone_lookup_hash(&phone)),
            Err(_) => (raw.to_owned(), Vec::new()),
        }
    }

    pub fn seal(&self, cpr: &Cpr) -> Result<SealedCpr, VaultError> {
        Ok(SealedCpr {
            lookup_hash: self.lookup_hash(cpr),
            sealed: self.seal_secret(cpr.digits().as_bytes())?,
            masked: cpr.masked(),
        })
    }

    /// Seals another short-lived secret (a paper activation code) with the same key.
    pub fn seal_secret(&self, plain: &[u8]) -> Result<Vec<u8>, VaultError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = self
            .cipher
            .encrypt(&nonce, plain)
            .map_err(|_| VaultError::Open)?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    pub fn open_secret(&self, sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
        if sealed.len() <= NONCE_LEN {
            return Err(VaultError::Open);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| VaultError::Open)
    }

    pub fn open(&self, sealed: &[u8]) -> Result<Cpr, VaultError> {
        let plain = self.open_secret(sealed)?;
        let digits = String::from_utf8(plain).map_err(|_| VaultError::Open)?;
        Cpr::parse(&digits).map_err(|_| VaultError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_opens_and_hashes_consistently() {
        let vault = CprVault::from_master([7; 32]);
        let cpr = Cpr::parse("010190-1234").unwrap();
        let a = vault.seal(&cpr).unwrap();
        let b = vault.seal(&cpr).unwrap();
        assert_ne!(a.sealed, b.sealed, "a fresh nonce each time");
        assert_eq!(a.lookup_hash, b.lookup_hash, "the look-up hash is stable");
        assert_eq!(a.masked, "010190-XXXX");
        assert_eq!(vault.open(&a.sealed).unwrap().formatted(), "010190-1234");
        let sealed_text = String::from_utf8_lossy(&a.sealed);
        assert!(!sealed_text.contains("0101901234"));
    }

    #[test]
    fn phone_hashes_are_stable_per_number_and_apart_from_cpr_hashes() {
        let vault = CprVault::from_master([7; 32]);
        let a = PhoneNumber::parse("+45 12 34 56 78").unwrap();
        let b = PhoneNumber::parse("12345678").unwrap();
        assert_eq!(vault.phone_lookup_hash(&a), vault.phone_lookup_hash(&b));
        assert_eq!(vault.phone_lookup_hash(&a).len(), 32);
        let other = PhoneNumber::parse("87654321").unwrap();
        assert_ne!(vault.phone_lookup_hash(&a), vault.phone_lookup_hash(&other));
        assert_ne!(
            vault.phone_lookup_hash(&a),
            CprVault::from_master([8; 32]).phone_lookup_hash(&a)
        );
    }

    #[test]
    fn another_key_neither_opens_nor_matches() {
        let cpr = Cpr::parse("010190-1234").unwrap();
        let a = CprVault::from_master([1; 32]);
        let b = CprVault::from_master([2; 32]);
        let sealed = a.seal(&cpr).unwrap();
        assert!(b.open(&sealed.sealed).is_err());
        assert_ne!(a.lookup_hash(&cpr), b.lookup_hash(&cpr));
        let mut damaged = sealed.sealed.clone();
        if let Some(last) = damaged.last_mut() {
            *last ^= 1;
        }
        assert!(a.open(&damaged).is_err());
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/cpr.key");
        let cpr = Cpr::parse("311299-4000").unwrap();
        let first = CprVault::from_key_file(&path).unwrap();
        let second = CprVault::from_key_file(&path).unwrap();
        assert_eq!(first.lookup_hash(&cpr), second.lookup_hash(&cpr));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

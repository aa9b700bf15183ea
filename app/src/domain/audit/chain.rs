//! The audit log's hash chain: each entry's hash covers its own fields and the previous
//! entry's hash, so changing, removing or reordering any entry breaks every hash after it.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored entry, as hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub reason: String,
    pub details: String,
    pub prev_hash: String,
}

/// SHA-256 (hex) over the fields as a JSON array: an unambiguous encoding, so no two
/// different entries hash the same input.
pub fn hash(e: &Entry) -> String {
    let canonical = serde_json::json!([
        e.id,
        e.at,
        e.actor,
        e.action,
        e.target,
        e.reason,
        e.details,
        e.prev_hash
    ])
    .to_string();
    hex(&Sha256::digest(canonical.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why an entry fails verification.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error("entry {id} does not follow entry {previous}: entries are missing")]
    Gap { id: i64, previous: i64 },
    #[error("entry {id} does not point at the hash of the entry before it")]
    Link { id: i64 },
    #[error("entry {id} has been changed: its hash does not match its content")]
    Content { id: i64 },
}

impl Broken {
    pub fn id(&self) -> i64 {
        match self {
            Broken::Gap { id, .. } | Broken::Link { id } | Broken::Content { id } => *id,
        }
    }
}

/// Checks entries in id order, continuing from `previous` (id and hash of the entry before
/// the first one given; `(0, GENESIS)` at the start of the log).
pub struct Verifier {
    previous_id: i64,
    previous_hash: String,
    pub checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Self {
            previous_id: 0,
            previous_hash: GENESIS.to_owned(),
            checked: 0,
        }
    }
}

impl Verifier {
    pub fn check(&mut self, entry: &Entry, stored_hash: &str) -> Result<(), Broken> {
        if entry.id != self.previous_id + 1 {
            return Err(Broken::Gap {
                id: entry.id,
                previous: self.previous_id,
            });
        }
        if entry.prev_hash != self.previous_hash {
            return Err(Broken::Link { id: entry.id });
        }
        if hash(entry) != stored_hash {
            return Err(Broken::Content { id: entry.id });
        }
        self.previous_id = entry.id;
        self.previous_hash = stored_hash.to_owned();
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<(Entry, String)> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|id| {
                let e = Entry {
                    id,
                    at: format!("2026-11-23T10:00:0{id}Z"),
                    actor: "supporter".into(),
                    action: "case.note".into(),
                    target: format!("SAG-2026-00000{id}"),
                    reason: String::new(),
                    details: "{}".into(),
                    prev_hash: prev.clone(),
                };
                let h = hash(&e);
                prev = h.clone();
                (e, h)
            })
            .collect()
    }

    fn verify(entries: &[(Entry, String)]) -> Result<u64, Broken> {
        let mut v = Verifier::default();
        for (e, h) in entries {
            v.check(e, h)?;
        }
        Ok(v.checked)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn a_changed_field_is_named_by_its_entry() {
        let mut c = chain(5);
        c[2].0.reason = "changed afterwards".into();
        assert_eq!(verify(&c), Err(Broken::Content { id: 3 }));
    }

    #[test]
    fn a_rehashed_entry_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].0.actor = "someone else".into();
        c[2].1 = hash(&c[2].0);
        assert_eq!(verify(&c), Err(Broken::Link { id: 4 }));
    }

    #[test]
    fn a_removed_entry_is_a_gap() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c), Err(Broken::Gap { id: 3, previous: 1 }));
    }

    #[test]
    fn fields_cannot_be_shifted_into_each_other() {
        let (a, _) = &chain(1)[0];
        let mut b = a.clone();
        b.actor = format!("{}{}", a.actor, a.action);
        b.action = String::new();
        assert_ne!(hash(a), hash(&b));
    }
}

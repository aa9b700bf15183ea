//! argon2id password hashing. Hashing is slow on purpose, so it runs on the blocking pool,
//! never on the async runtime's worker threads, and never more at once than there are cores:
//! each run takes 19 MiB, and unbounded runs were a memory denial of service.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("the password hashing gate is closed")]
    Closed,
}

/// Every login is refused at once, rather than queued, when this many are already waiting per
/// core: a flood waits in no queue and holds no memory, while a call centre's shift start
/// (a few dozen logins in a second, about 50 ms each) still fits.
pub const QUEUE_PER_CORE: usize = 16;

/// Bounds the argon2 runs: at most `parallel` at once (a semaphore permit is taken before the
/// blocking task is spawned and moves into it, so a caller that gives up cannot free its
/// permit while its hash still runs), and at most `queue` more waiting; beyond that,
/// [`HashGate::admit`] refuses at once.
#[derive(Clone, Debug)]
pub struct HashGate {
    inner: Arc<GateInner>,
}

#[derive(Debug)]
struct GateInner {
    permits: Arc<Semaphore>,
    /// Admitted verifications, running or waiting.
    admitted: AtomicUsize,
    capacity: usize,
    /// Verifications run to completion (observable by tests and metrics).
    verified: AtomicU64,
}

/// The gate refused: all permits busy and the queue full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// A place in the gate; verifying consumes it, dropping it gives the place back.
#[derive(Debug)]
pub struct Ticket {
    inner: Arc<GateInner>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.inner.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl HashGate {
    pub fn new(parallel: usize, queue: usize) -> Self {
        let parallel = parallel.max(1);
        Self {
            inner: Arc::new(GateInner {
                permits: Arc::new(Semaphore::new(parallel)),
                admitted: AtomicUsize::new(0),
                capacity: parallel.saturating_add(queue),
                verified: AtomicU64::new(0),
            }),
        }
    }

    /// The process's gate: one permit per core, [`QUEUE_PER_CORE`] waiting per core.
    pub fn shared() -> &'static HashGate {
        static GATE: OnceLock<HashGate> = OnceLock::new();
        GATE.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            HashGate::new(cores, cores.saturating_mul(QUEUE_PER_CORE))
        })
    }

    /// A place to verify a password, or [`Busy`] when the gate is full. Take it before other
    /// work, so a refused attempt costs nothing.
    pub fn admit(&self) -> Result<Ticket, Busy> {
        let before = self.inner.admitted.fetch_add(1, Ordering::AcqRel);
        // The ticket gives the place back on drop, also when refused here.
        let ticket = Ticket {
            inner: Arc::clone(&self.inner),
        };
        if before >= self.inner.capacity {
            return Err(Busy);
        }
        Ok(ticket)
    }

    /// How many verifications have run through this gate.
    pub fn verifications(&self) -> u64 {
        self.inner.verified.load(Ordering::Acquire)
    }

    /// Runs `work` on the blocking pool once a permit is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let permit = Arc::clone(&self.inner.permits)
            .acquire_owned()
            .await
            .map_err(|_| PasswordError::Closed)?;
        Ok(tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await?)
    }
}

impl Ticket {
    /// Verifies `password` against `stored`, or against the dummy hash when there is no user
    /// (so an unknown username takes as long as a wrong password).
    pub async fn verify(
        self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, PasswordError> {
        let inner = Arc::clone(&self.inner);
        let gate = HashGate { inner };
        gate.run(move || {
            let ok = match stored {
                Some(phc) => verify_blocking(&password, &phc),
                None => {
                    verify_blocking(&password, dummy_hash());
                    false
                }
            };
            self.inner.verified.fetch_add(1, Ordering::AcqRel);
            // The place is given back only when the hash is done.
            drop(self);
            ok
        })
        .await
    }
}

/// OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Result<Argon2<'static>, PasswordError> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

fn verify_blocking(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher()
        .map(|h| h.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash of a password nobody knows, verified against when the username does not exist, so
/// that a wrong username takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("no user has this password").unwrap_or_default())
}

/// Hashes a new password (adding staff, changing a password): rare, so it waits for a permit
/// rather than being refused.
pub async fn hash(password: String) -> Result<String, PasswordError> {
    HashGate::shared()
        .run(move || hash_blocking(&password))
        .await?
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn verify(password: &str, stored: Option<String>) -> bool {
        HashGate::new(1, 0)
            .admit()
            .unwrap()
            .verify(password.into(), stored)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery".into()).await.unwrap();
        let b = hash("correct horse battery".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse battery", Some(a.clone())).await);
        assert!(!verify("wrong horse battery", Some(a)).await);
    }

    #[tokio::test]
    async fn unknown_users_and_garbage_hashes_never_verify() {
        assert!(!verify("no user has this password", None).await);
        assert!(!verify("x", Some("not a phc string".into())).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_there_are_permits() {
        let gate = HashGate::new(2, 100);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    gate.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(30));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn beyond_the_queue_bound_attempts_are_refused_at_once() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        let gate = HashGate::new(2, 3);
        // 20 logins arrive together: 2 run, 3 wait, 15 are refused without hashing.
        let mut admitted = Vec::new();
        let mut refused = 0;
        for _ in 0..20 {
            match gate.admit() {
                Ok(ticket) => admitted.push(tokio::spawn(
                    ticket.verify("wrong horse battery".into(), Some(stored.clone())),
                )),
                Err(Busy) => refused += 1,
            }
        }
        assert_eq!((admitted.len(), refused), (5, 15));
        for t in admitted {
            assert!(!t.await.unwrap().unwrap());
        }
        assert_eq!(gate.verifications(), 5);
        // Places are given back once the hashes are done.
        assert!(gate.admit().is_ok());
        let _five: Vec<Ticket> = (0..5).map(|_| gate.admit().unwrap()).collect();
        assert_eq!(gate.admit().err(), Some(Busy));
    }
}

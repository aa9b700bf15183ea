//! Codes an authenticator app would show, for the desk's two-factor login. The demo
//! administrator and team lead are set up with the demo secret; a test that sets up its own
//! person reads the secret off the set-up page.
//!
//! The desk accepts each 30-second step's code once per person, and the steps just before and
//! after now: a test harness that logs the same person in several times within 30 seconds
//! takes the next unused step, and waits only when all three are spent.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use totp_rs::{Algorithm, Secret, TOTP};

/// The demo data's secret for `admin` and `leder` (server/src/demo.rs).
pub const DEMO_SECRET: &str = "KNUXA4DPOJ2GI2LTNMWWIZLNN4WTEZTB";

/// The authenticator secret of a demo login (username and its right password) that has one.
pub fn demo_secret(login: (&str, &str)) -> Option<Vec<u8>> {
    [crate::demo::ADMIN, crate::demo::LEAD]
        .contains(&login)
        .then(|| secret_from_text(DEMO_SECRET))
}

/// A secret as the set-up page writes it (base32 in groups of four).
pub fn secret_from_text(text: &str) -> Vec<u8> {
    let compact: String = text.split_whitespace().collect();
    Secret::Encoded(compact)
        .to_bytes()
        .expect("a base32 secret")
}

/// The code of one 30-second step.
pub fn code_at(secret: &[u8], step: i64) -> String {
    TOTP::new_unchecked(
        Algorithm::SHA1,
        6,
        1,
        30,
        secret.to_vec(),
        None,
        String::new(),
    )
    .generate(u64::try_from(step * 30).expect("a time after 1970"))
}

fn now_secs() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("seconds")
}

static USED: Mutex<Option<HashMap<(String, String), i64>>> = Mutex::new(None);

/// A code for `username` at the desk `desk` ([`crate::TestServer::desk_key`]) that the desk has
/// not accepted yet.
pub async fn fresh_code(desk: &str, username: &str, secret: &[u8]) -> String {
    let key = (desk.to_owned(), username.to_owned());
    loop {
        let now = now_secs();
        let current = now.div_euclid(30);
        // The step before now only early in a step, so it is still "before now" when the
        // desk checks it.
        let earliest = if now.rem_euclid(30) < 20 {
            current - 1
        } else {
            current
        };
        let picked = {
            let mut used = USED.lock().expect("lock");
            let used = used.get_or_insert_with(HashMap::new);
            let last = used.get(&key).copied().unwrap_or(i64::MIN);
            let step = earliest.max(last.saturating_add(1));
            (step <= current + 1).then(|| {
                used.insert(key.clone(), step);
                step
            })
        };
        match picked {
            Some(step) => return code_at(secret, step),
            None => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}

/// Marks `step` as used for `username` at `desk` ([`crate::TestServer::desk_key`]), for a
/// test that typed a code itself.
pub fn mark_used(desk: &str, username: &str, step: i64) {
    let mut used = USED.lock().expect("lock");
    let used = used.get_or_insert_with(HashMap::new);
    let entry = used
        .entry((desk.to_owned(), username.to_owned()))
        .or_insert(step);
    *entry = (*entry).max(step);
}

/// The current step.
pub fn current_step() -> i64 {
    now_secs().div_euclid(30)
}

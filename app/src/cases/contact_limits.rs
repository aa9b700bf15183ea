//! How often one client and one recipient address may use the contact form. Every accepted
//! request becomes a case in the queue and an e-mail to the address given, so without a limit
//! the form is a flood gate into the queue and a relay for mail to anyone.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::store::db::Backend;
use crate::store::{Db, StoreError, contact_allowances, outbox};

type Limiter<C> =
    RateLimiter<String, DefaultKeyedStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

const HOUR: Duration = Duration::from_secs(60 * 60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);
/// Every this many checks, keys whose allowance is full again are forgotten, so the maps
/// hold recent senders only.
const TIDY_EVERY: u32 = 4_096;

/// Which allowance a refused request ran out of: for the log. The sender sees one
/// message for both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    Client,
    Recipient,
}

/// The contact form's two allowances, shared by all requests (they live in `AppState`): in
/// this process's memory, or in the database that several nodes share.
pub struct ContactLimits<C: Clock = DefaultClock> {
    per_client: Limiter<C>,
    per_recipient: Limiter<C>,
    checks: AtomicU32,
    shared: Option<Shared>,
}

/// The allowances counted in the database (on PostgreSQL, where nodes share it).
struct Shared {
    db: Db,
    /// (one request per this many ms, this many at once)
    client: (i64, i64),
    recipient: (i64, i64),
}

impl ContactLimits {
    /// `DESK_CONTACT_PER_CLIENT_PER_HOUR` and `DESK_CONTACT_PER_RECIPIENT_PER_DAY`; a
    /// value of 0 counts as 1.
    pub fn new(per_client_per_hour: u32, per_recipient_per_day: u32) -> Self {
        Self::with_clock(
            per_client_per_hour,
            per_recipient_per_day,
            DefaultClock::default(),
        )
    }

    /// On PostgreSQL the allowances are counted in the database, so that N nodes do not
    /// allow N times as much; on SQLite (one node) they stay in memory.
    pub fn shared_by_nodes(
        mut self,
        db: &Db,
        per_client_per_hour: u32,
        per_recipient_per_day: u32,
    ) -> Self {
        if db.backend() == Backend::Postgres {
            let rate = |n: u32, window: Duration| {
                let n = i64::from(n.max(1));
                let window = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
                ((window / n).max(1), n)
            };
            self.shared = Some(Shared {
                db: db.clone(),
                client: rate(per_client_per_hour, HOUR),
                recipient: rate(per_recipient_per_day, DAY),
            });
        }
        self
    }
}

impl<C: Clock + Clone> ContactLimits<C> {
    pub fn with_clock(per_client_per_hour: u32, per_recipient_per_day: u32, clock: C) -> Self {
        Self {
            per_client: RateLimiter::new(
                quota(per_client_per_hour, HOUR),
                DefaultKeyedStateStore::default(),
                clock.clone(),
            ),
            per_recipient: RateLimiter::new(
                quota(per_recipient_per_day, DAY),
                DefaultKeyedStateStore::default(),
                clock,
            ),
            checks: AtomicU32::new(0),
            shared: None,
        }
    }

    /// Takes one request from the client's allowance and then one from the recipient's.
    /// A client already over its limit takes nothing from the recipient's, so it cannot
    /// use up someone else's address by retrying.
    pub fn check(&self, client: &str, email: &str) -> Result<(), Refused> {
        if self
            .checks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(TIDY_EVERY)
        {
            for limiter in [&self.per_client, &self.per_recipient] {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
        self.per_client
            .check_key(&client_key(client))
            .map_err(|_| Refused::Client)?;
        self.per_recipient
            .check_key(&recipient_key(email))
            .map_err(|_| Refused::Recipient)?;
        Ok(())
    }

    /// Takes one request from both allowances, where they are kept: in the database when
    /// several nodes share it ([`ContactLimits::shared_by_nodes`]), else in memory.
    pub async fn take(&self, client: &str, email: &str) -> Result<Result<(), Refused>, StoreError> {
        let Some(shared) = &self.shared else {
            return Ok(self.check(client, email));
        };
        let now = outbox::now_ms();
        if self
            .checks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(TIDY_EVERY)
        {
            contact_allowances::forget_whole(&shared.db, now).await?;
        }
        let (interval, burst) = shared.client;
        let key = format!("client:{}", client_key(client));
        if !contact_allowances::take(&shared.db, &key, now, interval, burst).await? {
            return Ok(Err(Refused::Client));
        }
        let (interval, burst) = shared.recipient;
        let key = format!("recipient:{}", recipient_key(email));
        if !contact_allowances::take(&shared.db, &key, now, interval, burst).await? {
            return Ok(Err(Refused::Recipient));
        }
        Ok(Ok(()))
    }

    /// Senders and recipients currently remembered.
    pub fn tracked(&self) -> (usize, usize) {
        (self.per_client.len(), self.per_recipient.len())
    }
}

/// `n` at once, then one more every `window / n`: `n` per window over time.
fn quota(n: u32, window: Duration) -> Quota {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(window / n.get())
        .unwrap_or_else(|| Quota::per_second(n))
        .allow_burst(n)
}

/// One key per client: an IPv6 client is its /64 (one line or household has a whole
/// /64 to pick addresses from), an IPv4-mapped address its IPv4 address.
pub fn client_key(address: &str) -> String {
    match address.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => address.trim().to_owned(),
    }
}

/// One key per mailbox: case and surrounding space do not matter, nor a `+tag` in the
/// local part (`Navn+1@Eksempel.dk` is `navn@eksempel.dk`).
pub fn recipient_key(email: &str) -> String {
    let email = email.trim().to_lowercase();
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split('+').next().unwrap_or(local);
            format!("{local}@{domain}")
        }
        None => email,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn a_client_gets_its_hourly_allowance_and_then_one_per_share_of_the_hour() {
        let clock = FakeRelativeClock::default();
        let limits = ContactLimits::with_clock(10, 1_000, clock.clone());
        for n in 0..10 {
            let to = format!("borger{n}@example.dk");
            assert_eq!(limits.check("203.0.113.7", &to), Ok(()), "request {n}");
        }
        assert_eq!(
            limits.check("203.0.113.7", "borger99@example.dk"),
            Err(Refused::Client)
        );
        // Another client is not affected.
        assert_eq!(limits.check("203.0.113.8", "borger99@example.dk"), Ok(()));
        // A tenth of an hour later, one more.
        clock.advance(Duration::from_secs(6 * 60));
        assert_eq!(limits.check("203.0.113.7", "borger98@example.dk"), Ok(()));
        assert_eq!(
            limits.check("203.0.113.7", "borger97@example.dk"),
            Err(Refused::Client)
        );
    }

    #[test]
    fn a_recipient_gets_its_daily_allowance_whoever_sends() {
        let clock = FakeRelativeClock::default();
        let limits = ContactLimits::with_clock(1_000, 5, clock.clone());
        // The same mailbox, spelt five ways, from five clients.
        for (n, to) in [
            "offer@example.dk",
            " Offer@Example.DK ",
            "offer+1@example.dk",
            "OFFER+spam@example.dk",
            "offer@example.dk",
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(limits.check(&format!("198.51.100.{n}"), to), Ok(()), "{to}");
        }
        assert_eq!(
            limits.check("198.51.100.50", "offer+6@EXAMPLE.dk"),
            Err(Refused::Recipient)
        );
        assert_eq!(limits.check("198.51.100.50", "other@example.dk"), Ok(()));
        clock.advance(DAY / 5);
        assert_eq!(limits.check("198.51.100.51", "offer@example.dk"), Ok(()));
        assert_eq!(
            limits.check("198.51.100.52", "offer@example.dk"),
            Err(Refused::Recipient)
        );
    }

    #[test]
    fn a_refused_client_takes_nothing_from_the_recipient() {
        let limits = ContactLimits::with_clock(1, 2, FakeRelativeClock::default());
        assert_eq!(limits.check("192.0.2.1", "victim@example.dk"), Ok(()));
        for _ in 0..20 {
            assert_eq!(
                limits.check("192.0.2.1", "victim@example.dk"),
                Err(Refused::Client)
            );
        }
        // The victim's own request still goes through.
        assert_eq!(limits.check("192.0.2.99", "victim@example.dk"), Ok(()));
    }

    #[test]
    fn an_ipv6_client_is_its_slash_64() {
        let limits = ContactLimits::with_clock(2, 1_000, FakeRelativeClock::default());
        assert_eq!(limits.check("2001:db8:1:2::1", "a@example.dk"), Ok(()));
        assert_eq!(limits.check("2001:db8:1:2:ffff::9", "b@example.dk"), Ok(()));
        assert_eq!(
            limits.check("2001:db8:1:2:abcd::1", "c@example.dk"),
            Err(Refused::Client)
        );
        assert_eq!(limits.check("2001:db8:1:3::1", "c@example.dk"), Ok(()));
        assert_eq!(client_key("::ffff:192.0.2.4"), "192.0.2.4");
        assert_eq!(client_key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
    }

    #[test]
    fn zero_counts_as_one_and_huge_limits_work() {
        let limits = ContactLimits::with_clock(0, 0, FakeRelativeClock::default());
        assert_eq!(limits.check("192.0.2.1", "a@example.dk"), Ok(()));
        assert!(limits.check("192.0.2.1", "b@example.dk").is_err());
        let limits = ContactLimits::with_clock(u32::MAX, u32::MAX, FakeRelativeClock::default());
        for _ in 0..1_000 {
            assert_eq!(limits.check("127.0.0.1", "same@example.dk"), Ok(()));
        }
    }

    #[test]
    fn forgotten_once_their_allowance_is_full_again() {
        let clock = FakeRelativeClock::default();
        let limits = ContactLimits::with_clock(10, 5, clock.clone());
        for n in 0..5_000 {
            let _ = limits.check(&format!("10.0.{}.{}", n / 256, n % 256), "x@example.dk");
        }
        assert!(limits.tracked().0 >= 4_000, "{:?}", limits.tracked());
        clock.advance(2 * DAY);
        // The next check tidies up (every TIDY_EVERY checks).
        for _ in 0..TIDY_EVERY {
            let _ = limits.check("10.9.9.9", "y@example.dk");
        }
        let (clients, recipients) = limits.tracked();
        assert!(clients <= 1 && recipients <= 1, "{clients} {recipients}");
    }
}

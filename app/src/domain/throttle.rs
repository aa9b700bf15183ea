//! The failed-login throttle, as a pure rule: given the failures on record, may this attempt
//! proceed?
//!
//! Three scopes, so that nobody can lock a staff member out from somewhere else:
//! - **username at this address**: after 5 failures, 1 minute, doubling with each further
//!   failure, at most 15 minutes. A success at this address clears it. This is the lock a
//!   guesser meets; a colleague behind the same NAT address is not affected by it.
//! - **username at any address**: much looser (50 failures, then the same backoff), against
//!   guessing one password from many addresses. It never applies from a trusted network nor
//!   from an address where the user has logged in before, so strangers elsewhere cannot lock
//!   the user out at work or at home.
//! - **address, across usernames**: 100 failures within 15 minutes, then the same backoff,
//!   against one address trying many accounts. It never applies to trusted networks (the call
//!   centre's NAT address, `DESK_TRUSTED_NETWORKS`).

use std::net::IpAddr;

/// Failures older than this are forgotten for the per-username scopes.
pub const MEMORY_SECS: i64 = 24 * 60 * 60;
/// The window the per-address scope counts in.
pub const ADDRESS_WINDOW_SECS: i64 = 15 * 60;
/// An address where a user logged in counts as theirs for this long.
pub const KNOWN_ADDRESS_SECS: i64 = 90 * 24 * 60 * 60;

/// Locked for `base_secs` once `threshold` failures are on record, doubled for each failure
/// beyond it, never longer than `cap_secs`; counted from the latest failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub threshold: u32,
    pub base_secs: i64,
    pub cap_secs: i64,
}

impl Backoff {
    /// The wait after `failures` failures, or `None` below the threshold.
    pub fn wait_secs(&self, failures: u32) -> Option<i64> {
        let beyond = failures.checked_sub(self.threshold)?;
        let factor = 1_i64.checked_shl(beyond.min(32)).unwrap_or(i64::MAX);
        Some(self.base_secs.saturating_mul(factor).min(self.cap_secs))
    }
}

pub const USER_AT_ADDRESS: Backoff = Backoff {
    threshold: 5,
    base_secs: 60,
    cap_secs: 15 * 60,
};
pub const USER_ANYWHERE: Backoff = Backoff {
    threshold: 50,
    base_secs: 60,
    cap_secs: 15 * 60,
};
pub const ADDRESS: Backoff = Backoff {
    threshold: 100,
    base_secs: 60,
    cap_secs: 15 * 60,
};

/// How many failures a scope has on record, and when the latest was (Unix seconds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: u32,
    pub last: i64,
}

/// What is on record for one attempt's username and address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct History {
    /// This username from this address, within [`MEMORY_SECS`].
    pub user_at_address: Tally,
    /// This username from any address, within [`MEMORY_SECS`].
    pub user_anywhere: Tally,
    /// Any username from this address, within [`ADDRESS_WINDOW_SECS`].
    pub address: Tally,
    /// The address is in a trusted network.
    pub trusted: bool,
    /// The user has logged in from this address within [`KNOWN_ADDRESS_SECS`].
    pub known_address: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Locked { retry_after_secs: i64 },
}

impl Verdict {
    /// The wait in whole minutes, rounded up, as the user is told it.
    pub fn retry_after_minutes(retry_after_secs: i64) -> u32 {
        u32::try_from((retry_after_secs.max(1) + 59) / 60).unwrap_or(u32::MAX)
    }
}

/// The seconds left of `rule`'s lock on `tally` at `now`, if it is locked.
pub fn remaining(rule: Backoff, tally: Tally, now: i64) -> Option<i64> {
    let until = tally.last.saturating_add(rule.wait_secs(tally.count)?);
    (until > now).then_some(until - now)
}

/// May an attempt with this history proceed at `now`?
pub fn judge(history: &History, now: i64) -> Verdict {
    let mut waits = vec![remaining(USER_AT_ADDRESS, history.user_at_address, now)];
    if !history.trusted && !history.known_address {
        waits.push(remaining(USER_ANYWHERE, history.user_anywhere, now));
    }
    if !history.trusted {
        waits.push(remaining(ADDRESS, history.address, now));
    }
    match waits.into_iter().flatten().max() {
        None => Verdict::Allow,
        Some(secs) => Verdict::Locked {
            retry_after_secs: secs.max(1),
        },
    }
}

/// The networks whose addresses the per-address limit never applies to (the call centre's
/// NAT address): `DESK_TRUSTED_NETWORKS`, comma-separated CIDRs or single addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedNetworks(Vec<(IpAddr, u8)>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a network like 10.0.0.0/8 or 2001:db8::/32")]
pub struct NetworkError(pub String);

impl TrustedNetworks {
    pub fn parse(list: &str) -> Result<Self, NetworkError> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let bad = || NetworkError(item.to_owned());
            let (addr, prefix) = match item.split_once('/') {
                Some((a, p)) => (a, Some(p)),
                None => (item, None),
            };
            let addr: IpAddr = addr.trim().parse().map_err(|_| bad())?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => max,
                Some(p) => p.trim().parse::<u8>().map_err(|_| bad())?,
            };
            if prefix > max {
                return Err(bad());
            }
            nets.push((addr, prefix));
        }
        Ok(Self(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `client` (an address as text; anything else is never trusted) is in one of
    /// the networks. IPv4-mapped IPv6 addresses count as their IPv4 address.
    pub fn contains(&self, client: &str) -> bool {
        let Ok(ip) = client.trim().parse::<IpAddr>() else {
            return false;
        };
        let ip = ip.to_canonical();
        self.0.iter().any(|&(net, prefix)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => same_prefix(
                u128::from(n.to_bits()) << 96,
                u128::from(a.to_bits()) << 96,
                prefix,
            ),
            (IpAddr::V6(n), IpAddr::V6(a)) => same_prefix(n.to_bits(), a.to_bits(), prefix),
            _ => false,
        })
    }
}

fn same_prefix(net: u128, addr: u128, prefix: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
    net & mask == addr & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;

    fn tally(count: u32, ago: i64) -> Tally {
        Tally {
            count,
            last: NOW - ago,
        }
    }

    #[test]
    fn backoff_starts_at_one_minute_after_five_failures_doubles_and_stops_at_fifteen() {
        let schedule: Vec<Option<i64>> = (0..=11).map(|n| USER_AT_ADDRESS.wait_secs(n)).collect();
        assert_eq!(
            schedule,
            [
                None,
                None,
                None,
                None,
                None,
                Some(60),
                Some(120),
                Some(240),
                Some(480),
                Some(900),
                Some(900),
                Some(900),
            ]
        );
        assert_eq!(USER_AT_ADDRESS.wait_secs(u32::MAX), Some(900));
    }

    #[test]
    fn five_failures_lock_the_username_at_that_address_until_the_backoff_passes() {
        let h = History {
            user_at_address: tally(5, 10),
            user_anywhere: tally(5, 10),
            address: tally(5, 10),
            ..History::default()
        };
        assert_eq!(
            judge(&h, NOW),
            Verdict::Locked {
                retry_after_secs: 50
            }
        );
        assert_eq!(judge(&h, NOW + 50), Verdict::Allow);
        // The next failure doubles the wait.
        let h = History {
            user_at_address: tally(6, 0),
            ..h
        };
        assert_eq!(
            judge(&h, NOW),
            Verdict::Locked {
                retry_after_secs: 120
            }
        );
        assert_eq!(Verdict::retry_after_minutes(120), 2);
        assert_eq!(Verdict::retry_after_minutes(61), 2);
        assert_eq!(Verdict::retry_after_minutes(1), 1);
    }

    #[test]
    fn four_failures_and_an_empty_record_are_allowed() {
        assert_eq!(judge(&History::default(), NOW), Verdict::Allow);
        let four = tally(4, 1);
        let h = History {
            user_at_address: four,
            user_anywhere: four,
            address: four,
            ..History::default()
        };
        assert_eq!(judge(&h, NOW), Verdict::Allow);
    }

    #[test]
    fn a_colleague_behind_the_same_nat_address_still_logs_in() {
        // 30 failures for other usernames from the shared address: the colleague has no
        // failures of their own, and 30 is far below the address limit, trusted or not.
        let nat = History {
            address: tally(30, 1),
            ..History::default()
        };
        assert_eq!(judge(&nat, NOW), Verdict::Allow);
        assert_eq!(
            judge(
                &History {
                    trusted: true,
                    ..nat
                },
                NOW
            ),
            Verdict::Allow
        );
        // A user locked at that address does not lock the colleague.
        let locked_user = History {
            user_at_address: tally(9, 1),
            user_anywhere: tally(9, 1),
            address: tally(39, 1),
            ..History::default()
        };
        assert!(matches!(judge(&locked_user, NOW), Verdict::Locked { .. }));
    }

    #[test]
    fn the_address_limit_is_loose_and_trusted_networks_bypass_it() {
        let spraying = History {
            address: tally(100, 1),
            ..History::default()
        };
        assert_eq!(
            judge(&spraying, NOW),
            Verdict::Locked {
                retry_after_secs: 59
            }
        );
        assert_eq!(
            judge(
                &History {
                    address: tally(99, 1),
                    ..spraying
                },
                NOW
            ),
            Verdict::Allow
        );
        let trusted = History {
            trusted: true,
            address: tally(5_000, 1),
            ..History::default()
        };
        assert_eq!(judge(&trusted, NOW), Verdict::Allow);
    }

    #[test]
    fn strangers_elsewhere_cannot_lock_a_user_out_at_a_known_or_trusted_address() {
        // 200 failures for the username from other addresses.
        let attacked = History {
            user_anywhere: tally(200, 1),
            ..History::default()
        };
        // From a new, untrusted address the loose per-username backoff applies ...
        assert_eq!(
            judge(&attacked, NOW),
            Verdict::Locked {
                retry_after_secs: 899
            }
        );
        // ... but not where the user has logged in before, nor from a trusted network.
        for h in [
            History {
                known_address: true,
                ..attacked
            },
            History {
                trusted: true,
                ..attacked
            },
        ] {
            assert_eq!(judge(&h, NOW), Verdict::Allow);
        }
        // The per-username scope is ten times looser than the one at an address.
        let h = History {
            user_anywhere: tally(49, 1),
            ..History::default()
        };
        assert_eq!(judge(&h, NOW), Verdict::Allow);
    }

    #[test]
    fn trusted_networks_parse_and_match() {
        let t =
            TrustedNetworks::parse("10.0.0.0/8, 192.168.1.0/24,2001:db8::/32,203.0.113.7").unwrap();
        for inside in [
            "10.1.2.3",
            "10.255.255.255",
            "192.168.1.77",
            "2001:db8::1",
            "203.0.113.7",
            "::ffff:10.9.9.9",
        ] {
            assert!(t.contains(inside), "{inside}");
        }
        for outside in [
            "11.0.0.1",
            "192.168.2.1",
            "2001:db9::1",
            "203.0.113.8",
            "unknown",
            "",
        ] {
            assert!(!t.contains(outside), "{outside}");
        }
        assert!(
            TrustedNetworks::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8")
        );
        assert!(TrustedNetworks::parse("").unwrap().is_empty());
        assert!(!TrustedNetworks::default().contains("127.0.0.1"));
        for bad in [
            "10.0.0.0/33",
            "10.0.0/8",
            "example.org",
            "10.0.0.0/x",
            "::/129",
        ] {
            assert!(TrustedNetworks::parse(bad).is_err(), "{bad}");
        }
    }
}

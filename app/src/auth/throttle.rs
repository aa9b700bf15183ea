//! The failed-login throttle, as a pure rule: given recent failures, may this attempt proceed?

/// Failures older than the window are forgotten.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures per username within the window before that username is locked.
pub const MAX_PER_USERNAME: usize = 5;
/// Failures per client address within the window (guessing across many usernames).
pub const MAX_PER_CLIENT: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Locked { retry_after_secs: i64 },
}

/// `for_username` and `for_client` are failure times (Unix seconds) within the window, oldest
/// first. Locked until enough of the failures have aged out of the window.
pub fn judge(for_username: &[i64], for_client: &[i64], now: i64) -> Verdict {
    let wait = |failures: &[i64], max: usize| -> Option<i64> {
        let live: Vec<i64> = failures
            .iter()
            .copied()
            .filter(|t| *t > now - WINDOW_SECS)
            .collect();
        (live.len() >= max).then(|| live[live.len() - max] + WINDOW_SECS - now)
    };
    match (
        wait(for_username, MAX_PER_USERNAME),
        wait(for_client, MAX_PER_CLIENT),
    ) {
        (None, None) => Verdict::Allow,
        (a, b) => Verdict::Locked {
            retry_after_secs: a.unwrap_or(0).max(b.unwrap_or(0)).max(1),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;

    #[test]
    fn allows_below_the_limit() {
        let four = [NOW - 50, NOW - 40, NOW - 30, NOW - 20];
        assert_eq!(judge(&four, &four, NOW), Verdict::Allow);
        assert_eq!(judge(&[], &[], NOW), Verdict::Allow);
    }

    #[test]
    fn locks_a_username_at_five_failures_until_the_oldest_ages_out() {
        let five = [NOW - 100, NOW - 40, NOW - 30, NOW - 20, NOW - 10];
        assert_eq!(
            judge(&five, &five, NOW),
            Verdict::Locked {
                retry_after_secs: WINDOW_SECS - 100
            }
        );
    }

    #[test]
    fn forgets_failures_outside_the_window() {
        let old = [
            NOW - WINDOW_SECS - 1,
            NOW - WINDOW_SECS,
            NOW - 30,
            NOW - 20,
            NOW - 10,
        ];
        assert_eq!(judge(&old, &old, NOW), Verdict::Allow);
    }

    #[test]
    fn locks_a_client_guessing_across_usernames() {
        let client: Vec<i64> = (0..20).map(|i| NOW - 200 + i).collect();
        assert_eq!(
            judge(&[], &client, NOW),
            Verdict::Locked {
                retry_after_secs: WINDOW_SECS - 200
            }
        );
    }
}

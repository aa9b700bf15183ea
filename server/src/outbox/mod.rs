//! The outbox worker: delivers what server functions queued in their transactions, with
//! retries and exponential backoff. A row is marked sent only after the receiver acknowledged
//! it, so a crash or an outage loses nothing; the stable Message-ID / Idempotency-Key lets a
//! receiver drop the one repeat a crash between its acknowledgement and our commit can cause.

pub mod email;
pub mod registry_http;

use std::sync::Arc;
use std::time::Duration;

use app::domain::email::EmailPayload;
use app::domain::metric_names;
use app::store::outbox::{self, Attempt, OutboxChannel, OutboxItem};
use app::store::{Db, StoreError};
use futures_util::{StreamExt, stream};
use lettre::message::Mailbox;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use email::Mailer;
use registry_http::RegistryClient;

/// Why one attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Worth another try later (connection refused, 4xx from SMTP, 5xx from HTTP).
    #[error("{0}")]
    Transient(String),
    /// Trying again will not help (bad address, 5xx from SMTP).
    #[error("{0}")]
    Permanent(String),
}

#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub base_ms: u64,
    pub max_delay_ms: u64,
    /// E-mails are given up after this many attempts; registry calls never are.
    pub max_email_attempts: i64,
}

impl RetryPolicy {
    /// The delay after `attempts` failed attempts: base, 2×base, 4×base … capped.
    pub fn delay_ms(&self, attempts: i64) -> u64 {
        let exp = u32::try_from(attempts.clamp(1, 30) - 1).unwrap_or(0);
        self.base_ms
            .saturating_mul(2u64.saturating_pow(exp))
            .min(self.max_delay_ms)
    }
}

pub struct Worker {
    pub db: Db,
    /// This node's name in the outbox's leases (stable across its restarts).
    pub node: String,
    pub signal: Arc<Notify>,
    pub mailer: Mailer,
    pub from: Mailbox,
    pub registry: Option<RegistryClient>,
    pub policy: RetryPolicy,
    /// How long a round's rows stay leased to this node (`DESK_OUTBOX_LEASE_SECS`). Should
    /// the node die mid-round, another node delivers them once this has passed.
    pub lease: Duration,
}

/// Rows leased per round: small enough that a round (e-mails 16 at a time with a 30 s
/// timeout, registry calls one by one with 10 s) ends well within its lease.
const ROUND: i64 = 32;
/// E-mails handed to the mail transport at once.
const EMAILS_IN_FLIGHT: usize = 16;

/// The longest the worker sleeps without a wake-up: retries falling due are picked up then.
const IDLE_POLL: Duration = Duration::from_secs(2);

impl Worker {
    /// Delivers until `stop` is cancelled; the round in flight is finished and recorded first.
    pub fn spawn(self, stop: CancellationToken) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move { self.run(stop).await })
    }

    async fn run(self, stop: CancellationToken) {
        match outbox::release_leases(&self.db, &self.node).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                rows = n,
                "outbox: leases left by this node's last run freed"
            ),
            Err(err) => tracing::error!(error = %err, "outbox: cannot free this node's leases"),
        }
        while !stop.is_cancelled() {
            if let Err(err) = self.deliver_due(&stop).await {
                tracing::error!(error = %err, "outbox: cannot read the queue");
            }
            let wait = match outbox::next_due_at(&self.db).await {
                Ok(Some(at)) => Duration::from_millis(
                    u64::try_from(at.saturating_sub(outbox::now_ms())).unwrap_or(0),
                )
                .min(IDLE_POLL),
                _ => IDLE_POLL,
            };
            if wait.is_zero() {
                continue;
            }
            tokio::select! {
                () = self.signal.notified() => {}
                () = tokio::time::sleep(wait) => {}
                () = stop.cancelled() => {}
            }
        }
    }

    /// Delivers every row due now: e-mails several at a time, registry calls one by one in
    /// the order they were queued. Outcomes are recorded as they come in (the e-mails that
    /// finished together in one write, each registry call on its own), so one slow receiver
    /// holds back no other delivery's record: a crash then repeats as little as it can.
    /// Returns how many were attempted. A cancelled `stop` ends it after the round in flight.
    pub async fn deliver_due(&self, stop: &CancellationToken) -> Result<usize, StoreError> {
        let mut attempted = 0;
        loop {
            if stop.is_cancelled() {
                return Ok(attempted);
            }
            let now = outbox::now_ms();
            let lease_until =
                now.saturating_add(i64::try_from(self.lease.as_millis()).unwrap_or(0));
            let due = outbox::claim_due(&self.db, &self.node, now, lease_until, ROUND).await?;
            if due.is_empty() {
                return Ok(attempted);
            }
            attempted += due.len();
            let (registry, emails): (Vec<_>, Vec<_>) = due
                .into_iter()
                .partition(|item| item.channel == OutboxChannel::Registry);
            let sending = async {
                let mut finished = stream::iter(emails)
                    .map(|item| async move { (item.id, self.attempt(&item).await) })
                    .buffer_unordered(EMAILS_IN_FLIGHT)
                    .ready_chunks(EMAILS_IN_FLIGHT);
                while let Some(outcomes) = finished.next().await {
                    outbox::record_attempts(&self.db, outcomes).await?;
                }
                Ok::<(), StoreError>(())
            };
            let calling = async {
                for item in &registry {
                    let outcome = self.attempt(item).await;
                    outbox::record_attempts(&self.db, vec![(item.id, outcome)]).await?;
                }
                Ok::<(), StoreError>(())
            };
            let (sent, called) = tokio::join!(sending, calling);
            sent?;
            called?;
        }
    }

    async fn attempt(&self, item: &OutboxItem) -> Attempt {
        let result = match item.channel {
            OutboxChannel::Email => match serde_json::from_str::<EmailPayload>(&item.payload) {
                Ok(payload) => self.mailer.send(&self.from, &payload).await,
                Err(e) => Err(DeliveryError::Permanent(format!("unreadable payload: {e}"))),
            },
            OutboxChannel::Registry => match &self.registry {
                Some(client) => client.send(&item.idempotency_key, &item.payload).await,
                None => Err(DeliveryError::Transient(
                    "no identity registry URL is configured (DESK_REGISTRY_URL)".into(),
                )),
            },
        };
        let attempts = item.attempts + 1;
        let outcome = if result.is_ok() { "sent" } else { "failed" };
        metrics::counter!(
            metric_names::OUTBOX_ATTEMPTS,
            "channel" => item.channel.as_str(),
            "outcome" => outcome
        )
        .increment(1);
        match result {
            Ok(()) => {
                tracing::debug!(
                    id = item.id,
                    channel = item.channel.as_str(),
                    attempts,
                    "outbox: delivered"
                );
                Attempt::Sent
            }
            Err(err) => {
                let give_up = match (&err, item.channel) {
                    (DeliveryError::Permanent(_), OutboxChannel::Email) => true,
                    (_, OutboxChannel::Email) => attempts >= self.policy.max_email_attempts,
                    // The registry must get every block: retry until it acknowledges.
                    (_, OutboxChannel::Registry) => false,
                };
                let retry_at_ms = (!give_up).then(|| {
                    outbox::now_ms().saturating_add(
                        i64::try_from(self.policy.delay_ms(attempts)).unwrap_or(i64::MAX),
                    )
                });
                tracing::warn!(
                    id = item.id,
                    channel = item.channel.as_str(),
                    attempts,
                    give_up,
                    error = %err,
                    "outbox: delivery failed"
                );
                Attempt::Failed {
                    error: err.to_string(),
                    retry_at_ms,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy {
            base_ms: 1_000,
            max_delay_ms: 60_000,
            max_email_attempts: 8,
        };
        let delays: Vec<u64> = (1..=8).map(|a| p.delay_ms(a)).collect();
        assert_eq!(
            delays,
            [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]
        );
        assert_eq!(p.delay_ms(1_000), 60_000);
    }
}

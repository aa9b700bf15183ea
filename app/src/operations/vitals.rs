//! The desk's state as monitoring sees it on each scrape: open cases, the urgent lane's
//! oldest unanswered case and the outbox's undelivered messages. Read from small partial
//! indexes, so a scrape costs the same at a million cases.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::{Priority, System};
use crate::store::outbox::OutboxChannel;
use crate::store::{Db, StoreError, operations};

/// Undelivered outbox messages of one channel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxState {
    /// Queued or waiting for a retry.
    pub backlog: i64,
    /// Given up on: a supporter must retry them.
    pub failed: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vitals {
    /// Every system × priority, zero included (a gauge that drops to nothing must say 0).
    pub open: Vec<(System, Priority, i64)>,
    /// 0 when no urgent case waits for its first answer.
    pub oldest_unanswered_urgent_secs: i64,
    pub outbox: Vec<(OutboxChannel, OutboxState)>,
}

pub async fn read(db: &Db) -> Result<Vitals, StoreError> {
    let counts = operations::open_by_system_priority(db).await?;
    let mut open = Vec::with_capacity(System::ALL.len() * Priority::ALL.len());
    for system in System::ALL {
        for priority in Priority::ALL {
            let n = counts
                .iter()
                .filter(|c| c.system == system.name() && c.priority == priority.as_str())
                .map(|c| c.n)
                .sum();
            open.push((system, priority, n));
        }
    }
    let oldest_unanswered_urgent_secs = operations::oldest_unanswered_urgent(db)
        .await?
        .and_then(|at| OffsetDateTime::parse(&at, &Rfc3339).ok())
        .map_or(0, |at| {
            (OffsetDateTime::now_utc() - at).whole_seconds().max(0)
        });
    let rows = operations::outbox_unfinished(db).await?;
    let outbox = [OutboxChannel::Email, OutboxChannel::Registry]
        .into_iter()
        .map(|channel| {
            let mut state = OutboxState::default();
            for row in rows.iter().filter(|r| r.channel == channel.as_str()) {
                if row.state == "failed" {
                    state.failed += row.n;
                } else {
                    state.backlog += row.n;
                }
            }
            (channel, state)
        })
        .collect();
    Ok(Vitals {
        open,
        oldest_unanswered_urgent_secs,
        outbox,
    })
}

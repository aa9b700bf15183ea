//! Live events for open consoles (new cases, a call's screen-pop). On SQLite the desk is one
//! node and an event goes straight to its consoles. On PostgreSQL an event goes out through
//! NOTIFY and every node, the sender too, passes it to its own consoles from LISTEN: a case
//! created through node A reaches a console connected to node B. Events that are sent while
//! an earlier NOTIFY is on its way share the next one (a JSON array): at a busy intake one
//! NOTIFY carries many new cases instead of costing a transaction each.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::{broadcast, mpsc};

use crate::store::Db;
use crate::store::db::Backend;
use crate::store::notify;

/// Events waiting for their NOTIFY beyond this many are dropped (with a warning): a live
/// feed is a convenience, and the queue page shows every case anyway.
const WAITING: usize = 4_096;
/// PostgreSQL refuses a payload of 8,000 bytes or more.
const MAX_PAYLOAD: usize = 7_500;

/// One kind of event, with its NOTIFY channel.
#[derive(Clone, Debug)]
pub struct Bus<T> {
    local: broadcast::Sender<T>,
    /// On PostgreSQL: the channel's name and the queue of serialised events to send.
    shared: Option<Shared>,
}

#[derive(Clone, Debug)]
struct Shared {
    db: Db,
    channel: &'static str,
    outgoing: mpsc::Sender<String>,
    /// Taken by [`Bus::relay`], which starts the sender.
    waiting: Arc<Mutex<Option<mpsc::Receiver<String>>>>,
}

impl<T> Bus<T>
where
    T: Clone + Serialize + DeserializeOwned + Send + 'static,
{
    /// A bus for this node alone (SQLite, tests).
    pub fn local() -> Self {
        Self {
            local: broadcast::channel(256).0,
            shared: None,
        }
    }

    /// A bus on `db`: across nodes on PostgreSQL (call [`Bus::relay`] once at start-up),
    /// this node alone on SQLite.
    pub fn on(db: &Db, channel: &'static str) -> Self {
        let shared = (db.backend() == Backend::Postgres).then(|| {
            let (outgoing, waiting) = mpsc::channel(WAITING);
            Shared {
                db: db.clone(),
                channel,
                outgoing,
                waiting: Arc::new(Mutex::new(Some(waiting))),
            }
        });
        Self {
            local: broadcast::channel(256).0,
            shared,
        }
    }

    /// Passes `event` on; nobody listening is fine. Never waits on the database.
    pub fn send(&self, event: T) {
        match &self.shared {
            None => {
                let _ = self.local.send(event);
            }
            Some(shared) => {
                let Ok(payload) = serde_json::to_string(&event) else {
                    return;
                };
                if shared.outgoing.try_send(payload).is_err() {
                    tracing::warn!(
                        channel = shared.channel,
                        "live event dropped: too many waiting"
                    );
                }
            }
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<T> {
        self.local.subscribe()
    }

    /// On PostgreSQL: starts sending this node's events, and listens on the bus's channel
    /// (from `url`) and hands every event, from any node, to this node's consoles, until the
    /// process ends. Nothing to do on SQLite.
    pub async fn relay(&self, url: &str) -> Result<(), crate::store::StoreError> {
        use futures_util::StreamExt;
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        let channel = shared.channel;
        let mut events = Box::pin(notify::listen(url, channel).await?);
        let local = self.local.clone();
        tokio::spawn(async move {
            while let Some(payload) = events.next().await {
                match payload.map(|p| parse::<T>(&p)) {
                    Ok(Ok(batch)) => {
                        for event in batch {
                            let _ = local.send(event);
                        }
                    }
                    Ok(Err(err)) => tracing::warn!(error = %err, channel, "bad live event"),
                    Err(err) => tracing::warn!(error = %err, channel, "live events interrupted"),
                }
            }
        });
        let waiting = shared
            .waiting
            .lock()
            .map_or(None, |mut waiting| waiting.take());
        if let Some(waiting) = waiting {
            tokio::spawn(send_batches(shared.db.clone(), channel, waiting));
        }
        Ok(())
    }
}

/// A NOTIFY's payload: a JSON array of events (or one event, as a node of the previous
/// version sends during a rolling upgrade).
fn parse<T: DeserializeOwned>(payload: &str) -> Result<Vec<T>, serde_json::Error> {
    serde_json::from_str::<Vec<T>>(payload)
        .or_else(|_| serde_json::from_str::<T>(payload).map(|event| vec![event]))
}

/// Sends whatever has gathered, as few NOTIFYs as the payload limit allows, one after another.
async fn send_batches(db: Db, channel: &'static str, mut waiting: mpsc::Receiver<String>) {
    let mut gathered = Vec::new();
    while waiting.recv_many(&mut gathered, 256).await > 0 {
        for payload in pack(gathered.drain(..)) {
            if let Err(err) = notify::notify(&db, channel, &payload).await {
                tracing::warn!(error = %err, channel, "cannot send a live event");
            }
        }
    }
}

/// Joins serialised events into JSON arrays of at most [`MAX_PAYLOAD`] bytes (an event larger
/// than that alone goes alone, and PostgreSQL refuses it).
fn pack(events: impl Iterator<Item = String>) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut current = String::from("[");
    for event in events {
        if current.len() > 1 && current.len() + event.len() + 2 > MAX_PAYLOAD {
            current.push(']');
            payloads.push(std::mem::replace(&mut current, String::from("[")));
        }
        if current.len() > 1 {
            current.push(',');
        }
        current.push_str(&event);
    }
    if current.len() > 1 {
        current.push(']');
        payloads.push(current);
    }
    payloads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_packed_into_arrays_under_the_payload_limit_and_read_back_in_order() {
        let events: Vec<String> = (0..500)
            .map(|i| format!("\"event number {i:04}\""))
            .collect();
        let payloads = pack(events.iter().cloned());
        assert!(
            payloads.len() > 1,
            "500 events of 19 bytes need several payloads"
        );
        assert!(payloads.iter().all(|p| p.len() <= MAX_PAYLOAD));
        let read: Vec<String> = payloads
            .iter()
            .flat_map(|p| parse::<String>(p).unwrap())
            .collect();
        let expected: Vec<String> = (0..500).map(|i| format!("event number {i:04}")).collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn a_single_event_from_an_older_node_is_read_as_one() {
        assert_eq!(
            parse::<String>("\"alone\"").unwrap(),
            vec!["alone".to_owned()]
        );
        assert!(pack(std::iter::empty()).is_empty());
    }
}

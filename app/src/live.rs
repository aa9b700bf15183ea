//! Live events for open consoles (new cases, a call's screen-pop). On SQLite the desk is one
//! node and an event goes straight to its consoles. On PostgreSQL an event goes out through
//! NOTIFY and every node, the sender too, passes it to its own consoles from LISTEN: a case
//! created through node A reaches a console connected to node B.

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::broadcast;

use crate::store::Db;
use crate::store::db::Backend;
use crate::store::notify;

/// One kind of event, with its NOTIFY channel.
#[derive(Clone, Debug)]
pub struct Bus<T> {
    local: broadcast::Sender<T>,
    /// The database and channel, on PostgreSQL.
    shared: Option<(Db, &'static str)>,
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
        Self {
            local: broadcast::channel(256).0,
            shared: (db.backend() == Backend::Postgres).then(|| (db.clone(), channel)),
        }
    }

    /// Passes `event` on; nobody listening is fine. Never waits on the database.
    pub fn send(&self, event: T) {
        match &self.shared {
            None => {
                let _ = self.local.send(event);
            }
            Some((db, channel)) => {
                let Ok(payload) = serde_json::to_string(&event) else {
                    return;
                };
                let (db, channel) = (db.clone(), *channel);
                tokio::spawn(async move {
                    if let Err(err) = notify::notify(&db, channel, &payload).await {
                        tracing::warn!(error = %err, channel, "cannot send a live event");
                    }
                });
            }
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<T> {
        self.local.subscribe()
    }

    /// On PostgreSQL: listens on the bus's channel (from `url`) and hands every event, from
    /// any node, to this node's consoles, until the process ends. Nothing to do on SQLite.
    pub async fn relay(&self, url: &str) -> Result<(), crate::store::StoreError> {
        use futures_util::StreamExt;
        let Some((_, channel)) = &self.shared else {
            return Ok(());
        };
        let channel = *channel;
        let mut events = Box::pin(notify::listen(url, channel).await?);
        let local = self.local.clone();
        tokio::spawn(async move {
            while let Some(payload) = events.next().await {
                match payload.map(|p| serde_json::from_str::<T>(&p)) {
                    Ok(Ok(event)) => {
                        let _ = local.send(event);
                    }
                    Ok(Err(err)) => tracing::warn!(error = %err, channel, "bad live event"),
                    Err(err) => tracing::warn!(error = %err, channel, "live events interrupted"),
                }
            }
        });
        Ok(())
    }
}

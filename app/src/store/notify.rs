//! PostgreSQL's NOTIFY and LISTEN: how one desk node tells the others (live events for the
//! consoles). SQLite runs one node, which needs none of this.

use futures_util::Stream;
use futures_util::StreamExt;
use sqlx::postgres::PgListener;

use super::{Db, StoreError};

/// Sends `payload` on `channel` to every listening node, this one included.
pub async fn notify(db: &Db, channel: &str, payload: &str) -> Result<(), StoreError> {
    // pg_notify returns void, which the Any driver cannot map: select a constant beside it.
    sqlx::query("SELECT 1 FROM (SELECT pg_notify($1, $2)) AS n")
        .bind(channel)
        .bind(payload)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The payloads sent on `channel`, on a connection of its own to the database at `url`. The
/// listener reconnects by itself after a lost connection (what was sent meanwhile is missed).
pub async fn listen(
    url: &str,
    channel: &str,
) -> Result<impl Stream<Item = Result<String, StoreError>> + use<>, StoreError> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(channel).await?;
    Ok(listener
        .into_stream()
        .map(|n| Ok(n.map(|n| n.payload().to_owned())?)))
}

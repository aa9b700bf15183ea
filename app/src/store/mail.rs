//! E-mail on cases, as SQL: queueing an outgoing message with its timeline entry, and the
//! reads and writes that threading an incoming one (the `mail` service) is made of.

use crate::store::db::Conn;

use super::StoreError;
use super::cases::{self, Actor};
use super::db::Backend;
use super::outbox::{self, OutboxChannel};
use crate::domain::Status;
use crate::domain::email::{self, InboundAttachment};
use crate::domain::mail_threading::Named;

// Callers that queue mail inside their own transactions name it from here.
pub use crate::domain::email::CaseEmail;

/// A new Message-ID of ours for a message on `reference`, and the outbox payload with it.
pub(super) fn compose(
    reference: &str,
    email: &CaseEmail<'_>,
    references: Vec<String>,
    in_reply_to: Option<String>,
) -> Result<(String, String), StoreError> {
    let message_id = email.message_id(reference, &crate::domain::tokens::new_token());
    let payload = email.payload(message_id.clone(), references, in_reply_to);
    let payload_json = serde_json::to_string(&payload)
        .map_err(|e| StoreError::Sqlx(sqlx::Error::Encode(Box::new(e))))?;
    Ok((message_id, payload_json))
}

/// Writes the message to the outbox, records its Message-ID for threading and adds it to the
/// case's timeline, all in the caller's transaction. Returns the outbox id.
pub async fn queue_in(
    tx: &mut Conn,
    case_id: i64,
    reference: &str,
    email: &CaseEmail<'_>,
    staff_id: Option<i64>,
) -> Result<i64, StoreError> {
    let known: Vec<String> = sqlx::query_scalar(
        "SELECT message_id FROM mail_message_ids WHERE case_id = $1 ORDER BY rowid DESC LIMIT 10",
    )
    .bind(case_id)
    .fetch_all(&mut *tx)
    .await?;
    let message_id = Backend::of(tx).json_text("data", "message_id");
    let last_inbound: Option<String> = sqlx::query_scalar(&format!(
        "SELECT {message_id} FROM case_events
         WHERE case_id = $1 AND kind = 'email_in' ORDER BY id DESC LIMIT 1"
    ))
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    let (references, in_reply_to) = email::reply_headers(known, last_inbound);
    let (message_id, payload_json) = compose(reference, email, references, in_reply_to)?;
    let outbox_id = outbox::enqueue(
        tx,
        OutboxChannel::Email,
        Some(case_id),
        &message_id,
        &payload_json,
    )
    .await?;
    sqlx::query("INSERT INTO mail_message_ids (message_id, case_id) VALUES ($1, $2)")
        .bind(&message_id)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    let (actor, staff_id) = staff_id.map_or(Actor::System, Actor::Staff).columns();
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(case_id)
    .bind(cases::utc_now())
    .bind(actor)
    .bind(staff_id)
    .bind(email.kind)
    .bind(&email.rendered.text)
    .bind(email.event_data(outbox_id))
    .execute(&mut *tx)
    .await?;
    Ok(outbox_id)
}

/// The case a Message-ID (or a sender's key for one) was filed under: id and reference.
pub async fn case_of_message(
    tx: &mut Conn,
    message_id: &str,
) -> Result<Option<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.reference FROM mail_message_ids m JOIN cases c ON c.id = m.case_id
         WHERE m.message_id = $1",
    )
    .bind(message_id)
    .fetch_optional(&mut *tx)
    .await?)
}

/// The From addresses of the e-mails with `message_id` on a case, as received.
pub async fn inbound_senders(
    tx: &mut Conn,
    case_id: i64,
    message_id: &str,
) -> Result<Vec<Option<String>>, StoreError> {
    let backend = Backend::of(tx);
    let (from, id) = (
        backend.json_text("data", "from"),
        backend.json_text("data", "message_id"),
    );
    Ok(sqlx::query_scalar(&format!(
        "SELECT {from} FROM case_events
         WHERE case_id = $1 AND kind = 'email_in' AND {id} = $2"
    ))
    .bind(case_id)
    .bind(message_id)
    .fetch_all(&mut *tx)
    .await?)
}

/// The id of the case a Message-ID was filed under.
pub async fn case_id_of_message(
    tx: &mut Conn,
    message_id: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT case_id FROM mail_message_ids WHERE message_id = $1")
            .bind(message_id)
            .fetch_optional(&mut *tx)
            .await?,
    )
}

/// The id of the case with `reference`.
pub async fn case_id_of_reference(
    tx: &mut Conn,
    reference: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&mut *tx)
            .await?,
    )
}

/// A case as threading sees it: reference, status and its citizen's e-mail address. None for
/// no such case, or one whose stored status is not a known one.
pub async fn named_case(tx: &mut Conn, id: i64) -> Result<Option<Named>, StoreError> {
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT c.reference, c.status, z.email FROM cases c
         LEFT JOIN citizens z ON z.id = c.citizen_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.and_then(|(reference, status, citizen_email)| {
        Some(Named {
            id,
            reference,
            status: Status::parse(&status).ok()?,
            citizen_email,
        })
    }))
}

/// Adds a citizen's e-mail to a case's timeline. Returns the entry's id.
pub async fn add_inbound(
    tx: &mut Conn,
    case_id: i64,
    text: &str,
    data: &str,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO case_events (case_id, at, actor, kind, body, data)
         VALUES ($1, $2, 'citizen', 'email_in', $3, $4) RETURNING id",
    )
    .bind(case_id)
    .bind(cases::utc_now())
    .bind(text)
    .bind(data)
    .fetch_one(&mut *tx)
    .await?)
}

/// Files `message_id` under a case unless it is filed already (then it keeps pointing where it
/// did). Whether it was filed now.
pub async fn file_message_id(
    tx: &mut Conn,
    message_id: &str,
    case_id: i64,
) -> Result<bool, StoreError> {
    let filed = sqlx::query(
        "INSERT INTO mail_message_ids (message_id, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(message_id)
    .bind(case_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(filed != 0)
}

/// Stores an e-mail's attachment with its timeline entry.
pub async fn add_attachment(
    tx: &mut Conn,
    case_id: i64,
    event_id: i64,
    attachment: &InboundAttachment,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO attachments (case_id, event_id, filename, content_type, size, content)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(event_id)
    .bind(&attachment.filename)
    .bind(&attachment.content_type)
    .bind(i64::try_from(attachment.content.len()).unwrap_or(i64::MAX))
    .bind(&attachment.content)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks the case as updated now.
pub async fn touch(tx: &mut Conn, case_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
        .bind(cases::utc_now())
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

//! E-mail on cases: queueing an outgoing message with its timeline entry, and threading an
//! incoming one into the right case.

use sqlx::SqliteConnection;

use super::cases::{self, Actor, NewCase};
use super::citizens::NewCitizen;
use super::outbox::{self, OutboxChannel};
use super::{Db, StoreError};
use crate::audit::{self, AuditEntry};
use crate::domain::{CaseRef, Category, Channel, Status, System, cpr};
use crate::mail::{EmailPayload, InboundEmail, Rendered};

/// An e-mail to the citizen on a case.
pub struct CaseEmail<'a> {
    pub to: &'a str,
    pub to_name: &'a str,
    pub rendered: Rendered,
    /// The domain of the desk's sender address: Message-IDs are ours.
    pub domain: &'a str,
    /// The timeline kind: "email_out" for replies, "notification" for automatic messages.
    pub kind: &'a str,
}

/// A new Message-ID of ours for a message on `reference`, and the outbox payload with it.
pub(super) fn compose(
    reference: &str,
    email: &CaseEmail<'_>,
    references: Vec<String>,
    in_reply_to: Option<String>,
) -> Result<(String, String), StoreError> {
    let message_id = format!(
        "<{reference}.{}@{}>",
        crate::auth::tokens::new_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(16)
            .collect::<String>(),
        email.domain
    );
    let payload = EmailPayload {
        to: email.to.to_owned(),
        to_name: email.to_name.to_owned(),
        subject: email.rendered.subject.clone(),
        text: email.rendered.text.clone(),
        html: email.rendered.html.clone(),
        message_id: message_id.clone(),
        in_reply_to,
        references,
    };
    let payload_json = serde_json::to_string(&payload)
        .map_err(|e| StoreError::Sqlx(sqlx::Error::Encode(Box::new(e))))?;
    Ok((message_id, payload_json))
}

/// The timeline entry's data for a queued e-mail.
pub(super) fn event_data(outbox_id: i64, email: &CaseEmail<'_>) -> String {
    serde_json::json!({
        "outbox_id": outbox_id,
        "to": email.to,
        "subject": email.rendered.subject,
    })
    .to_string()
}

/// Writes the message to the outbox, records its Message-ID for threading and adds it to the
/// case's timeline, all in the caller's transaction. Returns the outbox id.
pub async fn queue_in(
    tx: &mut SqliteConnection,
    case_id: i64,
    reference: &str,
    email: &CaseEmail<'_>,
    staff_id: Option<i64>,
) -> Result<i64, StoreError> {
    // Replies thread under the conversation so far, newest last (RFC 5322 References).
    let known: Vec<(String,)> = sqlx::query_as(
        "SELECT message_id FROM mail_message_ids WHERE case_id = ? ORDER BY rowid DESC LIMIT 10",
    )
    .bind(case_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut references: Vec<String> = known.into_iter().map(|(m,)| m).collect();
    references.reverse();
    let last_inbound: Option<String> = sqlx::query_scalar(
        "SELECT json_extract(data, '$.message_id') FROM case_events
         WHERE case_id = ? AND kind = 'email_in' ORDER BY id DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    let in_reply_to = last_inbound.or_else(|| references.last().cloned());
    let (message_id, payload_json) = compose(reference, email, references, in_reply_to)?;
    let outbox_id = outbox::enqueue(
        tx,
        OutboxChannel::Email,
        Some(case_id),
        &message_id,
        &payload_json,
    )
    .await?;
    sqlx::query("INSERT INTO mail_message_ids (message_id, case_id) VALUES (?, ?)")
        .bind(&message_id)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    let actor = if staff_id.is_some() {
        "staff"
    } else {
        "system"
    };
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, staff_id, kind, body, data)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(case_id)
    .bind(cases::utc_now())
    .bind(actor)
    .bind(staff_id)
    .bind(email.kind)
    .bind(&email.rendered.text)
    .bind(event_data(outbox_id, email))
    .execute(&mut *tx)
    .await?;
    Ok(outbox_id)
}

/// A supporter's e-mail reply: queued, on the timeline, counted as the first response, and
/// optionally moving the case on (typically to "waiting on citizen").
pub async fn reply(
    db: &Db,
    case_id: i64,
    reference: &str,
    email: &CaseEmail<'_>,
    username: &str,
    then: Option<Status>,
    audit: &AuditEntry<'_>,
) -> Result<i64, StoreError> {
    let mut tx = db.begin_write().await?;
    let staff = cases::staff_id(&mut tx, username).await?;
    audit::append(&mut tx, audit).await?;
    let outbox_id = queue_in(&mut tx, case_id, reference, email, Some(staff)).await?;
    cases::mark_responded(&mut tx, case_id).await?;
    if let Some(to) = then {
        cases::set_status_in(&mut tx, case_id, to, Actor::Staff(staff)).await?;
    }
    tx.commit().await?;
    Ok(outbox_id)
}

/// A status change by a supporter, with the e-mail it causes (e.g. "your case is resolved").
pub async fn set_status_notifying(
    db: &Db,
    case_id: i64,
    reference: &str,
    to: Status,
    username: &str,
    email: Option<&CaseEmail<'_>>,
    audit: &AuditEntry<'_>,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    let staff = cases::staff_id(&mut tx, username).await?;
    audit::append(&mut tx, audit).await?;
    cases::set_status_in(&mut tx, case_id, to, Actor::Staff(staff)).await?;
    if let Some(email) = email {
        queue_in(&mut tx, case_id, reference, email, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What became of an incoming e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Threaded {
    pub reference: String,
    /// A new case was opened for it.
    pub created: bool,
    /// A case waiting on the citizen (or resolved) was reopened.
    pub reopened: bool,
    /// The same Message-ID was ingested before: nothing was added.
    pub duplicate: bool,
}

/// Threads an incoming e-mail: by In-Reply-To/References to a case we wrote from, else by a
/// case reference in the subject; a reply reopens a case waiting on the citizen or resolved.
/// A closed case, or no case, gets a new case. Stored text has CPR numbers redacted.
pub async fn ingest(db: &Db, mail: &InboundEmail) -> Result<Threaded, StoreError> {
    let mut tx = db.begin_write().await?;
    if let Some(id) = &mail.message_id {
        let seen: Option<String> = sqlx::query_scalar(
            "SELECT c.reference FROM mail_message_ids m JOIN cases c ON c.id = m.case_id
             WHERE m.message_id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(reference) = seen {
            return Ok(Threaded {
                reference,
                created: false,
                reopened: false,
                duplicate: true,
            });
        }
    }
    let mut case_id: Option<i64> = None;
    for id in mail.in_reply_to.iter().chain(mail.references.iter().rev()) {
        case_id = sqlx::query_scalar("SELECT case_id FROM mail_message_ids WHERE message_id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if case_id.is_some() {
            break;
        }
    }
    if case_id.is_none()
        && let Some(reference) = CaseRef::find_in(&mail.subject)
    {
        case_id = sqlx::query_scalar("SELECT id FROM cases WHERE reference = ?")
            .bind(reference.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    }
    let status: Option<(String, String)> = match case_id {
        Some(id) => {
            sqlx::query_as("SELECT reference, status FROM cases WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        }
        None => None,
    };
    let text = cpr::redact(mail.text.trim());
    let subject = cpr::redact(mail.subject.trim());
    let (case_id, reference, created, reopened) = match (case_id, status) {
        (Some(id), Some((reference, status)))
            if Status::parse(&status).is_ok_and(|s| s != Status::Closed) =>
        {
            let status = Status::parse(&status).unwrap_or(Status::Open);
            let reopened = matches!(status, Status::WaitingOnCitizen | Status::Resolved);
            if reopened {
                cases::set_status_in(&mut tx, id, Status::Open, Actor::Citizen).await?;
            }
            (id, reference, false, reopened)
        }
        (_, previous) => {
            let subject = if subject.is_empty() {
                "(intet emne)".to_owned()
            } else {
                subject.chars().take(200).collect()
            };
            let body = match previous {
                Some((old, _)) => format!("Svar på den lukkede sag {old}."),
                None => String::new(),
            };
            let name = mail.from_name.as_deref().unwrap_or(&mail.from_address);
            let (id, reference) = cases::create_in(
                &mut tx,
                NewCase {
                    subject: &subject,
                    body: &body,
                    system: guess_system(&format!("{subject} {text}")),
                    category: Category::Other,
                    channel: Channel::Email,
                    citizen: Some(NewCitizen {
                        name,
                        email: Some(&mail.from_address),
                        phone: None,
                        cpr: None,
                        lang: "da",
                    }),
                    status_token_hash: None,
                    created_by_staff: None,
                    opened_at: None,
                },
            )
            .await?;
            (id, reference.to_string(), true, false)
        }
    };
    let event_id = sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, kind, body, data)
         VALUES (?, ?, 'citizen', 'email_in', ?, ?)",
    )
    .bind(case_id)
    .bind(cases::utc_now())
    .bind(&text)
    .bind(
        serde_json::json!({
            "from": mail.from_address,
            "subject": subject,
            "message_id": mail.message_id,
            "attachments": mail.attachments.iter().map(|a| &a.filename).collect::<Vec<_>>(),
        })
        .to_string(),
    )
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    if let Some(id) = &mail.message_id {
        sqlx::query("INSERT INTO mail_message_ids (message_id, case_id) VALUES (?, ?)")
            .bind(id)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
    }
    for a in &mail.attachments {
        sqlx::query(
            "INSERT INTO attachments (case_id, event_id, filename, content_type, size, content)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(case_id)
        .bind(event_id)
        .bind(&a.filename)
        .bind(&a.content_type)
        .bind(i64::try_from(a.content.len()).unwrap_or(i64::MAX))
        .bind(&a.content)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE cases SET updated_at = ? WHERE id = ?")
        .bind(cases::utc_now())
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Threaded {
        reference,
        created,
        reopened,
        duplicate: false,
    })
}

/// The system a new e-mail case most likely concerns: the first one named, else borger.dk.
fn guess_system(text: &str) -> System {
    let lower = text.to_lowercase();
    // "virk" must stand alone: "virker" (works) is in every other complaint.
    let named = [
        ("nemlog", System::NemLogIn, false),
        ("digital post", System::DigitalPost, false),
        ("e-boks", System::DigitalPost, false),
        ("nemkonto", System::NemKonto, false),
        ("virk", System::Virk, true),
        ("mitid", System::MitId, false),
        ("mit id", System::MitId, false),
        ("kodeviser", System::MitId, false),
    ];
    named
        .iter()
        .filter_map(|(word, system, whole)| {
            lower
                .match_indices(word)
                .find(|(at, _)| {
                    !whole
                        || !lower[at + word.len()..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric)
                })
                .map(|(at, _)| (at, *system))
        })
        .min_by_key(|(at, _)| *at)
        .map_or(System::BorgerDk, |(_, system)| system)
}

/// The delivery state of outgoing e-mails on a case, by outbox id.
pub async fn delivery_states(
    db: &Db,
    case_id: i64,
) -> Result<Vec<(i64, String, i64, Option<String>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, state, attempts, last_error FROM outbox WHERE case_id = ? AND channel = 'email'",
    )
    .bind(case_id)
    .fetch_all(db.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_the_first_named_system() {
        assert_eq!(
            guess_system("Min kodeviser til MitID virker ikke"),
            System::MitId
        );
        assert_eq!(guess_system("Digital Post og MitID"), System::DigitalPost);
        assert_eq!(guess_system("Hej, jeg har et spørgsmål"), System::BorgerDk);
        assert_eq!(guess_system("Det virker ikke med MitID"), System::MitId);
        assert_eq!(guess_system("Login på virk.dk"), System::Virk);
    }
}

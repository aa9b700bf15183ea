//! E-mail on cases: queueing an outgoing message with its timeline entry, and threading an
//! incoming one into the right case.

use sqlx::SqliteConnection;

use super::audit;
use super::case_links::{self, Side};
use super::cases::{self, Actor, NewCase};
use super::citizens::NewCitizen;
use super::outbox::{self, OutboxChannel};
use super::{Db, StoreError};
use crate::domain::audit::AuditEntry;
use crate::domain::email::{EmailPayload, InboundEmail, Rendered};
use crate::domain::{CaseRef, Category, Channel, Status, System, cpr};

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
        crate::domain::tokens::new_token()
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
    /// The same Message-ID was ingested before from the same sender: nothing was added.
    pub duplicate: bool,
    /// The case the e-mail named (by reference or threading headers) that the new case was
    /// linked to instead: closed, or another citizen's. That case was not changed.
    pub linked_to: Option<String>,
}

/// At most this many Message-IDs of In-Reply-To and References are looked up: the sender
/// writes those headers, and every look-up runs inside the writer's transaction.
pub const MAX_THREAD_IDS: usize = 20;

/// An e-mail address as it is compared with a case's citizen: trimmed, without angle
/// brackets, in lower case (mail systems treat addresses case-insensitively in practice).
pub fn normalise_address(address: &str) -> String {
    address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}

/// The first case reference in a subject. Only the ASCII spelling counts: look-alikes
/// (fullwidth "ＳＡＧ-２０２６-…", other scripts' digits) are not references, and digits of any
/// script glued to the end make the match something else ("SAG-2026-000012３" does not name
/// SAG-2026-000012). Either way a reference only threads a mail from that case's citizen.
pub fn subject_reference(subject: &str) -> Option<CaseRef> {
    let upper = subject.to_ascii_uppercase();
    upper.match_indices("SAG-").find_map(|(at, _)| {
        let candidate = upper.get(at..at + 15)?;
        let glued = upper
            .get(at + 15..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(char::is_numeric);
        (!glued).then(|| CaseRef::parse(candidate).ok()).flatten()
    })
}

/// A case an incoming e-mail points at.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Named {
    id: i64,
    reference: String,
    status: Status,
    citizen_email: Option<String>,
}

impl Named {
    /// Whether `sender` (normalised) is this case's citizen. A case without a citizen e-mail
    /// has no one who may write into it by e-mail.
    fn is_from_citizen(&self, sender: &str) -> bool {
        !sender.is_empty()
            && self
                .citizen_email
                .as_deref()
                .is_some_and(|c| normalise_address(c) == sender)
    }
}

/// Why an e-mail that named a case gets a new case of its own.
#[derive(Debug, PartialEq, Eq)]
enum Apart {
    /// The sender's own case, closed.
    Closed(Named),
    /// Someone else's case: a stranger (or a forged reply) must not write into it.
    Stranger(Named),
}

/// Where an incoming e-mail goes.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Into(Named),
    NewCase(Option<Apart>),
}

/// The threading decision over the cases an e-mail named, threading headers first, then the
/// subject's reference: into the first of the sender's own cases that is not closed; a new
/// case linked to the sender's closed case; else, naming only other people's cases, a new
/// case linked to the first of them, which is left as it was; naming none, a new case.
/// Threading headers get the same sender check as the subject: our Message-IDs are random,
/// but they travel in every e-mail (forwards, shared mailboxes), and the ones the citizen's
/// own mail program chose are often guessable.
fn route(named: Vec<Named>, sender: &str) -> Route {
    let (own, others): (Vec<Named>, Vec<Named>) =
        named.into_iter().partition(|n| n.is_from_citizen(sender));
    if let Some(open) = own.iter().find(|n| n.status != Status::Closed) {
        return Route::Into(open.clone());
    }
    if let Some(closed) = own.into_iter().next() {
        return Route::NewCase(Some(Apart::Closed(closed)));
    }
    Route::NewCase(others.into_iter().next().map(Apart::Stranger))
}

/// The cases the e-mail names: by its threading headers (In-Reply-To, then References newest
/// first, at most [`MAX_THREAD_IDS`]), then by the reference in its subject; each once.
async fn named_cases(
    tx: &mut SqliteConnection,
    mail: &InboundEmail,
) -> Result<Vec<Named>, StoreError> {
    let mut ids: Vec<i64> = Vec::new();
    let headers = mail
        .in_reply_to
        .iter()
        .chain(mail.references.iter().rev())
        .take(MAX_THREAD_IDS);
    for message_id in headers {
        let case: Option<i64> =
            sqlx::query_scalar("SELECT case_id FROM mail_message_ids WHERE message_id = ?")
                .bind(message_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(case) = case.filter(|c| !ids.contains(c)) {
            ids.push(case);
        }
    }
    if let Some(reference) = subject_reference(&mail.subject) {
        let case: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE reference = ?")
            .bind(reference.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(case) = case.filter(|c| !ids.contains(c)) {
            ids.push(case);
        }
    }
    let mut named = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT c.reference, c.status, z.email FROM cases c
             LEFT JOIN citizens z ON z.id = c.citizen_id WHERE c.id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((reference, status, citizen_email)) = row
            && let Ok(status) = Status::parse(&status)
        {
            named.push(Named {
                id,
                reference,
                status,
                citizen_email,
            });
        }
    }
    Ok(named)
}

/// The key under which an inbound Message-ID is kept when another message already holds it
/// (one of ours, or a citizen's that a stranger copied): with the sender, so that an MTA retry
/// of this message is still recognised. The space keeps it from ever matching a real
/// Message-ID in a threading header.
fn sender_key(message_id: &str, sender: &str) -> String {
    format!("{message_id} {sender}")
}

/// The case this message already went to, when the same Message-ID came before from the
/// same sender (an MTA retry). A known Message-ID from someone else is not a repeat: a
/// stranger who copies a citizen's Message-ID must not make the desk drop the citizen's mail.
async fn already_received(
    tx: &mut SqliteConnection,
    mail: &InboundEmail,
    sender: &str,
) -> Result<Option<String>, StoreError> {
    let Some(message_id) = &mail.message_id else {
        return Ok(None);
    };
    let case_of = |key: String| {
        sqlx::query_as::<_, (i64, String)>(
            "SELECT c.id, c.reference FROM mail_message_ids m JOIN cases c ON c.id = m.case_id
             WHERE m.message_id = ?",
        )
        .bind(key)
    };
    if let Some((_, reference)) = case_of(sender_key(message_id, sender))
        .fetch_optional(&mut *tx)
        .await?
    {
        return Ok(Some(reference));
    }
    let Some((case_id, reference)) = case_of(message_id.clone()).fetch_optional(&mut *tx).await?
    else {
        return Ok(None);
    };
    let senders: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT json_extract(data, '$.from') FROM case_events
         WHERE case_id = ? AND kind = 'email_in' AND json_extract(data, '$.message_id') = ?",
    )
    .bind(case_id)
    .bind(message_id)
    .fetch_all(&mut *tx)
    .await?;
    Ok(senders
        .iter()
        .flatten()
        .any(|from| normalise_address(from) == sender)
        .then_some(reference))
}

/// Threads an incoming e-mail (see [`route`]): into a case of the sender's that it names by
/// In-Reply-To/References or by the reference in its subject, reopening one waiting on the
/// citizen or resolved; otherwise into a new case, linked to the case it named if any. A mail
/// from anyone but a case's citizen never changes that case. Stored text has CPR numbers
/// redacted.
pub async fn ingest(db: &Db, mail: &InboundEmail) -> Result<Threaded, StoreError> {
    let sender = normalise_address(&mail.from_address);
    let mut tx = db.begin_write().await?;
    if let Some(reference) = already_received(&mut tx, mail, &sender).await? {
        return Ok(Threaded {
            reference,
            created: false,
            reopened: false,
            duplicate: true,
            linked_to: None,
        });
    }
    let named = named_cases(&mut tx, mail).await?;
    let text = cpr::redact(mail.text.trim());
    let subject = cpr::redact(mail.subject.trim());
    let (case_id, reference, created, reopened, linked_to) = match route(named, &sender) {
        Route::Into(case) => {
            let reopened = matches!(case.status, Status::WaitingOnCitizen | Status::Resolved);
            if reopened {
                cases::set_status_in(&mut tx, case.id, Status::Open, Actor::Citizen).await?;
            }
            (case.id, case.reference, false, reopened, None)
        }
        Route::NewCase(apart) => {
            let subject = if subject.is_empty() {
                "(intet emne)".to_owned()
            } else {
                subject.chars().take(200).collect()
            };
            let (body, named) = match apart {
                None => (String::new(), None),
                Some(Apart::Closed(n)) => {
                    (format!("Svar på den lukkede sag {}.", n.reference), Some(n))
                }
                Some(Apart::Stranger(n)) => (
                    format!(
                        "E-mail fra en anden afsender end borgeren på sagen {0}, som den nævner. \
                         Den er lagt på denne nye sag; {0} er ikke ændret.",
                        n.reference
                    ),
                    Some(n),
                ),
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
            let reference = reference.to_string();
            if let Some(n) = &named {
                case_links::link_by_desk(
                    &mut tx,
                    Side {
                        id,
                        reference: &reference,
                    },
                    Side {
                        id: n.id,
                        reference: &n.reference,
                    },
                )
                .await?;
            }
            (id, reference, true, false, named.map(|n| n.reference))
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
        // A Message-ID already known (ours, or copied from someone else's mail) keeps
        // pointing where it did; this message is remembered under its sender's key.
        let insert = "INSERT OR IGNORE INTO mail_message_ids (message_id, case_id) VALUES (?, ?)";
        let kept = sqlx::query(insert)
            .bind(id)
            .bind(case_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if kept == 0 {
            sqlx::query(insert)
                .bind(sender_key(id, &sender))
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
        }
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
        linked_to,
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

    const CITIZEN: &str = "grete@example.dk";

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        (dir, db)
    }

    /// A case of `email`'s citizen (None: a case without an e-mail address, e.g. a call) in
    /// `status`, with one e-mail of ours on it. Returns its id, reference and our Message-ID.
    async fn case(db: &Db, email: Option<&str>, status: Status) -> (i64, String, String) {
        let mut tx = db.begin_write().await.unwrap();
        let (id, reference) = cases::create_in(
            &mut tx,
            NewCase {
                subject: "Aktiveringskode",
                body: "Jeg har ikke fået min kode.",
                system: System::MitId,
                category: Category::Other,
                channel: Channel::WebForm,
                citizen: Some(NewCitizen {
                    name: "Grete Hansen",
                    email,
                    phone: None,
                    cpr: None,
                    lang: "da",
                }),
                status_token_hash: None,
                created_by_staff: None,
                opened_at: None,
            },
        )
        .await
        .unwrap();
        let reference = reference.to_string();
        let rendered = Rendered {
            subject: format!("{reference}: Svar"),
            text: "Du kan bestille en ny kode.".into(),
            html: "<p>Du kan bestille en ny kode.</p>".into(),
        };
        let email = CaseEmail {
            to: email.unwrap_or("nobody@example.dk"),
            to_name: "Grete Hansen",
            rendered,
            domain: "desk.example",
            kind: "email_out",
        };
        queue_in(&mut tx, id, &reference, &email, None)
            .await
            .unwrap();
        if status != Status::New {
            cases::set_status_in(&mut tx, id, status, Actor::System)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let ours: String =
            sqlx::query_scalar("SELECT message_id FROM mail_message_ids WHERE case_id = ?")
                .bind(id)
                .fetch_one(db.pool())
                .await
                .unwrap();
        (id, reference, ours)
    }

    fn mail(from: &str, subject: &str, message_id: &str, text: &str) -> InboundEmail {
        InboundEmail {
            from_address: from.into(),
            from_name: None,
            subject: subject.into(),
            text: text.into(),
            message_id: Some(message_id.into()),
            ..InboundEmail::default()
        }
    }

    /// Everything a mail could change on a case: status, update time, timeline, Message-IDs.
    async fn snapshot(db: &Db, id: i64) -> (String, String, Vec<(String, String)>, i64) {
        let (status, updated): (String, String) =
            sqlx::query_as("SELECT status, updated_at FROM cases WHERE id = ?")
                .bind(id)
                .fetch_one(db.pool())
                .await
                .unwrap();
        let events: Vec<(String, String)> =
            sqlx::query_as("SELECT kind, body FROM case_events WHERE case_id = ? ORDER BY id")
                .bind(id)
                .fetch_all(db.pool())
                .await
                .unwrap();
        let ids: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM mail_message_ids WHERE case_id = ?")
                .bind(id)
                .fetch_one(db.pool())
                .await
                .unwrap();
        (status, updated, events, ids)
    }

    async fn texts_of(db: &Db, reference: &str) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT e.body FROM case_events e JOIN cases c ON c.id = e.case_id
             WHERE c.reference = ? AND e.kind = 'email_in'",
        )
        .bind(reference)
        .fetch_all(db.pool())
        .await
        .unwrap()
    }

    async fn related_to(db: &Db, reference: &str) -> Vec<String> {
        let id: i64 = sqlx::query_scalar("SELECT id FROM cases WHERE reference = ?")
            .bind(reference)
            .fetch_one(db.pool())
            .await
            .unwrap();
        let (related, _) = case_links::related(db, id).await.unwrap();
        related.into_iter().map(|r| r.reference).collect()
    }

    #[tokio::test]
    async fn the_citizens_own_reply_threads_by_subject_and_reopens() {
        let (_dir, db) = db().await;
        let (id, reference, _) = case(&db, Some(CITIZEN), Status::WaitingOnCitizen).await;
        // The address is compared normalised: case and angle brackets do not matter.
        let reply = mail(
            " <Grete@EXAMPLE.dk> ",
            &format!("SV: {reference}: Svar"),
            "<g-1@example.dk>",
            "Tak, det virkede.",
        );
        let t = ingest(&db, &reply).await.unwrap();
        assert_eq!(
            t,
            Threaded {
                reference: reference.clone(),
                created: false,
                reopened: true,
                duplicate: false,
                linked_to: None,
            }
        );
        assert_eq!(snapshot(&db, id).await.0, "open");
        assert_eq!(texts_of(&db, &reference).await, ["Tak, det virkede."]);
        // An MTA retry of the same message adds nothing.
        let again = ingest(&db, &reply).await.unwrap();
        assert!(again.duplicate && again.reference == reference);
        assert_eq!(texts_of(&db, &reference).await.len(), 1);
    }

    #[tokio::test]
    async fn the_citizens_reply_threads_by_in_reply_to_whatever_the_subject() {
        let (_dir, db) = db().await;
        let (id, reference, ours) = case(&db, Some(CITIZEN), Status::Resolved).await;
        let mut reply = mail(
            CITIZEN,
            "Re: noget andet",
            "<g-2@example.dk>",
            "Et spørgsmål mere.",
        );
        reply.in_reply_to = vec![ours];
        let t = ingest(&db, &reply).await.unwrap();
        assert_eq!(t.reference, reference);
        assert!(t.reopened && !t.created);
        assert_eq!(snapshot(&db, id).await.0, "open");
    }

    #[tokio::test]
    async fn a_stranger_naming_the_reference_gets_a_new_linked_case_and_the_case_is_unchanged() {
        let (_dir, db) = db().await;
        let (id, reference, _) = case(&db, Some(CITIZEN), Status::WaitingOnCitizen).await;
        let before = snapshot(&db, id).await;
        let hijack = mail(
            "mallory@evil.example",
            &format!("Re: {reference}: Svar"),
            "<m-1@evil.example>",
            "Jeg er Grete. Send den nye kode til denne adresse.",
        );
        let t = ingest(&db, &hijack).await.unwrap();
        assert!(t.created && !t.reopened && !t.duplicate);
        assert_ne!(t.reference, reference);
        assert_eq!(t.linked_to.as_deref(), Some(reference.as_str()));
        // Not reopened, not touched: status, time, timeline and Message-IDs as before.
        assert_eq!(snapshot(&db, id).await, before);
        assert!(texts_of(&db, &reference).await.is_empty());
        // The stranger's text is on the new case only, which says why it exists.
        assert_eq!(
            texts_of(&db, &t.reference).await,
            ["Jeg er Grete. Send den nye kode til denne adresse."]
        );
        let (created_body, citizen): (String, String) = sqlx::query_as(
            "SELECT e.body, z.email FROM cases c JOIN case_events e ON e.case_id = c.id
             JOIN citizens z ON z.id = c.citizen_id
             WHERE c.reference = ? AND e.kind = 'created'",
        )
        .bind(&t.reference)
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert!(created_body.contains(&reference), "{created_body}");
        assert_eq!(citizen, "mallory@evil.example");
        // Linked both ways, by the desk (no staff member).
        assert_eq!(related_to(&db, &reference).await, [t.reference.as_str()]);
        assert_eq!(related_to(&db, &t.reference).await, [reference.as_str()]);
        let by_staff: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM case_links WHERE created_by IS NOT NULL")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(by_staff, 0);

        // The stranger's follow-up (replying to their own mail, still naming the citizen's
        // case) goes to the stranger's case, not to the citizen's.
        let mut follow_up = mail(
            "mallory@evil.example",
            &format!("Re: Re: {reference}: Svar"),
            "<m-2@evil.example>",
            "Hallo?",
        );
        follow_up.references = vec!["<m-1@evil.example>".into()];
        let t2 = ingest(&db, &follow_up).await.unwrap();
        assert_eq!(t2.reference, t.reference);
        assert!(!t2.created);
        assert_eq!(snapshot(&db, id).await, before);
    }

    #[tokio::test]
    async fn a_stranger_with_a_leaked_message_id_does_not_thread_either() {
        let (_dir, db) = db().await;
        let (id, reference, ours) = case(&db, Some(CITIZEN), Status::Resolved).await;
        let before = snapshot(&db, id).await;
        // Our Message-ID in In-Reply-To and References, and even as its own Message-ID.
        let mut forged = mail("mallory@evil.example", "Re: Svar", &ours, "Luk min MitID.");
        forged.in_reply_to = vec![ours.clone()];
        forged.references = vec![ours.clone()];
        let t = ingest(&db, &forged).await.unwrap();
        assert!(t.created && !t.duplicate, "{t:?}");
        assert_eq!(t.linked_to.as_deref(), Some(reference.as_str()));
        assert_eq!(snapshot(&db, id).await, before);
        assert!(texts_of(&db, &reference).await.is_empty());
        // Our Message-ID still threads the citizen's own reply.
        let mut reply = mail(CITIZEN, "Re: Svar", "<g-3@example.dk>", "Tak.");
        reply.in_reply_to = vec![ours];
        let t = ingest(&db, &reply).await.unwrap();
        assert_eq!(t.reference, reference);
        assert!(t.reopened);
    }

    #[tokio::test]
    async fn a_copied_message_id_does_not_make_the_citizens_mail_a_duplicate() {
        let (_dir, db) = db().await;
        let (id, reference, _) = case(&db, Some(CITIZEN), Status::WaitingOnCitizen).await;
        // A stranger gets a Message-ID in first that the citizen's mail will carry.
        let first = ingest(
            &db,
            &mail("mallory@evil.example", "Hej", "<g-4@example.dk>", "x"),
        )
        .await
        .unwrap();
        assert!(first.created);
        let t = ingest(
            &db,
            &mail(
                CITIZEN,
                &format!("Re: {reference}"),
                "<g-4@example.dk>",
                "Min tekst.",
            ),
        )
        .await
        .unwrap();
        assert!(!t.duplicate && t.reopened, "{t:?}");
        assert_eq!(texts_of(&db, &reference).await, ["Min tekst."]);
        assert_eq!(snapshot(&db, id).await.0, "open");
        // Retries of either message are still recognised.
        let again = ingest(
            &db,
            &mail(
                CITIZEN,
                &format!("Re: {reference}"),
                "<g-4@example.dk>",
                "Min tekst.",
            ),
        )
        .await
        .unwrap();
        assert!(again.duplicate && again.reference == reference, "{again:?}");
        let again = ingest(
            &db,
            &mail("mallory@evil.example", "Hej", "<g-4@example.dk>", "x"),
        )
        .await
        .unwrap();
        assert!(
            again.duplicate && again.reference == first.reference,
            "{again:?}"
        );
        assert_eq!(texts_of(&db, &reference).await.len(), 1);
    }

    #[tokio::test]
    async fn a_reply_on_a_closed_case_or_a_case_without_e_mail_opens_a_linked_case() {
        let (_dir, db) = db().await;
        let (closed, closed_ref, _) = case(&db, Some(CITIZEN), Status::Closed).await;
        let before = snapshot(&db, closed).await;
        let t = ingest(
            &db,
            &mail(
                CITIZEN,
                &format!("Re: {closed_ref}"),
                "<g-5@example.dk>",
                "Igen.",
            ),
        )
        .await
        .unwrap();
        assert!(t.created);
        assert_eq!(t.linked_to.as_deref(), Some(closed_ref.as_str()));
        assert_eq!(snapshot(&db, closed).await, before);

        // A case with no e-mail address on it: nobody may write into it by e-mail.
        let (phone, phone_ref, _) = case(&db, None, Status::WaitingOnCitizen).await;
        let before = snapshot(&db, phone).await;
        let t = ingest(
            &db,
            &mail(
                CITIZEN,
                &format!("Re: {phone_ref}"),
                "<g-6@example.dk>",
                "Hej.",
            ),
        )
        .await
        .unwrap();
        assert!(t.created);
        assert_eq!(t.linked_to.as_deref(), Some(phone_ref.as_str()));
        assert_eq!(snapshot(&db, phone).await, before);
    }

    #[test]
    fn only_an_ascii_reference_names_a_case() {
        let r = |s: &str| subject_reference(s).map(|r| r.to_string());
        assert_eq!(
            r("SV: sag-2026-000012: svar").as_deref(),
            Some("SAG-2026-000012")
        );
        // Fullwidth letters or digits are not a reference, nor is one with a digit of any
        // script glued on.
        assert_eq!(r("Re: ＳＡＧ-２０２６-００００１２"), None);
        assert_eq!(r("Re: SAG-２０２６-000012"), None);
        assert_eq!(r("Re: SAG-2026-000012３"), None);
        assert_eq!(
            r("Re: SAG-2026-000012٣ og SAG-2026-000013"),
            Some("SAG-2026-000013".into())
        );
        assert_eq!(r("Re: SAG-2026-0000123"), None);
        assert_eq!(r("SAG-"), None);
    }

    #[test]
    fn addresses_compare_case_insensitively() {
        assert_eq!(
            normalise_address(" <Grete@Example.DK> "),
            "grete@example.dk"
        );
        assert_eq!(normalise_address("ÆBLE@eksempel.dk"), "æble@eksempel.dk");
    }

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

//! Cases citizens open themselves (the contact form), created many at a time. Requests that
//! arrive together are written by one set of multi-row statements (case, citizen, timeline
//! entry, confirmation e-mail) inside the group commit, so a busy hour costs a handful of
//! statements per batch instead of a dozen per case. Each caller is answered only after the
//! commit. If a batch fails, its requests are tried again one by one, so one bad request
//! cannot take the others down with it.

use std::collections::HashMap;
use std::sync::Arc;

use super::sql_builder::SqlBuilder;
use tokio::sync::{mpsc, oneshot};

use super::cases::{self, Opening};
use super::db::Conn;
use super::mail::{self, CaseEmail};
use super::organisations::{self, NewOrganisation};
use super::outbox::{self, OutboxChannel};
use super::{Db, StoreError};
use crate::domain::business::Party;
use crate::domain::email::Confirmation;
use crate::domain::{CaseRef, Category, Channel, Cvr, System};

/// A new case from a citizen, owned: it is written after the request has handed it over.
#[derive(Clone)]
pub struct CitizenRequest {
    pub subject: String,
    pub body: String,
    pub system: System,
    pub category: Category,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    /// The keyed hash of the normalised phone number (empty when it is not one).
    pub phone_hash: Option<Vec<u8>>,
    pub lang: &'static str,
    /// The SHA-256 of the private status token the citizen is given.
    pub status_token_hash: Vec<u8>,
    /// The private status link in the confirmation: kept out of the case's timeline.
    pub status_url: String,
    /// The domain of the desk's sender address.
    pub mail_domain: String,
    pub confirmation: Confirmation,
    /// The organisation the text names by CVR number: the case is then the organisation's.
    pub organisation: Option<Cvr>,
}

/// The name an organisation first met through its CVR number in a message gets, until a
/// supporter or the registry names it.
pub const UNKNOWN_ORGANISATION: &str = "Ukendt virksomhed";

struct Pending {
    request: CitizenRequest,
    reply: oneshot::Sender<Result<CaseRef, StoreError>>,
}

/// Requests waiting beyond this many go into the next batch (SQLite allows 32,766 bound
/// values per statement; a case row has 14).
const MAX_BATCH: usize = 256;

/// The handle server functions submit through; cheap to clone.
#[derive(Clone, Debug)]
pub struct Intake {
    queue: mpsc::Sender<Pending>,
}

impl Intake {
    /// Starts the batching task. It ends when the last handle is dropped.
    pub fn spawn(db: Db) -> Self {
        let (queue, waiting) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(db, waiting));
        Self { queue }
    }

    /// Creates the case and queues its confirmation; returns once both are on disk.
    pub async fn create(&self, request: CitizenRequest) -> Result<CaseRef, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Pending { request, reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

async fn run(db: Db, mut waiting: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // One batch at a time: while it is written, the next one gathers.
    while waiting.recv_many(&mut batch, MAX_BATCH).await > 0 {
        create_batch(&db, std::mem::take(&mut batch)).await;
    }
}

async fn create_batch(db: &Db, batch: Vec<Pending>) {
    let (requests, replies): (Vec<_>, Vec<_>) =
        batch.into_iter().map(|p| (p.request, p.reply)).unzip();
    let requests = Arc::new(requests);
    let written = {
        let requests = requests.clone();
        db.write(move |tx| Box::pin(async move { insert_all(tx, &requests).await }))
            .await
    };
    match written {
        // Committed: each gets its reference (insert_all returns one per request, in order).
        Ok(references) => {
            for (reply, reference) in replies.into_iter().zip(references) {
                let _ = reply.send(Ok(reference));
            }
        }
        // Nothing of the batch was saved: one request at a time, so only a bad one fails.
        Err(_) if replies.len() > 1 => {
            for (request, reply) in requests.iter().cloned().zip(replies) {
                let db = db.clone();
                tokio::spawn(async move {
                    let one = db
                        .write(move |tx| Box::pin(async move { insert_all(tx, &[request]).await }))
                        .await
                        .and_then(|mut r| r.pop().ok_or(StoreError::WriterStopped));
                    let _ = reply.send(one);
                });
            }
        }
        Err(err) => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(err));
            }
        }
    }
}

/// Writes every request's case, citizen, first timeline entry and confirmation e-mail.
/// Returns the references in the order of `requests`.
async fn insert_all(
    tx: &mut Conn,
    requests: &[CitizenRequest],
) -> Result<Vec<CaseRef>, StoreError> {
    let n = requests.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    let count_mismatch = || StoreError::NotCommitted("a batch insert returned too few rows".into());
    let openings: Vec<Opening> = requests
        .iter()
        .map(|r| Opening::new(r.category, time::OffsetDateTime::now_utc()))
        .collect();
    let year = openings.first().map_or(CaseRef::MIN_YEAR, |o| o.year);
    let references = cases::allocate_references(tx, year, n).await?;
    let reference_texts: Vec<String> = references.iter().map(ToString::to_string).collect();

    // Rowids are handed out in insertion order while we hold the write lock; RETURNING's own
    // order is not promised, so sort.
    let mut citizen_ids: Vec<i64> = SqlBuilder::new(
        "INSERT INTO citizens (name, email, phone, phone_hash, preferred_lang, created_at) ",
    )
    .push_values(requests.iter().zip(&openings), |mut row, (r, o)| {
        row.push_bind(&r.name)
            .push_bind(&r.email)
            .push_bind(&r.phone)
            .push_bind(&r.phone_hash)
            .push_bind(r.lang)
            .push_bind(&o.now_utc);
    })
    .push(" RETURNING id")
    .build_query_scalar()?
    .fetch_all(&mut *tx)
    .await?;
    citizen_ids.sort_unstable();
    if citizen_ids.len() != n {
        return Err(count_mismatch());
    }

    let rows = requests
        .iter()
        .zip(&openings)
        .zip(&reference_texts)
        .zip(&citizen_ids);
    let case_ids: HashMap<String, i64> = SqlBuilder::new(
        "INSERT INTO cases (reference, subject, system, category, priority, lane, status,
            channel, citizen_id, status_token_hash, created_at, updated_at, sla_started,
            sla_pauses, first_response_due, resolution_due) ",
    )
    .push_values(rows, |mut row, (((r, o), reference), citizen_id)| {
        row.push_bind(reference)
            .push_bind(&r.subject)
            .push_bind(r.system.name())
            .push_bind(r.category.as_str())
            .push_bind(o.priority.as_str())
            .push_bind(cases::lane(o.priority, Channel::WebForm))
            .push("'new'")
            .push("'web_form'")
            .push_bind(citizen_id)
            .push_bind(&r.status_token_hash)
            .push_bind(&o.now_utc)
            .push_bind(&o.now_utc)
            .push_bind(&o.sla.started)
            .push_bind(&o.sla.pauses)
            .push_bind(&o.first_due)
            .push_bind(&o.resolution_due);
    })
    .push(" RETURNING reference, id")
    .build_query_as::<(String, i64)>()?
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let case_ids: Vec<i64> = reference_texts
        .iter()
        .map(|r| case_ids.get(r).copied().ok_or_else(count_mismatch))
        .collect::<Result<_, _>>()?;

    // Rare (a business naming its CVR number): one organisation at a time.
    for (request, case_id) in requests.iter().zip(&case_ids) {
        if let Some(cvr) = &request.organisation {
            let organisation = organisations::find_or_create(
                tx,
                &NewOrganisation {
                    cvr,
                    name: UNKNOWN_ORGANISATION,
                    contact_email: None,
                    contact_phone: None,
                },
            )
            .await?;
            organisations::set_case_party(tx, *case_id, Party::Organisation, Some(organisation))
                .await?;
        }
    }

    SqlBuilder::new("INSERT INTO case_events (case_id, at, actor, kind, body) ")
        .push_values(
            requests.iter().zip(&openings).zip(&case_ids),
            |mut row, ((r, o), id)| {
                row.push_bind(id)
                    .push_bind(&o.now_utc)
                    .push("'citizen'")
                    .push("'created'")
                    .push_bind(&r.body);
            },
        )
        .build()?
        .execute(&mut *tx)
        .await?;

    let emails: Vec<CaseEmail<'_>> = requests
        .iter()
        .zip(&reference_texts)
        .map(|(r, reference)| CaseEmail {
            to: &r.email,
            // Not the name from the form: the confirmation carries nothing the sender wrote.
            to_name: "",
            rendered: (r.confirmation)(reference),
            domain: &r.mail_domain,
            kind: "notification",
        })
        .collect();
    let composed: Vec<(String, String)> = emails
        .iter()
        .zip(&reference_texts)
        .map(|(email, reference)| mail::compose(reference, email, Vec::new(), None))
        .collect::<Result<_, _>>()?;
    let created_at = cases::utc_now();
    let outbox_ids: HashMap<String, i64> = SqlBuilder::new(
        "INSERT INTO outbox (channel, case_id, idempotency_key, payload, next_attempt_at,
            created_at) ",
    )
    .push_values(
        composed.iter().zip(&case_ids),
        |mut row, ((message_id, payload), id)| {
            row.push_bind(OutboxChannel::Email.as_str())
                .push_bind(id)
                .push_bind(message_id)
                .push_bind(payload)
                .push_bind(outbox::now_ms())
                .push_bind(&created_at);
        },
    )
    .push(" RETURNING idempotency_key, id")
    .build_query_as::<(String, i64)>()?
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();

    SqlBuilder::new("INSERT INTO mail_message_ids (message_id, case_id) ")
        .push_values(composed.iter().zip(&case_ids), |mut row, ((m, _), id)| {
            row.push_bind(m).push_bind(id);
        })
        .build()?
        .execute(&mut *tx)
        .await?;

    let mut events = Vec::with_capacity(n);
    let sent = emails.iter().zip(&composed).zip(&case_ids).zip(requests);
    for (((email, (message_id, _)), case_id), request) in sent {
        let outbox_id = outbox_ids
            .get(message_id)
            .copied()
            .ok_or_else(count_mismatch)?;
        events.push((
            *case_id,
            crate::domain::email::without_private_link(
                &email.rendered.text,
                &request.status_url,
                request.lang,
            ),
            email.event_data(outbox_id),
        ));
    }
    SqlBuilder::new("INSERT INTO case_events (case_id, at, actor, kind, body, data) ")
        .push_values(&events, |mut row, (id, text, data)| {
            row.push_bind(id)
                .push_bind(&created_at)
                .push("'system'")
                .push("'notification'")
                .push_bind(text)
                .push_bind(data);
        })
        .build()?
        .execute(&mut *tx)
        .await?;
    Ok(references)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SupportContacts;
    use crate::domain::email::Rendered;
    use crate::i18n::Lang;
    use crate::mail::received_confirmation;

    fn request(n: usize, lang: &'static str) -> CitizenRequest {
        CitizenRequest {
            subject: format!("Glemt adgangskode {n}"),
            body: "Jeg har glemt min adgangskode.".into(),
            system: System::MitId,
            category: Category::PasswordOrPin,
            name: format!("Borger {n}"),
            email: format!("borger{n}@example.dk"),
            phone: None,
            phone_hash: None,
            lang,
            status_token_hash: vec![u8::try_from(n % 256).unwrap(); 32],
            status_url: format!("https://desk.example/sag/status/token{n}"),
            mail_domain: "desk.example".into(),
            organisation: None,
            confirmation: Arc::new(move |reference| Rendered {
                subject: format!("Vi har modtaget din henvendelse {reference}"),
                text: format!("Sag {reference}: https://desk.example/sag/status/token{n}"),
                html: format!("<p>Sag {reference}</p>"),
            }),
        }
    }

    async fn scalar(db: &Db, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_requests_get_consecutive_references_and_everything_they_need() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        let intake = Intake::spawn(db.clone());
        let created: Vec<_> = (0..200)
            .map(|n| {
                let intake = intake.clone();
                tokio::spawn(async move { (n, intake.create(request(n, "da")).await) })
            })
            .collect();
        let mut numbers = Vec::new();
        for c in created {
            let (n, reference) = c.await.unwrap();
            let reference = reference.unwrap().to_string();
            // Each case carries its own citizen, subject and confirmation.
            let (subject, name, to): (String, String, String) = sqlx::query_as(
                "SELECT c.subject, z.name, json_extract(o.payload, '$.to') FROM cases c
                 JOIN citizens z ON z.id = c.citizen_id
                 JOIN outbox o ON o.case_id = c.id WHERE c.reference = $1",
            )
            .bind(&reference)
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!(subject, format!("Glemt adgangskode {n}"));
            assert_eq!(name, format!("Borger {n}"));
            assert_eq!(to, format!("borger{n}@example.dk"));
            numbers.push(reference[9..].parse::<u32>().unwrap());
        }
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=200).collect::<Vec<_>>());
        for (table, want) in [
            ("cases WHERE channel = 'web_form' AND status = 'new'", 200),
            (
                "case_events WHERE kind = 'created' AND actor = 'citizen'",
                200,
            ),
            ("case_events WHERE kind = 'notification'", 200),
            ("mail_message_ids", 200),
            ("outbox WHERE state = 'queued'", 200),
            ("case_changes", 600),
        ] {
            assert_eq!(
                scalar(&db, &format!("SELECT COUNT(*) FROM {table}")).await,
                want,
                "{table}"
            );
        }
        // The timeline shows the confirmation, but not the citizen's private link.
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM case_events WHERE kind = 'notification'")
                .fetch_all(db.pool())
                .await
                .unwrap();
        assert!(
            bodies.iter().all(|b| b.ends_with(": [privat statuslink]")),
            "{bodies:?}"
        );
        // The timeline entry points at its e-mail.
        let linked = scalar(
            &db,
            "SELECT COUNT(*) FROM case_events e JOIN outbox o
             ON o.id = json_extract(e.data, '$.outbox_id') AND o.case_id = e.case_id
             WHERE e.kind = 'notification'",
        )
        .await;
        assert_eq!(linked, 200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_confirmation_carries_nothing_the_sender_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        let intake = Intake::spawn(db.clone());
        for lang in [Lang::Da, Lang::En] {
            let status_url = format!("https://desk.example/sag/status/tok-{}", lang.code());
            let mut r = request(if lang == Lang::Da { 1 } else { 2 }, lang.code());
            r.name = "Eve <b>Phisher</b> Klik-her".into();
            r.subject = "<script>alert(1)</script> Vind en iPhone".into();
            r.body = "<script>alert(1)</script> Vind en iPhone: https://evil.example/login".into();
            r.status_url = status_url.clone();
            r.confirmation =
                received_confirmation(lang, SupportContacts::default(), status_url.clone());
            let reference = intake.create(r).await.unwrap().to_string();
            let payload: String = sqlx::query_scalar(
                "SELECT o.payload FROM outbox o JOIN cases c ON c.id = o.case_id
                 WHERE c.reference = $1",
            )
            .bind(&reference)
            .fetch_one(db.pool())
            .await
            .unwrap();
            let mail: crate::domain::email::EmailPayload = serde_json::from_str(&payload).unwrap();
            assert_eq!(mail.to_name, "", "no display name from the form");
            for part in [&mail.subject, &mail.text, &mail.html] {
                for sent in [
                    "script",
                    "alert",
                    "iPhone",
                    "evil.example",
                    "Eve",
                    "Phisher",
                    "Klik",
                ] {
                    assert!(!part.contains(sent), "{sent:?} in {part}");
                }
            }
            // What it does carry: the reference, the link, our fixed text and the hotline.
            assert!(mail.subject.starts_with(&reference), "{}", mail.subject);
            assert!(mail.text.contains(&reference) && mail.text.contains(&status_url));
            assert!(mail.text.contains("33 98 00 98"), "{}", mail.text);
            assert!(mail.html.contains("33 98 00 10"), "{}", mail.html);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_bad_request_does_not_take_its_batch_down() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        let intake = Intake::spawn(db.clone());
        // An unknown language breaks a CHECK constraint: only that request may fail.
        let results: Vec<_> = futures_util::future::join_all(
            (0..50).map(|n| intake.create(request(n, if n == 25 { "xx" } else { "en" }))),
        )
        .await;
        for (n, r) in results.iter().enumerate() {
            assert_eq!(r.is_err(), n == 25, "request {n}: {:?}", r.as_ref().err());
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM cases").await, 49);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM citizens").await, 49);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM outbox").await, 49);
    }
}

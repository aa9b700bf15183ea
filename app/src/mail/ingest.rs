//! Threading an incoming e-mail into a case, in one write transaction: the facts are read
//! through the store, the decision is `domain::mail_threading`'s, and the new case's texts
//! are the desk's (Danish: the staff read them).

use crate::store::db::Conn;

use crate::domain::email::InboundEmail;
use crate::domain::mail_threading::{
    Apart, Named, Route, guess_system, normalise_address, reopens, route, sender_key, sent_by,
    subject_reference, thread_ids,
};
use crate::domain::{Category, Channel, Status, cpr};
use crate::store::case_links::{self, Side};
use crate::store::cases::{self, Actor, NewCase};
use crate::store::citizens::NewCitizen;
use crate::store::organisations::{self, NewOrganisation};
use crate::store::{Db, StoreError, mail};

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
            let reopened = reopens(case.status);
            if reopened {
                cases::set_status_in(&mut tx, case.id, Status::Open, Actor::Citizen).await?;
            }
            (case.id, case.reference, false, reopened, None)
        }
        Route::NewCase(apart) => {
            let subject = new_case_subject(&subject);
            let body = apart.as_ref().map(opening_note).unwrap_or_default();
            let named = apart.map(Apart::into_named);
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
                        phone_hash: None,
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
            // A business naming its CVR number: the case is the organisation's.
            if let Some(cvr) = crate::domain::Cvr::find_in_text(&format!("{subject}\n{text}")) {
                let organisation = organisations::find_or_create(
                    &mut tx,
                    &NewOrganisation {
                        cvr: &cvr,
                        name: crate::store::intake::UNKNOWN_ORGANISATION,
                        contact_email: None,
                        contact_phone: None,
                    },
                )
                .await?;
                organisations::set_case_party(
                    &mut tx,
                    id,
                    crate::domain::business::Party::Organisation,
                    Some(organisation),
                )
                .await?;
            }
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
    let event_id = mail::add_inbound(&mut tx, case_id, &text, &mail.event_data(&subject)).await?;
    if let Some(id) = &mail.message_id {
        // A Message-ID already known (ours, or copied from someone else's mail) keeps
        // pointing where it did; this message is remembered under its sender's key.
        if !mail::file_message_id(&mut tx, id, case_id).await? {
            mail::file_message_id(&mut tx, &sender_key(id, &sender), case_id).await?;
        }
    }
    for a in &mail.attachments {
        mail::add_attachment(&mut tx, case_id, event_id, a).await?;
    }
    mail::touch(&mut tx, case_id).await?;
    tx.commit().await?;
    Ok(Threaded {
        reference,
        created,
        reopened,
        duplicate: false,
        linked_to,
    })
}

/// The subject of a case opened by an e-mail: the e-mail's, cut to 200 characters.
fn new_case_subject(subject: &str) -> String {
    if subject.is_empty() {
        "(intet emne)".to_owned()
    } else {
        subject.chars().take(200).collect()
    }
}

/// The first timeline entry of a case opened by an e-mail that named another case: why.
fn opening_note(apart: &Apart) -> String {
    match apart {
        Apart::Closed(n) => format!("Svar på den lukkede sag {}.", n.reference),
        Apart::Stranger(n) => format!(
            "E-mail fra en anden afsender end borgeren på sagen {0}, som den nævner. \
             Den er lagt på denne nye sag; {0} er ikke ændret.",
            n.reference
        ),
    }
}

/// The case this message already went to, when the same Message-ID came before from the
/// same sender (an MTA retry). A known Message-ID from someone else is not a repeat.
async fn already_received(
    tx: &mut Conn,
    mail: &InboundEmail,
    sender: &str,
) -> Result<Option<String>, StoreError> {
    let Some(message_id) = &mail.message_id else {
        return Ok(None);
    };
    if let Some((_, reference)) = mail::case_of_message(tx, &sender_key(message_id, sender)).await?
    {
        return Ok(Some(reference));
    }
    let Some((case_id, reference)) = mail::case_of_message(tx, message_id).await? else {
        return Ok(None);
    };
    let senders = mail::inbound_senders(tx, case_id, message_id).await?;
    Ok(sent_by(&senders, sender).then_some(reference))
}

/// The cases the e-mail names: by its threading headers (see [`thread_ids`]), then by the
/// reference in its subject; each once.
async fn named_cases(tx: &mut Conn, mail: &InboundEmail) -> Result<Vec<Named>, StoreError> {
    let mut ids: Vec<i64> = Vec::new();
    for message_id in thread_ids(mail) {
        let case = mail::case_id_of_message(tx, message_id).await?;
        if let Some(case) = case.filter(|c| !ids.contains(c)) {
            ids.push(case);
        }
    }
    if let Some(reference) = subject_reference(&mail.subject) {
        let case = mail::case_id_of_reference(tx, &reference.to_string()).await?;
        if let Some(case) = case.filter(|c| !ids.contains(c)) {
            ids.push(case);
        }
    }
    let mut named = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(case) = mail::named_case(tx, id).await? {
            named.push(case);
        }
    }
    Ok(named)
}

#[cfg(test)]
#[path = "ingest_tests.rs"]
mod tests;

//! Threading of incoming e-mail against a real database: who may write into which case, and
//! what a stranger's or a repeated message changes (nothing on the citizen's case).

use super::*;
use crate::domain::System;
use crate::domain::email::Rendered;
use crate::store::mail::{CaseEmail, queue_in};

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
                phone_hash: None,
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
        sqlx::query_scalar("SELECT message_id FROM mail_message_ids WHERE case_id = $1")
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
        sqlx::query_as("SELECT status, updated_at FROM cases WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    let events: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, body FROM case_events WHERE case_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(db.pool())
            .await
            .unwrap();
    let ids: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_message_ids WHERE case_id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    (status, updated, events, ids)
}

async fn texts_of(db: &Db, reference: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT e.body FROM case_events e JOIN cases c ON c.id = e.case_id
         WHERE c.reference = $1 AND e.kind = 'email_in'",
    )
    .bind(reference)
    .fetch_all(db.pool())
    .await
    .unwrap()
}

async fn related_to(db: &Db, reference: &str) -> Vec<String> {
    let id: i64 = sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1")
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
         WHERE c.reference = $1 AND e.kind = 'created'",
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

//! What citizens send the desk: the contact form, and e-mail through the inbound endpoint.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use regex::Regex;
use reqwest::header::CONTENT_TYPE;
use reqwest::{Response, StatusCode};

use crate::web::{csrf_in, form_with, location};
use crate::{TestServer, WebClient};

/// The fields of a valid contact form, with `changes` replacing fields by name.
pub fn contact_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    form_with(
        vec![
            ("name", "Grete Hansen"),
            ("email", "grete@example.dk"),
            ("phone", "12345678"),
            ("system", "mitid"),
            ("category", "activation_code"),
            (
                "message",
                "Jeg har ikke fået min aktiveringskode til MitID.",
            ),
        ],
        changes,
    )
}

/// The new case's reference and the citizen's private status link, from the contact form's
/// answer to a browser (a redirect to the receipt); None when the form was not accepted.
pub fn receipt_of(res: &Response) -> Option<(String, String)> {
    let to = location(res)?;
    let caps = Regex::new(r"^/kontakt/kvittering\?sag=(SAG-\d{4}-\d{6})&link=([A-Za-z0-9_-]+)")
        .expect("regex")
        .captures(&to)?;
    Some((caps[1].to_owned(), format!("/sag/status/{}", &caps[2])))
}

/// Posts the contact form as a browser does, from a new client; returns the new case's
/// reference and the citizen's private status link.
pub async fn write_in(server: &TestServer, fields: &[(&str, &str)]) -> (String, String) {
    let citizen = WebClient::new(server);
    let res = citizen
        .post_from_page("/kontakt", "/api/contact/submit", fields)
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    receipt_of(&res).unwrap_or_else(|| {
        panic!(
            "the contact form was not accepted: {:?}",
            location(&res).unwrap_or_default()
        )
    })
}

/// A raw e-mail to the inbound endpoint, with `secret` as its bearer token: the status and the
/// JSON answer (null when there is none).
pub async fn inbound(
    server: &TestServer,
    secret: &str,
    raw: &str,
) -> (StatusCode, serde_json::Value) {
    let res = reqwest::Client::new()
        .post(server.at("/mail/inbound"))
        .bearer_auth(secret)
        .header(CONTENT_TYPE, "message/rfc822")
        .body(raw.to_owned())
        .send()
        .await
        .expect("POST /mail/inbound");
    let status = res.status();
    (status, res.json().await.unwrap_or_default())
}

/// A contact-form submission the desk acknowledged with a receipt.
#[derive(Clone, Debug)]
pub struct Acknowledged {
    pub reference: String,
    pub email: String,
    /// When the receipt arrived.
    pub at: std::time::Instant,
}

/// One citizen's browser under load: submits the contact form until told to stop or the
/// server goes away. Returns each acknowledged submission, in order. A request whose
/// connection was cut, or that a stopping desk no longer took, was never acknowledged.
pub async fn write_in_repeatedly(
    web: WebClient,
    client: usize,
    stop: Arc<AtomicBool>,
) -> Vec<Acknowledged> {
    let (_, html) = web.page("/kontakt").await;
    let token = csrf_in(&html).expect("a CSRF token on the contact page");
    let mut acknowledged = Vec::new();
    for n in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let email = format!("load{client}-{n}@example.dk");
        let sent = web
            .client
            .post(web.url("/api/contact/submit"))
            .header(reqwest::header::ACCEPT, "text/html")
            .form(&[
                ("csrf_token", token.as_str()),
                ("name", "Belastning Borger"),
                ("email", email.as_str()),
                ("system", "mitid"),
                ("category", "password_or_pin"),
                ("message", "Jeg har glemt min adgangskode til MitID."),
            ])
            .send()
            .await;
        let Ok(res) = sent else { break };
        let Some((reference, _)) = receipt_of(&res) else {
            panic!("not a receipt: {} {:?}", res.status(), location(&res));
        };
        acknowledged.push(Acknowledged {
            reference,
            email,
            at: std::time::Instant::now(),
        });
    }
    acknowledged
}

/// The references of the contact-form cases in the database of the desk on `data_dir` (its
/// SQLite file, or its PostgreSQL database) that have their confirmation e-mail queued.
pub fn stored_references(data_dir: &std::path::Path) -> BTreeSet<String> {
    const STORED: &str = "SELECT c.reference FROM cases c
         JOIN outbox o ON o.case_id = c.id AND o.channel = 'email'
         WHERE c.channel = 'web_form'";
    if crate::postgres::active() {
        let url = crate::postgres::database_for(data_dir);
        return crate::postgres::psql(&url, STORED)
            .lines()
            .map(str::to_owned)
            .collect();
    }
    let db = rusqlite::Connection::open(data_dir.join("desk.db")).expect("open the database");
    let mut stmt = db.prepare(STORED).expect("prepare");
    stmt.query_map([], |row| row.get::<_, String>(0))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

/// The acknowledged submissions whose case (with its queued confirmation) is not in the
/// database under `data_dir`.
pub fn not_stored<'a>(
    data_dir: &std::path::Path,
    acknowledged: impl IntoIterator<Item = &'a Acknowledged>,
) -> Vec<&'a Acknowledged> {
    let stored = stored_references(data_dir);
    acknowledged
        .into_iter()
        .filter(|a| !stored.contains(&a.reference))
        .collect()
}

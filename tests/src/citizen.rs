//! What citizens send the desk: the contact form, and e-mail through the inbound endpoint.

use regex::Regex;
use reqwest::header::CONTENT_TYPE;
use reqwest::{Response, StatusCode};

use crate::web::{form_with, location};
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

//! The e-mail channel against a real SMTP listener on loopback: confirmations and replies
//! delivered through the outbox, retries after refusals, a restart in the middle of a
//! delivery, manual retry of a failed message, and inbound replies threaded into cases.

use desk_tests::citizen::{inbound, write_in};
use desk_tests::hostile_support::{RawRequest, db_count};
use desk_tests::server::run_cli;
use desk_tests::smtp::{Received, SmtpServer};
use desk_tests::web::str_pairs;
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

const SECRET: &str = "inbound-test-secret";

fn env(smtp: &SmtpServer) -> Vec<(&'static str, String)> {
    let mut env = smtp.desk_env();
    env.push(("DESK_INBOUND_MAIL_SECRET", SECRET.into()));
    env
}

/// Submits the contact form; returns the new case's reference.
async fn write_in_about(server: &TestServer, email: &str, message: &str) -> String {
    let fields = [
        ("name", "Grete Hansen"),
        ("email", email),
        ("system", "mitid"),
        ("category", "activation_code"),
        ("message", message),
    ];
    write_in(server, &fields).await.0
}

/// The supporter answers the citizen from the case page and waits on the citizen.
async fn reply(supporter: &WebClient, reference: &str, body: &str) -> reqwest::Response {
    supporter
        .post_from_page(
            &format!("/support/sag/{reference}"),
            "/api/cases/reply",
            &[
                ("reference", reference),
                ("body", body),
                ("then_status", "waiting_on_citizen"),
            ],
        )
        .await
}

fn body_of(m: &Received) -> String {
    m.data
        .split("\r\n\r\n")
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn confirmation_and_reply_reach_the_citizen_after_the_relay_refused_twice() {
    let smtp = SmtpServer::start().await;
    smtp.refuse_next(2);
    let vars = env(&smtp);
    let server = TestServer::start_with(&str_pairs(&vars)).await;
    let reference = write_in_about(
        &server,
        "grete@example.dk",
        "Jeg har ikke fået min aktiveringskode til MitID.",
    )
    .await;

    let got = smtp.wait_for(1, 30).await;
    assert_eq!(got.len(), 1, "delivered after the refusals");
    assert_eq!(smtp.refused(), 2);
    let confirmation = &got[0];
    assert!(confirmation.rcpt_to[0].contains("grete@example.dk"));
    let subject = confirmation.header("Subject").unwrap();
    assert!(subject.contains(&reference), "{subject}");
    let body = body_of(confirmation);
    assert!(body.contains("text/plain") && body.contains("text/html"));
    assert!(
        body.contains("https://desk.example/sag/status/"),
        "the status link"
    );
    let first_id = confirmation.header("Message-ID").unwrap();
    assert!(first_id.contains(&reference), "{first_id}");

    // The supporter sees the message delivered, and answers.
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let case_path = format!("/support/sag/{reference}");
    let (_, html) = supporter.page(&case_path).await;
    assert!(
        html.contains("Automatisk e-mail") && html.contains("Sendt"),
        "{html}"
    );
    // The confirmation is on the timeline, but the citizen's private link is not.
    assert!(html.contains("[privat statuslink]"), "{html}");
    assert!(!html.contains("/sag/status/"), "{html}");
    assert!(html.contains("Første svar senest"));

    // A reply with a CPR number is refused, and nothing is sent.
    let res = reply(&supporter, &reference, "Vi har noteret 010190-1234.").await;
    let (_, html) = supporter.follow(res).await;
    assert!(html.contains("indeholder et CPR-nummer"), "{html}");

    let res = reply(
        &supporter,
        &reference,
        "Hej Grete\n\nDu kan bestille en ny kode hos Borgerservice.",
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let got = smtp.wait_for(2, 30).await;
    assert_eq!(got.len(), 2, "only the valid reply was sent");
    let reply = &got[1];
    assert!(body_of(reply).contains("bestille en ny kode"));
    assert!(reply.header("References").unwrap().contains(&first_id));
    let reply_id = reply.header("Message-ID").unwrap();
    let (_, html) = supporter.page(&case_path).await;
    assert!(html.contains("E-mail til borger") && html.contains("Afventer borger"));
    assert!(
        html.contains("Første svar givet") && !html.contains("Første svar senest"),
        "the answer is recorded instead of the due time"
    );

    // The citizen answers the reply: it threads by In-Reply-To and reopens the case.
    let answer = format!(
        "From: Grete Hansen <grete@example.dk>\r\nTo: support@desk.example\r\n\
         Subject: Re: noget helt andet\r\nMessage-ID: <answer-1@example.dk>\r\n\
         In-Reply-To: {reply_id}\r\n\r\nTak, jeg kommer forbi i morgen.\r\n"
    );
    let (status, json) = inbound(&server, SECRET, &answer).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["reference"], reference.as_str());
    assert_eq!(json["reopened"], true);
    let (_, html) = supporter.page(&case_path).await;
    assert!(html.contains("E-mail fra borger") && html.contains("kommer forbi i morgen"));
    assert!(
        !html.contains("pause: venter på borger"),
        "the clock runs again"
    );
}

#[tokio::test]
async fn a_restart_in_the_middle_of_a_delivery_loses_nothing_and_sends_once() {
    let smtp = SmtpServer::start().await;
    smtp.set_stall(true);
    let vars = env(&smtp);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = TestServer::start_in_with(&data, &str_pairs(&vars)).await;
    let reference = write_in_about(
        &server,
        "ole@example.dk",
        "Min kodeviser er gået i stykker.",
    )
    .await;
    assert!(
        smtp.wait_until(30, |s| s.stalled() == 1).await,
        "the message reached the relay, which never acknowledged it"
    );
    server.kill_hard().await;
    smtp.set_stall(false);

    let server = TestServer::start_in_with(&data, &str_pairs(&vars)).await;
    let got = smtp.wait_for(1, 30).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].header("Subject").unwrap().contains(&reference));

    // Recorded means done: another restart sends nothing again. (A death between the relay's
    // acknowledgement and the record may send once more, under the same Message-ID: wait for
    // the record.)
    let mut recorded = false;
    for _ in 0..300 {
        if db_count(&data, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 1 {
            recorded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(recorded, "the delivery is recorded as sent");
    server.kill_hard().await;
    let server = TestServer::start_in_with(&data, &str_pairs(&vars)).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(smtp.accepted().len(), 1, "not sent twice");
    drop(server);
    let (ok, out, _) = run_cli(&data, &["mail", "outbox"], "").await;
    assert!(ok && out.contains("sent") && out.contains('1'), "{out}");
}

#[tokio::test]
async fn a_failed_message_shows_why_and_a_supporter_can_send_it_again() {
    let smtp = SmtpServer::start().await;
    smtp.refuse_next(2);
    let mut vars = env(&smtp);
    vars.push(("DESK_OUTBOX_MAX_ATTEMPTS", "2".into()));
    let server = TestServer::start_with(&str_pairs(&vars)).await;
    let reference = write_in_about(
        &server,
        "kim@example.dk",
        "Jeg kan ikke logge på NemLog-in.",
    )
    .await;
    assert!(smtp.wait_until(30, |s| s.refused() == 2).await);

    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let case_path = format!("/support/sag/{reference}");
    let mut html = String::new();
    for _ in 0..50 {
        html = supporter.page(&case_path).await.1;
        if html.contains("Fejlet") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        html.contains("Fejlet") && html.contains("try again later"),
        "{html}"
    );
    assert!(smtp.accepted().is_empty());
    let outbox_id = regex::Regex::new(r#"name="outbox_id" value="(\d+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_owned();

    // Retrying a message of another case is refused.
    let res = supporter
        .post_from_page(
            &case_path,
            "/api/cases/retry-delivery",
            &[("reference", "SAG-2026-000001"), ("outbox_id", &outbox_id)],
        )
        .await;
    let (_, page) = supporter.follow(res).await;
    assert!(page.contains("kan ikke sendes igen"), "{page}");

    let res = supporter
        .post_from_page(
            &case_path,
            "/api/cases/retry-delivery",
            &[("reference", &reference), ("outbox_id", &outbox_id)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(smtp.wait_for(1, 30).await.len(), 1);
}

#[tokio::test]
async fn inbound_mail_threads_by_subject_opens_new_cases_and_refuses_bad_input() {
    let server = TestServer::start_with(&[("DESK_INBOUND_MAIL_SECRET", SECRET)]).await;
    // Without a relay, the confirmation is written as an .eml file.
    let reference = write_in_about(
        &server,
        "lis@example.dk",
        "Hvordan skifter jeg bruger-ID i MitID?",
    )
    .await;
    let outgoing = server.data_dir().join("mail/outgoing");
    let mut eml = Vec::new();
    for _ in 0..100 {
        eml = std::fs::read_dir(&outgoing)
            .map(|d| d.filter_map(Result::ok).collect())
            .unwrap_or_default();
        if !eml.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(eml.len(), 1, "one .eml file in {}", outgoing.display());
    let text = std::fs::read_to_string(eml[0].path()).unwrap();
    assert!(text.contains(&reference) && text.contains("lis@example.dk"));

    // By the reference in the subject, without threading headers.
    let by_subject = format!(
        "From: lis@example.dk\r\nSubject: SV: {reference}: Vi har modtaget din henvendelse\r\n\
         Message-ID: <lis-2@example.dk>\r\n\r\nJeg glemte at sige, at jeg bor i udlandet.\r\n"
    );
    let (status, json) = inbound(&server, SECRET, &by_subject).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["reference"], reference.as_str());
    assert_eq!(json["created"], false);
    // The same message again (an MTA retry) adds nothing.
    let (_, json) = inbound(&server, SECRET, &by_subject).await;
    assert_eq!(json["duplicate"], true);

    // No case named: a new e-mail case, with its attachment kept and CPR numbers redacted.
    let new_mail = "From: Bo Berg <bo@example.dk>\r\nSubject: Spærret Digital Post\r\n\
        Message-ID: <bo-1@example.dk>\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\r\nMit CPR er 010190-1234, hjælp.\r\n--x\r\n\
        Content-Type: image/png\r\nContent-Disposition: attachment; filename=\"skærm.png\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--x--\r\n";
    let (status, json) = inbound(&server, SECRET, new_mail).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    let new_ref = json["reference"].as_str().unwrap().to_owned();
    assert_ne!(new_ref, reference);
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (_, html) = supporter.page(&format!("/support/sag/{new_ref}")).await;
    assert!(
        html.contains("Bo Berg") && html.contains("skærm.png") && html.contains("Digital Post")
    );
    assert!(
        html.contains("[CPR]") && !html.contains("010190-1234"),
        "{html}"
    );

    // Refusals: wrong secret, not a message, too large.
    let (status, _) = inbound(&server, "wrong", &by_subject).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, json) = inbound(&server, SECRET, "hello, this is not an e-mail").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        json["error"].as_str().unwrap().contains("RFC 5322"),
        "{json}"
    );
    let huge = format!(
        "From: a@b.dk\r\nSubject: x\r\n\r\n{}",
        "a".repeat(11 * 1024 * 1024)
    );
    // Refused on its declared length, before the body is read: a raw socket reads the answer
    // (an HTTP client still writing the body would see the connection close first).
    let res = RawRequest::post("/mail/inbound", "message/rfc822", huge.len())
        .header("Authorization", &format!("Bearer {SECRET}"))
        .body(huge.into_bytes())
        .whole_answer()
        .send(&server)
        .await;
    assert_eq!(res.status, 413, "{}", res.head);

    // The same from the command line.
    let cli_mail = format!(
        "From: lis@example.dk\r\nSubject: Re: {reference}\r\nMessage-ID: <lis-3@example.dk>\r\n\r\nEn ting mere.\r\n"
    );
    let (ok, out, err) = run_cli(server.data_dir(), &["mail", "ingest"], &cli_mail).await;
    assert!(ok, "{err}");
    assert!(out.contains(&reference), "{out}");
    let (ok, _, err) = run_cli(server.data_dir(), &["mail", "ingest"], "garbage").await;
    assert!(!ok && err.contains("RFC 5322"), "{err}");
}

#[tokio::test]
async fn a_stranger_naming_a_case_gets_a_linked_case_of_their_own_and_the_case_is_untouched() {
    let server = TestServer::start_with(&[("DESK_INBOUND_MAIL_SECRET", SECRET)]).await;
    let reference = write_in_about(
        &server,
        "karen@example.dk",
        "Min kodeviser viser ingen tal.",
    )
    .await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let case_path = format!("/support/sag/{reference}");
    let res = reply(
        &supporter,
        &reference,
        "Hej Karen\n\nHar du prøvet at skifte batteri?",
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let (_, before) = supporter.page(&case_path).await;
    assert!(before.contains("pause: venter på borger"), "{before}");

    // References are sequential: anyone can name this one. Markup rides along.
    let hijack = format!(
        "From: \"Karen <b>H</b>\" <mallory@evil.example>\r\nTo: support@desk.example\r\n\
         Subject: Re: {reference}: <img src=x onerror=alert(1)>\r\n\
         Message-ID: <hijack-1@evil.example>\r\n\r\n\
         Jeg er Karen. Send koden til <script>alert(2)</script> denne adresse i stedet.\r\n"
    );
    let (status, json) = inbound(&server, SECRET, &hijack).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["reopened"], false);
    assert_eq!(json["linked_to"], reference.as_str());
    let new_ref = json["reference"].as_str().unwrap().to_owned();
    assert_ne!(new_ref, reference);

    // The citizen's case: still waiting on the citizen, none of the stranger's text, the new
    // case among its related cases.
    let (_, html) = supporter.page(&case_path).await;
    assert!(html.contains("pause: venter på borger"), "{html}");
    assert!(!html.contains("Jeg er Karen") && !html.contains("E-mail fra borger"));
    assert!(html.contains(&new_ref), "linked: {html}");

    // The stranger's case holds the text, as text.
    let (_, html) = supporter.page(&format!("/support/sag/{new_ref}")).await;
    assert!(html.contains("Jeg er Karen"), "{html}");
    assert!(html.contains(&reference), "says which case it named");
    assert!(
        !html.contains("<script>alert(2)") && !html.contains("<img src=x"),
        "escaped: {html}"
    );
    assert!(html.contains("&lt;script&gt;alert(2)"), "{html}");

    // The citizen's own e-mail naming the case still threads into it and reopens it.
    let own = format!(
        "From: Karen <KAREN@example.dk>\r\nSubject: SV: {reference}\r\n\
         Message-ID: <karen-1@example.dk>\r\n\r\nBatteriet var fladt, tak.\r\n"
    );
    let (status, json) = inbound(&server, SECRET, &own).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["reference"], reference.as_str());
    assert_eq!(json["reopened"], true);
    let (_, html) = supporter.page(&case_path).await;
    assert!(html.contains("Batteriet var fladt") && !html.contains("pause: venter på borger"));
}

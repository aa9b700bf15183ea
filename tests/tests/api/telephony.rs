//! Telephony: the phone system's signed webhook (`POST /cti/events`), the call folded into one
//! record and logged on its case with its real length, the supporter's wrap-up, today's call
//! log, `supportdesk cti simulate`, and the screen-pop in a real browser.

use std::time::Duration;

use desk_tests::axe;
use desk_tests::browser::{Browser, HYDRATED, press, wait_for};
use desk_tests::citizen::{contact_form, write_in};
use desk_tests::hostile_support::db_count;
use desk_tests::server::run_cli;
use desk_tests::web::{staff, with_token};
use desk_tests::{TestServer, WebClient, demo};
use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

const SECRET: &str = "cti-test-secret";

async fn desk() -> TestServer {
    TestServer::start_with(&[("DESK_CTI_SECRET", SECRET)]).await
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, as the README documents it.
fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Posts `body` with this timestamp and signature: the status and the JSON answer.
async fn deliver(
    server: &TestServer,
    timestamp: i64,
    signature: &str,
    body: &[u8],
) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(server.at("/cti/events"))
        .header("content-type", "application/json")
        .header("x-desk-timestamp", timestamp.to_string())
        .header("x-desk-signature", signature)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Posts `body` signed with the desk's secret at `timestamp`.
async fn signed(server: &TestServer, timestamp: i64, body: &Value) -> (StatusCode, Value) {
    let body = body.to_string().into_bytes();
    deliver(server, timestamp, &sign(SECRET, timestamp, &body), &body).await
}

fn event(phase: &str, call: &str, from: &str, agent: &str) -> Value {
    json!({ "event": phase, "call_id": call, "from": from, "to": "+4570202020", "agent": agent })
}

fn calls(server: &TestServer) -> i64 {
    db_count(server.data_dir(), "SELECT COUNT(*) FROM phone_calls")
}

#[tokio::test]
async fn the_webhook_refuses_bad_signatures_replays_and_unknown_agents() {
    let server = desk().await;
    let body = event("ringing", "c-1", "+4533445566", "supporter")
        .to_string()
        .into_bytes();
    let t = now();

    // Unsigned, signed with another secret, signed over another body.
    let res = reqwest::Client::new()
        .post(server.at("/cti/events"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (status, json) = deliver(&server, t, &sign("wrong", t, &body), &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
    assert!(
        json["error"].as_str().unwrap().contains("signature"),
        "{json}"
    );
    let (status, _) = deliver(&server, t, &sign(SECRET, t, b"{}"), &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Correctly signed, but outside the five-minute window either way: a replay.
    for at in [t - 301, t + 400] {
        let (status, json) = deliver(&server, at, &sign(SECRET, at, &body), &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
        assert!(
            json["error"].as_str().unwrap().contains("5 minutes"),
            "{json}"
        );
    }
    assert_eq!(calls(&server), 0);

    // Good once; the very same delivery again is a replay.
    let signature = sign(SECRET, t, &body);
    let (status, json) = deliver(&server, t, &signature, &body).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["phase"], "ringing");
    let (status, json) = deliver(&server, t, &signature, &body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");

    // Agents the desk does not have, or who are not supporters.
    for agent in ["nobody", "borgerservice", "admin"] {
        let (status, json) =
            signed(&server, t, &event("ringing", "c-2", "+4533445566", agent)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{agent}: {json}");
        assert!(json["error"].as_str().unwrap().contains("agent"), "{json}");
    }
    assert_eq!(calls(&server), 1);
}

#[tokio::test]
async fn hostile_fields_are_refused_cleanly_and_nothing_is_stored() {
    let server = desk().await;
    let t = now();
    let svg = "\"><svg onload=alert(1)>";
    let huge = "1".repeat(100_000);
    for (body, want) in [
        (
            event("ringing", "a\r\nb", "+4533445566", "supporter"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            event("ringing", "c", "3344\r\n5566", "supporter"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            event("ringing", "c", "3344\u{0}5566", "supporter"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            event("ringing", svg, "+4533445566", "supporter"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            event("ringing", "c", svg, "supporter"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            event("ringing", "c", "+4533445566", svg),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            event("dialling", "c", "+4533445566", "supporter"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "event": "ringing" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!(svg), StatusCode::UNPROCESSABLE_ENTITY),
        (
            event("ringing", "c", &huge, "supporter"),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let (status, json) = signed(&server, t, &body).await;
        assert_eq!(
            status,
            want,
            "{}: {json}",
            &body.to_string()[..60.min(body.to_string().len())]
        );
        let said = json["error"].as_str().unwrap_or_default();
        assert!(!said.is_empty() && !said.contains("<svg"), "{json}");
    }
    // Not JSON at all.
    let (status, _) = deliver(&server, t, &sign(SECRET, t, b"not json"), b"not json").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(calls(&server), 0);
}

#[tokio::test]
async fn ringing_answered_hangup_logs_one_call_with_its_real_length_and_a_missed_one_shows() {
    let server = desk().await;
    let (known, _) = write_in(
        &server,
        &contact_form(&[("name", "Palle Opkald"), ("phone", "22 33 44 55")]),
    )
    .await;
    let (supporter, token) = staff(&server, demo::SUPPORTER).await;
    let t = now();
    let from = "+45 22 33 44 55";
    for (at, phase) in [(t - 200, "ringing"), (t - 192, "answered")] {
        let (status, json) = signed(&server, at, &event(phase, "call-1", from, "supporter")).await;
        assert_eq!(status, StatusCode::OK, "{phase}: {json}");
    }
    // A repeat from the phone system changes nothing.
    let (status, json) = signed(
        &server,
        t - 150,
        &event("answered", "call-1", from, "supporter"),
    )
    .await;
    assert_eq!(
        (status, json["duplicate"].clone()),
        (StatusCode::OK, json!(true))
    );
    let (status, json) = signed(&server, t, &event("hangup", "call-1", from, "supporter")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["duration_seconds"], 192);

    // The supporter's console sees the call waiting for its summary, with the caller.
    let pop = supporter.get_json("/api/calls/current").await;
    assert_eq!(pop["call_id"], "call-1", "{pop}");
    assert_eq!(pop["phase"], "hangup");
    assert_eq!(pop["needs_wrap_up"], true);
    assert_eq!(pop["callers"][0]["name"], "Palle Opkald", "{pop}");
    assert_eq!(
        pop["callers"][0]["open_cases"][0]["reference"],
        known.as_str()
    );

    // The call is about the caller's open case.
    let res = supporter
        .post_data(
            "/api/calls/attach",
            &with_token(
                &token,
                &[("call_id", "call-1"), ("reference", known.as_str())],
            ),
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let case = supporter
        .get_json(&format!("/api/cases/get?reference={known}"))
        .await;
    let logged: Vec<&Value> = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "call")
        .collect();
    assert_eq!(logged.len(), 1, "{case}");
    assert_eq!(logged[0]["detail"], "incoming · 3:12");

    // A summary with a CPR number is refused; a plain one is written on the case.
    let wrap_up = |summary: &'static str| {
        let (supporter, token) = (&supporter, &token);
        async move {
            let fields = [("call_id", "call-1"), ("summary", summary)];
            supporter
                .post_data("/api/calls/wrap-up", &with_token(token, &fields))
                .await
        }
    };
    assert_eq!(
        wrap_up("CPR 010190-1234").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        wrap_up("Glemt adgangskode; hjulpet.").await.status(),
        StatusCode::OK
    );
    let case = supporter
        .get_json(&format!("/api/cases/get?reference={known}"))
        .await;
    assert!(case.to_string().contains("Glemt adgangskode; hjulpet."));
    assert_eq!(supporter.get_json("/api/calls/current").await, Value::Null);

    // Nobody answers the next one.
    signed(
        &server,
        t - 40,
        &event("ringing", "call-2", "+4599990000", "supporter"),
    )
    .await;
    signed(
        &server,
        t - 10,
        &event("hangup", "call-2", "+4599990000", "supporter"),
    )
    .await;

    let today = supporter.get_json("/api/calls/today").await;
    let rows = today.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{today}");
    assert_eq!(rows[0]["call_id"], "call-2");
    assert_eq!(rows[0]["missed"], true);
    assert_eq!(rows[1]["duration_seconds"], 192);
    assert_eq!(rows[1]["caller_name"], "Palle Opkald");
    assert_eq!(rows[1]["wrapped_up"], true);
    let (status, html) = supporter.page("/support/opkald").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("UBESVARET") && html.contains("3:12"),
        "{html}"
    );
    assert_eq!(calls(&server), 2);
    assert_eq!(
        db_count(
            server.data_dir(),
            "SELECT COUNT(*) FROM case_events WHERE kind = 'call'"
        ),
        1
    );
}

#[tokio::test]
async fn a_step_on_a_call_that_does_not_exist_is_refused() {
    let server = desk().await;
    let (supporter, token) = staff(&server, demo::SUPPORTER).await;
    for (path, fields) in [
        ("/api/calls/open-case", vec![("call_id", "nope")]),
        (
            "/api/calls/attach",
            vec![("call_id", "nope"), ("reference", "SAG-2026-000001")],
        ),
        (
            "/api/calls/wrap-up",
            vec![("call_id", "nope"), ("summary", "x")],
        ),
    ] {
        let res = supporter
            .post_data(path, &with_token(&token, &fields))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let text = res.text().await.unwrap();
        assert!(
            text.contains("Opkaldet findes ikke") || text.contains("Sagen"),
            "{path}: {text}"
        );
    }
    assert_eq!(calls(&server), 0);
}

#[tokio::test]
async fn cti_simulate_sends_a_signed_call_the_desk_logs() {
    // No DESK_CTI_SECRET: the server and the command share the data directory's key file.
    let server = TestServer::start().await;
    let (ok, out, err) = run_cli(
        server.data_dir(),
        &[
            "cti",
            "simulate",
            "--agent",
            "supporter",
            "--from",
            "+4512345678",
            "--ring-seconds",
            "0",
            "--talk-seconds",
            "1",
            "--url",
            &server.url,
        ],
        "",
    )
    .await;
    assert!(ok, "{out}\n{err}");
    assert_eq!(out.lines().count(), 3, "{out}");
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let today = supporter.get_json("/api/calls/today").await;
    assert_eq!(today[0]["caller_name"], "Karen Lund", "{today}");
    assert_eq!(today[0]["missed"], false);
    assert!(
        today[0]["duration_seconds"].as_i64().unwrap() <= 3,
        "{today}"
    );
}

#[tokio::test]
async fn a_ringing_call_pops_up_on_an_open_console_and_becomes_a_phone_case_by_keyboard() {
    let server = desk().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    browser.log_in_by_keyboard(&server, demo::SUPPORTER).await;
    wait_for(c, HYDRATED).await;
    browser.mark_page().await;
    // Give the event stream a moment to connect before the phone rings.
    tokio::time::sleep(Duration::from_millis(700)).await;

    let (status, json) = signed(
        &server,
        now(),
        &event("ringing", "pop-1", "+4512345678", "supporter"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let pop = c
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("section.call-pop"))
        .await
        .expect("the screen-pop appears");
    let text = pop.text().await.unwrap();
    assert!(
        text.contains("Karen Lund") && text.contains("150372-XXXX"),
        "{text}"
    );
    assert!(text.contains("+45 12 34 56 78"), "{text}");
    assert!(browser.not_reloaded().await, "no reload");
    browser.screenshot("call-pop-ringing").await;
    let found = axe::violations(c).await;
    assert!(
        found.is_empty(),
        "axe on the queue with the pop open: {found:#?}"
    );

    // Keyboard only: `t` moves to "Ny telefonsag", Enter opens the case.
    // A key pressed on the page, not typed into an element (nothing has focus).
    let key_t = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: 't' })
        .then(KeyAction::Up { value: 't' });
    c.perform_actions(key_t).await.unwrap();
    let focused = c.active_element().await.unwrap().attr("id").await.unwrap();
    assert_eq!(focused.as_deref(), Some("call-new-case"));
    press(c, Key::Enter).await;
    let heading = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(
            "//h1[contains(., 'Telefonopkald fra +45 12 34 56 78')]",
        ))
        .await
        .expect("the new phone case opens");
    assert!(heading.text().await.unwrap().contains("Telefonopkald"));
    wait_for(c, HYDRATED).await;
    let pop = wait_for(c, Locator::Css("section.call-pop")).await;
    assert!(
        pop.text().await.unwrap().contains("SAG-"),
        "the pop names the call's case"
    );
    browser.screenshot("call-phone-case").await;

    // Hang up: the wrap-up prompt.
    signed(
        &server,
        now(),
        &event("answered", "pop-1", "+4512345678", "supporter"),
    )
    .await;
    signed(
        &server,
        now() + 1,
        &event("hangup", "pop-1", "+4512345678", "supporter"),
    )
    .await;
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Id("call-wrap-up-text"))
        .await
        .expect("the wrap-up prompt");
    browser.screenshot("call-wrap-up").await;

    c.goto(&server.at("/support/opkald")).await.unwrap();
    wait_for(c, HYDRATED).await;
    wait_for(c, Locator::Css("table.call-log")).await;
    let found = axe::violations(c).await;
    assert!(found.is_empty(), "axe on the call log: {found:#?}");
    browser.screenshot("call-log").await;
    browser.close().await;
}

//! Businesses on the line: organisation cases by CVR number, the MitID Erhverv block flow
//! with its who-may-ask rules (a user administrator blocks an employee's code display through
//! the external registry over HTTP, signed; the one who asked and the administrators get the
//! confirmation), the party set from the case page with hostile input refused, and the contact
//! form and inbound e-mail opening organisation cases when they name a CVR number.

use desk_tests::citizen::{contact_form, inbound, write_in};
use desk_tests::receiver::Receiver;
use desk_tests::server::run_cli;
use desk_tests::smtp::SmtpServer;
use desk_tests::web::{csrf_in, str_pairs};
use desk_tests::{TestServer, WebClient, demo};
use reqwest::StatusCode;

const REGISTRY_SECRET: &str = "registry-test-secret";
/// The demo bakery and a CVR number no demo organisation has (both pass the check).
const BAKERY: &str = "34801266";
const NEW_CVR: &str = "21190004";

fn signature_ok(r: &desk_tests::receiver::Request) -> bool {
    r.signed_with(REGISTRY_SECRET)
}

/// The open cases matching the queue query `q`: their references.
async fn queue(web: &WebClient, q: &str) -> Vec<String> {
    web.get_json(&format!("/api/cases/queue?{q}")).await["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap().to_owned())
        .collect()
}

/// The employee named `name` on the case's organisation.
fn employee<'a>(case: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    case["organisation"]["employees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no employee {name}"))
}

#[tokio::test]
async fn a_user_administrator_blocks_an_employees_code_display_through_the_http_registry() {
    let registry = Receiver::start().await;
    let smtp = SmtpServer::start().await;
    let (registry_url, smtp_url) = (registry.url(), smtp.url());
    let server = TestServer::start_with(&[
        ("DESK_REGISTRY_URL", registry_url.as_str()),
        ("DESK_REGISTRY_SECRET", REGISTRY_SECRET),
        ("DESK_SMTP_URL", smtp_url.as_str()),
        ("DESK_OUTBOX_RETRY_MS", "200"),
    ])
    .await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;

    // The queue finds the bakery's case by CVR number and by party.
    let found = queue(&supporter, &format!("cvr={BAKERY}")).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let reference = found[0].clone();
    assert!(
        queue(&supporter, "party=citizen_for_organisation")
            .await
            .contains(&reference)
    );
    assert!(
        !queue(&supporter, "party=citizen")
            .await
            .contains(&reference),
        "a citizen filter leaves the business out"
    );
    // Written with a space, as people do.
    assert_eq!(
        queue(&supporter, "cvr=3480%201266").await,
        std::slice::from_ref(&reference)
    );

    let case = supporter
        .get_json(&format!("/api/cases/get?reference={reference}"))
        .await;
    assert_eq!(case["party"], "citizen_for_organisation");
    assert_eq!(case["organisation"]["cvr"], BAKERY);
    let roles: Vec<&str> = case["organisation"]["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["role"].as_str().unwrap())
        .collect();
    for role in [
        "organisation_administrator",
        "user_administrator",
        "rights_administrator",
        "user",
    ] {
        assert!(roles.contains(&role), "{role} in {roles:?}");
    }
    let jonas = employee(&case, "Jonas Holm");
    let jonas_id = jonas["id"].to_string();
    let code_display = jonas["authenticators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "code_display")
        .unwrap();
    let device_id = code_display["id"].to_string();
    let lars = employee(&case, "Lars Nielsen")["id"].to_string();
    let sofie = employee(&case, "Sofie Berg")["id"].to_string();
    let mette = employee(&case, "Mette Hansen");
    let mette_id = mette["id"].to_string();
    let mette_device = mette["authenticators"][0]["id"].to_string();
    let ida = employee(&case, "Ida Lund")["id"].to_string();

    // The case page shows the organisation panel and the way into the flow.
    let (_, html) = supporter.page(&format!("/support/sag/{reference}")).await;
    assert!(
        html.contains("Bager Hansen ApS")
            && html.contains(BAKERY)
            && html.contains("Brugeradministrator")
            && html.contains(&format!("business-block-{jonas_id}")),
        "organisation panel"
    );
    let page = format!("/support/sag/{reference}/spaer-erhverv?medarbejder={jonas_id}");
    let (status, html) = supporter.page(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("CDE1000004") && html.contains("Lars Nielsen"));
    let token = csrf_in(&html).unwrap();
    let post = |fields: Vec<(&'static str, String)>| {
        let supporter = &supporter;
        let mut all = vec![
            ("csrf_token", token.clone()),
            ("reference", reference.clone()),
            ("method", "document".to_owned()),
            ("document_kind", "Pas".to_owned()),
            ("document_number", "AB1234567".to_owned()),
        ];
        async move {
            for (k, v) in fields {
                match all.iter_mut().find(|(key, _)| *key == k) {
                    Some(slot) => slot.1 = v,
                    None => all.push((k, v)),
                }
            }
            let res = supporter
                .post_data("/api/cases/block-business", &str_pairs(&all))
                .await;
            (res.status(), res.text().await.unwrap())
        }
    };
    let s = |v: &str| v.to_owned();

    // Refused with the reason, and nothing sent: a rights administrator asking for another
    // employee; a user administrator asking for the organisation administrator; a private
    // MitID's device; a lost "whole identity"; no verification; an employee of another firm.
    let refusals: Vec<(Vec<(&'static str, String)>, &str)> = vec![
        (
            vec![
                ("employee", jonas_id.clone()),
                ("asker", sofie.clone()),
                ("target", device_id.clone()),
                ("reason", s("lost")),
            ],
            "Kun medarbejderen selv",
        ),
        (
            vec![
                ("employee", mette_id.clone()),
                ("asker", lars.clone()),
                ("target", mette_device.clone()),
                ("reason", s("lost")),
            ],
            "anden organisationsadministrator",
        ),
        (
            vec![
                ("employee", ida.clone()),
                ("asker", lars.clone()),
                ("target", device_id.clone()),
                ("reason", s("lost")),
            ],
            "private MitID",
        ),
        (
            vec![
                ("employee", jonas_id.clone()),
                ("asker", lars.clone()),
                ("target", s("all")),
                ("reason", s("lost")),
            ],
            "vælg hvilket",
        ),
        (
            vec![
                ("employee", jonas_id.clone()),
                ("asker", lars.clone()),
                ("target", device_id.clone()),
                ("reason", s("lost")),
                ("method", s("")),
            ],
            "Bekræft først",
        ),
        (
            vec![
                ("employee", s("999999")),
                ("asker", lars.clone()),
                ("target", device_id.clone()),
                ("reason", s("lost")),
            ],
            "hører ikke til",
        ),
        (
            vec![
                ("employee", s("\"><svg onload=alert(1)>")),
                ("asker", lars.clone()),
                ("target", device_id.clone()),
                ("reason", s("lost")),
            ],
            "Vælg medarbejderen",
        ),
    ];
    for (fields, expected) in refusals {
        let (status, body) = post(fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        assert!(body.contains(expected), "{expected}: {body}");
        assert!(!body.contains("<svg"), "the refusal does not echo markup");
    }
    assert!(
        registry.requests().is_empty(),
        "nothing reached the registry"
    );

    // Another role may not block.
    let counter = WebClient::logged_in(&server, demo::BORGERSERVICE).await;
    let res = counter
        .call(
            "/api/cases/block-business",
            &[
                ("reference", &reference),
                ("employee", &jonas_id),
                ("asker", &lars),
                ("target", &device_id),
                ("reason", "lost"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The user administrator, verified by passport, has Jonas's code display blocked.
    let (status, body) = post(vec![
        ("employee", jonas_id.clone()),
        ("asker", lars.clone()),
        ("target", device_id.clone()),
        ("reason", s("lost")),
    ])
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let acked = registry.wait_acknowledged(1, 30).await;
    assert_eq!(acked.len(), 1);
    let call = &acked[0];
    assert_eq!(call.method, "POST");
    assert_eq!(call.headers["idempotency-key"], "business-block-1");
    assert!(signature_ok(call), "signed with the shared secret");
    let body: serde_json::Value = serde_json::from_str(&call.body).unwrap();
    assert_eq!(body["command"], "block_business");
    assert_eq!(body["cvr"], BAKERY);
    assert_eq!(body["user_id"], "jonas.bager");
    assert_eq!(body["authenticator"]["serial"], "CDE1000004");
    assert_eq!(body["reason"], "lost");
    assert_eq!(body["requested_by"], "administrator");
    assert_eq!(body["requester_user_id"], "lars.bager");
    assert!(body["authenticator"].get("id").is_none(), "no internal ids");

    // The one who asked and the organisation's administrators, each once.
    let mails = smtp.wait_for(2, 30).await;
    let mut to: Vec<String> = mails
        .iter()
        .flat_map(|m| m.rcpt_to.iter())
        .map(|a| a.trim_matches(['<', '>']).to_owned())
        .collect();
    to.sort();
    assert_eq!(
        to,
        [
            "lars@bagerhansen.example.dk",
            "mette@bagerhansen.example.dk"
        ]
    );
    for m in &mails {
        assert!(m.header("Subject").unwrap_or_default().contains(&reference));
    }

    // The case records who asked, what, why and how the asker was verified; the device shows
    // as blocked; the same device cannot be blocked twice.
    let (_, html) = supporter.page(&format!("/support/sag/{reference}")).await;
    assert!(
        html.contains("Bedt om af Lars Nielsen (brugeradministrator)")
            && html.contains("nummer slutter på 4567"),
        "timeline"
    );
    let case = supporter
        .get_json(&format!("/api/cases/get?reference={reference}"))
        .await;
    let blocked = employee(&case, "Jonas Holm")["authenticators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "code_display")
        .unwrap()["status"]
        .clone();
    assert_eq!(blocked, "blocked");
    let (status, body) = post(vec![
        ("employee", jonas_id.clone()),
        ("asker", jonas_id.clone()),
        ("target", device_id.clone()),
        ("reason", s("stolen")),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("allerede spærret"), "{body}");

    // Suspected misuse: the employee themself has the whole identity blocked.
    let (status, body) = post(vec![
        ("employee", jonas_id.clone()),
        ("asker", jonas_id.clone()),
        ("target", s("all")),
        ("reason", s("suspected_misuse")),
    ])
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let acked = registry.wait_acknowledged(2, 30).await;
    assert_eq!(acked.len(), 2);
    let body: serde_json::Value = serde_json::from_str(&acked[1].body).unwrap();
    assert_eq!(body["requested_by"], "employee");
    assert!(body["authenticator"].is_null());

    let (ok, out, err) = run_cli(server.data_dir(), &["audit", "verify"], "").await;
    assert!(ok, "{out}{err}");
}

#[tokio::test]
async fn the_party_is_set_on_the_case_with_its_cvr_number_checked_and_found_again() {
    let server = TestServer::start().await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let reference = queue(&supporter, "party=citizen").await[0].clone();
    let token = supporter
        .csrf_token_on(&format!("/support/sag/{reference}"))
        .await;
    let set = |party: &str, cvr: &str, name: &str| {
        let fields = vec![
            ("csrf_token", token.clone()),
            ("reference", reference.clone()),
            ("party", party.to_owned()),
            ("cvr", cvr.to_owned()),
            ("organisation_name", name.to_owned()),
        ];
        let supporter = &supporter;
        async move {
            let res = supporter
                .post_data("/api/cases/party", &str_pairs(&fields))
                .await;
            (res.status(), res.text().await.unwrap())
        }
    };
    let huge = "A".repeat(20_000);
    let refusals: Vec<(&str, &str, &str, &str)> = vec![
        ("organisation", "12345678", "", "kontrolcifferet"),
        ("organisation", "1234567", "", "8 cifre"),
        ("organisation", "1234567\u{0}", "", "8 cifre"),
        ("organisation", "１２３４５６７４", "", "8 cifre"),
        ("organisation", "\"><svg onload=alert(1)>", "", "8 cifre"),
        ("organisation", NEW_CVR, "", "skriv dens navn"),
        (
            "organisation",
            NEW_CVR,
            "</title><script>x</script>\r\nBcc: a@b",
            "uden CPR-numre og styretegn",
        ),
        ("organisation", NEW_CVR, &huge, "2 til 160 tegn"),
        (
            "organisation",
            NEW_CVR,
            "Firma 010190-1234",
            "uden CPR-numre",
        ),
        ("company", NEW_CVR, "Firma", "Vælg hvem sagen er for"),
    ];
    for (party, cvr, name, expected) in refusals {
        let (status, body) = set(party, cvr, name).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        assert!(body.contains(expected), "{expected}: {body}");
        assert!(!body.contains("<script>") && !body.contains("<svg"));
    }
    assert!(
        queue(&supporter, &format!("cvr={NEW_CVR}"))
            .await
            .is_empty()
    );

    let (status, body) = set("organisation", NEW_CVR, "Tømrer <Jensen> & Søn ApS").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        queue(&supporter, &format!("cvr={NEW_CVR}")).await,
        std::slice::from_ref(&reference)
    );
    let (_, html) = supporter.page(&format!("/support/sag/{reference}")).await;
    assert!(
        html.contains("Tømrer &lt;Jensen&gt; &amp; Søn ApS"),
        "escaped"
    );
    // Case search finds it by CVR number and by the firm's name, and filters by party.
    let hits = supporter
        .get_json(&format!("/api/staff/case-search?q={NEW_CVR}"))
        .await;
    assert_eq!(hits["hits"][0]["reference"], reference.as_str(), "{hits}");
    let hits = supporter
        .get_json("/api/staff/case-search?q=t%C3%B8mrer%20jensen&party=organisation")
        .await;
    assert_eq!(hits["hits"][0]["reference"], reference.as_str(), "{hits}");
    let hits = supporter
        .get_json(&format!("/api/staff/case-search?q={NEW_CVR}&party=citizen"))
        .await;
    assert_eq!(hits["total"], 0, "{hits}");

    // Back to a citizen case.
    let (status, _) = set("citizen", "", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue(&supporter, &format!("cvr={NEW_CVR}"))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn the_contact_form_and_inbound_mail_open_organisation_cases_for_a_cvr_number() {
    const SECRET: &str = "inbound-test-secret";
    let server = TestServer::start_with(&[("DESK_INBOUND_MAIL_SECRET", SECRET)]).await;
    let supporter = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (by_form, _) = write_in(
        &server,
        &contact_form(&[(
            "message",
            "Vores medarbejder har mistet sin kodeviser. Vi er CVR-nr. 3480 1266.",
        )]),
    )
    .await;
    let case = supporter
        .get_json(&format!("/api/cases/get?reference={by_form}"))
        .await;
    assert_eq!(case["party"], "organisation");
    assert_eq!(
        case["organisation"]["name"], "Bager Hansen ApS",
        "the known firm"
    );

    // An unknown (valid) CVR number opens an organisation case too; a phone number does not.
    let mail = format!(
        "From: Bo Berg <bo@firma.example.dk>\r\nSubject: MitID Erhverv\r\n\
         Message-ID: <bo-cvr@example.dk>\r\n\r\nVores CVR {NEW_CVR}. Ring 12345674.\r\n"
    );
    let (status, json) = inbound(&server, SECRET, &mail).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    let by_mail = json["reference"].as_str().unwrap().to_owned();
    let case = supporter
        .get_json(&format!("/api/cases/get?reference={by_mail}"))
        .await;
    assert_eq!(case["party"], "organisation");
    assert_eq!(case["organisation"]["cvr"], NEW_CVR);
    let plain = "From: Eva <eva@example.dk>\r\nSubject: Hjælp\r\n\
        Message-ID: <eva-1@example.dk>\r\n\r\nRing til mig på 12345674.\r\n";
    let (_, json) = inbound(&server, SECRET, plain).await;
    let reference = json["reference"].as_str().unwrap().to_owned();
    let case = supporter
        .get_json(&format!("/api/cases/get?reference={reference}"))
        .await;
    assert_eq!(case["party"], "citizen");
    assert!(case["organisation"].is_null());
}

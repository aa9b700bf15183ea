//! The team lead's dashboard (`/leder`) against the real server: its figures for a small data
//! set written straight into the database in a quiet week of January 2026 (before any demo
//! case), checked against values worked out by hand below; the CSV export with hostile search
//! queries; who may see it; and the lead using it by keyboard alone in Chromium.
//!
//! The data set (Danish time is UTC+1 in January), period 2026-01-05 – 2026-01-07:
//!
//! | case | created (UTC) | local day | first response | resolved (UTC) | within SLA | blocked after |
//! |---|---|---|---|---|---|---|
//! | D1 | 01-05 08:00 | 01-05 | +10 min | 01-05 10:00 (+120 min) | yes | 45 s |
//! | D2 | 01-05 22:30 | 01-05 | +30 min | 01-06 02:30 (+240 min) | yes | |
//! | D3 | 01-05 23:30 | 01-06 | +50 min | 01-07 23:30 (after the period) | no | |
//! | D4 | 01-06 12:00 | 01-06 | +5 min | 01-07 12:00 (+1440 min) | no | 120 s |
//! | D5 | 01-07 09:00 | 01-07 | none | 01-07 09:30 (+30 min) | yes | 30 s |
//!
//! Created per local day 2, 2, 1 (5); resolved 1 (D1), 1 (D2, 03:30 local), 2 (D4, D5): 4.
//! First response over D1–D4: 5, 10, 30, 50 min: p50 (rank 2) 10 min, p90 (rank 4) 50 min.
//! Resolution over D1, D2, D4, D5: 30, 120, 240, 1440 min: p50 120 min = "2 t 0 min", p90
//! 1440 min = "1 d 0 t". SLA: 3 of 4 = "75,0 %". Blocks per day 1, 1, 1; 30, 45, 120 s: p50
//! 45 s, p90 "2 min", under a minute 2 of 3 = "2 (66,7 %)". Ratings: D1 5 and D2 2 (MitID,
//! by the demo supporter), D4 4 (Digital Post, no supporter): MitID 2 ratings, mean "3,5";
//! Digital Post 1, "4,0".
//!
//! The help's hourly counters (UTC hour → local day): 01-04T22 (local 01-04 23:00, before the
//! period) 9 searches; 01-05T08: 4 searches, 1 without a hit, 3 guides opened, 1 wrote in;
//! 01-05T23 (local 01-06 00:00): 2 searches, 1 opened; 01-07T22 (local 01-07 23:00): 1 search,
//! 1 wrote in (after a guide opened the day before: "did not write in" stays 0, not -1);
//! 01-07T23 (local 01-08, after the period) 5 searches. Per day: searches 4, 2, 1 (7); without
//! a hit 1 ("14,3 %" of 7); opened 3, 1, 0 (4); wrote in 1, 0, 1; did not write in 2, 1, 0:
//! 3 of the 4 who opened a guide = "75,0 %".

use std::path::Path;
use std::time::Duration;

use desk_tests::browser::{Browser, HYDRATED, press, tab_until, type_keys, wait_for};
use desk_tests::hostile_support::{db_execute, db_insert, db_text};
use desk_tests::postgres;
use desk_tests::web::location;
use desk_tests::{TestServer, WebClient, demo};
use fantoccini::Locator;
use fantoccini::key::Key;
use reqwest::StatusCode;

const PERIOD: &str = "period=custom&from=2026-01-05&to=2026-01-07";

/// Hostile queries citizens typed that found nothing (as the search counter stores them).
const HOSTILE_QUERIES: [&str; 5] = [
    "=HYPERLINK(\"http://evil.example\",\"klik\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "<script>alert(1)</script>",
];

/// One case of the data set: reference, system, channel, created, first response, resolved,
/// within SLA.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    i64,
);

/// A text as an SQL literal (both engines read `'…'` with quotes doubled).
fn lit(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn write_data_set(data_dir: &Path) {
    let number = |sql: &str| -> i64 {
        db_text(data_dir, sql)
            .parse()
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    let supporter = number("SELECT id FROM staff_users WHERE username = 'supporter'");
    let identity = number("SELECT MIN(id) FROM identities");
    // (reference, system, channel, created, first response, resolved, within SLA)
    let cases: [Row; 5] = [
        (
            "SAG-2026-900001",
            "MitID",
            "phone",
            "2026-01-05T08:00:00Z",
            Some("2026-01-05T08:10:00Z"),
            "2026-01-05T10:00:00Z",
            1,
        ),
        (
            "SAG-2026-900002",
            "MitID",
            "web_form",
            "2026-01-05T22:30:00Z",
            Some("2026-01-05T23:00:00Z"),
            "2026-01-06T02:30:00Z",
            1,
        ),
        (
            "SAG-2026-900003",
            "NemKonto",
            "email",
            "2026-01-05T23:30:00Z",
            Some("2026-01-06T00:20:00Z"),
            "2026-01-07T23:30:00Z",
            0,
        ),
        (
            "SAG-2026-900004",
            "Digital Post",
            "email",
            "2026-01-06T12:00:00Z",
            Some("2026-01-06T12:05:00Z"),
            "2026-01-07T12:00:00Z",
            0,
        ),
        (
            "SAG-2026-900005",
            "MitID",
            "phone",
            "2026-01-07T09:00:00Z",
            None,
            "2026-01-07T09:30:00Z",
            1,
        ),
    ];
    let mut ids = Vec::new();
    for (reference, system, channel, created, first, resolved, within) in cases {
        let first = first.map_or("NULL".to_owned(), lit);
        ids.push(db_insert(
            data_dir,
            &format!(
            "INSERT INTO cases (reference, subject, system, category, priority, lane, status, channel,
                created_at, updated_at, sla_started, first_response_due, resolution_due,
                first_response_at, resolved_at, resolved_within_sla)
             VALUES ({}, 'Dashboard-testsag', {}, 'user_id', 'normal', 2, 'closed', {}, {}, {},
                '2026-01-05 09:00:00', '2026-01-05 12:00:00', '2026-01-06 12:00:00', {first}, {}, {within})
             RETURNING id",
            lit(reference),
            lit(system),
            lit(channel),
            lit(created),
            lit(resolved),
            lit(resolved),
        ),
        ));
    }
    for (case, at) in [
        (ids[0], "2026-01-05T08:00:45Z"),
        (ids[3], "2026-01-06T12:02:00Z"),
        (ids[4], "2026-01-07T09:00:30Z"),
    ] {
        db_execute(
            data_dir,
            &format!(
                "INSERT INTO blocks (identity_id, permanent, reason, case_id, verification, blocked_by, blocked_at)
                 VALUES ({identity}, 0, 'lost', {case}, '{{}}', {supporter}, {})",
                lit(at)
            ),
        );
    }
    for (case, system, staff, rating, at, token) in [
        (
            ids[0],
            "MitID",
            Some(supporter),
            5,
            "2026-01-05T12:00:00Z",
            vec![1_u8; 32],
        ),
        (
            ids[1],
            "MitID",
            Some(supporter),
            2,
            "2026-01-06T10:00:00Z",
            vec![2_u8; 32],
        ),
        (
            ids[3],
            "Digital Post",
            None,
            4,
            "2026-01-07T13:00:00Z",
            vec![3_u8; 32],
        ),
    ] {
        let hex: String = token.iter().map(|b| format!("{b:02x}")).collect();
        let token = if postgres::active() {
            format!("'\\x{hex}'::bytea")
        } else {
            format!("x'{hex}'")
        };
        let staff = staff.map_or("NULL".to_owned(), |s| s.to_string());
        db_execute(
            data_dir,
            &format!(
                "INSERT INTO case_ratings (case_id, token_hash, issued_at, expires_at, system, staff_id, rating, rated_at)
                 VALUES ({case}, {token}, {at}, '2026-02-05T00:00:00Z', {}, {staff}, {rating}, {at})",
                lit(system),
                at = lit(at),
            ),
        );
    }
    for (hour, kind, n) in [
        ("2026-01-04T22", "searched", 9),
        ("2026-01-05T08", "searched", 4),
        ("2026-01-05T08", "missed", 1),
        ("2026-01-05T08", "opened", 3),
        ("2026-01-05T08", "wrote_in", 1),
        ("2026-01-05T23", "searched", 2),
        ("2026-01-05T23", "opened", 1),
        ("2026-01-07T22", "searched", 1),
        ("2026-01-07T22", "wrote_in", 1),
        ("2026-01-07T23", "searched", 5),
    ] {
        db_execute(
            data_dir,
            &format!(
                "INSERT INTO kb_activity (hour, kind, n) VALUES ({}, {}, {n})",
                lit(hour),
                lit(kind)
            ),
        );
    }
    for (i, query) in HOSTILE_QUERIES.iter().enumerate() {
        db_execute(
            data_dir,
            &format!(
                "INSERT INTO search_misses (query, lang, count, last_at)
                 VALUES ({}, 'da', {}, '2026-01-06T10:00:00Z')
                 ON CONFLICT (query, lang) DO UPDATE SET count = excluded.count",
                lit(query),
                10 - i as i64
            ),
        );
    }
}

/// The CSV rows of one table (the byte-order mark dropped, CRLF line ends split).
async fn csv(web: &WebClient, table: &str, query: &str) -> (StatusCode, Vec<String>) {
    let res = web.get(&format!("/leder/csv/{table}?{query}")).await;
    let status = res.status();
    let body = res.text().await.unwrap();
    let body = body.trim_start_matches('\u{feff}');
    (
        status,
        body.split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

#[tokio::test]
async fn the_dashboard_shows_the_hand_computed_figures_of_a_known_week() {
    let server = TestServer::start().await;
    write_data_set(server.data_dir());
    let lead = WebClient::logged_in(&server, demo::LEAD).await;

    let (status, flow) = csv(&lead, "flow", PERIOD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        flow,
        [
            "Dag,Oprettet,Løst",
            "2026-01-05,2,1",
            "2026-01-06,2,1",
            "2026-01-07,1,2",
            "I alt,5,4",
        ]
    );
    let (_, times) = csv(&lead, "times", PERIOD).await;
    assert_eq!(
        times[1],
        "Første svar (sager oprettet i perioden),4,10 min,50 min"
    );
    assert_eq!(
        times[2],
        "Løsning (sager løst i perioden),4,2 t 0 min,1 d 0 t"
    );
    let (_, sla) = csv(&lead, "sla", PERIOD).await;
    assert_eq!(sla[1], "4,3,\"75,0 %\"");
    let (_, blocks) = csv(&lead, "blocks", PERIOD).await;
    assert_eq!(
        blocks[1..],
        ["2026-01-05,1", "2026-01-06,1", "2026-01-07,1", "I alt,3"]
    );
    let (_, block_time) = csv(&lead, "block-time", PERIOD).await;
    assert_eq!(block_time[1], "3,45 s,2 min,\"2 (66,7 %)\"");
    let (_, ratings) = csv(&lead, "ratings-system", PERIOD).await;
    assert_eq!(
        ratings[1..],
        [
            "Digital Post,1,\"4,0\",0,0,0,1,0",
            "MitID,2,\"3,5\",0,1,0,0,1"
        ]
    );
    let (_, by_staff) = csv(&lead, "ratings-staff", PERIOD).await;
    assert_eq!(by_staff.len(), 3, "{by_staff:?}");
    assert!(
        by_staff.contains(&"(ingen supporter),1,\"4,0\",0,0,0,1,0".to_owned()),
        "{by_staff:?}"
    );
    assert!(
        by_staff.iter().any(|l| l.ends_with(",2,\"3,5\",0,1,0,0,1")),
        "{by_staff:?}"
    );

    let (_, help) = csv(&lead, "help", PERIOD).await;
    assert_eq!(
        help,
        [
            "Dag,Søgninger,Uden hit,Åbnede en vejledning,Skrev alligevel,Skrev ikke",
            "2026-01-05,4,1,3,1,2",
            "2026-01-06,2,0,1,0,1",
            "2026-01-07,1,0,0,1,0",
            "I alt,7,1,4,2,3",
        ]
    );

    // The filters: MitID alone has D1, D2 and D5 (created 2, 0, 1; resolved 1, 1, 1).
    let (_, mitid) = csv(&lead, "flow", &format!("{PERIOD}&system=mitid")).await;
    assert_eq!(
        mitid[1..],
        [
            "2026-01-05,2,1",
            "2026-01-06,0,1",
            "2026-01-07,1,1",
            "I alt,3,3"
        ]
    );
    // By phone: D1 and D5.
    let (_, phone) = csv(&lead, "sla", &format!("{PERIOD}&channel=phone")).await;
    assert_eq!(phone[1], "2,2,\"100,0 %\"");

    // The page shows the same figures, in tables behind the charts.
    let (status, html) = lead.page(&format!("/leder?{PERIOD}")).await;
    assert_eq!(status, StatusCode::OK);
    for figure in [
        "75,0 %",
        "1 (14,3 %)",
        "3 (75,0 %)",
        "2 t 0 min",
        "1 d 0 t",
        "66,7 %",
        "2026-01-05 – 2026-01-07",
    ] {
        assert!(html.contains(figure), "the page lacks {figure}");
    }
    assert!(html.contains("<svg"), "charts are inline SVG");
    assert!(
        html.contains("<title id=\"chart-flow-t\">"),
        "a chart has its title"
    );
    assert!(
        html.contains("id=\"table-flow\""),
        "a table behind the chart"
    );
    assert!(
        html.contains(
            "href=\"/leder/csv/flow?period=custom&amp;from=2026-01-05&amp;to=2026-01-07\""
        )
    );
    // A stranger's query is text on the page, never markup.
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Bad periods are refused with a message, and change nothing.
    for bad in [
        "period=custom&from=2026-01-07&to=2026-01-05",
        "period=custom&from=%22%3E%3Csvg%20onload%3Dalert(1)%3E&to=2026-01-05",
        "period=forever",
        "period=7d&system=%3C%2Ftitle%3E",
    ] {
        let (status, body) = csv(&lead, "flow", bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body:?}");
        let (_, html) = lead.page(&format!("/leder?{bad}")).await;
        assert!(
            html.contains("id=\"lead-error\""),
            "{bad}: no message on the page"
        );
        assert!(!html.contains("<svg onload"), "{bad}");
    }
    let (status, _) = csv(&lead, "no-such-table", PERIOD).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.kill_hard().await;
}

#[tokio::test]
async fn csv_cells_from_strangers_never_start_a_formula() {
    let server = TestServer::start().await;
    write_data_set(server.data_dir());
    let lead = WebClient::logged_in(&server, demo::LEAD).await;
    let res = lead.get(&format!("/leder/csv/misses?{PERIOD}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"leder-misses-"),
        "{disposition}"
    );
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines[0], "Søgning,Sprog,Antal,Senest (dansk tid)");
    // Hand-escaped: a leading apostrophe, quotes around cells with commas or quotes (doubled).
    assert_eq!(
        lines[1],
        "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"klik\"\")\",da,10,2026-01-06 11:00"
    );
    assert_eq!(lines[2], "'+cmd|' /C calc'!A0,da,9,2026-01-06 11:00");
    assert_eq!(
        lines[3],
        "'@SUM(1+1)*cmd|' /C calc'!A0,da,8,2026-01-06 11:00"
    );
    assert_eq!(lines[4], "'-2+3,da,7,2026-01-06 11:00");
    assert_eq!(lines[5], "<script>alert(1)</script>,da,6,2026-01-06 11:00");
    // No cell of any line starts a formula.
    for line in &lines {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{line}"
            );
        }
    }
    server.kill_hard().await;
}

#[tokio::test]
async fn only_a_team_lead_sees_the_dashboard_its_csv_and_its_stream() {
    let server = TestServer::start().await;
    let anonymous = WebClient::new(&server);
    let res = anonymous.get("/leder").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res).as_deref(), Some("/login?next=/leder"));
    for path in [
        "/leder/csv/flow",
        "/leder/events",
        "/api/lead/dashboard?period=today&from=&to=&system=&channel=",
    ] {
        let res = anonymous.api_get(path).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "anonymous {path}");
    }
    for login in [demo::SUPPORTER, demo::BORGERSERVICE, demo::ADMIN] {
        let web = WebClient::logged_in(&server, login).await;
        let (status, html) = web.page("/leder").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login:?} /leder");
        assert!(
            !html.contains("id=\"lead-figures\""),
            "{login:?} saw the figures"
        );
        for path in [
            "/leder/csv/flow",
            "/leder/csv/ratings-staff",
            "/leder/events",
            "/api/lead/dashboard?period=today&from=&to=&system=&channel=",
        ] {
            let res = web.api_get(path).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{login:?} {path}");
        }
    }
    let lead = WebClient::logged_in(&server, demo::LEAD).await;
    let (status, html) = lead.page("/leder").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"lead-figures\""));
    assert!(html.contains("id=\"table-open\""));
    let res = lead
        .api_get("/api/lead/dashboard?period=today&from=&to=&system=&channel=")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (status, _) = csv(&lead, "online", "").await;
    assert_eq!(status, StatusCode::OK);
    // The stream answers as an event stream.
    let res = lead.api_get("/leder/events").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    drop(res);
    server.kill_hard().await;
}

/// Waits up to 20 s for the page to hydrate; fails with the page's script errors if it does not.
async fn hydrated_or_errors(c: &fantoccini::Client) {
    for _ in 0..200 {
        if c.find(HYDRATED).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let errs = c
        .execute("return sessionStorage.getItem('errs') || '(none)';", vec![])
        .await
        .unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write("/tmp/lead-dashboard-not-hydrated.png", &png).unwrap();
    panic!("the dashboard did not hydrate; script errors: {errs}");
}

#[tokio::test]
async fn a_team_lead_uses_the_dashboard_with_the_keyboard_alone() {
    let server = TestServer::start().await;
    write_data_set(server.data_dir());
    let browser = Browser::start().await;
    let c = &browser.client;
    // Keep the page's script errors, across navigations, for the failure message.
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": "(() => { const keep = (m) => { try { sessionStorage.setItem('errs', (sessionStorage.getItem('errs') || '') + '\\n' + m); } catch (e) {} }; const e = console.error.bind(console); console.error = (...a) => { keep(a.map(String).join(' ')); e(...a); }; addEventListener('error', (ev) => keep('error: ' + ev.message)); addEventListener('unhandledrejection', (ev) => keep('rejection: ' + ev.reason)); })();" }),
        )
        .await;
    browser.log_in_by_keyboard(&server, demo::LEAD).await;
    wait_for(c, Locator::Id("lead-period")).await;
    assert_eq!(c.current_url().await.unwrap().path(), "/leder");
    hydrated_or_errors(c).await;

    // Tab to the period, choose "Sidste 30 dage" by typing, Tab on to the button, Enter.
    tab_until(c, |id| id == "lead-period-select").await;
    type_keys(c, "Sidste 3").await;
    tab_until(c, |id| id == "lead-show").await;
    press(c, Key::Enter).await;
    for _ in 0..100 {
        if c.current_url()
            .await
            .unwrap()
            .query()
            .is_some_and(|q| q.contains("period=30d"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = c.current_url().await.unwrap();
    assert!(
        url.query().is_some_and(|q| q.contains("period=30d")),
        "{url}"
    );
    wait_for(c, Locator::Id("table-flow")).await;
    hydrated_or_errors(c).await;
    // On to the first CSV link by keyboard.
    let link = tab_until(c, |id| id.starts_with("csv-")).await;
    assert_eq!(link, "csv-open");
    let href = c
        .active_element()
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(href, "/leder/csv/open?period=30d");

    let png = c.screenshot().await.unwrap();
    std::fs::write("/tmp/lead-dashboard.png", &png).unwrap();
    browser.screenshot("lead-dashboard").await;
    let violations = desk_tests::axe::violations(c).await;
    assert!(violations.is_empty(), "{violations:#?}");
    browser.close().await;
}

/// The form fields of a request written after reading a guide.
const AFTER_THE_GUIDE: [(&str, &str); 5] = [
    ("name", "Birthe Holm"),
    ("email", "birthe@example.dk"),
    ("system", "mitid"),
    ("category", "user_id"),
    (
        "message",
        "Jeg har læst vejledningen, men kan stadig ikke finde mit bruger-id.",
    ),
];

/// A citizen's way through the help, counted without cookies and without a write per step: a
/// search with hits, one without, suggestions while typing (not counted), a guide opened from
/// the results, its "write to the support line" link and the form sent from it. Trails that
/// are not the search's own are neither counted nor echoed. The lead's table adds up to
/// exactly that.
#[tokio::test]
async fn the_self_service_figures_count_a_citizens_way_through_the_help() {
    let server = TestServer::start().await;
    let citizen = WebClient::new(&server);
    let (status, results) = citizen.page("/soeg?q=mistet+kodeviser").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        results.contains("href=\"/hjaelp/mistet-kodeviser?fra=soeg\""),
        "a result links with the search trail"
    );
    let (status, _) = citizen.page("/soeg?q=zqxvblorf").await;
    assert_eq!(status, StatusCode::OK);
    for typed in ["mi", "mist", "mistet ko"] {
        let res = citizen
            .api_get(&format!("/api/help/suggest?q={typed}&limit=4"))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "suggestions for {typed}");
    }
    let (status, guide) = citizen.page("/hjaelp/mistet-kodeviser?fra=soeg").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        guide.contains("href=\"/kontakt?fra=soeg\""),
        "the guide's way to the form keeps the trail"
    );
    for trail in [
        "%22%3E%3Csvg%20onload%3Dalert(1)%3E",
        "%3C%2Ftitle%3E",
        "SOEG",
        "soeg%0D%0AX-Evil%3A%201",
        "so%00eg",
        "s%D0%BEeg",
        "%FF%FE",
    ] {
        let (status, html) = citizen
            .page(&format!("/hjaelp/mistet-kodeviser?fra={trail}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{trail}");
        assert!(
            html.contains("href=\"/kontakt\""),
            "{trail}: no trail passed on"
        );
        assert!(
            !html.contains("<svg onload") && !html.contains("X-Evil"),
            "{trail}"
        );
        let (_, form) = citizen.page(&format!("/kontakt?fra={trail}")).await;
        assert!(
            !form.contains("name=\"fra\""),
            "{trail}: no trail in the form"
        );
    }
    let (_, form) = citizen.page("/kontakt?fra=soeg").await;
    assert!(form.contains("type=\"hidden\" name=\"fra\" value=\"soeg\""));
    let mut fields = AFTER_THE_GUIDE.to_vec();
    fields.push(("fra", "soeg"));
    let res = citizen
        .post_from_page("/kontakt?fra=soeg", "/api/contact/submit", &fields)
        .await;
    assert_eq!(res.status(), StatusCode::FOUND, "sent after the guide");
    // Sent another way, or with a trail of someone's making: not counted.
    let other = WebClient::new(&server);
    let mut forged = AFTER_THE_GUIDE.to_vec();
    forged.push(("fra", "\"><svg onload=alert(1)>"));
    let res = other
        .post_from_page("/kontakt", "/api/contact/submit", &forged)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "a forged trail is only ignored"
    );

    let lead = WebClient::logged_in(&server, demo::LEAD).await;
    // Seven days: the same total even if the test ran across an hour or midnight.
    let (status, help) = csv(&lead, "help", "period=7d").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        help.last().map(String::as_str),
        Some("I alt,2,1,1,1,0"),
        "two searches, one without a hit, one guide opened, one wrote in: {help:?}"
    );
    server.kill_hard().await;
}

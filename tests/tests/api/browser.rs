//! Real headless Chromium against the real server.

use desk_tests::browser::{Browser, HYDRATED, QUEUE_HEADING, press, type_keys, wait_for};
use desk_tests::citizen::write_in;
use desk_tests::lookup::case_with_device;
use desk_tests::page_weight;
use desk_tests::{TestServer, WebClient, demo};
use fantoccini::Locator;
use fantoccini::key::Key;

#[tokio::test]
async fn a_supporter_logs_in_with_the_keyboard_and_lands_on_the_console() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    c.goto(&server.at("/")).await.unwrap();
    browser.screenshot("help-front-page").await;

    // The first Tab reaches the skip link.
    press(c, Key::Tab).await;
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("class").await.unwrap().as_deref(),
        Some("skip-link")
    );

    c.goto(&server.at("/login")).await.unwrap();
    let user = c.find(Locator::Id("username")).await.unwrap();
    user.click().await.unwrap();
    user.send_keys(demo::SUPPORTER.0).await.unwrap();
    // Tab to the password field and submit with Enter, as a keyboard user does.
    press(c, Key::Tab).await;
    let password = c.active_element().await.unwrap();
    assert_eq!(
        password.attr("id").await.unwrap().as_deref(),
        Some("password")
    );
    password.send_keys(demo::SUPPORTER.1).await.unwrap();
    password.send_keys(&Key::Enter.to_string()).await.unwrap();

    wait_for(c, QUEUE_HEADING).await;
    assert_eq!(c.current_url().await.unwrap().path(), "/support");
    let header = c
        .find(Locator::Css(".who"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(header.contains("Sara Supporter"), "{header}");
    browser.screenshot("supporter-landing").await;

    // The page hydrated: the WebAssembly bundle loaded and ran the app.
    wait_for(c, HYDRATED).await;
    browser.close().await;
}

#[tokio::test]
async fn a_wrong_password_shows_the_error_in_the_browser() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    browser
        .log_in_by_keyboard(&server, ("admin", "wrong-password-here"))
        .await;
    let alert = wait_for(c, Locator::Css(".error-summary")).await;
    assert!(
        alert
            .text()
            .await
            .unwrap()
            .contains("Brugernavnet eller adgangskoden er forkert.")
    );
    browser.screenshot("login-error").await;
    browser.close().await;
}

#[tokio::test]
async fn a_citizen_finds_the_right_guide_from_the_front_page() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.at("/")).await.unwrap();
    wait_for(c, HYDRATED).await;
    let search = c.find(Locator::Id("q")).await.unwrap();
    search.send_keys("mistet kodevis").await.unwrap();
    // Suggestions appear while typing.
    let suggestion = wait_for(
        c,
        Locator::Css("#q-suggestions a[href='/hjaelp/mistet-kodeviser']"),
    )
    .await;
    browser.screenshot("front-page-suggestions").await;
    suggestion.click().await.unwrap();
    let h1 = wait_for(c, Locator::Css("h1#article-title")).await;
    assert!(
        h1.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("kodeviser")
    );
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/hjaelp/mistet-kodeviser"
    );
    browser.screenshot("article-page").await;

    // And the full results page, by pressing Enter in the search box.
    c.goto(&server.at("/")).await.unwrap();
    let search = c.find(Locator::Id("q")).await.unwrap();
    search.send_keys("nem id virker ikke").await.unwrap();
    search.send_keys(&Key::Enter.to_string()).await.unwrap();
    wait_for(c, Locator::Css("ol.results")).await;
    assert_eq!(c.current_url().await.unwrap().path(), "/soeg");
    browser.screenshot("search-results").await;
    browser.close().await;
}

/// Presses Tab until the focused element's id satisfies `want` (at most 60 times).
async fn tab_until(c: &fantoccini::Client, want: impl Fn(&str) -> bool) -> String {
    for _ in 0..60 {
        press(c, Key::Tab).await;
        let id = focused_id(c).await;
        if want(&id) {
            return id;
        }
    }
    panic!("Tab never reached the wanted element");
}

#[tokio::test]
async fn a_supporter_blocks_a_lost_code_display_with_the_keyboard_alone() {
    let server = TestServer::start().await;
    let web = WebClient::logged_in(&server, demo::SUPPORTER).await;
    let (reference, device_id, serial) = case_with_device(&web, &["Kodeviser"]).await;

    let browser = Browser::start().await;
    let c = &browser.client;
    browser.log_in_by_keyboard(&server, demo::SUPPORTER).await;
    wait_for(c, QUEUE_HEADING).await;

    // From the open case, the "s" shortcut opens the block flow.
    c.goto(&server.at(&format!("/support/sag/{reference}")))
        .await
        .unwrap();
    wait_for(c, HYDRATED).await;
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("s")
        .await
        .unwrap();
    wait_for(c, Locator::Id("b-doc-number")).await;

    // 1. Verify: the passport's number (the document method is preselected).
    tab_until(c, |id| id == "b-doc-number").await;
    type_keys(c, "AB1234567").await;
    // 2. What: the reason stays "Mistet"; in the device group, arrow to the code display.
    tab_until(c, |id| id.starts_with("b-target-")).await;
    press(c, Key::Space).await;
    let want = format!("b-target-{device_id}");
    for _ in 0..6 {
        if focused_id(c).await == want {
            break;
        }
        press(c, Key::Down).await;
    }
    let focused = c.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some(want.as_str())
    );
    assert!(focused.prop("checked").await.unwrap().as_deref() == Some("true"));
    browser.screenshot("block-flow").await;
    // 3. Confirm.
    tab_until(c, |id| id == "b-confirm").await;
    press(c, Key::Enter).await;

    wait_for(c, Locator::XPath("//li[contains(@class,'event-block')]")).await;
    let timeline = c
        .find(Locator::Id("timeline"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        timeline.contains(&serial) && timeline.contains("Mistet"),
        "{timeline}"
    );
    browser.screenshot("block-confirmed").await;
    browser.close().await;
}

#[tokio::test]
async fn a_new_urgent_case_appears_on_an_open_console_without_a_reload() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    browser.log_in_by_keyboard(&server, demo::SUPPORTER).await;
    wait_for(c, HYDRATED).await;
    // A mark that a reload would wipe.
    browser.mark_page().await;
    // Give the event stream a moment to connect before the case arrives.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    // Meanwhile a citizen reports a stolen phone through the contact form.
    let (reference, _) = write_in(
        &server,
        &[
            ("name", "Bent Urgent"),
            ("email", "bent@example.dk"),
            ("system", "mitid"),
            ("category", "lost_or_stolen_login_means"),
            (
                "message",
                "Min telefon med MitID-appen er blevet stjålet i nat.",
            ),
        ],
    )
    .await;

    let banner = c
        .wait()
        .at_most(std::time::Duration::from_secs(5))
        .for_element(Locator::Css(".urgent-arrival"))
        .await
        .unwrap();
    assert!(banner.text().await.unwrap().contains(&reference));
    let mut listed = false;
    for _ in 0..50 {
        // The list is re-rendered when it refreshes: find it again each time.
        if let Ok(queue) = c.find(Locator::Css("table.queue")).await
            && queue.text().await.unwrap_or_default().contains(&reference)
        {
            listed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(listed, "the queue lists the new case");
    assert!(browser.not_reloaded().await, "no reload");
    browser.screenshot("live-urgent-case").await;
    browser.close().await;
}

#[tokio::test]
async fn a_counter_clerk_completes_a_nemid_migration_with_the_keyboard_alone() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    browser
        .log_in_by_keyboard(&server, demo::BORGERSERVICE)
        .await;
    wait_for(c, Locator::Id("start-cpr")).await;

    // 1. Purpose (arrow from "new MitID" to "NemID to MitID"), CPR and name.
    wait_for(c, HYDRATED).await;
    assert_eq!(focused_id(c).await, "purpose-new_mitid");
    press(c, Key::Down).await;
    assert_eq!(focused_id(c).await, "purpose-nemid_migration");
    tab_until(c, |id| id == "start-cpr").await;
    type_keys(c, "120346-1235").await;
    press(c, Key::Tab).await;
    type_keys(c, "Erik Nielsen").await;
    press(c, Key::Enter).await;

    // The overview: no MitID yet; continue.
    wait_for(c, Locator::XPath("//h2[contains(., 'Borgerens MitID')]")).await;
    press(c, Key::Enter).await;

    // 2. Identity: a Danish passport (the preselected method and type).
    wait_for(c, Locator::Id("identity-submit")).await;
    tab_until(c, |id| id == "doc-number").await;
    type_keys(c, "AB1234567").await;
    press(c, Key::Tab).await;
    type_keys(c, "2031-05-01").await;
    press(c, Key::Tab).await;
    press(c, Key::Space).await;
    tab_until(c, |id| id == "identity-submit").await;
    press(c, Key::Enter).await;

    // 3. No smartphone: a code display with its serial number.
    wait_for(c, Locator::Id("devices-submit")).await;
    assert_eq!(focused_id(c).await, "no_smartphone");
    press(c, Key::Space).await;
    tab_until(c, |id| id == "code_display").await;
    press(c, Key::Space).await;
    press(c, Key::Tab).await;
    type_keys(c, "CD55443322").await;
    tab_until(c, |id| id == "devices-submit").await;
    press(c, Key::Enter).await;

    // 4. The user-ID, checked live as it is typed; at 200% zoom the page still fits.
    wait_for(c, Locator::Id("user-id-submit")).await;
    wait_for(c, HYDRATED).await;
    assert_eq!(focused_id(c).await, "user-id");
    type_keys(c, "Erik Æbelø").await;
    wait_for(c, Locator::XPath("//li[contains(., '✓ Ledigt')]")).await;
    let value = c
        .find(Locator::Id("user-id"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(value.as_deref(), Some("Erik Æbelø"));
    assert_eq!(focused_id(c).await, "user-id", "typing kept the focus");
    c.set_window_size(640, 1000).await.unwrap();
    let fits = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        fits,
        serde_json::Value::Bool(true),
        "horizontal scrolling at 200%"
    );
    browser.screenshot("counter-user-id").await;
    c.set_window_size(1280, 1000).await.unwrap();
    press(c, Key::Tab).await;
    tab_until(c, |id| id == "password").await;
    type_keys(c, "Solsikke-Havn-42").await;
    press(c, Key::Tab).await;
    type_keys(c, "Solsikke-Havn-42").await;
    tab_until(c, |id| id == "user-id-submit").await;
    press(c, Key::Enter).await;

    // 5. The activation code for the code display, and the hand-over checklist.
    wait_for(c, Locator::Id("issue-code")).await;
    tab_until(c, |id| id == "issue-code").await;
    press(c, Key::Enter).await;
    wait_for(c, Locator::Id("handover-submit")).await;
    assert_eq!(focused_id(c).await, "receipt_printed");
    for _ in 0..4 {
        press(c, Key::Space).await;
        press(c, Key::Tab).await;
    }
    browser.screenshot("counter-handover").await;
    tab_until(c, |id| id == "handover-submit").await;
    press(c, Key::Enter).await;

    // 6. Finish.
    wait_for(c, Locator::Id("finish-submit")).await;
    assert_eq!(focused_id(c).await, "finish-submit");
    press(c, Key::Enter).await;
    let done = wait_for(c, Locator::Css("section.ended"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        done.contains("Besøget er afsluttet") && done.contains("SAG-"),
        "{done}"
    );
    browser.screenshot("counter-finished").await;
    browser.close().await;
}

/// The id of the focused element ("" when it has none).
async fn focused_id(c: &fantoccini::Client) -> String {
    c.active_element()
        .await
        .unwrap()
        .attr("id")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// A citizen page, everything included (HTML, CSS, JS, WebAssembly, response headers),
/// compressed, on an empty cache: what an old phone on a slow line has to fetch. 150 KiB.
const CITIZEN_PAGE_BUDGET: u64 = 150 * 1024;
/// The same page again: the bundle is kept (immutable, hashed names); only the page comes.
const WARM_PAGE_BUDGET: u64 = 10 * 1024;

#[tokio::test]
async fn citizen_pages_stay_within_their_byte_budget_cold_and_warm() {
    let server = TestServer::start().await;
    // (path, whether it has islands: only those load the browser bundle)
    for (path, islands) in [
        ("/", true),
        ("/soeg?q=mistet+telefon", true),
        ("/kontakt", true),
        ("/hjaelp/aktiveringskode", false),
        ("/findes-ikke", false),
    ] {
        // A new browser profile: an empty cache.
        let browser = Browser::start().await;
        let cold = page_weight::load(&browser, &server.at(path)).await;
        assert!(
            cold.total_bytes() <= CITIZEN_PAGE_BUDGET,
            "{path} cold: {} B over the budget of {CITIZEN_PAGE_BUDGET} B:\n{}",
            cold.total_bytes(),
            cold.listing()
        );
        // The bundle comes where there are islands (and then hydrates), and only there.
        assert_eq!(
            cold.loaded_wasm(),
            islands,
            "{path}: WebAssembly fetched: {}\n{}",
            cold.loaded_wasm(),
            cold.listing()
        );
        assert_eq!(cold.hydrated_ms.is_some(), islands, "{path}");
        let warm = page_weight::load(&browser, &server.at(path)).await;
        eprintln!(
            "{path}: {} B cold, {} B warm",
            cold.total_bytes(),
            warm.total_bytes()
        );
        assert!(
            warm.total_bytes() <= WARM_PAGE_BUDGET,
            "{path} warm: {} B over {WARM_PAGE_BUDGET} B:\n{}",
            warm.total_bytes(),
            warm.listing()
        );
        browser.close().await;
    }
}

#[tokio::test]
async fn staff_code_is_fetched_only_when_a_staff_page_opens_and_navigation_stays_in_the_page() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    let c = &browser.client;

    let citizen = page_weight::load(&browser, &server.at("/")).await;
    let citizen_wasm: Vec<_> = citizen
        .transfers
        .iter()
        .filter(|t| t.url.ends_with(".wasm"))
        .map(|t| t.url.clone())
        .collect();
    assert_eq!(citizen_wasm.len(), 1, "{}", citizen.listing());

    browser.log_in_by_keyboard(&server, demo::SUPPORTER).await;
    wait_for(c, QUEUE_HEADING).await;
    wait_for(c, HYDRATED).await;
    // Staff pages brought chunks of their own that the citizen page never asked for.
    let chunks: Vec<String> = c
        .execute(
            "return performance.getEntriesByType('resource').map(r => r.name)\
             .filter(n => n.endsWith('.wasm'));",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .filter(|url| !citizen_wasm.contains(url))
        .collect();
    assert!(!chunks.is_empty(), "the console loaded no code of its own");

    // From the queue to a case and back: the router swaps the page, the document stays (a
    // marker set on `window` survives only if no full load happened).
    c.execute("window.__stayed = true;", vec![]).await.unwrap();
    c.find(Locator::Css("a.case-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, Locator::Css("h1 .case-ref")).await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/support/sag/")
    );
    let stayed = c
        .execute("return window.__stayed === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        stayed,
        serde_json::json!(true),
        "opening a case reloaded the page"
    );
    browser.close().await;
}

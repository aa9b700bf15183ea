//! Real headless Chromium against the real server.

use desk_tests::browser::Browser;
use desk_tests::{TestServer, demo};
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
    c.active_element()
        .await
        .unwrap()
        .send_keys(&Key::Tab.to_string())
        .await
        .unwrap();
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
    c.active_element()
        .await
        .unwrap()
        .send_keys(&Key::Tab.to_string())
        .await
        .unwrap();
    let password = c.active_element().await.unwrap();
    assert_eq!(
        password.attr("id").await.unwrap().as_deref(),
        Some("password")
    );
    password.send_keys(demo::SUPPORTER.1).await.unwrap();
    password.send_keys(&Key::Enter.to_string()).await.unwrap();

    c.wait()
        .for_element(Locator::XPath("//h1[text()='Sagskø']"))
        .await
        .unwrap();
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
    c.wait()
        .for_element(Locator::Css("html[data-hydrated='true']"))
        .await
        .unwrap();
    browser.close().await;
}

#[tokio::test]
async fn a_wrong_password_shows_the_error_in_the_browser() {
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.at("/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("admin")
        .await
        .unwrap();
    let pw = c.find(Locator::Id("password")).await.unwrap();
    pw.send_keys("wrong-password-here").await.unwrap();
    pw.send_keys(&Key::Enter.to_string()).await.unwrap();
    let alert = c
        .wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .unwrap();
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
    c.wait()
        .for_element(Locator::Css("html[data-hydrated='true']"))
        .await
        .unwrap();
    let search = c.find(Locator::Id("q")).await.unwrap();
    search.send_keys("mistet kodevis").await.unwrap();
    // Suggestions appear while typing.
    let suggestion = c
        .wait()
        .for_element(Locator::Css(
            "#q-suggestions a[href='/hjaelp/mistet-kodeviser']",
        ))
        .await
        .unwrap();
    browser.screenshot("front-page-suggestions").await;
    suggestion.click().await.unwrap();
    let h1 = c
        .wait()
        .for_element(Locator::Css("h1#article-title"))
        .await
        .unwrap();
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
    c.wait()
        .for_element(Locator::Css("ol.results"))
        .await
        .unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/soeg");
    browser.screenshot("search-results").await;
    browser.close().await;
}

//! The citizens' help pages over plain HTTP (no JavaScript).

use desk_tests::web::{csrf_in, location};
use desk_tests::{TestServer, WebClient};
use reqwest::StatusCode;

#[tokio::test]
async fn the_search_form_works_without_javascript() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let (status, html) = web.page("/soeg?q=mistet+kodeviser").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"href="/hjaelp/mistet-kodeviser?fra=soeg""#),
        "{html}"
    );
    assert!(html.contains("<b>"), "snippets are highlighted");
    assert!(
        html.contains(r#"value="mistet kodeviser""#),
        "the query stays in the box"
    );

    // Typos and colloquial words.
    for (query, slug) in [
        ("spærrning+kodevisr", "mistet-kodeviser"),
        ("papkort", "nemid-virker-ikke-laengere"),
        ("glemt+bruger+id", "glemt-bruger-id"),
        ("lost+phone", "lost-phone-mitid-app"),
    ] {
        let (_, html) = web.page(&format!("/soeg?q={query}")).await;
        assert!(
            html.contains(&format!("/hjaelp/{slug}")),
            "{query} should find {slug}"
        );
    }
}

#[tokio::test]
async fn results_can_be_narrowed_to_one_system() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let (_, html) = web.page("/soeg?q=fuldmagt").await;
    assert!(html.contains("Alle områder"));
    assert!(
        html.contains("system=borger-dk"),
        "facet links per system: {html}"
    );
    let (status, html) = web.page("/soeg?system=nemkonto").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Vejledninger om NemKonto"));
    assert!(html.contains("/hjaelp/nemkonto-skift-konto"));
    assert!(!html.contains("/hjaelp/mistet-kodeviser"));
}

#[tokio::test]
async fn a_search_without_results_offers_the_way_to_a_person() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let (status, html) = web.page("/soeg?q=xyzzyqwv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Vi fandt ingen vejledning"));
    assert!(html.contains("33 98 00 10"));
}

#[tokio::test]
async fn article_pages_render_the_guide_with_related_articles() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let (status, html) = web.page("/hjaelp/mistet-kodeviser").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<h1 id="article-title">"#));
    assert!(html.contains("Relaterede vejledninger"));
    assert!(html.contains("Hjalp vejledningen dig?"));
    assert!(
        html.contains("Read this in English"),
        "link to the English version"
    );
    assert!(!html.contains("<script>alert"), "sanitised");

    let (status, html) = web.page("/hjaelp/lost-code-display").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"<article lang="en""#),
        "English article marked as English"
    );
    assert!(html.contains("Læs på dansk"));
}

#[tokio::test]
async fn staff_articles_and_unknown_slugs_are_not_found_for_citizens() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    for path in ["/hjaelp/staff-spaerring-tjekliste", "/hjaelp/findes-ikke"] {
        let (status, html) = web.page(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("Siden findes ikke"));
    }
    let (_, html) = web.page("/soeg?q=tjekliste+spærring+supporter").await;
    assert!(
        !html.contains("staff-spaerring-tjekliste"),
        "staff articles never appear in citizen search"
    );
}

#[tokio::test]
async fn did_this_help_is_recorded_without_javascript() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let (_, html) = web.page("/hjaelp/glemt-bruger-id").await;
    let token = csrf_in(&html).expect("feedback form token");
    let id = regex::Regex::new(r#"name="article_id" value="(\d+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_owned();
    let res = web
        .post_form(
            "/api/help/feedback",
            &[
                ("csrf_token", &token),
                ("article_id", &id),
                ("slug", "glemt-bruger-id"),
                ("helpful", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(
        location(&res).as_deref(),
        Some("/hjaelp/glemt-bruger-id?tak=1#feedback")
    );
    let (_, html) = web.follow(res).await;
    assert!(html.contains("Tak for din tilbagemelding."));

    // Feedback for an article that does not exist changes nothing and says so.
    let res = web
        .post_data(
            "/api/help/feedback",
            &[
                ("csrf_token", &token),
                ("article_id", "999999"),
                ("slug", "x"),
                ("helpful", "false"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_search_api_answers_as_you_type() {
    let server = TestServer::start().await;
    let web = WebClient::new(&server);
    let res = web.api_get("/api/help/search?q=kodevi&limit=5").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    let slugs: Vec<&str> = body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["slug"].as_str().unwrap())
        .collect();
    assert!(
        slugs.len() <= 5 && slugs.iter().any(|s| s.contains("kodeviser")),
        "{slugs:?}"
    );
}

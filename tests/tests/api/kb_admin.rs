//! The administrators' knowledge-base editor over plain HTTP (no JavaScript): plain forms that
//! answer with redirects.

use desk_tests::web::{csrf_in, form_with, location};
use desk_tests::{TestServer, WebClient, demo};
use regex::Regex;
use reqwest::StatusCode;

const SLUG: &str = "zyxkvark-brik-virker-ikke";
const WORD: &str = "zyxkvark";

/// An admin's client, logged in.
async fn admin(server: &TestServer) -> WebClient {
    let web = WebClient::new(server);
    let res = web.login(demo::ADMIN).await;
    assert_eq!(location(&res).as_deref(), Some("/admin"));
    web
}

/// The CSRF token from a page's forms.
async fn token_from(web: &WebClient, path: &str) -> String {
    let (status, html) = web.page(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    csrf_in(&html).unwrap_or_else(|| panic!("{path} has no csrf_token field"))
}

/// The fields of a valid article form; `extra` replaces or adds fields.
fn article_form<'a>(token: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let fields = vec![
        ("csrf_token", token),
        ("title", "Zyxkvark-brikken virker ikke"),
        (
            "summary",
            "Sådan får du zyxkvark-brikken til at virke igen.",
        ),
        (
            "body",
            "Zyxkvark-brikken kan holde op med at virke.\r\n\r\n## Sådan gør du\r\n\r\n1. Sluk brikken\r\n2. Tænd den igen\r\n",
        ),
        ("systems[]", "MitID"),
        ("audience", "public"),
        ("tags", "zyxkvark, brik"),
        ("sources", "https://www.mitid.dk/"),
        ("translation_of", ""),
        ("status", "draft"),
    ];
    form_with(fields, extra)
}

/// Saves the article form with `extra`, as a browser without JavaScript does, with the CSRF
/// token of the editor page `editor` (which must open).
async fn save_from(web: &WebClient, editor: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let token = token_from(web, editor).await;
    web.post_form("/api/admin/kb/save", &article_form(&token, extra))
        .await
}

/// The article id in a redirect to the editor after a successful save.
fn saved_id(res: &reqwest::Response) -> String {
    let to = location(res).expect("a redirect");
    Regex::new(r"^/admin/vidensbase/(\d+)\?(gemt|uaendret)=1$")
        .unwrap()
        .captures(&to)
        .unwrap_or_else(|| panic!("not a redirect to the saved article: {to}"))[1]
        .to_owned()
}

/// The `<tr>` of the article list that shows `slug`.
fn list_row<'a>(html: &'a str, slug: &str) -> Option<&'a str> {
    let start = html.find(&format!(r#"data-slug="{slug}""#))?;
    let end = html[start..].find("</tr>")? + start;
    Some(&html[start..end])
}

/// True when the diff has a line of `class` ("diff-removed" or "diff-added") showing `line`.
fn diff_has(html: &str, class: &str, line: &str) -> bool {
    let open = format!(r#"<li class="{class}">"#);
    html.match_indices(&open).any(|(start, _)| {
        let item = &html[start..];
        let item = &item[..item.find("</li>").unwrap_or(item.len())];
        item.contains(&format!("{line}</del>")) || item.contains(&format!("{line}</ins>"))
    })
}

fn without_fragment(path: &str) -> &str {
    path.split('#').next().unwrap_or(path)
}

#[tokio::test]
async fn anonymous_visitors_and_other_roles_are_refused() {
    let server = TestServer::start().await;

    let anonymous = WebClient::new(&server);
    for api in [
        "/api/admin/kb/articles",
        "/api/admin/kb/insights",
        "/api/admin/kb/editor?id=1",
    ] {
        let res = anonymous.api_get(api).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{api}");
    }
    for page in [
        "/admin/vidensbase",
        "/admin/vidensbase/ny",
        "/admin/vidensbase/1",
    ] {
        let res = anonymous.get(page).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{page}");
        assert_eq!(
            location(&res),
            Some(format!("/login?next={page}")),
            "{page}"
        );
    }
    let token = anonymous.csrf_token().await;
    let res = anonymous
        .post_data(
            "/api/admin/kb/save",
            &article_form(&token, &[("slug", SLUG), ("lang", "da")]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    for login in [demo::SUPPORTER, demo::BORGERSERVICE] {
        let web = WebClient::logged_in(&server, login).await;
        for api in ["/api/admin/kb/articles", "/api/admin/kb/insights"] {
            let res = web.api_get(api).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{login:?} {api}");
        }
        for page in [
            "/admin/vidensbase",
            "/admin/vidensbase/ny",
            "/admin/vidensbase/1",
        ] {
            let (status, html) = web.page(page).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{login:?} {page}");
            assert!(html.contains("Ingen adgang"));
            assert!(!html.contains(r#"name="systems[]""#), "no editor form");
        }
        let (_, html) = web.page("/").await;
        assert!(
            !html.contains(r#"href="/admin/vidensbase""#),
            "no link for other roles"
        );
        let token = csrf_in(&html).expect("logout form token");
        let fields = article_form(&token, &[("slug", SLUG), ("lang", "da")]);
        let res = web.post_data("/api/admin/kb/save", &fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        // A plain form post is refused too (sent back, nothing saved).
        let res = web.post_form("/api/admin/kb/save", &fields).await;
        assert_eq!(res.status(), StatusCode::FOUND);
    }

    let admin = admin(&server).await;
    let (_, html) = admin.page("/admin/vidensbase").await;
    assert!(list_row(&html, SLUG).is_none(), "nothing was created");
}

#[tokio::test]
async fn admins_see_every_article_and_can_filter() {
    let server = TestServer::start().await;
    let web = admin(&server).await;

    let (status, html) = web.page("/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"<a href="/admin/vidensbase">Vidensbase</a>"#),
        "header and landing page link to the editor: {html}"
    );

    let (status, html) = web.page("/admin/vidensbase").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Vidensbase</h1>"));
    assert!(html.contains(r#"href="/admin/vidensbase/ny""#));
    assert!(html.contains("Ny vejledning"));
    assert!(html.contains("Søgninger uden resultat"));
    assert!(html.contains(r#"<label for="filter-status">"#));
    for slug in [
        "mistet-kodeviser",
        "lost-code-display",
        "staff-spaerring-tjekliste",
    ] {
        let row = list_row(&html, slug).unwrap_or_else(|| panic!("{slug} is listed"));
        assert!(row.contains(r#"href="/admin/vidensbase/"#), "{row}");
        assert!(row.contains("Publiceret"), "{row}");
        assert!(row.contains("seed"), "updated by: {row}");
    }

    let (_, english) = web.page("/admin/vidensbase?lang=en").await;
    assert!(list_row(&english, "lost-code-display").is_some());
    assert!(list_row(&english, "mistet-kodeviser").is_none());
    assert!(english.contains(r#"<option value="en" selected"#));

    let (_, drafts) = web.page("/admin/vidensbase?status=draft").await;
    assert!(list_row(&drafts, "mistet-kodeviser").is_none());
    assert!(drafts.contains("Ingen vejledninger passer til filteret."));

    let res = web
        .api_get("/api/admin/kb/articles?status=published&lang=da")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let rows: serde_json::Value = res.json().await.unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows.len() >= 30, "{}", rows.len());
    assert!(
        rows.iter()
            .all(|r| r["lang"] == "da" && r["status"] == "published")
    );
}

#[tokio::test]
async fn a_draft_is_hidden_until_published_and_every_save_is_a_version() {
    let server = TestServer::start().await;
    let web = admin(&server).await;
    let citizen = WebClient::new(&server);

    // The new-article form.
    let (status, html) = web.page("/admin/vidensbase/ny").await;
    assert_eq!(status, StatusCode::OK);
    for label in [
        r#"<label for="kb-slug">"#,
        r#"<label for="kb-title">"#,
        r#"<label for="kb-body">"#,
        r#"<label for="kb-system-mitid">"#,
        r#"<label for="kb-status-draft">"#,
    ] {
        assert!(html.contains(label), "{label}");
    }
    let token = csrf_in(&html).unwrap();

    // Create a draft.
    let res = web
        .post_form(
            "/api/admin/kb/save",
            &article_form(&token, &[("slug", SLUG), ("lang", "da")]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let id = saved_id(&res);
    let editor = format!("/admin/vidensbase/{id}");
    let (status, html) = web.follow(res).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Vejledningen er gemt som version 1."),
        "{html}"
    );
    assert!(html.contains("Kladde"));
    assert!(html.contains("Der er kun én version endnu"));
    assert!(
        html.contains("<li>Sluk brikken</li>"),
        "the preview renders the Markdown"
    );

    // Citizens see nothing of a draft.
    let (status, _) = citizen.page(&format!("/hjaelp/{SLUG}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, html) = citizen.page(&format!("/soeg?q={WORD}")).await;
    assert!(!html.contains(SLUG));
    assert!(html.contains("Vi fandt ingen vejledning"));

    // Publish it.
    let published = |version| {
        [
            ("id", id.as_str()),
            ("version", version),
            ("status", "published"),
        ]
    };
    let res = save_from(&web, &editor, &published("1")).await;
    assert_eq!(saved_id(&res), id);
    let (_, html) = web.follow(res).await;
    assert!(html.contains("Vejledningen er gemt som version 2."));
    assert!(html.contains(&format!(r#"href="/hjaelp/{SLUG}""#)));
    assert!(html.contains("Fra version 1 til version 2"));
    assert!(html.contains("Status: Kladde") && html.contains("Status: Publiceret"));

    let (status, html) = citizen.page(&format!("/hjaelp/{SLUG}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Zyxkvark-brikken virker ikke"));
    assert!(html.contains("<li>Tænd den igen</li>"));
    let (_, html) = citizen.page(&format!("/soeg?q={WORD}")).await;
    assert!(
        html.contains(&format!(r#"href="/hjaelp/{SLUG}?fra=soeg""#)),
        "published articles are searchable at once: {html}"
    );

    // Edit the title and one line of the body.
    let edited = |version| {
        let mut fields = published(version).to_vec();
        fields.extend([
            ("title", "Zyxkvark-brikken reagerer ikke"),
            (
                "body",
                "Zyxkvark-brikken kan holde op med at virke.\n\n## Sådan gør du\n\n1. Sluk brikken\n2. Vent et minut, og tænd den igen\n",
            ),
            ("systems[]", "Virk"),
        ]);
        fields
    };
    let res = save_from(&web, &editor, &edited("2")).await;
    assert_eq!(saved_id(&res), id);
    let (_, html) = web.follow(res).await;
    assert!(html.contains("Vejledningen er gemt som version 3."));
    assert!(html.contains("Fra version 2 til version 3"));
    for (class, line) in [
        ("diff-removed", "Zyxkvark-brikken virker ikke"),
        ("diff-added", "Zyxkvark-brikken reagerer ikke"),
        ("diff-removed", "2. Tænd den igen"),
        ("diff-added", "2. Vent et minut, og tænd den igen"),
        ("diff-removed", "Systemer: MitID"),
        ("diff-added", "Systemer: MitID, Virk"),
    ] {
        assert!(diff_has(&html, class, line), "{class} {line:?} in the diff");
    }
    // The history has every version, newest first.
    let versions: Vec<String> = Regex::new(r#"<tr class="kb-version"><td class="num">(\d+)</td>"#)
        .unwrap()
        .captures_iter(&html)
        .map(|c| c[1].to_owned())
        .collect();
    assert_eq!(versions, vec!["3", "2", "1"]);

    let (_, html) = citizen.page(&format!("/hjaelp/{SLUG}")).await;
    assert!(html.contains("Zyxkvark-brikken reagerer ikke"));

    // Saving the same again makes no new version.
    let res = save_from(&web, &editor, &edited("3")).await;
    assert_eq!(
        location(&res),
        Some(format!("/admin/vidensbase/{id}?uaendret=1"))
    );

    let (_, html) = web.page("/admin/vidensbase").await;
    let row = list_row(&html, SLUG).expect("the new article is listed");
    assert!(row.contains("Zyxkvark-brikken reagerer ikke"));
    assert!(row.contains(r#"<td class="num">3</td>"#), "{row}");
    assert!(row.contains("Publiceret") && row.contains("admin"), "{row}");

    // Archiving takes it away from citizens again.
    let res = save_from(
        &web,
        &editor,
        &[
            ("id", id.as_str()),
            ("version", "3"),
            ("status", "archived"),
        ],
    )
    .await;
    assert_eq!(saved_id(&res), id);
    let (status, _) = citizen.page(&format!("/hjaelp/{SLUG}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, html) = citizen.page(&format!("/soeg?q={WORD}")).await;
    assert!(!html.contains(SLUG));
}

#[tokio::test]
async fn invalid_input_is_explained_and_changes_nothing() {
    let server = TestServer::start().await;
    let web = admin(&server).await;
    let (_, before) = web.page("/admin/vidensbase").await;
    let count =
        Regex::new(r#"<caption id="kb-articles-caption">(\d+) vejledninger</caption>"#).unwrap();
    let articles_before = count.captures(&before).unwrap()[1].to_owned();

    // A bad slug and no system, posted as a browser without JavaScript does.
    let token = token_from(&web, "/admin/vidensbase/ny").await;
    let mut fields = article_form(&token, &[("slug", "Dårligt Slug!"), ("lang", "da")]);
    fields.retain(|(name, _)| *name != "systems[]");
    let res = web.post_form("/api/admin/kb/save", &fields).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = location(&res).unwrap();
    assert!(back.starts_with("/admin/vidensbase/ny?utkast="), "{back}");
    assert!(back.ends_with("#fejl"), "{back}");
    let (status, html) = web.page(without_fragment(&back)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<title>Fejl: Ny vejledning"), "{html}");
    assert!(
        html.contains(r#"<div id="fejl" role="alert""#),
        "error summary"
    );
    assert!(html.contains("Vejledningen blev ikke gemt"));
    assert!(html.contains(r##"<a href="#kb-slug">Slugget må kun indeholde"##));
    assert!(html.contains(r##"<a href="#kb-system-mitid">Vælg mindst ét system.</a>"##));
    assert!(
        html.contains(r#"id="kb-slug-error""#),
        "the error sits by the field"
    );
    assert!(html.contains(r#"aria-describedby="kb-slug-hint kb-slug-error" aria-invalid="true""#));
    assert!(
        html.contains(r#"value="Dårligt Slug!""#)
            && html.contains(r#"value="Zyxkvark-brikken virker ikke""#),
        "what was typed is kept"
    );
    assert!(html.contains("<h2>Sådan gør du</h2>") || html.contains("## Sådan gør du"));

    // The same in English for an English-speaking admin.
    web.get("/lang/en?next=/").await;
    let (_, html) = web.page(without_fragment(&back)).await;
    assert!(html.contains("Choose at least one system."));
    web.get("/lang/da?next=/").await;

    // Called as an API, the first problem comes back as 422.
    let res = web.post_data("/api/admin/kb/save", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains(r#""field":"slug""#));

    // An existing slug cannot be taken by a new article.
    let res = web
        .post_form(
            "/api/admin/kb/save",
            &article_form(&token, &[("slug", "mistet-kodeviser"), ("lang", "da")]),
        )
        .await;
    let (_, html) = web.page(without_fragment(&location(&res).unwrap())).await;
    assert!(html.contains("Der findes allerede en vejledning med dette slug"));

    // Nothing was created.
    let (_, after) = web.page("/admin/vidensbase").await;
    assert_eq!(count.captures(&after).unwrap()[1], articles_before);
    assert!(!after.contains("Dårligt Slug"));
    assert!(!after.contains("Zyxkvark"));

    // An existing article: an emptied title and no system change nothing either.
    let row = list_row(&after, "glemt-bruger-id").unwrap();
    let id = Regex::new(r#"href="/admin/vidensbase/(\d+)""#)
        .unwrap()
        .captures(row)
        .unwrap()[1]
        .to_owned();
    let editor = format!("/admin/vidensbase/{id}");
    let (_, html) = web.page(&editor).await;
    assert!(html.contains("Der er kun én version endnu"));
    let token = csrf_in(&html).unwrap();
    let mut fields = article_form(
        &token,
        &[
            ("id", id.as_str()),
            ("version", "1"),
            ("title", "  "),
            ("status", "published"),
        ],
    );
    fields.retain(|(name, _)| *name != "systems[]");
    let res = web.post_form("/api/admin/kb/save", &fields).await;
    let back = location(&res).unwrap();
    assert!(back.starts_with(&format!("{editor}?utkast=")), "{back}");
    let (_, html) = web.page(without_fragment(&back)).await;
    assert!(html.contains(r##"<a href="#kb-title">Skriv en titel.</a>"##));
    assert!(html.contains(r##"<a href="#kb-system-mitid">Vælg mindst ét system.</a>"##));
    let (_, html) = web.page(&editor).await;
    assert!(
        html.contains("Der er kun én version endnu"),
        "no new version"
    );
    let citizen = WebClient::new(&server);
    let (status, html) = citizen.page("/hjaelp/glemt-bruger-id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Zyxkvark"));

    // Saving on top of someone else's newer version is refused and says so.
    let res = web
        .post_form(
            "/api/admin/kb/save",
            &article_form(&token, &[("id", id.as_str()), ("version", "0")]),
        )
        .await;
    let (_, html) = web.page(without_fragment(&location(&res).unwrap())).await;
    assert!(html.contains("Vejledningen er blevet gemt af en anden"));
    assert!(html.contains(r##"<a href="#versions">"##));
}

#[tokio::test]
async fn searches_without_results_and_feedback_reach_the_list() {
    let server = TestServer::start().await;
    let citizen = WebClient::new(&server);

    for _ in 0..2 {
        let (_, html) = citizen.page("/soeg?q=qwxzyv+blorpf").await;
        assert!(html.contains("Vi fandt ingen vejledning"));
    }
    let (_, html) = citizen.page("/soeg?q=grnxq").await;
    assert!(html.contains("Vi fandt ingen vejledning"));

    let (_, html) = citizen.page("/hjaelp/glemt-bruger-id").await;
    let token = csrf_in(&html).unwrap();
    let article_id = Regex::new(r#"name="article_id" value="(\d+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_owned();
    for helpful in ["true", "false", "false"] {
        let res = citizen
            .post_form(
                "/api/help/feedback",
                &[
                    ("csrf_token", &token),
                    ("article_id", &article_id),
                    ("slug", "glemt-bruger-id"),
                    ("helpful", helpful),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FOUND);
    }

    let web = admin(&server).await;
    let (_, html) = web.page("/admin/vidensbase").await;
    let misses = &html[html.find("Søgninger uden resultat").unwrap()..];
    let first = misses.find("qwxzyv blorpf").expect("the miss is listed");
    let second = misses.find("grnxq").expect("the other miss is listed");
    assert!(first < second, "most frequent first");
    let row = &misses[first..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(r#"<td class="num">2</td>"#), "{row}");
    assert!(row.contains("Dansk"), "{row}");

    let row = list_row(&html, "glemt-bruger-id").unwrap();
    assert!(
        row.contains(r#"<td class="num helpful-yes">1</td>"#),
        "{row}"
    );
    assert!(
        row.contains(r#"<td class="num helpful-no">2</td>"#),
        "{row}"
    );
    let unhelpful = &html[html.find(r#"id="unhelpful-title""#).unwrap()..];
    assert!(
        unhelpful.contains(&format!(r#"href="/admin/vidensbase/{article_id}""#)),
        "the article with the most no is listed"
    );

    let insights = web.get_json("/api/admin/kb/insights").await;
    assert_eq!(insights["misses"][0]["query"], "qwxzyv blorpf");
    assert_eq!(insights["misses"][0]["count"], 2);
    assert_eq!(insights["unhelpful"][0]["helpful_no"], 2);
}

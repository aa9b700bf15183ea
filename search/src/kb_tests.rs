use super::schema::sort_key;
use super::*;

#[allow(clippy::too_many_arguments)]
fn article(
    id: i64,
    slug: &str,
    lang: &str,
    audience: &str,
    systems: &[&str],
    tags: &[&str],
    title: &str,
    summary: &str,
    body: &str,
) -> ArticleDoc {
    ArticleDoc {
        id,
        slug: slug.into(),
        lang: lang.into(),
        title: title.into(),
        summary: summary.into(),
        body: body.into(),
        systems: systems.iter().map(|s| s.to_string()).collect(),
        audience: audience.into(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
    }
}

fn corpus() -> Vec<ArticleDoc> {
    vec![
        article(
            1,
            "kodeviser",
            "da",
            "public",
            &["MitID"],
            &["kodeviser", "dims", "uden smartphone"],
            "Kodeviser: Sådan virker den",
            "En kodeviser er en lille dims, der viser en kode på 6 cifre.",
            "Kodeviseren er til dig, der ikke har en smartphone. Tænd kodeviseren, skriv koden \
             på 6 cifre og din adgangskode. De første tre kodevisere er gratis.",
        ),
        article(
            2,
            "mistet-kodeviser",
            "da",
            "public",
            &["MitID"],
            &["kodeviser", "mistet", "stjålet", "spærring"],
            "Jeg har mistet min kodeviser",
            "Har du mistet din kodeviser, eller er den stjålet? Spær den med det samme.",
            "Spær kodeviseren på MitID.dk, eller ring til MitID Support. Bestil derefter en ny \
             kodeviser.",
        ),
        article(
            3,
            "aktiveringskode",
            "da",
            "public",
            &["MitID"],
            &["aktiveringskode", "aktivering"],
            "Aktiveringskoder til MitID",
            "En aktiveringskode bruger du, når du tager et nyt loginmiddel i brug.",
            "Du kan få en aktiveringskode hos Borgerservice eller MitID Support. Koden virker i \
             en begrænset tid.",
        ),
        article(
            4,
            "midlertidig-spaerring",
            "da",
            "public",
            &["MitID"],
            &["spærring", "misbrug"],
            "Midlertidig spærring af hele din MitID",
            "Tror du, at nogen misbruger din MitID? Så kan du spærre den midlertidigt.",
            "En midlertidig spærring stopper al brug af din MitID. Du ophæver spærringen på \
             MitID.dk.",
        ),
        article(
            5,
            "nemid-virker-ikke",
            "da",
            "public",
            &["MitID"],
            &["nemid", "nem id", "papkort", "nøglekort"],
            "NemID virker ikke længere",
            "NemID er lukket, og dit nøglekort af papir virker ikke mere.",
            "NemID lukkede i 2023. Du skal bruge MitID i stedet. Smid dit gamle nøglekort ud.",
        ),
        article(
            6,
            "mistet-telefon",
            "da",
            "public",
            &["MitID"],
            &["mistet", "telefon", "app", "spærring"],
            "Jeg har mistet min telefon med MitID-appen",
            "Spær appen og dit SIM-kort med det samme.",
            "Har du mistet din telefon, så spær MitID-appen på MitID.dk og dit SIM-kort hos dit \
             teleselskab.",
        ),
        article(
            7,
            "lost-phone",
            "en",
            "public",
            &["MitID"],
            &["lost phone", "block", "mitid app"],
            "I have lost my phone with the MitID app",
            "Block the MitID app and your SIM card at once.",
            "Have you lost your phone? Block the MitID app on MitID.dk and your SIM card with \
             your phone company.",
        ),
        article(
            8,
            "glemt-adgangskode",
            "da",
            "public",
            &["MitID"],
            &["adgangskode", "glemt", "password"],
            "Jeg har glemt min adgangskode",
            "Har du glemt din adgangskode til kodeviser eller kodeoplæser? Ring til MitID \
             Support.",
            "MitID Support kan hjælpe dig med en ny adgangskode, når de har sikret sig, at det \
             er dig.",
        ),
        article(
            9,
            "digital-post-fritagelse",
            "da",
            "public",
            &["Digital Post"],
            &["fritagelse", "papirpost"],
            "Fritagelse for Digital Post",
            "Du kan blive fritaget for Digital Post hos Borgerservice.",
            "Så får du din post fra det offentlige på papir. Fritagelsen gælder, til du selv \
             melder dig til igen.",
        ),
        article(
            10,
            "nemkonto-skift",
            "da",
            "public",
            &["NemKonto", "MitID"],
            &["nemkonto", "skift konto"],
            "Skift din NemKonto",
            "Kun du selv kan skifte din NemKonto, i banken eller på nemkonto.dk.",
            "Log ind på nemkonto.dk med MitID, eller bed din bank om at skifte den.",
        ),
        article(
            11,
            "staff-spaerring-tjekliste",
            "da",
            "staff",
            &["MitID"],
            &["spærring", "tjekliste", "supporter"],
            "Tjekliste: akut opkald om spærring",
            "Supporterens tjekliste til akutte spærringer.",
            "Identificér borgeren i telefonen, vælg hvad der spærres, registrér og bekræft.",
        ),
        article(
            12,
            "kodeoplaeser",
            "da",
            "public",
            &["MitID"],
            &["kodeoplæser", "blind", "svagsynet"],
            "Kodeoplæser til blinde og svagsynede",
            "Kodeoplæseren læser din MitID-kode højt.",
            "Kodeoplæseren har en rød knap, du kan mærke, og stik til hovedtelefoner.",
        ),
        article(
            13,
            "borger-dk-log-ind",
            "da",
            "public",
            &["borger.dk", "MitID"],
            &["borger.dk", "log ind"],
            "Log ind på borger.dk",
            "Du logger ind på borger.dk med dit MitID.",
            "Du kan bruge MitID-appen. Har du ikke en smartphone, kan du bruge en kodeviser \
             eller en kodeoplæser. Vælg borger.dk, og tryk på Log ind.",
        ),
    ]
}

fn index() -> KbIndex {
    let kb = KbIndex::create_in_ram().expect("index");
    for doc in corpus() {
        kb.upsert(&doc).expect("upsert");
    }
    kb.commit().expect("commit");
    kb
}

fn search(kb: &KbIndex, request: SearchRequest) -> SearchResults {
    kb.search(&request).expect("search")
}

/// Slugs of a citizen's search for `query`, best first.
fn slugs(kb: &KbIndex, query: &str) -> Vec<String> {
    search(kb, SearchRequest::new(query))
        .hits
        .into_iter()
        .map(|h| h.slug)
        .collect()
}

fn first(kb: &KbIndex, query: &str) -> String {
    slugs(kb, query).into_iter().next().unwrap_or_default()
}

#[test]
fn exact_query_finds_the_article_first() {
    let kb = index();
    assert_eq!(kb.doc_count(), 13);
    assert_eq!(first(&kb, "aktiveringskode "), "aktiveringskode");
    assert_eq!(first(&kb, "Skift NemKonto "), "nemkonto-skift");
    assert_eq!(
        first(&kb, "fritagelse digital post "),
        "digital-post-fritagelse"
    );
}

#[test]
fn typos_still_find_the_article() {
    let kb = index();
    assert!(
        ["kodeviser", "mistet-kodeviser"].contains(&first(&kb, "kodevisr ").as_str()),
        "{:?}",
        slugs(&kb, "kodevisr ")
    );
    assert_eq!(first(&kb, "spærrning "), "midlertidig-spaerring");
    assert_eq!(first(&kb, "aktiveringskde "), "aktiveringskode");
    assert_eq!(first(&kb, "glemt adgangskdoe "), "glemt-adgangskode");
}

#[test]
fn exact_match_outscores_a_typo_match() {
    let kb = index();
    // "kodeviser" is a word of the index and one edit from nothing else; "kodevisr" only
    // matches by typo: the same articles, but the exact search scores higher.
    let exact = search(&kb, SearchRequest::new("kodeviser "));
    let typo = search(&kb, SearchRequest::new("kodevisr "));
    assert!(exact.hits[0].score > typo.hits[0].score);
}

#[test]
fn colloquial_words_find_the_article() {
    let kb = index();
    assert_eq!(first(&kb, "papkort"), "nemid-virker-ikke");
    assert_eq!(first(&kb, "nem id virker ikke"), "nemid-virker-ikke");
    assert_eq!(first(&kb, "mistet dims"), "mistet-kodeviser");
    assert_eq!(first(&kb, "noeglekort "), "nemid-virker-ikke");
    assert_eq!(first(&kb, "kodeoplaeser "), "kodeoplaeser");
}

#[test]
fn english_queries_find_danish_and_english_articles() {
    let kb = index();
    let lost = slugs(&kb, "lost phone");
    assert!(lost[..2].contains(&"lost-phone".to_string()), "{lost:?}");
    assert!(
        lost[..2].contains(&"mistet-telefon".to_string()),
        "{lost:?}"
    );
    assert_eq!(first(&kb, "forgot password"), "glemt-adgangskode");
    assert_eq!(
        first(&kb, "exemption digital post"),
        "digital-post-fritagelse"
    );
    assert_eq!(first(&kb, "audio code reader"), "kodeoplaeser");
}

#[test]
fn language_filter() {
    let kb = index();
    let mut request = SearchRequest::new("lost phone");
    request.lang = Some("da".into());
    let results = search(&kb, request);
    assert_eq!(results.hits[0].slug, "mistet-telefon");
    assert!(results.hits.iter().all(|h| h.lang == "da"));
}

#[test]
fn last_word_matches_as_a_prefix_while_typing() {
    let kb = index();
    let results = search(&kb, SearchRequest::new("kodevi"));
    let top: Vec<_> = results
        .hits
        .iter()
        .take(2)
        .map(|h| h.slug.as_str())
        .collect();
    assert!(top.contains(&"kodeviser"), "{top:?}");
    assert!(
        results.hits[0].snippet_html.contains("<b>"),
        "{:?}",
        results.hits[0]
    );
    // Once the word is finished it no longer matches as a prefix.
    assert!(search(&kb, SearchRequest::new("kodevi ")).hits.is_empty());
    assert_eq!(first(&kb, "aktiv"), "aktiveringskode");
}

#[test]
fn title_match_outranks_body_only_match() {
    let kb = index();
    let found = slugs(&kb, "kodeviser ");
    let position = |slug: &str| found.iter().position(|s| s == slug);
    let body_only = position("borger-dk-log-ind").expect("body match found");
    assert!(
        position("kodeviser").expect("title match") < body_only,
        "{found:?}"
    );
    assert!(
        position("mistet-kodeviser").expect("title match") < body_only,
        "{found:?}"
    );
}

#[test]
fn audience_filter_hides_staff_articles() {
    let kb = index();
    assert!(slugs(&kb, "tjekliste").is_empty());
    let public = search(&kb, SearchRequest::new("spærring"));
    assert!(public.hits.iter().all(|h| h.audience == "public"));
    let mut staff = SearchRequest::new("tjekliste");
    staff.audience = Audience::All;
    let results = search(&kb, staff);
    assert_eq!(results.hits[0].slug, "staff-spaerring-tjekliste");
    assert_eq!(results.hits[0].audience, "staff");
}

#[test]
fn system_filter_and_facet_counts() {
    let kb = index();
    // Empty query: every public article, counted per system.
    let all = search(&kb, SearchRequest::default());
    assert_eq!(all.total, 12);
    assert_eq!(
        all.facets,
        [
            ("MitID".to_string(), 11),
            ("Digital Post".to_string(), 1),
            ("NemKonto".to_string(), 1),
            ("borger.dk".to_string(), 1),
        ]
    );

    // A system filter narrows the hits, not the facets.
    let mut request = SearchRequest::new("skift ");
    request.system = Some("nemkonto".into());
    let results = search(&kb, request);
    assert_eq!(results.total, 1);
    assert_eq!(results.hits[0].slug, "nemkonto-skift");
    assert_eq!(results.hits[0].systems, ["NemKonto", "MitID"]);

    let mut request = SearchRequest::new("spærring ");
    let unfiltered = search(&kb, request.clone());
    request.system = Some("Digital Post".into());
    let filtered = search(&kb, request);
    assert_eq!(filtered.total, 0);
    assert_eq!(filtered.facets, unfiltered.facets);
    let mitid = unfiltered.facets.iter().find(|(s, _)| s == "MitID");
    assert_eq!(mitid.map(|(_, n)| *n as usize), Some(unfiltered.total));
}

#[test]
fn empty_query_with_a_system_lists_its_articles_by_title() {
    let kb = index();
    let request = SearchRequest {
        system: Some("MitID".into()),
        limit: 100,
        ..SearchRequest::default()
    };
    let results = search(&kb, request);
    assert_eq!(results.total, 11);
    let titles: Vec<_> = results.hits.iter().map(|h| h.title.clone()).collect();
    let mut sorted = titles.clone();
    sorted.sort_by_key(|t| sort_key(t));
    assert_eq!(titles, sorted);
    assert_eq!(titles[0], "Aktiveringskoder til MitID");
    assert!(results.hits.iter().all(|h| h.score == 0.0));
}

#[test]
fn sort_key_is_danish() {
    let mut titles = vec!["Åbningstider", "Zebra", "Øre", "æble", "Borger"];
    titles.sort_by_key(|t| sort_key(t));
    assert_eq!(titles, ["Borger", "Zebra", "æble", "Øre", "Åbningstider"]);
}

#[test]
fn paging() {
    let kb = index();
    let all = search(&kb, SearchRequest::new("mitid "));
    assert!(all.hits.len() >= 3);
    let mut request = SearchRequest::new("mitid ");
    request.offset = 1;
    request.limit = 2;
    let page = search(&kb, request);
    assert_eq!(page.total, all.total);
    assert_eq!(page.hits.len(), 2);
    assert_eq!(page.hits[0].id, all.hits[1].id);
    assert_eq!(page.hits[1].id, all.hits[2].id);

    let mut request = SearchRequest::new("mitid ");
    request.offset = usize::MAX;
    request.limit = usize::MAX;
    let beyond = search(&kb, request);
    assert!(beyond.hits.is_empty());
    assert_eq!(beyond.total, all.total);

    let mut request = SearchRequest::new("mitid ");
    request.limit = 0;
    let counted = search(&kb, request);
    assert!(counted.hits.is_empty());
    assert_eq!(counted.total, all.total);
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let kb = index();
    let mut changed = corpus().remove(2);
    changed.title = "Aktiveringskoder og udløbstid".into();
    kb.upsert(&changed).expect("upsert");
    kb.upsert(&changed).expect("upsert twice");
    kb.commit().expect("commit");
    assert_eq!(kb.doc_count(), 13);
    let found = search(&kb, SearchRequest::new("udløbstid "));
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].title, "Aktiveringskoder og udløbstid");
    assert_eq!(
        search(&kb, SearchRequest::new("aktiveringskode "))
            .hits
            .iter()
            .filter(|h| h.id == 3)
            .count(),
        1
    );

    kb.delete(3).expect("delete");
    kb.commit().expect("commit");
    assert_eq!(kb.doc_count(), 12);
    assert!(
        search(&kb, SearchRequest::new("aktiveringskode "))
            .hits
            .iter()
            .all(|h| h.id != 3)
    );

    kb.clear().expect("clear");
    assert_eq!(kb.doc_count(), 12, "a clear is seen only after commit");
    kb.commit().expect("commit");
    assert_eq!(kb.doc_count(), 0);
}

#[test]
fn snippets_mark_matches_and_escape_html() {
    let kb = index();
    kb.upsert(&article(
        20,
        "html",
        "da",
        "public",
        &["MitID"],
        &[],
        "Sikkerhed i <script>",
        "Et <resumé> & mere.",
        "Skriv aldrig <b>din</b> pinkode & adgangskode i en mail. Pinkoden er kun din.",
    ))
    .expect("upsert");
    kb.commit().expect("commit");
    let results = search(&kb, SearchRequest::new("pinkode "));
    let hit = &results.hits[0];
    assert_eq!(hit.slug, "html");
    assert!(
        hit.snippet_html.contains("<b>pinkode</b>"),
        "{}",
        hit.snippet_html
    );
    assert!(
        hit.snippet_html.contains("<b>Pinkoden</b>"),
        "{}",
        hit.snippet_html
    );
    assert!(
        hit.snippet_html.contains("&lt;b&gt;din&lt;/b&gt;"),
        "{}",
        hit.snippet_html
    );
    assert!(hit.snippet_html.contains("&amp;"), "{}", hit.snippet_html);

    // No match in the body: the summary stands in.
    let results = search(&kb, SearchRequest::new("resumé "));
    assert!(
        results.hits[0]
            .snippet_html
            .starts_with("Et &lt;<b>resumé</b>&gt; &amp; mere"),
        "{}",
        results.hits[0].snippet_html
    );

    // Typo matches are marked too.
    let results = search(&kb, SearchRequest::new("aktiveringskde "));
    assert!(
        results.hits[0]
            .snippet_html
            .contains("<b>aktiveringskode</b>"),
        "{}",
        results.hits[0].snippet_html
    );
}

#[test]
fn related_articles() {
    let kb = index();
    let related = kb.related(2, 5).expect("related");
    assert!(!related.is_empty());
    assert!(related.iter().all(|h| h.id != 2));
    assert!(
        related
            .iter()
            .all(|h| h.lang == "da" && h.audience == "public")
    );
    let top: Vec<_> = related.iter().take(2).map(|h| h.slug.as_str()).collect();
    assert!(top.contains(&"kodeviser"), "{related:?}");
    assert!(kb.related(999, 5).expect("related").is_empty());
    assert!(kb.related(2, 0).expect("related").is_empty());
}

#[test]
fn schema_version_mismatch_is_detected_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("kb");
    assert!(needs_rebuild(&path).expect("check"));
    {
        let kb = KbIndex::open_or_create(&path).expect("create");
        assert_eq!(kb.opened(), Opened::Created);
        assert!(kb.opened().needs_reindex());
        kb.upsert(&corpus()[0]).expect("upsert");
        kb.commit().expect("commit");
    }
    assert!(!needs_rebuild(&path).expect("check"));
    {
        let kb = KbIndex::open_or_create(&path).expect("reopen");
        assert_eq!(kb.opened(), Opened::Existing);
        assert!(!kb.opened().needs_reindex());
        assert_eq!(kb.doc_count(), 1);
        assert_eq!(first(&kb, "kodeviser "), "kodeviser");
    }

    // An index written by another version of the schema.
    std::fs::write(path.join(SCHEMA_VERSION_FILE), "0\n").expect("write");
    std::fs::write(path.join("unrelated.txt"), "keep me").expect("write");
    assert!(needs_rebuild(&path).expect("check"));
    let kb = KbIndex::open_or_create(&path).expect("recreate");
    assert_eq!(kb.opened(), Opened::Recreated);
    assert!(kb.opened().needs_reindex());
    assert_eq!(kb.doc_count(), 0);
    assert!(
        path.join("unrelated.txt").is_file(),
        "only index files are removed"
    );
    assert!(!needs_rebuild(&path).expect("check"));
    kb.upsert(&corpus()[1]).expect("upsert");
    kb.commit().expect("commit");
    assert_eq!(kb.doc_count(), 1);
}

#[test]
fn index_file_names() {
    assert!(is_index_file("meta.json"));
    assert!(is_index_file(".managed.json"));
    assert!(is_index_file("0b7c5e9ad4f54c2ab8d6f1e0a3c2b1d4.idx"));
    assert!(is_index_file("0b7c5e9ad4f54c2ab8d6f1e0a3c2b1d4.12.del"));
    assert!(!is_index_file("notes.txt"));
    assert!(!is_index_file("0b7c5e9ad4f54c2ab8d6f1e0a3c2b1d4"));
}

#[test]
fn index_is_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<KbIndex>();
    let kb = std::sync::Arc::new(index());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let kb = kb.clone();
            std::thread::spawn(move || {
                let mut doc = corpus().remove(0);
                doc.id = 100 + i;
                kb.upsert(&doc).expect("upsert");
                kb.search(&SearchRequest::new("kodeviser"))
                    .expect("search")
                    .total
            })
        })
        .collect();
    for handle in handles {
        assert!(handle.join().expect("thread") > 0);
    }
    kb.commit().expect("commit");
    assert_eq!(kb.doc_count(), 17);
}

#[test]
fn queries_that_are_not_words() {
    let kb = index();
    for query in ["", "   ", "?!", "\"*:(", "a", "x y z"] {
        let results = search(&kb, SearchRequest::new(query));
        assert!(results.total <= 12, "{query:?}");
    }
    // Nothing to search for lists every public article.
    assert_eq!(search(&kb, SearchRequest::new("?!")).total, 12);
    assert_eq!(search(&kb, SearchRequest::new("qwxzv ")).total, 0);
}

#[test]
fn the_commit_marker_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = KbIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.marker().unwrap(), None);
        index.commit_marked(41).unwrap();
        index.commit_marked(42).unwrap();
        assert_eq!(index.marker().unwrap(), Some(42));
    }
    let index = KbIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.marker().unwrap(), Some(42));
}

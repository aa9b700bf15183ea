use super::*;

fn case(id: i64, subject: &str, text: &str, system: &str, status: &str) -> CaseDoc {
    CaseDoc {
        id,
        reference: format!("SAG-2026-{id:06}"),
        subject: subject.into(),
        text: text.into(),
        citizen_name: format!("Borger {id}"),
        system: system.into(),
        category: "Support".into(),
        status: status.into(),
        updated_at: 1_767_225_600 + id,
        ..CaseDoc::default()
    }
}

fn corpus() -> Vec<CaseDoc> {
    vec![
        case(
            1,
            "Mistet kodeviser",
            "Borgeren har mistet sin kodeviser i toget og vil have den spærret.",
            "MitID",
            "open",
        ),
        case(
            2,
            "Spærring af MitID",
            "Borgeren ringede om en midlertidig spærring. Spærringen er ophævet igen.",
            "MitID",
            "closed",
        ),
        case(
            3,
            "Fritagelse for Digital Post",
            "Ansøgning om fritagelse sendt til Borgerservice.",
            "Digital Post",
            "open",
        ),
        case(
            4,
            "Aktiveringskode udløbet",
            "Aktiveringskoden var udløbet; ny aktiveringskode bestilt hos MitID Support.",
            "MitID",
            "waiting",
        ),
        case(
            123,
            "Skift af NemKonto",
            "Borgeren vil skifte sin NemKonto til en ny bank.",
            "NemKonto",
            "open",
        ),
    ]
}

fn index() -> CaseIndex {
    let cases = CaseIndex::create_in_ram().expect("index");
    for doc in corpus() {
        cases.upsert(&doc).expect("upsert");
    }
    cases.commit().expect("commit");
    cases
}

fn search(cases: &CaseIndex, request: CaseSearchRequest) -> CaseSearchResults {
    cases.search(&request).expect("search")
}

fn ids(cases: &CaseIndex, query: &str) -> Vec<i64> {
    search(cases, CaseSearchRequest::new(query))
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn an_exact_reference_finds_its_case_first() {
    let cases = index();
    assert_eq!(cases.doc_count(), 5);
    for query in [
        "SAG-2026-000123",
        "sag-2026-000123 ",
        "000123",
        "000123 ",
        "nemkonto SAG-2026-000003",
    ] {
        let found = ids(&cases, query);
        let expected = if query.contains("000003") { 3 } else { 123 };
        assert_eq!(found.first(), Some(&expected), "{query}: {found:?}");
    }
    let hit = &search(&cases, CaseSearchRequest::new("000123")).hits[0];
    assert_eq!(hit.reference, "SAG-2026-000123");
    assert_eq!(hit.subject, "Skift af NemKonto");
    assert_eq!(hit.system, "NemKonto");
    assert_eq!(hit.status, "open");
}

#[test]
fn danish_stemming_typos_and_prefixes() {
    let cases = index();
    // Inflected: "spærringen" and "spærring" share a stem.
    assert_eq!(ids(&cases, "spærringen ").first(), Some(&2));
    // A typo.
    assert_eq!(ids(&cases, "aktiveringskde ").first(), Some(&4));
    // Half typed.
    assert_eq!(ids(&cases, "fritag").first(), Some(&3));
    // A colloquial word, through the synonyms: "dims" is a kodeviser.
    assert_eq!(ids(&cases, "mistet dims ").first(), Some(&1));
    // A citizen's name.
    assert_eq!(ids(&cases, "borger 4 aktivering").first(), Some(&4));
}

#[test]
fn snippets_mark_matches_and_escape_html() {
    let cases = index();
    let mut html = case(
        9,
        "Fejl <script>",
        "Borgeren skrev <b>kodeviser</b> & mere.",
        "MitID",
        "open",
    );
    html.text.push_str(" Kodeviseren virker ikke.");
    cases.upsert(&html).expect("upsert");
    cases.commit().expect("commit");
    let hit = &search(&cases, CaseSearchRequest::new("kodeviseren "))
        .hits
        .into_iter()
        .find(|h| h.id == 9)
        .expect("found");
    assert!(
        hit.snippet_html.contains("<b>Kodeviseren</b>"),
        "{}",
        hit.snippet_html
    );
    assert!(
        hit.snippet_html.contains("&lt;b&gt;"),
        "{}",
        hit.snippet_html
    );
    assert!(hit.snippet_html.contains("&amp;"), "{}", hit.snippet_html);
}

#[test]
fn system_and_status_filters() {
    let cases = index();
    // Every case has a "borger": in its text or in the citizen's name.
    let mut request = CaseSearchRequest::new("borgeren ");
    let all = search(&cases, request.clone());
    assert_eq!(all.total, 5);
    request.system = Some("mitid".into());
    let mitid = search(&cases, request.clone());
    assert_eq!(mitid.total, 3);
    assert!(mitid.hits.iter().all(|h| h.system == "MitID"));
    request.status = Some("Closed".into());
    let closed = search(&cases, request);
    assert_eq!(closed.total, 1);
    assert_eq!(closed.hits[0].id, 2);

    // No query: the filtered cases, most recently updated first.
    let listed = search(
        &cases,
        CaseSearchRequest {
            status: Some("open".into()),
            ..CaseSearchRequest::default()
        },
    );
    assert_eq!(listed.total, 3);
    let listed: Vec<i64> = listed.hits.iter().map(|h| h.id).collect();
    assert_eq!(listed, [123, 3, 1]);
    assert!(search(&cases, CaseSearchRequest::default()).total == 5);
}

#[test]
fn paging_and_limits() {
    let cases = index();
    let all = search(&cases, CaseSearchRequest::new("mitid "));
    assert_eq!(all.total, 2, "{all:?}");
    let page = search(
        &cases,
        CaseSearchRequest {
            offset: 1,
            limit: 1,
            ..CaseSearchRequest::new("mitid ")
        },
    );
    assert_eq!(page.total, all.total);
    assert_eq!(page.hits.len(), 1);
    assert_eq!(page.hits[0].id, all.hits[1].id);
    let counted = search(
        &cases,
        CaseSearchRequest {
            limit: 0,
            ..CaseSearchRequest::new("mitid ")
        },
    );
    assert!(counted.hits.is_empty());
    assert_eq!(counted.total, all.total);
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let cases = index();
    let mut changed = corpus().remove(0);
    changed.subject = "Kodeviser fundet igen".into();
    cases.upsert(&changed).expect("upsert");
    cases.commit().expect("commit");
    assert_eq!(cases.doc_count(), 5);
    assert_eq!(ids(&cases, "fundet "), [1]);

    cases.delete(1).expect("delete");
    assert_eq!(
        ids(&cases, "fundet "),
        [1],
        "a delete is seen only after commit"
    );
    cases.commit().expect("commit");
    assert!(ids(&cases, "fundet ").is_empty());
    assert!(ids(&cases, "SAG-2026-000001").iter().all(|id| *id != 1));
    assert_eq!(cases.doc_count(), 4);

    cases.clear().expect("clear");
    cases.commit().expect("commit");
    assert_eq!(cases.doc_count(), 0);
}

#[test]
fn the_reconcile_marker_survives_reopening_and_old_schemas_are_rebuilt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cases");
    assert!(CaseIndex::needs_rebuild(&path).expect("check"));
    {
        let cases = CaseIndex::open_or_create(&path).expect("create");
        assert_eq!(cases.opened(), Opened::Created);
        assert_eq!(cases.marker().expect("marker"), None);
        cases.upsert(&corpus()[0]).expect("upsert");
        cases.commit_marked(41).expect("commit");
        cases.commit_marked(42).expect("commit");
    }
    assert!(!CaseIndex::needs_rebuild(&path).expect("check"));
    {
        let cases = CaseIndex::open_or_create(&path).expect("reopen");
        assert_eq!(cases.opened(), Opened::Existing);
        assert_eq!(cases.marker().expect("marker"), Some(42));
        assert_eq!(cases.doc_count(), 1);
    }
    std::fs::write(path.join(CASE_SCHEMA_VERSION_FILE), "0\n").expect("write");
    assert!(CaseIndex::needs_rebuild(&path).expect("check"));
    let cases = CaseIndex::open_or_create(&path).expect("recreate");
    assert_eq!(cases.opened(), Opened::Recreated);
    assert!(cases.opened().needs_reindex());
    assert_eq!(cases.doc_count(), 0);
    assert_eq!(cases.marker().expect("marker"), None);
}

#[test]
fn index_is_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<CaseIndex>();
}

#[test]
fn organisation_cases_are_found_by_name_and_cvr_and_filtered_by_party() {
    let cases = index();
    let mut firm = case(
        900,
        "Medarbejder har mistet kodeviser",
        "Brugeradministratoren ringede.",
        "MitID",
        "open",
    );
    firm.party = "organisation".into();
    firm.organisation = "Bager Hansen ApS CVR 12345674".into();
    cases.upsert(&firm).expect("upsert");
    cases.commit().expect("commit");
    assert_eq!(ids(&cases, "12345674"), [900]);
    assert_eq!(ids(&cases, "bager hansen")[0], 900);
    let organisations = search(
        &cases,
        CaseSearchRequest {
            party: Some("organisation".into()),
            ..CaseSearchRequest::new("kodeviser")
        },
    );
    assert_eq!(organisations.total, 1);
    let citizens = search(
        &cases,
        CaseSearchRequest {
            party: Some("citizen".into()),
            ..CaseSearchRequest::default()
        },
    );
    assert!(citizens.hits.iter().all(|h| h.id != 900));
    assert!(citizens.total >= 5);
}

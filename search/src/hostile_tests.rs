//! Property tests: whatever a stranger types into the citizens' knowledge-base search (and a
//! supporter pastes into the case search), a search never panics, never fails, returns at most
//! the page asked for, hides staff articles from citizens, and every snippet is safe HTML: the
//! only markup in it is the crate's own `<b>`/`</b>` around matched words.
//!
//! The indexes hold text as hostile as the queries (markup, entities, control characters,
//! bidi overrides, letters whose lower case is longer than they are), so that queries match
//! and snippets are cut from it. Each index is built once for all cases.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::highlight::Marks;
use crate::{
    ArticleDoc, Audience, CaseDoc, CaseIndex, CaseSearchRequest, KbIndex, MAX_LIMIT, MAX_OFFSET,
    SearchRequest,
};

/// Markup and entities a snippet must show as text.
const HOSTILE: &[&str] = &[
    "</title><script>alert(1)</script>",
    "\"><svg onload=x>",
    "<b>fed</b> & <mark>mærket</mark>",
    "&lt;allerede&gt; &amp; 'enkelt' \"dobbelt\"",
    "<img src=x onerror=alert(document.cookie)>",
    "javascript:alert(1)//",
    "NUL\u{0}her og \u{1b}[31m farve \u{7f}",
    "fil\u{202e}fdp.exe \u{200b}usynlig\u{feff}",
    "İstanbul ẞtraße ﬁnans Ω K", // lower case longer than upper, ligature
    "e\u{301}\u{301}\u{301} kombineret",
    "😀 emoji 👩‍👩‍👧 familie",
    "SAG-2026-000123 sag-2026-000001 000123",
];

fn articles() -> Vec<ArticleDoc> {
    let words = [
        "Kodeviser",
        "spærring",
        "aktiveringskode",
        "MitID",
        "NemID",
        "script",
        "alert",
        "svg",
        "onload",
        "title",
        "mark",
        "dims",
    ];
    (0..24)
        .map(|i| {
            let hostile = HOSTILE[i % HOSTILE.len()];
            let word = words[i % words.len()];
            let other = words[(i * 7 + 3) % words.len()];
            ArticleDoc {
                id: i as i64 + 1,
                slug: format!("artikel-{i}"),
                lang: if i % 3 == 0 { "en" } else { "da" }.into(),
                title: format!("{word} {hostile}"),
                summary: format!("{hostile} {other} resumé {word}"),
                body: format!(
                    "{word} står her. {hostile} {} {other} {hostile} slut.",
                    "fyld ord ".repeat(i * 5)
                ),
                systems: vec![["MitID", "NemLog-in", "Digital Post"][i % 3].into()],
                audience: if i % 4 == 3 { "staff" } else { "public" }.into(),
                tags: vec![word.to_lowercase(), hostile.into()],
            }
        })
        .collect()
}

fn case_docs() -> Vec<CaseDoc> {
    (0..24)
        .map(|i| {
            let hostile = HOSTILE[i % HOSTILE.len()];
            CaseDoc {
                id: i as i64 + 1,
                reference: format!("SAG-2026-{:06}", i + 1),
                subject: format!("{hostile} kodeviser {i}"),
                text: format!(
                    "Borgeren skrev: {hostile} {} Spærring af MitID. {hostile}",
                    "fyld ".repeat(i * 7)
                ),
                citizen_name: format!("Navn {hostile}"),
                system: ["MitID", "NemLog-in", "Digital Post"][i % 3].into(),
                category: "Kodeviser".into(),
                status: ["open", "waiting", "closed"][i % 3].into(),
                updated_at: 1_767_225_600 + i as i64,
                ..CaseDoc::default()
            }
        })
        .collect()
}

fn kb() -> &'static KbIndex {
    static KB: OnceLock<KbIndex> = OnceLock::new();
    KB.get_or_init(|| {
        let kb = KbIndex::create_in_ram().expect("index");
        for article in articles() {
            kb.upsert(&article).expect("upsert");
        }
        kb.commit().expect("commit");
        kb
    })
}

fn case_index() -> &'static CaseIndex {
    static CASES: OnceLock<CaseIndex> = OnceLock::new();
    CASES.get_or_init(|| {
        let cases = CaseIndex::create_in_ram().expect("index");
        for case in case_docs() {
            cases.upsert(&case).expect("upsert");
        }
        cases.commit().expect("commit");
        cases
    })
}

/// Whether `html` is text with only the crate's `<b>`/`</b>` as markup, not nested, every
/// `<b>` closed, and every `&` the start of one of the entities `escape_html` writes.
fn safe_snippet(html: &str) -> Result<(), String> {
    let mut open = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("<b>") {
            if open {
                return Err(format!("nested <b> in {html:?}"));
            }
            open = true;
            rest = after;
        } else if let Some(after) = rest.strip_prefix("</b>") {
            if !open {
                return Err(format!("stray </b> in {html:?}"));
            }
            open = false;
            rest = after;
        } else if c == '&' {
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .into_iter()
                .find(|e| rest.starts_with(e))
                .ok_or_else(|| format!("bare & in {html:?}"))?;
            rest = &rest[entity.len()..];
        } else if matches!(c, '<' | '>' | '"' | '\'') {
            return Err(format!("unescaped {c:?} in {html:?}"));
        } else {
            rest = &rest[c.len_utf8()..];
        }
    }
    if open {
        return Err(format!("unclosed <b> in {html:?}"));
    }
    Ok(())
}

/// What a stranger may type: any characters (NUL and control characters included), tantivy
/// and Lucene query syntax, markup, words of the index mixed with all of that, and pastes
/// of up to 10,000 characters.
fn query() -> impl Strategy<Value = String> {
    let syntax = r#"+-&|!(){}[]^"~*?:\/<>='"#;
    let token = prop_oneof![
        Just("kodeviser".to_string()),
        Just("Kodevisr".to_string()),
        Just("spærr".to_string()),
        Just("script".to_string()),
        Just("svg".to_string()),
        Just("onload".to_string()),
        Just("mark".to_string()),
        Just("title".to_string()),
        Just("nem id".to_string()),
        Just("dims".to_string()),
        Just("SAG-2026-000007".to_string()),
        Just("000123".to_string()),
        Just("İstanbul".to_string()),
        Just("AND OR NOT".to_string()),
        Just("title:alert".to_string()),
        proptest::sample::select(HOSTILE).prop_map(str::to_string),
        proptest::collection::vec(
            proptest::sample::select(syntax.chars().collect::<Vec<_>>()),
            1..5
        )
        .prop_map(String::from_iter),
        "\\PC{1,12}",
    ];
    prop_oneof![
        4 => proptest::collection::vec(token, 0..8).prop_map(|t| t.join(" ")),
        3 => proptest::collection::vec(any::<char>(), 0..80).prop_map(String::from_iter),
        1 => proptest::collection::vec(any::<char>(), 0..10_000).prop_map(String::from_iter),
        1 => ("[a-zæøå]{1,60}", 1..200usize).prop_map(|(w, n)| format!("{w} ").repeat(n)),
    ]
}

/// A filter value as a query string could carry it.
fn filter() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some("MitID".to_string())),
        1 => Just(Some("open".to_string())),
        1 => Just(Some("da".to_string())),
        1 => "\\PC{0,20}".prop_map(Some),
        1 => proptest::collection::vec(any::<char>(), 0..20).prop_map(|c| Some(String::from_iter(c))),
    ]
}

fn page() -> impl Strategy<Value = (usize, usize)> {
    (
        prop_oneof![0..30usize, Just(MAX_LIMIT + 1), Just(usize::MAX)],
        prop_oneof![0..30usize, Just(MAX_OFFSET + 1), Just(usize::MAX)],
    )
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn a_citizens_knowledge_base_search_survives_any_query() {
    let kb = kb();
    let strategy = (query(), filter(), filter(), page(), any::<bool>());
    let outcome = runner().run(
        &strategy,
        |(query, lang, system, (limit, offset), staff)| {
            let audience = if staff {
                Audience::All
            } else {
                Audience::PublicOnly
            };
            let request = SearchRequest {
                query,
                lang,
                audience,
                system,
                limit,
                offset,
            };
            let results = kb
                .search(&request)
                .map_err(|e| TestCaseError::fail(format!("{request:?}: {e}")))?;
            prop_assert!(results.hits.len() <= limit.min(MAX_LIMIT));
            prop_assert!(
                results.hits.len() <= results.total.saturating_sub(offset.min(MAX_OFFSET)),
                "{} hits of {} at offset {offset}",
                results.hits.len(),
                results.total
            );
            for hit in &results.hits {
                safe_snippet(&hit.snippet_html).map_err(TestCaseError::fail)?;
                if audience == Audience::PublicOnly {
                    prop_assert_eq!(
                        &hit.audience,
                        "public",
                        "a staff article shown to a citizen"
                    );
                }
            }
            Ok(())
        },
    );
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn a_staff_case_search_survives_any_query() {
    let cases = case_index();
    let strategy = (query(), filter(), filter(), page());
    let outcome = runner().run(&strategy, |(query, system, status, (limit, offset))| {
        let request = CaseSearchRequest {
            query,
            system,
            status,
            party: None,
            limit,
            offset,
        };
        let results = cases
            .search(&request)
            .map_err(|e| TestCaseError::fail(format!("{request:?}: {e}")))?;
        prop_assert!(results.hits.len() <= limit.min(MAX_LIMIT));
        prop_assert!(results.hits.len() <= results.total.saturating_sub(offset.min(MAX_OFFSET)));
        for hit in &results.hits {
            safe_snippet(&hit.snippet_html).map_err(TestCaseError::fail)?;
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

/// Below the indexes: any text, any marks (stems, typo words, a prefix, of any characters),
/// and the snippet is still safe and no longer than a snippet may be (plus its escapes).
#[test]
fn any_text_makes_a_safe_snippet() {
    let text = || {
        prop_oneof![
            proptest::collection::vec(any::<char>(), 0..300).prop_map(String::from_iter),
            proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(HOSTILE).prop_map(str::to_string),
                    "[a-zæøåİẞ]{1,12}",
                    "\\PC{1,6}",
                ],
                0..40
            )
            .prop_map(|w| w.join(" ")),
        ]
    };
    let word = || {
        prop_oneof![
            "[a-zæøå]{1,10}",
            proptest::sample::select(vec!["script", "svg", "kodevis", "mark", "i̇stanbul", "b"])
                .prop_map(str::to_string),
            "\\PC{1,6}",
        ]
    };
    let strategy = (
        text(),
        text(),
        proptest::collection::vec(word(), 0..4),
        proptest::collection::vec((word(), 0..3u8), 0..3),
        proptest::option::of(word()),
    );
    let outcome = runner().run(&strategy, |(body, summary, stems, fuzzy, prefix)| {
        let mut marks = Marks::new(fuzzy, prefix);
        for stem in stems {
            marks.stems.insert(stem, 1.0);
        }
        let html = marks.snippet_html(&body, &summary);
        safe_snippet(&html).map_err(TestCaseError::fail)?;
        let shown = html.replace("<b>", "").replace("</b>", "");
        let chars = shown
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .chars()
            .count();
        prop_assert!(
            chars <= body.chars().count().max(summary.chars().count()),
            "{html:?}"
        );
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

#[test]
fn the_snippet_checker_catches_what_it_should() {
    assert!(safe_snippet("a <b>b</b> &amp; &lt;c&gt; &#39; &quot;").is_ok());
    for bad in [
        "<script>",
        "a > b",
        "<b>open",
        "</b>",
        "<b><b>x</b></b>",
        "&nbsp;",
        "\"",
        "'",
        "<B>x</B>",
    ] {
        assert!(safe_snippet(bad).is_err(), "{bad}");
    }
}

//! The evaluator's parts, and its scores checked against tantivy's own scorers.

use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Score, Searcher, Term};

use super::bits::Bits;
use super::lists::{intersect, merge_frequencies};
use super::scores::{Scores, ones};
use super::top_k::Top;
use super::*;

fn address(doc: u32) -> DocAddress {
    DocAddress::new(0, doc)
}

fn top(candidates: &[(Score, u32)], offset: usize, limit: usize) -> Vec<u32> {
    let mut top = Top::new(offset + limit);
    for &(score, doc) in candidates {
        top.offer(score, address(doc));
    }
    top.page(offset).iter().map(|(_, a)| a.doc_id).collect()
}

#[test]
fn top_orders_by_score_then_address_and_pages() {
    let candidates = [(1.0, 5), (3.0, 2), (2.0, 1), (3.0, 0), (0.5, 3)];
    assert_eq!(top(&candidates, 0, 10), [0, 2, 1, 5, 3]);
    assert_eq!(top(&candidates, 1, 2), [2, 1]);
    assert_eq!(top(&candidates, 0, 1), [0]);
    assert!(top(&candidates, 9, 2).is_empty());
    assert!(top(&candidates, 0, 0).is_empty());
}

#[test]
fn scores_add_and_clear_to_empty() {
    let mut scores = Scores::new(200);
    scores.add(3, 1.0);
    scores.add_sorted(&[(3, 1.0), (64, 2.0), (130, 4.0)], 0.5);
    let mut docs = Bits::new(200);
    docs.insert(199);
    scores.add_constant(&docs, 0.25);
    let mut other = Scores::new(200);
    other.drain_from(&mut scores);
    assert!(scores.is_empty() && scores.score.iter().all(|s| *s == 0.0));
    let words: Vec<(usize, u64)> = other.words().collect();
    assert_eq!(words, [(0, 1 << 3), (1, 1), (2, 1 << 2), (3, 1 << 7)]);
    assert_eq!(other.get(3), 1.5);
    assert_eq!(other.get(64), 1.0);
    assert_eq!(other.get(130), 2.0);
    assert_eq!(other.get(199), 0.25);
    other.clear();
    assert!(other.is_empty());
    assert_eq!(other.words().count(), 0);
    assert!(other.score.iter().all(|s| *s == 0.0));
    assert_eq!(ones(1, 0b101).collect::<Vec<_>>(), [64, 66]);
}

#[test]
fn bits_of_every_document() {
    let all = Bits::all(130);
    assert_eq!(all.len(), 130);
    assert!(all.contains(129) && !all.contains(130));
    assert_eq!(Bits::all(128).len(), 128);
}

/// Scores of `node` over `searcher`, by document.
fn scores_of(searcher: &Searcher, node: Node) -> Vec<(u32, Score)> {
    let compiled = Compiled {
        content: node,
        bonus: None,
    };
    let found = search(
        searcher,
        &Cache::default(),
        &compiled,
        &Filters::default(),
        None,
        0,
        100,
    )
    .expect("search");
    let mut scores: Vec<(u32, Score)> = found.top.iter().map(|(s, a)| (a.doc_id, *s)).collect();
    scores.sort_by_key(|(doc, _)| *doc);
    scores
}

#[test]
fn indexed_pairs_score_like_tantivy_phrases() {
    use tantivy::schema::Schema;
    use tantivy::{Index, IndexWriter, TantivyDocument};

    let mut schema = Schema::builder();
    let text = schema.add_text_field("text", crate::matching::options::stemmed());
    let pairs = schema.add_text_field("pairs", crate::matching::options::pairs());
    let index = Index::create_in_ram(schema.build());
    crate::analyzer::register_analyzers(index.tokenizers());
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, 15_000_000)
        .expect("writer");
    for body in [
        "Læs din Digital Post her.",
        "Digital Post og digital post igen, og digital sikker post.",
        "Post er ikke digital.",
        "Noget helt andet om en kodeviser.",
        "Digitalt, men posten kom med posten.",
    ] {
        let mut doc = TantivyDocument::default();
        doc.add_text(text, body);
        doc.add_text(pairs, body);
        writer.add_document(doc).expect("add");
    }
    writer.commit().expect("commit");
    let searcher = index.reader().expect("reader").searcher();
    let stems: Vec<Term> = ["digital", "post"]
        .iter()
        .map(|w| Term::from_field_text(text, &crate::analyzer::stem(w).unwrap_or_default()))
        .collect();
    let stem = |t: &Term| t.value().as_str().unwrap_or_default().to_string();
    for slop in [0u32, 1] {
        let pair_terms = (1..=slop as usize + 1)
            .map(|gap| {
                let joined = crate::analyzer::pair_term(&stem(&stems[0]), &stem(&stems[1]), gap);
                Term::from_field_text(pairs, &joined)
            })
            .collect();
        let by_pairs = Node::pairs(&searcher, stems.clone(), vec![pair_terms], 2.0).expect("node");
        let offsets = stems.iter().cloned().enumerate().collect();
        let by_phrase = Node::phrase(&searcher, offsets, slop, 2.0).expect("node");
        let (got, want) = (
            scores_of(&searcher, by_pairs),
            scores_of(&searcher, by_phrase),
        );
        assert_eq!(got.len(), want.len(), "slop {slop}: {got:?} / {want:?}");
        assert!(!want.is_empty());
        for ((doc, score), (want_doc, want_score)) in got.iter().zip(&want) {
            assert_eq!(doc, want_doc, "slop {slop}");
            assert!(
                (score - want_score).abs() < 1e-5,
                "slop {slop}: {got:?} / {want:?}"
            );
        }
    }
}

#[test]
fn sums_and_best_of_score_like_tantivy() {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    let mut schema = Schema::builder();
    let title = schema.add_text_field("title", crate::matching::options::stemmed());
    let body = schema.add_text_field("body", crate::matching::options::stemmed());
    let index = Index::create_in_ram(schema.build());
    crate::analyzer::register_analyzers(index.tokenizers());
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, 15_000_000)
        .expect("writer");
    for (t, b) in [
        ("Mistet kodeviser", "Spær kodeviseren straks."),
        ("Kodeviser", "En kodeviser viser en kode."),
        ("Spærring", "Spær din MitID, hvis du har mistet telefonen."),
        ("Telefon", "Ny telefon, ny app."),
        ("Andet", "Intet om det."),
    ] {
        let mut doc = TantivyDocument::default();
        doc.add_text(title, t);
        doc.add_text(body, b);
        writer.add_document(doc).expect("add");
    }
    writer.commit().expect("commit");
    let searcher = index.reader().expect("reader").searcher();
    let term = |field, word: &str| {
        Term::from_field_text(field, &crate::analyzer::stem(word).unwrap_or_default())
    };
    let words = ["kodeviser", "spær", "mistet", "telefon"];
    // Best of (tie 0.3): per word, the word in title (×3) plus in body.
    let node = Node::Max(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                Node::Sum(vec![
                    Node::Term {
                        term: term(title, w),
                        boost: 3.0,
                    },
                    Node::Term {
                        term: term(body, w),
                        boost: 1.0,
                    },
                ])
                .scaled(1.0 + i as Score)
            })
            .collect(),
        0.3,
    );
    let query = DisjunctionMaxQuery::with_tie_breaker(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let sum = BooleanQuery::union(vec![
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term(title, w), IndexRecordOption::WithFreqs)),
                        3.0,
                    )) as Box<dyn Query>,
                    Box::new(TermQuery::new(term(body, w), IndexRecordOption::WithFreqs)),
                ]);
                Box::new(BoostQuery::new(Box::new(sum), 1.0 + i as Score)) as Box<dyn Query>
            })
            .collect(),
        0.3,
    );
    let mut want: Vec<(u32, Score)> = searcher
        .search(&query, &TopDocs::with_limit(100))
        .expect("search")
        .into_iter()
        .map(|(s, a)| (a.doc_id, s))
        .collect();
    want.sort_by_key(|(doc, _)| *doc);
    let got = scores_of(&searcher, node);
    assert_eq!(got.len(), want.len(), "{got:?} / {want:?}");
    for ((doc, score), (want_doc, want_score)) in got.iter().zip(&want) {
        assert_eq!(doc, want_doc);
        assert!((score - want_score).abs() < 1e-4, "{got:?} / {want:?}");
    }
}

#[test]
fn frequencies_merge_in_order() {
    assert_eq!(
        merge_frequencies(&[(1, 1), (4, 2)], &[(2, 1), (4, 3), (9, 1)]),
        [(1, 1), (2, 1), (4, 5), (9, 1)]
    );
    assert_eq!(merge_frequencies(&[], &[(2, 1)]), [(2, 1)]);
}

#[test]
fn intersections_keep_common_documents() {
    let long: Vec<(DocId, u32)> = (0..1000).map(|d| (d * 3, 1)).collect();
    let short = [(0, 5), (4, 5), (300, 5), (2997, 5), (5000, 5)];
    assert_eq!(
        intersect(&short, &long, |a, b| a * 10 + b),
        [(0, 51), (300, 51), (2997, 51)]
    );
    assert_eq!(
        intersect(&long, &short, |a, b| a * 10 + b),
        [(0, 15), (300, 15), (2997, 15)]
    );
    assert!(intersect(&short, &[], u32::min).is_empty());
    let near: Vec<(DocId, u32)> = (0..8).map(|d| (d * 2, 2)).collect();
    assert_eq!(
        intersect(&short[..2], &near, |a, b| a + b),
        [(0, 7), (4, 7)]
    );
}

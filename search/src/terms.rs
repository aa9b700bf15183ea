//! The words of an index near a typed word: a typo away, or begun by it.
//!
//! Both walk only the part of the term dictionaries that can match: a Levenshtein automaton
//! for typos (the dictionary is an FST, so whole branches that cannot match are skipped), and a
//! bounded key range for prefixes. A scan of the whole dictionary per word cost hundreds of
//! milliseconds at 100,000 articles.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::postings::TermInfo;
use tantivy::schema::Field;
use tantivy::{Score, Searcher};
use tantivy_fst::Automaton;

use crate::error::Result;

/// Most words one prefix may expand to, per field and segment. A prefix of two letters
/// begins thousands of words; past this many, more add nothing a person would pick, only
/// time.
pub(crate) const MAX_PREFIX_TERMS: usize = 256;

/// The words found for one typed word, over every segment and field searched.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Word → (edits from the typed word, or 0 for a completion; articles having it).
    pub words: BTreeMap<String, (u8, u64)>,
    /// Per segment (in searcher order): the fields' postings of every word found, for a
    /// constant-score "any of these words" match.
    pub postings: Vec<Vec<(Field, TermInfo)>>,
}

impl Found {
    /// The words `keep` gives a weight, each with that weight and how many articles have
    /// it: highest weight first, then most frequent, at most `max`.
    pub fn ranked(
        &self,
        keep: impl Fn(&str, u8) -> Option<Score>,
        max: usize,
    ) -> Vec<(String, Score, u64)> {
        let mut words: Vec<(String, Score, u64)> = self
            .words
            .iter()
            .filter_map(|(word, &(edits, count))| {
                keep(word, edits).map(|weight| (word.clone(), weight, count))
            })
            .collect();
        words.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)));
        words.truncate(max);
        words
    }
}

/// The words of `fields` at most `distance` edits (Damerau: a swap of neighbours is one)
/// from `word`.
pub(crate) fn within_edits(
    searcher: &Searcher,
    fields: &[Field],
    word: &str,
    distance: u8,
) -> Result<Found> {
    let Some(builder) = builder(distance) else {
        return Ok(Found::default());
    };
    let dfa = Dfa(builder.build_dfa(word));
    let mut found = Found::default();
    for segment in searcher.segment_readers() {
        let mut postings = Vec::new();
        for &field in fields {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().search(&dfa).into_stream()?;
            while stream.advance() {
                let Ok(key) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let info = stream.value().clone();
                if let Distance::Exact(edits) = dfa.0.eval(key) {
                    let entry = found.words.entry(key.to_string()).or_insert((edits, 0));
                    entry.1 += u64::from(info.doc_freq);
                }
                postings.push((field, info));
            }
        }
        found.postings.push(postings);
    }
    Ok(found)
}

/// The words of `fields` that begin with `prefix` (itself included), at most
/// [`MAX_PREFIX_TERMS`] per field and segment, in dictionary order.
pub(crate) fn with_prefix(searcher: &Searcher, fields: &[Field], prefix: &str) -> Result<Found> {
    let mut found = Found::default();
    let end = prefix_end(prefix.as_bytes());
    for segment in searcher.segment_readers() {
        let mut postings = Vec::new();
        for &field in fields {
            let inverted = segment.inverted_index(field)?;
            let mut range = inverted.terms().range().ge(prefix.as_bytes());
            if let Some(end) = &end {
                range = range.lt(end);
            }
            let mut stream = range.into_stream()?;
            let mut taken = 0;
            while taken < MAX_PREFIX_TERMS && stream.advance() {
                taken += 1;
                let Ok(key) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let info = stream.value().clone();
                let entry = found.words.entry(key.to_string()).or_insert((0, 0));
                entry.1 += u64::from(info.doc_freq);
                postings.push((field, info));
            }
        }
        found.postings.push(postings);
    }
    Ok(found)
}

/// The smallest key greater than every key that begins with `prefix`: the prefix with its
/// last byte below 0xFF incremented (and what follows it dropped). `None` if every byte is
/// 0xFF: then nothing bounds the range.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// Building a Levenshtein automaton builder is costly (it precomputes a parametric automaton);
/// one per distance lives for the process.
fn builder(distance: u8) -> Option<&'static LevenshteinAutomatonBuilder> {
    static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    BUILDERS
        .get(usize::from(distance))
        .map(|cell| cell.get_or_init(|| LevenshteinAutomatonBuilder::new(distance, true)))
}

/// A Levenshtein DFA as the term dictionary's automaton.
struct Dfa(DFA);

impl Automaton for Dfa {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Whether `a` and `b` are at most `max` edits apart, by the same automaton the dictionary
/// is searched with: for marking the words of a snippet that a typo matched.
pub(crate) struct Near {
    dfa: Dfa,
}

impl Near {
    pub fn new(word: &str, max: u8) -> Option<Near> {
        builder(max).map(|b| Near {
            dfa: Dfa(b.build_dfa(word)),
        })
    }

    pub fn matches(&self, candidate: &str) -> bool {
        let mut state = self.dfa.start();
        for &byte in candidate.as_bytes() {
            state = self.dfa.accept(&state, byte);
            if state == SINK_STATE {
                return false;
            }
        }
        self.dfa.is_match(&state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    fn searcher(words: &[&str]) -> (Searcher, Field) {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("w");
        for chunk in words.chunks(2) {
            // Several segments, as a live index has.
            let mut doc = TantivyDocument::default();
            for word in chunk {
                doc.add_text(field, word);
            }
            writer.add_document(doc).expect("add");
            writer.commit().expect("commit");
        }
        let reader = index.reader().expect("reader");
        (reader.searcher(), field)
    }

    #[test]
    fn typos_are_found_with_their_distance() {
        let (searcher, field) = searcher(&["kodeviser", "kodevisere", "kodeord", "kodeviser"]);
        let found = within_edits(&searcher, &[field], "kodevisr", 2).expect("search");
        assert_eq!(found.words.get("kodeviser"), Some(&(1, 2)));
        assert_eq!(found.words.get("kodevisere"), Some(&(2, 1)));
        assert!(!found.words.contains_key("kodeord"));
        assert_eq!(found.postings.len(), searcher.segment_readers().len());
        let swapped = within_edits(&searcher, &[field], "kodeivser", 1).expect("search");
        assert!(
            swapped.words.contains_key("kodeviser"),
            "a swap is one edit"
        );
        let none = within_edits(&searcher, &[field], "kodevisr", 9).expect("search");
        assert!(none.words.is_empty(), "no automaton that far");
    }

    #[test]
    fn prefixes_stay_in_their_range() {
        let (searcher, field) = searcher(&["aktiv", "aktivering", "aktiveringskode", "akut"]);
        let found = with_prefix(&searcher, &[field], "aktiv").expect("search");
        let words: Vec<&str> = found.words.keys().map(String::as_str).collect();
        assert_eq!(words, ["aktiv", "aktivering", "aktiveringskode"]);
        let ranked = found.ranked(|w, _| (w != "aktiv").then_some(0.5), 1);
        assert_eq!(ranked.len(), 1);
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[b'a', 0xFF]), Some(b"b".to_vec()));
        assert_eq!(prefix_end(&[0xFF]), None);
    }

    #[test]
    fn near_counts_letters_and_swaps() {
        let near = Near::new("nøglekrt", 1).expect("automaton");
        assert!(near.matches("nøglekort"));
        assert!(!near.matches("nøglekortet"));
        let swap = Near::new("kodeivser", 1).expect("automaton");
        assert!(swap.matches("kodeviser"));
    }
}

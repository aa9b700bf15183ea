//! Highlighted snippets.
//!
//! A snippet marks the words of a hit whose stem the search looked for. Typo and prefix
//! matches have no stems of their own to show, so the words of the hit that such a match
//! reached are found here and their stems marked too: "kodevisr" marks "kodeviseren".
//!
//! The passage chosen is the one tantivy's `SnippetGenerator` would choose (the window of at
//! most [`SNIPPET_CHARS`] with the heaviest marks, the earliest of equals), but only the words
//! that can carry a marked stem are stemmed: a Danish stem is always a prefix of its word, so
//! a word that begins with no marked stem cannot have one. Stemming every word of ten bodies
//! was most of the time of a search.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use tantivy::Score;
use tantivy::tokenizer::TextAnalyzer;

use crate::analyzer;
use crate::terms::Near;

/// Longest snippet, in characters.
pub(crate) const SNIPPET_CHARS: usize = 220;

/// What a snippet marks: stems of the query's terms, and the typed words that may match a
/// word of the text only by a typo or as a prefix. Made for one search.
#[derive(Default)]
pub(crate) struct Marks {
    /// Stem → weight (rarer terms weigh more, so the snippet is cut around them).
    pub stems: BTreeMap<String, Score>,
    /// Automata of the lower-cased typed words that may match by a typo.
    fuzzy: Vec<Near>,
    /// A lower-cased half-typed word.
    prefix: Option<String>,
    /// The Danish analyzer, and the stems it made so far: the hits of a search share most
    /// of their marked words.
    stemmer: RefCell<Option<TextAnalyzer>>,
    stemmed: RefCell<HashMap<String, Option<String>>>,
}

/// The words of a text: where each is, and its lower-cased form in one shared buffer.
struct Words {
    lower: String,
    /// (place in the text, place in `lower`).
    spans: Vec<(Range<usize>, Range<usize>)>,
}

impl Words {
    fn of(text: &str) -> Words {
        let mut lower = String::with_capacity(text.len());
        let mut spans = Vec::new();
        let mut analyzer = analyzer::lower();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            let at = lower.len();
            lower.push_str(&token.text);
            spans.push((token.offset_from..token.offset_to, at..lower.len()));
        }
        Words { lower, spans }
    }

    fn iter(&self) -> impl Iterator<Item = (Range<usize>, &str)> + '_ {
        self.spans
            .iter()
            .map(|(place, word)| (place.clone(), &self.lower[word.clone()]))
    }
}

impl Marks {
    /// Marks for typed words that may match by a typo (with how many edits) and a word
    /// that may be half typed; add the query's stems to [`Marks::stems`].
    pub fn new(fuzzy: Vec<(String, u8)>, prefix: Option<String>) -> Marks {
        Marks {
            fuzzy: fuzzy
                .iter()
                .filter_map(|(word, distance)| Near::new(word, *distance))
                .collect(),
            prefix,
            ..Marks::default()
        }
    }

    /// The single stem of a lower-cased word.
    fn stem(&self, word: &str) -> Option<String> {
        if let Some(stem) = self.stemmed.borrow().get(word) {
            return stem.clone();
        }
        let mut stemmer = self.stemmer.borrow_mut();
        let stemmer = stemmer.get_or_insert_with(analyzer::danish);
        let mut stream = stemmer.token_stream(word);
        let first = stream.advance().then(|| stream.token().text.clone());
        let stem = if stream.advance() { None } else { first };
        self.stemmed
            .borrow_mut()
            .insert(word.to_string(), stem.clone());
        stem
    }

    /// The stems to mark in `texts`: the query's own, plus those of the words in `texts` that
    /// the typo and prefix words match.
    fn stems_for(&self, texts: &[&Words]) -> BTreeMap<String, Score> {
        let mut stems = self.stems.clone();
        if self.fuzzy.is_empty() && self.prefix.is_none() {
            return stems;
        }
        for words in texts {
            for (_, word) in words.iter() {
                let by_prefix = self
                    .prefix
                    .as_deref()
                    .is_some_and(|prefix| word.starts_with(prefix));
                if (by_prefix || self.fuzzy.iter().any(|near| near.matches(word)))
                    && let Some(stem) = self.stem(word)
                {
                    stems.entry(stem).or_insert(0.5);
                }
            }
        }
        stems
    }

    /// HTML for a hit: the best passage of `body` with its matches in `<b>`, else of
    /// `summary`, else the summary unmarked. Text is escaped.
    pub fn snippet_html(&self, body: &str, summary: &str) -> String {
        let (body_words, summary_words) = (Words::of(body), Words::of(summary));
        let stems = self.stems_for(&[&body_words, &summary_words]);
        if !stems.is_empty() {
            for (text, words) in [(body, &body_words), (summary, &summary_words)] {
                if let Some(html) = self.best_passage(&stems, text, words) {
                    return collapse_whitespace(&html);
                }
            }
        }
        collapse_whitespace(&escape_html(summary))
    }

    /// The heaviest window of `text` with a marked word, as escaped HTML; `None` if no word
    /// of `text` is marked.
    fn best_passage(
        &self,
        stems: &BTreeMap<String, Score>,
        text: &str,
        words: &Words,
    ) -> Option<String> {
        // The marked stems by first byte: most words begin like none of them.
        let mut by_first: Vec<Vec<&str>> = vec![Vec::new(); 256];
        for stem in stems.keys() {
            if let Some(&first) = stem.as_bytes().first() {
                by_first[usize::from(first)].push(stem);
            }
        }
        let mut fragment = Fragment::new(0);
        let mut best: Option<Fragment> = None;
        let mut keep = |fragment: Fragment| {
            // Heavier wins; of equals, the earlier.
            if fragment.score > 0.0 && best.as_ref().is_none_or(|b| fragment.score > b.score) {
                best = Some(fragment);
            }
        };
        for (place, word) in words.iter() {
            if place.end - fragment.start > SNIPPET_CHARS {
                keep(std::mem::replace(&mut fragment, Fragment::new(place.start)));
            }
            fragment.stop = place.end;
            let candidate = word.as_bytes().first().is_some_and(|&first| {
                by_first[usize::from(first)]
                    .iter()
                    .any(|stem| word.starts_with(stem))
            });
            if candidate
                && let Some(stem) = self.stem(word)
                && let Some(weight) = stems.get(&stem)
            {
                fragment.score += weight;
                fragment.marked.push(place);
            }
        }
        keep(fragment);
        let fragment = best?;
        let mut html = String::new();
        let mut at = fragment.start;
        for range in fragment.marked {
            html.push_str(&escape_html(&text[at..range.start]));
            html.push_str("<b>");
            html.push_str(&escape_html(&text[range.clone()]));
            html.push_str("</b>");
            at = range.end;
        }
        html.push_str(&escape_html(&text[at..fragment.stop]));
        Some(html)
    }
}

/// A window of the text: its weight and the marked words in it.
struct Fragment {
    score: Score,
    start: usize,
    stop: usize,
    marked: Vec<Range<usize>>,
}

impl Fragment {
    fn new(start: usize) -> Fragment {
        Fragment {
            score: 0.0,
            start,
            stop: start,
            marked: Vec::new(),
        }
    }
}

/// Line breaks and runs of spaces as single spaces: a snippet is one line.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` safe inside HTML.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(word: &str) -> String {
        analyzer::stem(word).unwrap_or_default()
    }

    #[test]
    fn escapes_html() {
        assert_eq!(
            escape_html(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn marks_stems_typos_and_prefixes() {
        let mut marks = Marks::default();
        marks.stems.insert(stem("spærring"), 1.0);
        let html = marks.snippet_html("Spærringen af <din> kodeviser sker straks.", "");
        assert!(html.contains("<b>Spærringen</b>"), "{html}");
        assert!(html.contains("&lt;din&gt;"), "{html}");
        assert!(!html.contains("<b>kodeviser</b>"), "{html}");

        let mut marks = Marks::new(vec![("kodevisr".into(), 2)], None);
        marks.stems.insert(stem("spærring"), 1.0);
        let html = marks.snippet_html("Spærringen af din kodeviser sker straks.", "");
        assert!(html.contains("<b>kodeviser</b>"), "{html}");

        let marks = Marks::new(Vec::new(), Some("aktiv".into()));
        let html = marks.snippet_html("Brug en aktiveringskode.", "");
        assert!(html.contains("<b>aktiveringskode</b>"), "{html}");
    }

    #[test]
    fn falls_back_to_the_summary() {
        let mut marks = Marks::default();
        marks.stems.insert(stem("dims"), 1.0);
        let html = marks.snippet_html("Intet her.", "En lille dims & en kode.");
        assert!(html.contains("<b>dims</b>"), "{html}");
        assert!(html.contains("&amp;"), "{html}");

        let html = Marks::default().snippet_html("Intet her.", "Kort\n <resumé>.");
        assert_eq!(html, "Kort &lt;resumé&gt;.");
    }

    #[test]
    fn picks_the_heaviest_window_and_the_earliest_of_equals() {
        let mut marks = Marks::default();
        marks.stems.insert(stem("kodeviser"), 1.0);
        marks.stems.insert(stem("spærring"), 0.1);
        let filler = "ord ".repeat(80);
        let text = format!("Spærring her. {filler} Kodeviseren og kodeviseren. {filler} slut");
        let html = marks.snippet_html(&text, "");
        assert!(
            html.contains("<b>Kodeviseren</b> og <b>kodeviseren</b>"),
            "{html}"
        );
        assert!(!html.contains("Spærring"), "{html}");
        assert!(html.chars().count() <= SNIPPET_CHARS + 20, "{html}");

        let text = format!("Kodeviser først. {filler} kodeviser igen.");
        let html = marks.snippet_html(&text, "");
        assert!(html.starts_with("<b>Kodeviser</b> først."), "{html}");
    }

    #[test]
    fn stems_only_words_that_begin_with_a_marked_stem() {
        // The stem of every word is a prefix of it, which is what makes skipping the rest
        // exact: check it on words with each kind of Danish ending.
        for word in [
            "spærringen",
            "kodeviserne",
            "aktiveringskoder",
            "hjælpeligt",
            "løst",
            "vigtigst",
            "borgeres",
            "godt",
        ] {
            let stem = stem(word);
            assert!(word.starts_with(&stem), "{word} → {stem}");
        }
    }
}

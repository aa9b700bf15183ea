//! Highlighted snippets.
//!
//! tantivy's `SnippetGenerator` marks the stems of a query's plain terms. Typo and prefix
//! matches are automaton queries with no terms to show, so for each hit the words of its text
//! that such a query matched are found here and their stems added to the marks: "kodevisr"
//! marks "kodeviseren".

use std::collections::BTreeMap;

use tantivy::Score;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;

use crate::analyzer;

/// Longest snippet, in characters.
pub(crate) const SNIPPET_CHARS: usize = 220;

/// What a snippet marks: stems of the query's terms, and the typed words that may match a
/// word of the text only by a typo or as a prefix.
#[derive(Debug, Clone, Default)]
pub(crate) struct Marks {
    /// Stem → weight (rarer terms weigh more, so the snippet is cut around them).
    pub stems: BTreeMap<String, Score>,
    /// Lower-cased typed words and the edits a match may be away.
    pub fuzzy: Vec<(String, u8)>,
    /// A lower-cased half-typed word.
    pub prefix: Option<String>,
}

impl Marks {
    /// The stems to mark in `texts`: the query's own, plus those of the words in `texts` that
    /// the typo and prefix words match.
    fn stems_for(&self, texts: &[&str]) -> BTreeMap<String, Score> {
        let mut stems = self.stems.clone();
        if self.fuzzy.is_empty() && self.prefix.is_none() {
            return stems;
        }
        for text in texts {
            for word in analyzer::words(text) {
                let by_typo = self
                    .fuzzy
                    .iter()
                    .any(|(typed, distance)| within_edits(typed, &word, *distance));
                let by_prefix = self
                    .prefix
                    .as_deref()
                    .is_some_and(|prefix| word.starts_with(prefix));
                if (by_typo || by_prefix)
                    && let Some(stem) = analyzer::stem(&word)
                {
                    stems.entry(stem).or_insert(0.5);
                }
            }
        }
        stems
    }

    /// HTML for a hit: the best passage of `body` with its matches in `<b>`, else of
    /// `summary`, else the summary unmarked. Text is escaped.
    pub fn snippet_html(&self, field: Field, body: &str, summary: &str) -> String {
        let stems = self.stems_for(&[body, summary]);
        if !stems.is_empty() {
            let generator = SnippetGenerator::new(stems, analyzer::danish(), field, SNIPPET_CHARS);
            for text in [body, summary] {
                let snippet = generator.snippet(text);
                if !snippet.is_empty() {
                    return collapse_whitespace(&snippet.to_html());
                }
            }
        }
        collapse_whitespace(&escape_html(summary))
    }
}

/// Whether `a` and `b` are at most `max` edits apart (insertions, deletions, substitutions,
/// and swaps of neighbours), counting characters.
pub(crate) fn within_edits(a: &str, b: &str, max: u8) -> bool {
    edits_within(a, b, max).is_some()
}

/// How many edits apart `a` and `b` are (see [`within_edits`]), if at most `max`.
pub(crate) fn edits_within(a: &str, b: &str, max: u8) -> Option<u8> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let max = usize::from(max);
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Optimal string alignment distance, three rows.
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        if current.iter().min().is_some_and(|&m| m > max) {
            return None;
        }
        before = std::mem::replace(&mut previous, current);
    }
    let distance = previous[b.len()];
    if distance <= max {
        u8::try_from(distance).ok()
    } else {
        None
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
    use tantivy::schema::Schema;

    #[test]
    fn edit_distance_counts_typos() {
        assert!(within_edits("kodevisr", "kodeviser", 1));
        assert!(within_edits("spærrning", "spærring", 1));
        assert!(within_edits("aktiveringskde", "aktiveringskode", 1));
        assert!(
            within_edits("kodeivser", "kodeviser", 1),
            "a swap is one edit"
        );
        assert!(within_edits("pinkode", "pinkode", 0));
        assert!(!within_edits("pinkode", "pinkoder", 0));
        assert!(!within_edits("pas", "post", 1));
        assert!(
            within_edits("nøglekrt", "nøglekort", 1),
            "counts letters, not bytes"
        );
        assert!(!within_edits("kodeviser", "kodeoplæser", 2));
        assert!(within_edits("", "ab", 2));
        assert_eq!(edits_within("kodevisr", "kodeviser", 2), Some(1));
        assert_eq!(edits_within("kodevisr", "kodevisere", 2), Some(2));
        assert_eq!(edits_within("kodevisr", "kodevisr", 2), Some(0));
        assert_eq!(edits_within("kodevisr", "kodeord", 2), None);
    }

    #[test]
    fn escapes_html() {
        assert_eq!(
            escape_html(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    fn field() -> Field {
        let mut builder = Schema::builder();
        builder.add_text_field("body", tantivy::schema::TEXT)
    }

    #[test]
    fn marks_stems_typos_and_prefixes() {
        let mut marks = Marks::default();
        marks
            .stems
            .insert(analyzer::stem("spærring").unwrap_or_default(), 1.0);
        let html = marks.snippet_html(field(), "Spærringen af <din> kodeviser sker straks.", "");
        assert!(html.contains("<b>Spærringen</b>"), "{html}");
        assert!(html.contains("&lt;din&gt;"), "{html}");
        assert!(!html.contains("<b>kodeviser</b>"), "{html}");

        marks.fuzzy.push(("kodevisr".into(), 2));
        let html = marks.snippet_html(field(), "Spærringen af din kodeviser sker straks.", "");
        assert!(html.contains("<b>kodeviser</b>"), "{html}");

        let marks = Marks {
            prefix: Some("aktiv".into()),
            ..Marks::default()
        };
        let html = marks.snippet_html(field(), "Brug en aktiveringskode.", "");
        assert!(html.contains("<b>aktiveringskode</b>"), "{html}");
    }

    #[test]
    fn falls_back_to_the_summary() {
        let mut marks = Marks::default();
        marks
            .stems
            .insert(analyzer::stem("dims").unwrap_or_default(), 1.0);
        let html = marks.snippet_html(field(), "Intet her.", "En lille dims & en kode.");
        assert!(html.contains("<b>dims</b>"), "{html}");
        assert!(html.contains("&amp;"), "{html}");

        let html = Marks::default().snippet_html(field(), "Intet her.", "Kort\n <resumé>.");
        assert_eq!(html, "Kort &lt;resumé&gt;.");
    }
}

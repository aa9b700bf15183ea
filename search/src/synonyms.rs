//! Synonyms and colloquial words, applied at query time.
//!
//! Citizens do not search with the words the articles use: they say "papkort" for NemID's key
//! card, "dims" for a kodeviser, "nem id" with a space, or ask in English. Each group below is
//! a set of expressions that mean the same thing to a citizen; when a query contains one of
//! them, the search looks for every expression of its group.
//!
//! Expressions are matched on whole words of the raw query, before the query is cut into
//! independent terms, so "mit id" and "code display" are recognised as one thing. Words are
//! compared by their Danish stem, so inflected forms ("spærringen", "mister") match too, and
//! small words ("min", "the") may sit between the words of an expression: "mistet min
//! telefon" matches "mistet telefon".
//!
//! The multi-word expressions are also indexed, as pairs of stems (see
//! [`crate::analyzer::pairs`]), so that finding them reads a short posting list instead of
//! the positions of common words. The index directory records a fingerprint of those pairs:
//! an index made with other expressions is rebuilt on open.

use std::sync::LazyLock;

use crate::analyzer;

/// The synonym groups. Order matters only for ties: an expression found in two groups
/// belongs to the first. Keep every expression lower-case.
pub const GROUPS: &[&[&str]] = &[
    // NemID's key card of paper, and the names people still use for it.
    &[
        "papkort",
        "nøglekort",
        "kodekort",
        "nemid nøglekort",
        "nemid kort",
        "papirkort",
        "key card",
    ],
    &["mitid", "mit id", "mit-id"],
    &["nemid", "nem id", "nem-id"],
    &["nemkonto", "nem konto", "nem-konto"],
    &[
        "nemlog-in",
        "nemlogin",
        "nem log in",
        "nem login",
        "nem log-in",
    ],
    &[
        "digital post",
        "e-boks",
        "eboks",
        "digitalpost",
        "mit.dk",
        "post fra det offentlige",
    ],
    &[
        "kodeviser",
        "code display",
        "dims",
        "kodebrik",
        "kodedims",
        "code token",
    ],
    &[
        "kodeoplæser",
        "audio code reader",
        "talende kodeviser",
        "code reader",
    ],
    &[
        "spærre",
        "spærring",
        "spær",
        "spærret",
        "blokere",
        "blokeret",
        "block",
        "blocked",
    ],
    &["låst", "locked", "låst ude", "locked out"],
    &[
        "mistet",
        "tabt",
        "lost",
        "stjålet",
        "stolen",
        "mister",
        "forsvundet",
    ],
    &[
        "mistet telefon",
        "lost phone",
        "stjålet telefon",
        "stolen phone",
        "mistet mobil",
        "tabt telefon",
        "lost mobile",
    ],
    &[
        "ny telefon",
        "new phone",
        "skift telefon",
        "skiftet telefon",
        "ny mobil",
        "new mobile",
        "change phone",
        "flyt mitid",
    ],
    &["telefon", "mobil", "mobiltelefon", "phone", "mobile"],
    &[
        "glemt",
        "forgot",
        "forgotten",
        "kan ikke huske",
        "husker ikke",
        "cannot remember",
        "can't remember",
    ],
    &[
        "glemt adgangskode",
        "forgot password",
        "forgotten password",
        "glemt kodeord",
        "glemt password",
        "lost password",
    ],
    &[
        "bruger-id",
        "brugernavn",
        "user id",
        "username",
        "brugerid",
        "user name",
    ],
    &["adgangskode", "kodeord", "password"],
    &["pinkode", "pin", "pin-kode", "pin code"],
    &["aktiveringskode", "activation code"],
    &["fuldmagt", "power of attorney", "digital fuldmagt"],
    &[
        "identitetstyveri",
        "identity theft",
        "misbrug",
        "id-tyveri",
        "misuse",
        "identity fraud",
    ],
    &["svindel", "fraud", "scam", "snyd", "phishing", "falsk"],
    &["borgerservice", "citizen service", "citizen service centre"],
    &[
        "fritagelse",
        "exemption",
        "fritaget",
        "exempt",
        "exempted",
        "opt out",
    ],
    &[
        "udlænding",
        "foreigner",
        "udenlandsk",
        "foreign",
        "expat",
        "udlændinge",
    ],
    &["opholdstilladelse", "residence permit", "opholdskort"],
    &["vidne", "witness"],
    &[
        "blind",
        "svagsynet",
        "blinde",
        "svagsynede",
        "visually impaired",
    ],
    &["pas", "passport"],
    &["kørekort", "driving licence", "driver's license"],
    &["log ind", "login", "log in", "logge ind", "sign in"],
    &["virksomhed", "business", "company", "firma"],
    // The employee login: people call it after the company it is for.
    &[
        "mitid erhverv",
        "firma mitid",
        "erhvervs mitid",
        "virksomheds mitid",
    ],
    &["åbningstider", "opening hours", "åbent"],
];

/// How many small words may stand between two words of an expression.
const MAX_SKIPPED: usize = 2;

/// A run of query words recognised as an expression of a synonym group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymMatch {
    /// Index of the first query word of the match.
    pub start: usize,
    /// Index one past the last query word of the match.
    pub end: usize,
    /// Index of the group in [`GROUPS`].
    pub group: usize,
}

/// The expressions of a group; empty for an unknown group.
pub fn expressions(group: usize) -> &'static [&'static str] {
    GROUPS.get(group).copied().unwrap_or(&[])
}

/// Every expression, as the stems of its words, grouped like [`GROUPS`].
static STEMMED: LazyLock<Vec<Vec<Vec<String>>>> = LazyLock::new(|| {
    GROUPS
        .iter()
        .map(|group| group.iter().map(|e| analyzer::analyze(e)).collect())
        .collect()
});

/// The synonym expressions in `words` (lower-cased query words, in order), left to right,
/// longest first. `is_small_word` tells which words may be skipped inside an expression.
pub fn find(words: &[String], is_small_word: impl Fn(&str) -> bool) -> Vec<SynonymMatch> {
    let stems: Vec<Option<String>> = words.iter().map(|w| analyzer::stem(w)).collect();
    let mut matches = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let mut best: Option<SynonymMatch> = None;
        for (group, expressions) in STEMMED.iter().enumerate() {
            for expression in expressions {
                let Some(end) = match_at(&stems, words, start, expression, &is_small_word) else {
                    continue;
                };
                if best.as_ref().is_none_or(|b| end > b.end) {
                    best = Some(SynonymMatch { start, end, group });
                }
            }
        }
        match best {
            Some(found) => {
                start = found.end;
                matches.push(found);
            }
            None => start += 1,
        }
    }
    matches
}

/// Where `expression` ends if it starts at word `start`, skipping small words between its
/// words (never before the first).
fn match_at(
    stems: &[Option<String>],
    words: &[String],
    start: usize,
    expression: &[String],
    is_small_word: &impl Fn(&str) -> bool,
) -> Option<usize> {
    let mut position = start;
    for (i, wanted) in expression.iter().enumerate() {
        let mut skipped = 0;
        loop {
            let stem = stems.get(position)?.as_deref();
            if stem == Some(wanted.as_str()) {
                break;
            }
            let word = words.get(position)?;
            if i == 0 || skipped == MAX_SKIPPED || !is_small_word(word) {
                return None;
            }
            skipped += 1;
            position += 1;
        }
        position += 1;
    }
    (!expression.is_empty()).then_some(position)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(query: &str) -> Vec<String> {
        analyzer::words(query)
    }

    fn small(word: &str) -> bool {
        matches!(word, "min" | "mit" | "har" | "jeg" | "my" | "the")
    }

    /// The groups found in `query`, with the words they cover.
    fn found(query: &str) -> Vec<(String, &'static str)> {
        let words = words(query);
        find(&words, small)
            .into_iter()
            .map(|m| (words[m.start..m.end].join(" "), expressions(m.group)[0]))
            .collect()
    }

    fn group_of(expression: &str) -> Option<usize> {
        let words = words(expression);
        let matches = find(&words, small);
        match matches.as_slice() {
            [m] if m.start == 0 && m.end == words.len() => Some(m.group),
            _ => None,
        }
    }

    #[test]
    fn every_expression_is_lower_case_and_found_as_a_whole() {
        for (group, expressions) in GROUPS.iter().enumerate() {
            for expression in *expressions {
                assert_eq!(*expression, expression.to_lowercase());
                let g = group_of(expression).expect(expression);
                // An expression may also sit in an earlier group; it then belongs there.
                assert!(g <= group, "{expression}");
                assert!(
                    expressions.len() >= 2,
                    "group of {expression} has no synonym"
                );
            }
        }
    }

    #[test]
    fn required_groups_are_equivalent() {
        for set in [
            &["papkort", "nøglekort", "kodekort", "nemid nøglekort"][..],
            &["mit id", "mitid"],
            &["nem id", "nemid"],
            &["nem konto", "nemkonto"],
            &["e-boks", "eboks", "digital post"],
            &["kodeviser", "code display", "dims", "kodebrik"],
            &["kodeoplæser", "audio code reader", "talende kodeviser"],
            &["spærre", "spærring", "blokere", "block"],
            &["mistet", "tabt", "lost", "stjålet", "stolen"],
            &["bruger-id", "brugernavn", "user id", "username"],
            &["adgangskode", "kodeord", "password"],
            &["pinkode", "pin"],
            &["aktiveringskode", "activation code"],
            &["fuldmagt", "power of attorney"],
            &["identitetstyveri", "identity theft", "misbrug"],
            &["borgerservice", "citizen service"],
            &["mistet telefon", "lost phone"],
            &["ny telefon", "new phone"],
            &["glemt adgangskode", "forgot password"],
            &["fritagelse", "exemption"],
            &["udlænding", "foreigner"],
            &["mitid erhverv", "firma mitid"],
        ] {
            let groups: Vec<_> = set.iter().map(|e| group_of(e)).collect();
            assert!(groups[0].is_some(), "{set:?}");
            assert!(
                groups.iter().all(|g| *g == groups[0]),
                "{set:?}: {groups:?}"
            );
        }
    }

    #[test]
    fn phrases_are_found_in_the_raw_query() {
        assert_eq!(
            found("nem id virker ikke"),
            [("nem id".to_string(), "nemid")]
        );
        assert_eq!(found("Mit ID app"), [("mit id".to_string(), "mitid")]);
        assert_eq!(
            found("lost my code display"),
            [
                ("lost".to_string(), "mistet"),
                ("code display".to_string(), "kodeviser")
            ]
        );
        assert_eq!(found("e-Boks"), [("e boks".to_string(), "digital post")]);
    }

    #[test]
    fn longest_expression_wins() {
        assert_eq!(
            found("mistet telefon"),
            [("mistet telefon".to_string(), "mistet telefon")]
        );
        assert_eq!(
            found("glemt adgangskode"),
            [("glemt adgangskode".to_string(), "glemt adgangskode")]
        );
        assert_eq!(
            found("glemt bruger id"),
            [
                ("glemt".to_string(), "glemt"),
                ("bruger id".to_string(), "bruger-id")
            ]
        );
    }

    #[test]
    fn small_words_may_sit_inside_an_expression() {
        assert_eq!(
            found("jeg har mistet min telefon"),
            [("mistet min telefon".to_string(), "mistet telefon")]
        );
        // ...but never a word that means something.
        assert_eq!(
            found("mistet gammel telefon"),
            [
                ("mistet".to_string(), "mistet"),
                ("telefon".to_string(), "telefon")
            ]
        );
    }

    #[test]
    fn inflected_forms_match_by_stem() {
        assert_eq!(found("spærringen"), [("spærringen".to_string(), "spærre")]);
        assert_eq!(
            found("kodeviseren"),
            [("kodeviseren".to_string(), "kodeviser")]
        );
    }

    #[test]
    fn ordinary_words_are_left_alone() {
        assert!(found("hvad koster det").is_empty());
        assert!(found("").is_empty());
        assert!(expressions(usize::MAX).is_empty());
    }
}

//! From what a citizen typed to what the index is asked: the query plan.
//!
//! The plan is plain data, independent of tantivy, so its rules can be tested one by one:
//! lower-casing and splitting, "ae/oe/aa" for "æ/ø/å", synonym expressions, small words, the
//! prefix word of an as-you-type query, and how far a typo may be.

use crate::{analyzer, synonyms};

/// One thing the query asks for. Every unit is optional: a document matching more units
/// ranks higher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A single word, matched by stem, with typo tolerance, and as a prefix if `prefix`.
    Word {
        /// The word as typed (lower-cased), then any spelling with æ/ø/å.
        forms: Vec<String>,
        prefix: bool,
    },
    /// A synonym expression: any expression of the group matches.
    Synonyms {
        group: usize,
        /// The words of the query that made the match, joined by spaces.
        typed: String,
        /// The last word of the query when it is part of this match and may be half typed.
        prefix: Option<String>,
    },
}

/// What a query asks for, in the order typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Plan {
    pub units: Vec<Unit>,
    /// Stop words left out of the units. They do not make an article match, but an article
    /// whose title has them ranks a little higher: "hvad er digital post" is most like the
    /// article called "Hvad er Digital Post?".
    pub small_words: Vec<String>,
    /// Every word, in order (with "ae" read as "æ" where that makes it a known word).
    pub words: Vec<String>,
}

impl Plan {
    /// Plans `query`. `known` says whether a lower-cased word occurs in the index as typed;
    /// it decides whether "aa" in a word is worth reading as "å".
    pub fn parse(query: &str, known: impl Fn(&str) -> bool) -> Plan {
        let mut typed = analyzer::words(query);
        // A pasted paragraph is not a question; its first words are enough.
        typed.truncate(MAX_WORDS);
        if typed.is_empty() {
            return Plan::default();
        }
        let forms: Vec<Vec<String>> = typed
            .iter()
            .map(|word| {
                let variant = danish_letters(word);
                if variant != *word && !known(word) {
                    vec![variant, word.clone()]
                } else {
                    vec![word.clone()]
                }
            })
            .collect();
        let primary: Vec<String> = forms.iter().map(|f| f[0].clone()).collect();
        let last = typed.len() - 1;
        let as_you_type = !query.ends_with(char::is_whitespace);

        let matches = synonyms::find(&primary, is_stop_word);
        let everything_small = primary.iter().all(|w| is_noise(w));
        let mut units = Vec::new();
        let mut small_words = Vec::new();
        let mut next_match = matches.iter().peekable();
        let mut i = 0;
        while i < primary.len() {
            if let Some(m) = next_match.next_if(|m| m.start == i) {
                units.push(Unit::Synonyms {
                    group: m.group,
                    typed: primary[m.start..m.end].join(" "),
                    prefix: (as_you_type && m.end == typed.len()).then(|| primary[last].clone()),
                });
                i = m.end;
                continue;
            }
            if everything_small || !is_noise(&primary[i]) {
                units.push(Unit::Word {
                    forms: forms[i].clone(),
                    prefix: as_you_type && i == last,
                });
            } else if is_stop_word(&primary[i]) {
                small_words.push(primary[i].clone());
            }
            i += 1;
        }
        Plan {
            units,
            small_words,
            words: primary,
        }
    }

    /// The words whose typos may match, with how far: every word unit's forms.
    pub fn fuzzy_words(&self) -> Vec<(String, u8)> {
        let mut words = Vec::new();
        for unit in &self.units {
            if let Unit::Word { forms, .. } = unit {
                for form in forms {
                    let distance = fuzzy_distance(form);
                    if distance > 0 {
                        words.push((form.clone(), distance));
                    }
                }
            }
        }
        words
    }

    /// The word that may be half typed, if any.
    pub fn prefix_word(&self) -> Option<&str> {
        self.units.iter().find_map(|unit| match unit {
            Unit::Word {
                forms,
                prefix: true,
            } => forms.first().map(String::as_str),
            Unit::Synonyms {
                prefix: Some(word), ..
            } => Some(word.as_str()),
            _ => None,
        })
    }
}

/// Words of a query beyond this many are ignored.
pub(crate) const MAX_WORDS: usize = 16;

/// A prefix shorter than this matches too much to help.
pub(crate) const MIN_PREFIX_CHARS: usize = 2;

/// How many edits a typo of `word` may be from the real word: none for short words (too many
/// real words lie one edit apart), one for 4–7 letters, two for longer.
pub(crate) fn fuzzy_distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// `word` with "ae", "oe" and "aa" read as "æ", "ø" and "å", as people type on keyboards
/// without Danish letters ("spaerring", "kodeoplaeser", "aabningstider").
pub(crate) fn danish_letters(word: &str) -> String {
    word.replace("ae", "æ")
        .replace("oe", "ø")
        .replace("aa", "å")
}

/// A word not worth searching for on its own: a stop word, or a lone letter.
fn is_noise(word: &str) -> bool {
    is_stop_word(word) || (word.chars().count() == 1 && !word.chars().all(char::is_numeric))
}

/// Small Danish and English words that carry no topic: "jeg har mistet min telefon" is about
/// "mistet" and "telefon". Only dropped from queries; the index keeps them for snippets.
pub(crate) fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The stop words of [`is_stop_word`].
pub(crate) fn stop_words() -> &'static [&'static str] {
    STOP_WORDS
}

/// Sorted, for binary search.
const STOP_WORDS: &[&str] = &[
    "a", "about", "ad", "af", "alle", "alt", "am", "an", "and", "are", "at", "be", "been", "blev",
    "blive", "bliver", "but", "by", "can", "could", "da", "de", "dem", "den", "denne", "der",
    "deres", "det", "dette", "dig", "din", "dine", "disse", "dit", "do", "does", "du", "efter",
    "eller", "en", "er", "et", "for", "fra", "få", "gør", "had", "han", "har", "has", "havde",
    "have", "her", "hos", "how", "hun", "hvad", "hvem", "hvilke", "hvilken", "hvis", "hvor",
    "hvordan", "hvorfor", "hvornår", "i", "if", "ikke", "in", "is", "it", "its", "jeg", "jo",
    "kan", "kunne", "man", "me", "med", "meget", "men", "mig", "min", "mine", "mit", "my", "må",
    "no", "nogen", "noget", "nu", "når", "of", "og", "om", "on", "or", "os", "over", "på", "sig",
    "sin", "sine", "sit", "skal", "skulle", "so", "som", "så", "sådan", "than", "that", "the",
    "there", "this", "til", "to", "vi", "vil", "ville", "være", "været", "was", "what", "when",
    "where", "which", "who", "why", "will", "with", "you", "your",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(query: &str) -> Plan {
        Plan::parse(query, |_| false)
    }

    fn word(form: &str, prefix: bool) -> Unit {
        Unit::Word {
            forms: vec![form.to_string()],
            prefix,
        }
    }

    #[test]
    fn stop_words_are_sorted_and_lower_case() {
        for pair in STOP_WORDS.windows(2) {
            assert!(pair[0] < pair[1], "{pair:?}");
        }
        assert!(STOP_WORDS.iter().all(|w| *w == w.to_lowercase()));
    }

    #[test]
    fn empty_and_punctuation_only_queries_plan_nothing() {
        assert!(plan("").units.is_empty());
        assert!(plan("  ?! ").units.is_empty());
    }

    #[test]
    fn words_are_lower_cased_and_small_words_dropped() {
        let plan = plan("Hvad koster ANSIGTSSCANNING ");
        assert_eq!(
            plan.units,
            [word("koster", false), word("ansigtsscanning", false)]
        );
        assert_eq!(plan.small_words, ["hvad"]);
    }

    #[test]
    fn a_query_of_only_small_words_keeps_them() {
        let plan = plan("hvad er det");
        assert_eq!(plan.units.len(), 3);
        assert!(plan.small_words.is_empty());
    }

    #[test]
    fn last_word_is_a_prefix_while_typing() {
        assert_eq!(
            plan("ny kodevi").units,
            [word("ny", false), word("kodevi", true)]
        );
        assert_eq!(plan("ny kodevi").prefix_word(), Some("kodevi"));
        assert_eq!(plan("ny kodevi ").prefix_word(), None);
    }

    #[test]
    fn synonym_expressions_become_one_unit() {
        let units = plan("nem id virker ikke").units;
        assert_eq!(units.len(), 2);
        assert!(
            matches!(&units[0], Unit::Synonyms { typed, prefix: None, .. } if typed == "nem id")
        );
        assert_eq!(units[1], word("virker", false));

        let units = plan("mistet dims").units;
        assert!(
            matches!(&units[1], Unit::Synonyms { typed, prefix: Some(p), .. } if typed == "dims" && p == "dims")
        );
    }

    #[test]
    fn ae_oe_aa_are_read_as_danish_letters_when_the_word_is_unknown() {
        assert_eq!(danish_letters("kodeoplaeser"), "kodeoplæser");
        assert_eq!(danish_letters("noeglekort"), "nøglekort");
        assert_eq!(danish_letters("aabningstider"), "åbningstider");
        assert_eq!(
            plan("aabningstider ").units,
            [Unit::Synonyms {
                group: match_group("åbningstider"),
                typed: "åbningstider".into(),
                prefix: None
            }]
        );
        assert_eq!(
            plan("paaroerende").units,
            [Unit::Word {
                forms: vec!["pårørende".into(), "paaroerende".into()],
                prefix: true
            }]
        );
        // A word the index knows as typed is left alone.
        let known = Plan::parse("israel", |w| w == "israel");
        assert_eq!(known.units, [word("israel", true)]);
    }

    fn match_group(expression: &str) -> usize {
        let words = analyzer::words(expression);
        synonyms::find(&words, is_stop_word)[0].group
    }

    #[test]
    fn long_queries_are_cut() {
        let pasted = "ansigtsscanning ".repeat(100);
        assert_eq!(plan(&pasted).units.len(), MAX_WORDS);
    }

    #[test]
    fn typo_distance_grows_with_word_length() {
        assert_eq!(fuzzy_distance("pin"), 0);
        assert_eq!(fuzzy_distance("pas"), 0);
        assert_eq!(fuzzy_distance("dims"), 1);
        assert_eq!(fuzzy_distance("spærre"), 1);
        assert_eq!(fuzzy_distance("kodevisr"), 2);
        assert_eq!(fuzzy_distance("aktiveringskde"), 2);
    }

    #[test]
    fn fuzzy_words_come_from_word_units_only() {
        let plan = plan("mistet kodevisr");
        assert_eq!(plan.fuzzy_words(), [("kodevisr".to_string(), 2)]);
    }
}

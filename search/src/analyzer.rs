//! Text analysis for Danish: the one place every tokenizer is built and registered, so the
//! index and the query side can never disagree on how a word is cut and normalised.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::LazyLock;

use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    Token, TokenStream, Tokenizer, TokenizerManager,
};

use crate::synonyms;

/// Name under which the Danish analyzer is registered on an index.
pub const DANISH: &str = "da_stem";

/// Name of the lower-case-only analyzer: words as typed, without stemming. Prefix and fuzzy
/// matching run against fields analysed this way, because typos and half-typed words are made
/// on surface forms, not on stems.
pub const LOWER: &str = "da_lower";

/// Name of the keyword analyzer: the whole value is one lower-cased term ("borger.dk",
/// "public"). Used for filter fields, so a filter is case-insensitive but never split.
pub const KEYWORD: &str = "kw_lower";

/// Name of the pair analyzer: the stems of a text's multi-word synonym expressions ("digital
/// post", "mit id") as single terms, so that such an expression is found by reading one short
/// posting list instead of the positions of two common words. See [`pairs`].
pub const PAIRS: &str = "da_pairs";

/// Tokens longer than this are noise (pasted hashes, URLs) and only bloat the index.
const MAX_TOKEN_BYTES: usize = 40;

/// Lower-cases and stems Danish text: "Spærringer" and "spærring" meet in one term.
pub fn danish() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::Danish))
        .build()
}

/// Splits like [`danish`] and lower-cases, but keeps the word whole: "Kodeviseren" stays
/// "kodeviseren", so "kodevi" is a prefix of it.
pub fn lower() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

/// The whole value as one lower-cased term.
pub fn keyword() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Stem pairs of the multi-word synonym expressions, side by side or one word apart, each as
/// one term (see [`pair_term`]). Only the pairs the synonym groups name are kept: indexing
/// every pair of words would double the index for nothing.
pub fn pairs() -> TextAnalyzer {
    TextAnalyzer::from(PairTokenizer::default())
}

/// The term [`pairs`] makes of stems `first` and `second` standing `gap` positions apart (1:
/// side by side, 2: one word between).
pub fn pair_term(first: &str, second: &str, gap: usize) -> String {
    let separator = if gap <= 1 { '\u{1}' } else { '\u{2}' };
    format!("{first}{separator}{second}")
}

/// Whether [`pairs`] indexes this stem pair.
pub fn is_indexed_pair(first: &str, second: &str) -> bool {
    INDEXED_PAIRS.contains(&(first.to_string(), second.to_string()))
}

/// A fingerprint of the indexed pairs: an index made with other synonym expressions has
/// other pair terms and must be rebuilt.
pub fn pairs_fingerprint() -> u64 {
    let mut pairs: Vec<&(String, String)> = INDEXED_PAIRS.iter().collect();
    pairs.sort();
    // FNV-1a: stable across builds and Rust versions, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (first, second) in pairs {
        for byte in first.bytes().chain([0]).chain(second.bytes()).chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// Consecutive stem pairs of every multi-word synonym expression.
static INDEXED_PAIRS: LazyLock<HashSet<(String, String)>> = LazyLock::new(|| {
    let mut pairs = HashSet::new();
    for group in synonyms::GROUPS {
        for expression in *group {
            for pair in analyze(expression).windows(2) {
                pairs.insert((pair[0].clone(), pair[1].clone()));
            }
        }
    }
    pairs
});

/// See [`pairs`].
#[derive(Clone)]
struct PairTokenizer {
    stemmer: TextAnalyzer,
}

impl Default for PairTokenizer {
    fn default() -> Self {
        PairTokenizer { stemmer: danish() }
    }
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = PairStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PairStream {
        let mut stems: Vec<Token> = Vec::new();
        let mut stream = self.stemmer.token_stream(text);
        while stream.advance() {
            stems.push(stream.token().clone());
        }
        let mut tokens = Vec::new();
        for (i, first) in stems.iter().enumerate() {
            for second in stems.iter().skip(i + 1).take(2) {
                let gap = second.position.saturating_sub(first.position);
                if (1..=2).contains(&gap) && is_indexed_pair(&first.text, &second.text) {
                    tokens.push(Token {
                        offset_from: first.offset_from,
                        offset_to: second.offset_to,
                        position: first.position,
                        text: pair_term(&first.text, &second.text, gap),
                        position_length: gap + 1,
                    });
                }
            }
        }
        PairStream {
            tokens,
            next: 0,
            empty: Token::default(),
        }
    }
}

/// The pair terms of one text.
struct PairStream {
    tokens: Vec<Token>,
    /// One past the current token.
    next: usize,
    /// What [`TokenStream::token`] shows before the first advance.
    empty: Token,
}

impl TokenStream for PairStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        self.next
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .unwrap_or(&self.empty)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.empty,
        }
    }
}

/// Registers every analyzer this crate defines. Call it each time an index is opened:
/// tantivy does not persist tokenizers with the index.
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(DANISH, danish());
    manager.register(LOWER, lower());
    manager.register(KEYWORD, keyword());
    manager.register(PAIRS, pairs());
}

thread_local! {
    // Building an analyzer allocates; a search stems hundreds of words.
    static STEMMER: RefCell<TextAnalyzer> = RefCell::new(danish());
}

/// The terms the Danish analyzer makes of `text`, in order.
pub fn analyze(text: &str) -> Vec<String> {
    STEMMER.with_borrow_mut(|stemmer| terms_of(stemmer, text))
}

/// The lower-cased, unstemmed words of `text`, in order.
pub fn words(text: &str) -> Vec<String> {
    terms_of(&mut lower(), text)
}

/// The single term the Danish analyzer makes of one word, if it makes exactly one.
pub fn stem(word: &str) -> Option<String> {
    let mut terms = analyze(word);
    if terms.len() == 1 { terms.pop() } else { None }
}

fn terms_of(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_cases_and_keeps_danish_letters() {
        assert_eq!(analyze("ÆBLE Øre Åben"), analyze("æble øre åben"));
        let terms = analyze("Blåbærgrød");
        assert_eq!(terms.len(), 1);
        assert!(terms[0].starts_with("blåbærgrød"), "{terms:?}");
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        for (a, b) in [
            ("spærring", "spærringen"),
            ("spærring", "spærringer"),
            ("kodeviser", "kodeviseren"),
            ("aktiveringskode", "aktiveringskoder"),
            ("borger", "borgere"),
        ] {
            assert_eq!(analyze(a), analyze(b), "{a} / {b}");
        }
    }

    #[test]
    fn different_words_stay_apart() {
        assert_ne!(analyze("spærring"), analyze("kodeviser"));
        assert_ne!(analyze("pas"), analyze("post"));
    }

    #[test]
    fn splits_on_punctuation_and_drops_overlong_tokens() {
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        let terms = analyze(&format!("MitID-app, NemKonto! {long}"));
        assert_eq!(terms, analyze("mitid app nemkonto"));
    }

    #[test]
    fn registered_analyzer_is_the_danish_one() {
        let manager = TokenizerManager::default();
        register_analyzers(&manager);
        let mut registered = manager.get(DANISH).expect("registered");
        let mut stream = registered.token_stream("Spærringen");
        assert!(stream.advance());
        assert_eq!(vec![stream.token().text.clone()], analyze("spærring"));
    }

    #[test]
    fn lower_keeps_whole_words_and_danish_letters() {
        assert_eq!(
            words("Kodeviseren er SPÆRRET, nøglekortet (papkort) virker ikke."),
            [
                "kodeviseren",
                "er",
                "spærret",
                "nøglekortet",
                "papkort",
                "virker",
                "ikke"
            ]
        );
        assert_eq!(words("MitID-appen"), ["mitid", "appen"]);
        let long = "y".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(words(&format!("Åben {long}")), ["åben"]);
    }

    #[test]
    fn keyword_is_one_lower_cased_term() {
        let manager = TokenizerManager::default();
        register_analyzers(&manager);
        let mut registered = manager.get(KEYWORD).expect("registered");
        assert_eq!(terms_of(&mut registered, "Borger.dk"), ["borger.dk"]);
        assert_eq!(terms_of(&mut registered, "NemLog-in"), ["nemlog-in"]);
        assert_eq!(terms_of(&mut keyword(), "Digital Post"), ["digital post"]);
    }

    #[test]
    fn registered_lower_analyzer_does_not_stem() {
        let manager = TokenizerManager::default();
        register_analyzers(&manager);
        let mut registered = manager.get(LOWER).expect("registered");
        assert_eq!(terms_of(&mut registered, "Spærringen"), ["spærringen"]);
    }

    #[test]
    fn pairs_index_only_synonym_expressions() {
        let manager = TokenizerManager::default();
        register_analyzers(&manager);
        let mut registered = manager.get(PAIRS).expect("registered");
        let digital = stem("digital").unwrap_or_default();
        let post = stem("post").unwrap_or_default();
        assert!(is_indexed_pair(&digital, &post));
        assert_eq!(
            terms_of(
                &mut registered,
                "Læs din Digital Post. Digital og hurtig post."
            ),
            [pair_term(&digital, &post, 1)]
        );
        assert_eq!(
            terms_of(&mut registered, "digital, din post"),
            [pair_term(&digital, &post, 2)]
        );
        assert!(terms_of(&mut registered, "post digital").is_empty());
        assert!(terms_of(&mut registered, "").is_empty());
        assert_ne!(pairs_fingerprint(), 0);
    }

    #[test]
    fn stem_of_one_word() {
        assert_eq!(stem("Spærringen"), analyze("spærring").pop());
        assert_eq!(stem("to ord"), None);
        assert_eq!(stem("!"), None);
    }
}

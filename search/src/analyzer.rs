//! Text analysis for Danish: the one place every tokenizer is built and registered, so the
//! index and the query side can never disagree on how a word is cut and normalised.

use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    TokenizerManager,
};

/// Name under which the Danish analyzer is registered on an index.
pub const DANISH: &str = "da_stem";

/// Name of the lower-case-only analyzer: words as typed, without stemming. Prefix and fuzzy
/// matching run against fields analysed this way, because typos and half-typed words are made
/// on surface forms, not on stems.
pub const LOWER: &str = "da_lower";

/// Name of the keyword analyzer: the whole value is one lower-cased term ("borger.dk",
/// "public"). Used for filter fields, so a filter is case-insensitive but never split.
pub const KEYWORD: &str = "kw_lower";

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

/// Registers every analyzer this crate defines. Call it each time an index is opened:
/// tantivy does not persist tokenizers with the index.
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(DANISH, danish());
    manager.register(LOWER, lower());
    manager.register(KEYWORD, keyword());
}

/// The terms the Danish analyzer makes of `text`, in order.
pub fn analyze(text: &str) -> Vec<String> {
    terms_of(&mut danish(), text)
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
    fn stem_of_one_word() {
        assert_eq!(stem("Spærringen"), analyze("spærring").pop());
        assert_eq!(stem("to ord"), None);
        assert_eq!(stem("!"), None);
    }
}

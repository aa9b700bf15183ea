//! Text analysis for Danish: the one place every tokenizer is built and registered, so the
//! index and the query side can never disagree on how a word is cut and normalised.

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    TokenizerManager,
};

/// Name under which the Danish analyzer is registered on an index.
pub const DANISH: &str = "da_stem";

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

/// Registers every analyzer this crate defines. Call it each time an index is opened:
/// tantivy does not persist tokenizers with the index.
pub fn register_analyzers(manager: &TokenizerManager) {
    manager.register(DANISH, danish());
}

/// The terms the Danish analyzer makes of `text`, in order.
pub fn analyze(text: &str) -> Vec<String> {
    let mut analyzer = danish();
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
}

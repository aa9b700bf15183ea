//! The knowledge base shipped with the desk: the articles under `seed-data/articles`, embedded
//! in the binary so a deployment needs no extra files.

use app::kb::front_matter::ArticleSource;
use app::kb::seed::{self, SeedError, SeedReport};
use app::store::Db;
use include_dir::{Dir, include_dir};

static ARTICLES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../seed-data/articles");

/// Every embedded article, parsed and checked.
pub fn sources() -> Result<Vec<ArticleSource>, SeedError> {
    let mut files = Vec::new();
    for lang_dir in ARTICLES.dirs() {
        for file in lang_dir.files() {
            let path = file.path().to_string_lossy().into_owned();
            if path.ends_with(".md")
                && let Some(text) = file.contents_utf8()
            {
                files.push((path, text));
            }
        }
    }
    seed::parse_all(files.iter().map(|(p, t)| (p.as_str(), *t)))
}

/// Loads the embedded articles into the database (new versions only where they differ).
pub async fn load(db: &Db) -> Result<SeedReport, SeedError> {
    seed::load(db, &sources()?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_article_parses_and_the_knowledge_base_is_complete() {
        let articles = sources().unwrap();
        assert!(articles.len() >= 60, "{} articles", articles.len());
        for lang in ["da", "en"] {
            assert!(articles.iter().any(|a| a.meta.lang == lang));
        }
        for system in app::domain::System::ALL {
            assert!(
                articles
                    .iter()
                    .any(|a| a.meta.systems.iter().any(|s| s == system.name())),
                "no article about {}",
                system.name()
            );
        }
        // Every English article points at a Danish one that exists.
        for a in articles.iter().filter(|a| a.meta.lang == "en") {
            let original = a.meta.translation_of.as_deref().unwrap();
            assert!(
                articles
                    .iter()
                    .any(|d| d.meta.lang == "da" && d.meta.slug == original),
                "{original}"
            );
        }
    }

    #[test]
    fn no_article_contains_a_cpr_number() {
        for a in sources().unwrap() {
            for word in a.body_md.split(|c: char| !(c.is_ascii_digit() || c == '-')) {
                assert!(
                    app::domain::Cpr::parse(word).is_err(),
                    "{}: {word}",
                    a.meta.slug
                );
            }
        }
    }
}

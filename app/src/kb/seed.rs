//! Loading article files (the seed knowledge base) into the database.

use super::front_matter::{self, ArticleSource, FrontMatterError};
use crate::domain::markdown;
use crate::store::articles::{self, ArticleInput, Saved};
use crate::store::{Db, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{path}: {source}")]
    Article {
        path: String,
        source: FrontMatterError,
    },
    #[error("{path}: the file name does not match the slug {slug:?}")]
    FileName { path: String, slug: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Parses every `(path, text)` pair; the file name must be `<slug>.md`.
pub fn parse_all<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<ArticleSource>, SeedError> {
    files
        .into_iter()
        .map(|(path, text)| {
            let article = front_matter::parse(text).map_err(|source| SeedError::Article {
                path: path.to_owned(),
                source,
            })?;
            let stem = std::path::Path::new(path)
                .file_stem()
                .and_then(|s| s.to_str());
            if stem != Some(article.meta.slug.as_str()) {
                return Err(SeedError::FileName {
                    path: path.to_owned(),
                    slug: article.meta.slug.clone(),
                });
            }
            Ok(article)
        })
        .collect()
}

pub fn input_from(source: &ArticleSource) -> ArticleInput {
    let m = &source.meta;
    ArticleInput {
        slug: m.slug.clone(),
        lang: m.lang.clone(),
        title: m.title.clone(),
        summary: m.summary.clone(),
        body_md: source.body_md.clone(),
        systems: m.systems.clone(),
        audience: m.audience.clone(),
        tags: m.tags.clone(),
        sources: m.sources.clone(),
        translation_of: m.translation_of.clone(),
        status: "published".to_owned(),
    }
}

/// Saves each article (a new version only where the file differs from the database).
pub async fn load(db: &Db, sources: &[ArticleSource]) -> Result<SeedReport, SeedError> {
    let mut report = SeedReport::default();
    for source in sources {
        let input = input_from(source);
        let html = markdown::to_html(&input.body_md);
        match articles::save(db, &input, &html, "seed").await? {
            Saved::Created(_) => report.created += 1,
            Saved::Updated(_) => report.updated += 1,
            Saved::Unchanged(_) => report.unchanged += 1,
        }
    }
    Ok(report)
}

//! Reading a published article as a citizen: the page with its translation and related
//! articles, and the "did this help?" answer.

use std::sync::Arc;

use crate::domain::help_activity::Activity;
use crate::domain::kb_views::{ArticleLink, ArticlePage};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::index_sync::kb::KbSearch;
use crate::store::articles::{self, ArticleRow};
use crate::store::help_counts::HelpCounts;
use crate::store::{Db, StoreError};

/// The public article with this slug in the reader's language (or its only language); staff
/// articles are not for citizens. `from_search`: the link was followed from the help search
/// (counted for the deflection figures).
pub async fn public_article(
    db: &Db,
    kb: Arc<KbSearch>,
    counts: &HelpCounts,
    slug: &str,
    from_search: bool,
    lang: Lang,
) -> Result<Option<ArticlePage>, AppError> {
    let Some(row) = articles::find_published(db, slug, lang.code()).await? else {
        return Ok(None);
    };
    // Staff articles are not for citizens.
    if row.audience != "public" {
        return Ok(None);
    }
    // A guide found through the search: the deflection figures' middle step (in memory).
    if from_search {
        counts.count(Activity::Opened);
    }
    let link = |r: &ArticleRow| ArticleLink {
        slug: r.slug.clone(),
        lang: r.lang.clone(),
        title: r.title.clone(),
        summary: r.summary.clone(),
    };
    let translation = articles::find_translation(db, &row)
        .await?
        .map(|r| link(&r));
    let id = row.id;
    let related = tokio::task::spawn_blocking(move || kb.index().related(id, 4))
        .await
        .map_err(|_| AppError::Internal)?
        .unwrap_or_default()
        .into_iter()
        .map(|h| ArticleLink {
            slug: h.slug,
            lang: h.lang,
            title: h.title,
            summary: String::new(),
        })
        .collect();
    Ok(Some(ArticlePage {
        id: row.id,
        slug: row.slug.clone(),
        lang: row.lang.clone(),
        title: row.title.clone(),
        summary: row.summary.clone(),
        body_html: row.body_html.clone(),
        systems: row.systems.clone(),
        updated_at: row.updated_at.chars().take(10).collect(),
        related,
        translation,
    }))
}

/// Why an answer to "did this help?" was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    #[error("no such article")]
    UnknownArticle,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl FeedbackError {
    /// What the citizen is told.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            FeedbackError::UnknownArticle => {
                lang.pick("Vejledningen findes ikke.", "The guide does not exist.")
            }
            FeedbackError::Store(_) => lang.pick(
                "Der skete en fejl hos os. Prøv igen om lidt.",
                "Something went wrong on our side. Please try again shortly.",
            ),
        }
    }
}

/// Records whether the article helped.
pub async fn feedback(db: &Db, article_id: i64, helpful: bool) -> Result<(), FeedbackError> {
    if !articles::record_feedback(db, article_id, helpful).await? {
        return Err(FeedbackError::UnknownArticle);
    }
    Ok(())
}

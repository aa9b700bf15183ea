//! The citizens' help: search, articles and "did this help?". No login; public articles only.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::kb_views::{ArticlePage, SearchPage};
use crate::errors::AppError;

/// At most this many hits on one results page.
pub const PAGE_SIZE: usize = 20;

#[server(prefix = "/api", endpoint = "help/search", input = GetUrl)]
pub async fn search_help(
    q: String,
    system: Option<String>,
    limit: Option<usize>,
) -> Result<SearchPage, AppError> {
    use crate::domain::System;
    use crate::domain::kb_views::SearchHitView;
    use crate::page_context::PageContext;
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let lang = PageContext::current().lang;
    let query: String = q.chars().take(200).collect();
    let system = system
        .as_deref()
        .and_then(System::parse)
        .map(|s| s.name().to_owned());
    if query.trim().is_empty() && system.is_none() {
        return Ok(SearchPage::default());
    }
    let mut request = search::SearchRequest::new(query.clone());
    request.system = system.clone();
    request.limit = limit.unwrap_or(PAGE_SIZE).clamp(1, PAGE_SIZE);
    let kb = state.kb.clone();
    let results = crate::index_sync::search("help", move || kb.index().search(&request)).await?;
    // Counted in memory and written in batches: a miss costs no write of its own.
    if results.total == 0
        && !query.trim().is_empty()
        && !crate::domain::cpr::may_hold_personal_number(&query)
    {
        state.search_misses.record(&query, lang.code());
    }
    Ok(SearchPage {
        query,
        system,
        total: results.total,
        hits: results
            .hits
            .into_iter()
            .map(|h| SearchHitView {
                slug: h.slug,
                lang: h.lang,
                title: h.title,
                snippet_html: h.snippet_html,
                systems: h.systems,
            })
            .collect(),
        facets: results.facets,
    })
}

#[server(prefix = "/api", endpoint = "help/article", input = GetUrl)]
pub async fn get_article(slug: String) -> Result<Option<ArticlePage>, AppError> {
    use crate::domain::kb_views::ArticleLink;
    use crate::page_context::PageContext;
    use crate::state::AppState;
    use crate::store::articles::{self, ArticleRow};

    let state = AppState::from_context()?;
    let lang = PageContext::current().lang;
    let Some(row) = articles::find_published(&state.db, &slug, lang.code()).await? else {
        return Ok(None);
    };
    // Staff articles are not for citizens.
    if row.audience != "public" {
        return Ok(None);
    }
    let link = |r: &ArticleRow| ArticleLink {
        slug: r.slug.clone(),
        lang: r.lang.clone(),
        title: r.title.clone(),
        summary: r.summary.clone(),
    };
    let translation = articles::find_translation(&state.db, &row)
        .await?
        .map(|r| link(&r));
    let kb = state.kb.clone();
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

#[server(prefix = "/api", endpoint = "help/feedback")]
pub async fn article_feedback(
    csrf_token: String,
    article_id: i64,
    slug: String,
    helpful: bool,
) -> Result<(), AppError> {
    use crate::kb::front_matter::is_valid_slug;
    use crate::state::AppState;
    use crate::store::articles;

    let _ = csrf_token;
    let state = AppState::from_context()?;
    if !articles::record_feedback(&state.db, article_id, helpful).await? {
        return Err(crate::functions::reject(AppError::Invalid {
            field: "article_id".into(),
            message_da: "Vejledningen findes ikke.".into(),
            message_en: "The guide does not exist.".into(),
        }));
    }
    if is_valid_slug(&slug) {
        leptos_axum::redirect(&format!("/hjaelp/{slug}?tak=1#feedback"));
    }
    Ok(())
}

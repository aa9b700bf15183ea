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
    use crate::page_context::PageContext;
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let lang = PageContext::current().lang;
    let query: String = q.chars().take(200).collect();
    let system = system
        .as_deref()
        .and_then(System::parse)
        .map(|s| s.name().to_owned());
    let limit = limit.unwrap_or(PAGE_SIZE).clamp(1, PAGE_SIZE);
    crate::kb::search::help(
        state.kb.clone(),
        &state.help_counts,
        query,
        system,
        limit,
        lang,
    )
    .await
}

/// Guides matching what a citizen is typing: the search box's and the contact form's
/// suggestions (not counted as searches).
#[server(prefix = "/api", endpoint = "help/suggest", input = GetUrl)]
pub async fn suggest_help(q: String, limit: Option<usize>) -> Result<SearchPage, AppError> {
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let query: String = q.chars().take(200).collect();
    let limit = limit.unwrap_or(PAGE_SIZE).clamp(1, PAGE_SIZE);
    crate::kb::search::suggest(state.kb.clone(), query, None, limit).await
}

/// One article; `fra=soeg` marks a link followed from the help search.
#[server(prefix = "/api", endpoint = "help/article", input = GetUrl)]
pub async fn get_article(
    slug: String,
    fra: Option<String>,
) -> Result<Option<ArticlePage>, AppError> {
    use crate::domain::help_activity::came_from_search;
    use crate::page_context::PageContext;
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let lang = PageContext::current().lang;
    crate::kb::article_page::public_article(
        &state.db,
        state.kb.clone(),
        &state.help_counts,
        &slug,
        came_from_search(fra.as_deref()),
        lang,
    )
    .await
}

#[server(prefix = "/api", endpoint = "help/feedback")]
pub async fn article_feedback(
    csrf_token: String,
    article_id: i64,
    slug: String,
    helpful: bool,
) -> Result<(), AppError> {
    use crate::i18n::Lang;
    use crate::kb::article_page::{self, FeedbackError};
    use crate::kb::front_matter::is_valid_slug;
    use crate::state::AppState;

    let _ = csrf_token;
    let state = AppState::from_context()?;
    article_page::feedback(&state.db, article_id, helpful)
        .await
        .map_err(|e| match e {
            FeedbackError::Store(e) => e.into(),
            e => crate::functions::invalid("article_id", e.message(Lang::Da), e.message(Lang::En)),
        })?;
    if is_valid_slug(&slug) {
        leptos_axum::redirect(&format!("/hjaelp/{slug}?tak=1#feedback"));
    }
    Ok(())
}

//! Searches for supporters: the knowledge base beside a case (public and internal articles),
//! and full-text search over the cases themselves.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;

/// An article found from the case page's side panel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PanelArticle {
    pub slug: String,
    pub title: String,
    /// Escaped text with `<b>` around matches, made by the search crate.
    pub snippet_html: String,
    /// Internal (staff) articles are for reading, never for sending to citizens.
    pub internal: bool,
    /// The citizens' address of a public article, to paste into a reply.
    pub url: String,
}

/// Knowledge-base hits for the case page's side panel: staff see every article.
#[server(prefix = "/api", endpoint = "staff/kb-search", input = GetUrl)]
pub async fn search_kb_for_case(q: String) -> Result<Vec<PanelArticle>, AppError> {
    use crate::auth::guard::require_role;
    use crate::domain::Role;
    use crate::page_context::PageContext;
    use crate::state::AppState;

    require_role(&[Role::Supporter])?;
    let state = AppState::from_context()?;
    let query: String = q.chars().take(200).collect();
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut request = search::SearchRequest::new(query);
    request.audience = search::Audience::All;
    request.lang = Some(PageContext::current().lang.code().to_owned());
    request.limit = 6;
    let kb = state.kb.clone();
    let results = tokio::task::spawn_blocking(move || kb.index().search(&request))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "search task failed");
            AppError::Internal
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "search failed");
            AppError::Internal
        })?;
    let base = state.mail.public_url.trim_end_matches('/').to_owned();
    Ok(results
        .hits
        .into_iter()
        .map(|h| PanelArticle {
            url: format!("{base}/hjaelp/{}", h.slug),
            internal: h.audience != "public",
            slug: h.slug,
            title: h.title,
            snippet_html: h.snippet_html,
        })
        .collect())
}

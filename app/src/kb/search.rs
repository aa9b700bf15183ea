//! Searching the knowledge base: the citizens' help search (which counts the searches that
//! found nothing) and the supporters' side panel beside a case (public and internal articles).

use std::sync::Arc;

use crate::domain::kb_views::{SearchHitView, SearchPage};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::index_sync::kb::KbSearch;
use crate::store::search_misses::MissCounter;

/// The citizens' help search over public articles. A search that finds nothing is counted
/// (unless it may hold a personal number), so the editors learn what is missing.
pub async fn help(
    kb: Arc<KbSearch>,
    misses: &MissCounter,
    query: String,
    system: Option<String>,
    limit: usize,
    lang: Lang,
) -> Result<SearchPage, AppError> {
    if query.trim().is_empty() && system.is_none() {
        return Ok(SearchPage::default());
    }
    let mut request = search::SearchRequest::new(query.clone());
    request.system = system.clone();
    request.limit = limit;
    let results = crate::index_sync::search("help", move || kb.index().search(&request)).await?;
    // Counted in memory and written in batches: a miss costs no write of its own.
    if results.total == 0
        && !query.trim().is_empty()
        && !crate::domain::cpr::may_hold_personal_number(&query)
    {
        misses.record(&query, lang.code());
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

/// The side panel's search for supporters: every article, public and internal, at most six.
pub async fn for_staff(
    kb: Arc<KbSearch>,
    query: String,
    lang: Lang,
) -> Result<Vec<search::Hit>, AppError> {
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut request = search::SearchRequest::new(query);
    request.audience = search::Audience::All;
    request.lang = Some(lang.code().to_owned());
    request.limit = 6;
    let results =
        crate::index_sync::search("staff kb", move || kb.index().search(&request)).await?;
    Ok(results.hits)
}

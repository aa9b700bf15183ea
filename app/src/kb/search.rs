//! Searching the knowledge base: the citizens' help search (which counts the searches, and
//! what the ones that found nothing asked), the suggestions while a citizen types (not
//! counted: half-typed words are not searches), and the supporters' side panel beside a case
//! (public and internal articles).

use std::sync::Arc;

use crate::domain::help_activity::Activity;
use crate::domain::kb_views::{SearchHitView, SearchPage};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::index_sync::kb::KbSearch;
use crate::store::help_counts::HelpCounts;

/// The citizens' help search over public articles (the results page). Every search with words
/// is counted, and one that finds nothing is counted with its words (unless they may hold a
/// personal number), so the editors learn what is missing. Counted in memory and written in
/// batches: a search costs no write of its own.
pub async fn help(
    kb: Arc<KbSearch>,
    counts: &HelpCounts,
    query: String,
    system: Option<String>,
    limit: usize,
    lang: Lang,
) -> Result<SearchPage, AppError> {
    let page = suggest(kb, query, system, limit).await?;
    if !page.query.trim().is_empty() {
        counts.count(Activity::Searched);
        if page.total == 0 {
            counts.count(Activity::Missed);
            if !crate::domain::cpr::may_hold_personal_number(&page.query) {
                counts.record(&page.query, lang.code());
            }
        }
    }
    Ok(page)
}

/// Guides matching what a citizen is typing (the search box and the contact form); nothing is
/// counted.
pub async fn suggest(
    kb: Arc<KbSearch>,
    query: String,
    system: Option<String>,
    limit: usize,
) -> Result<SearchPage, AppError> {
    if query.trim().is_empty() && system.is_none() {
        return Ok(SearchPage::default());
    }
    let mut request = search::SearchRequest::new(query.clone());
    request.system = system.clone();
    request.limit = limit;
    let results = crate::index_sync::search("help", move || kb.index().search(&request)).await?;
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

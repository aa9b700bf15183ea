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
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::page_context::PageContext;

    let Staff { state, .. } = staff(&[Role::Supporter])?;
    let query: String = q.chars().take(200).collect();
    let lang = PageContext::current().lang;
    let hits = crate::kb::search::for_staff(state.kb.clone(), query, lang).await?;
    let base = state.mail.public_url.trim_end_matches('/').to_owned();
    Ok(hits
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

/// A case found by the staff case search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseHitView {
    pub reference: String,
    pub subject: String,
    pub system: String,
    pub status: String,
    /// Escaped text with `<b>` around matches, made by the search crate.
    pub snippet_html: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseSearchPage {
    pub query: String,
    pub total: usize,
    pub hits: Vec<CaseHitView>,
}

/// Full-text search over cases (reference, subject, citizen's name, timeline text) for
/// supporters. Never over CPR numbers: they are redacted before indexing.
#[server(prefix = "/api", endpoint = "staff/case-search", input = GetUrl)]
pub async fn search_cases(
    q: String,
    system: Option<String>,
    status: Option<String>,
    party: Option<String>,
) -> Result<CaseSearchPage, AppError> {
    use crate::domain::{Role, System};
    use crate::functions::guard::{Staff, staff};

    let Staff { state, .. } = staff(&[Role::Supporter])?;
    let query: String = q.chars().take(200).collect();
    let system = system
        .as_deref()
        .and_then(System::parse)
        .map(|s| s.name().to_owned());
    let Some(results) = crate::cases::search::cases(
        &state.db,
        state.cases_index.clone(),
        query.clone(),
        system,
        status,
        party.filter(|p| crate::domain::business::Party::parse(p).is_ok()),
    )
    .await?
    else {
        return Ok(CaseSearchPage::default());
    };
    Ok(CaseSearchPage {
        query,
        total: results.total,
        hits: results
            .hits
            .into_iter()
            .map(|h| CaseHitView {
                reference: h.reference,
                subject: h.subject,
                system: h.system,
                status: h.status,
                snippet_html: h.snippet_html,
            })
            .collect(),
    })
}

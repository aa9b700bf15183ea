//! What the administrators' knowledge-base pages read: the article list, the insights below
//! it, and the editor with the saved article, its versions and any input a refused save kept.

use super::article_form::{form_from, new_form};
use super::last_change::last_change;
use super::pending;
use crate::domain::kb_admin_views::{
    EditorPage, KbArticleSummary, KbInsightsPage, SearchMissView, VersionView,
};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::store::{articles, kb_admin};

/// Every article, optionally only those with `status` and in `lang`.
pub async fn articles(
    state: &AppState,
    status: Option<&str>,
    lang: Option<&str>,
) -> Result<Vec<KbArticleSummary>, AppError> {
    Ok(kb_admin::list_articles(&state.db, status, lang).await?)
}

/// Searches that found nothing and the least helpful articles.
pub async fn insights(state: &AppState) -> Result<KbInsightsPage, AppError> {
    // Misses are counted in memory and written in batches: the report writes what is pending
    // first, so it is up to date.
    state.help_counts.flush(&state.db).await?;
    let misses = kb_admin::search_misses(&state.db, 50).await?;
    let unhelpful = kb_admin::most_unhelpful(&state.db, 10).await?;
    Ok(KbInsightsPage {
        misses: misses
            .into_iter()
            .map(|m| SearchMissView {
                query: m.query,
                lang: m.lang,
                count: m.count,
                last_at: m.last_at,
            })
            .collect(),
        unhelpful,
    })
}

/// The editor for article `id` (a new article without one), for the administrator `admin`.
/// `draft` names input a refused save kept; the page says when it is no longer kept. `None`
/// when the article does not exist.
pub async fn editor(
    state: &AppState,
    admin: &str,
    id: Option<i64>,
    draft: Option<&str>,
    lang: Lang,
) -> Result<Option<EditorPage>, AppError> {
    let pending = draft.map(|token| pending::get(token, admin, id));
    let draft_expired = matches!(pending, Some(None));
    let pending = pending.flatten();

    let Some(id) = id else {
        let (form, errors) = pending.unwrap_or_else(|| (new_form(), Vec::new()));
        return Ok(Some(EditorPage {
            form,
            errors,
            draft_expired,
            ..EditorPage::default()
        }));
    };
    let Some(row) = articles::find(&state.db, id).await? else {
        return Ok(None);
    };
    let versions = kb_admin::versions(&state.db, id).await?;
    let last_change = last_change(&versions, lang);
    let (form, errors) = pending.unwrap_or_else(|| (form_from(&row), Vec::new()));
    Ok(Some(EditorPage {
        id: Some(row.id),
        version: Some(row.version),
        saved_status: Some(row.status.clone()),
        saved_title: Some(row.title.clone()),
        updated_at: Some(row.updated_at.clone()),
        updated_by: Some(row.updated_by.clone()),
        form,
        errors,
        draft_expired,
        preview_html: Some(row.body_html.clone()),
        versions: versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                title: v.title,
                status: v.status,
                changed_at: v.changed_at,
                changed_by: v.changed_by,
            })
            .collect(),
        last_change,
    }))
}

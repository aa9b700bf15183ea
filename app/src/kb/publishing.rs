//! Saving an article: a new version each time, the search index kept in step. Slug and
//! language are fixed once the article exists; a slug is unique per language; a translation
//! names an existing original; and a save based on an older version than the newest is
//! refused rather than overwriting someone else's change.

use super::article_form::{check, sort_errors};
use super::pending;
use crate::domain::kb_admin_views::{ArticleForm, FieldError, SaveResult};
use crate::domain::markdown;
use crate::errors::AppError;
use crate::state::AppState;
use crate::store::articles::{self, Saved};
use crate::store::kb_admin;

/// Why a save was refused.
pub struct Refusal {
    /// The first problem in the editor's field order: the answer's error.
    pub first: FieldError,
    /// The token naming the kept input, when it was asked to be kept.
    pub kept: Option<String>,
}

/// Creates (without `id`) or updates an article from `form`, as the administrator `admin`.
/// `version` is the version the editor showed. A refused form is kept for the editor to show
/// again when `keep_refused` (a browser without JavaScript loses it on the redirect).
pub async fn save(
    state: &AppState,
    admin: &str,
    id: Option<i64>,
    version: Option<i64>,
    mut form: ArticleForm,
    keep_refused: bool,
) -> Result<Result<SaveResult, Refusal>, AppError> {
    let existing = match id {
        Some(id) => Some(articles::find(&state.db, id).await?.ok_or_else(|| {
            FieldError::new(
                "id",
                "Vejledningen findes ikke.",
                "The guide does not exist.",
            )
            .into_app_error()
        })?),
        None => None,
    };
    if let Some(row) = &existing {
        // Slug and language name the article: they are fixed once it exists.
        form.slug = row.slug.clone();
        form.lang = row.lang.clone();
    }
    let (input, mut errors) = check(&form);

    match &existing {
        None => {
            if !errors
                .iter()
                .any(|e| e.field == "slug" || e.field == "lang")
                && kb_admin::slug_taken(&state.db, &input.lang, &input.slug).await?
            {
                errors.push(FieldError::new(
                    "slug",
                    "Der findes allerede en vejledning med dette slug på samme sprog. Vælg et andet.",
                    "A guide in the same language already uses this slug. Choose another.",
                ));
            }
        }
        Some(row) => {
            if version.is_some_and(|v| v != row.version) {
                errors.push(FieldError::new(
                    "version",
                    format!(
                        "Vejledningen er blevet gemt af en anden, efter du åbnede den (nu version {}). \
                         Se versionshistorikken, og gem igen, hvis dine ændringer stadig skal med.",
                        row.version
                    ),
                    format!(
                        "Someone else saved the guide after you opened it (now version {}). \
                         Check the version history, and save again if your changes still apply.",
                        row.version
                    ),
                ));
            }
        }
    }
    if let Some(original) = &input.translation_of
        && !errors
            .iter()
            .any(|e| e.field == "translation_of" || e.field == "lang")
        && !kb_admin::original_exists(&state.db, original, &input.lang).await?
    {
        errors.push(FieldError::new(
            "translation_of",
            format!("Der findes ingen vejledning på det andet sprog med slugget »{original}«."),
            format!("No guide in the other language has the slug “{original}”."),
        ));
    }

    sort_errors(&mut errors);
    if let Some(first) = errors.first().cloned() {
        let kept = keep_refused.then(|| pending::put(admin, id, form, errors));
        return Ok(Err(Refusal { first, kept }));
    }

    let html = markdown::to_html(&input.body_md);
    let saved = articles::save(&state.db, &input, &html, admin).await?;
    state.kb.sync(&state.db).await?;
    let (id, changed) = match saved {
        Saved::Created(id) | Saved::Updated(id) => (id, true),
        Saved::Unchanged(id) => (id, false),
    };
    let version = articles::find(&state.db, id)
        .await?
        .map(|r| r.version)
        .unwrap_or_default();
    Ok(Ok(SaveResult {
        id,
        version,
        changed,
    }))
}

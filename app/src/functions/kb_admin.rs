//! The administrators' knowledge-base editor: the article list with feedback and unanswered
//! searches, and saving articles (a new version each time, the search index kept in step).
//!
//! Saving is a plain form post that answers with a redirect, so it works without JavaScript:
//! to the saved article, or, when the input is invalid, back to the editor with the errors and
//! the unsaved input kept on the server for a while (nothing is written to the database).

// The save function takes one argument per form field, as the HTML form posts them.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;
use crate::i18n::Lang;

/// The statuses an article can have, in the order the editor offers them.
pub const STATUSES: [&str; 3] = ["draft", "published", "archived"];
/// The audiences an article can have.
pub const AUDIENCES: [&str; 2] = ["public", "staff"];
/// The article languages.
pub const LANGS: [&str; 2] = ["da", "en"];

pub fn status_label(status: &str, lang: Lang) -> String {
    match status {
        "draft" => lang.pick("Kladde", "Draft").to_owned(),
        "published" => lang.pick("Publiceret", "Published").to_owned(),
        "archived" => lang.pick("Arkiveret", "Archived").to_owned(),
        other => other.to_owned(),
    }
}

pub fn audience_label(audience: &str, lang: Lang) -> String {
    match audience {
        "public" => lang.pick("Borgere", "Citizens").to_owned(),
        "staff" => lang.pick("Medarbejdere", "Staff").to_owned(),
        other => other.to_owned(),
    }
}

pub fn lang_label(code: &str, lang: Lang) -> String {
    match code {
        "da" => lang.pick("Dansk", "Danish").to_owned(),
        "en" => lang.pick("Engelsk", "English").to_owned(),
        other => other.to_owned(),
    }
}

/// "2026-11-23T11:17:53.123Z" as "2026-11-23 11:17" (the stored times are UTC).
pub fn short_time(rfc3339: &str) -> String {
    let out: String = rfc3339.chars().take(16).collect();
    out.replacen('T', " ", 1)
}

/// One row of the article list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbArticleSummary {
    pub id: i64,
    pub slug: String,
    pub lang: String,
    pub title: String,
    pub systems: Vec<String>,
    pub audience: String,
    pub status: String,
    pub version: i64,
    pub updated_at: String,
    pub updated_by: String,
    pub helpful_yes: i64,
    pub helpful_no: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchMissView {
    pub query: String,
    pub lang: String,
    pub count: i64,
    pub last_at: String,
}

/// What the list page shows below the articles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbInsightsPage {
    /// Searches that found nothing, most frequent first.
    pub misses: Vec<SearchMissView>,
    /// The articles with the most "no" to "did this help?", worst first.
    pub unhelpful: Vec<KbArticleSummary>,
}

/// The editor's fields, as the form sends them and as the form shows them again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleForm {
    pub slug: String,
    pub lang: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub systems: Vec<String>,
    pub audience: String,
    /// Comma separated.
    pub tags: String,
    /// One URL per line.
    pub sources: String,
    pub translation_of: String,
    pub status: String,
}

/// A problem with one field of the form, in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's name (`slug`, `systems`, …), or `version` for an edit conflict.
    pub field: String,
    pub message_da: String,
    pub message_en: String,
}

impl FieldError {
    #[cfg(feature = "ssr")]
    fn new(field: &str, da: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message_da: da.into(),
            message_en: en.into(),
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.message_da, &self.message_en)
    }

    #[cfg(feature = "ssr")]
    fn into_app_error(self) -> AppError {
        AppError::Invalid {
            field: self.field,
            message_da: self.message_da,
            message_en: self.message_en,
        }
    }
}

/// The form fields in the order the editor shows them; errors are listed in this order.
pub const FIELD_ORDER: [&str; 12] = [
    "version",
    "slug",
    "lang",
    "title",
    "summary",
    "body",
    "systems",
    "audience",
    "tags",
    "sources",
    "translation_of",
    "status",
];

/// The id of the element an error about `field` links to.
pub fn field_anchor(field: &str) -> &'static str {
    match field {
        "slug" => "kb-slug",
        "lang" => "kb-lang-da",
        "title" => "kb-title",
        "summary" => "kb-summary",
        "body" => "kb-body",
        "systems" => "kb-system-mitid",
        "audience" => "kb-audience-public",
        "tags" => "kb-tags",
        "sources" => "kb-sources",
        "translation_of" => "kb-translation-of",
        "status" => "kb-status-draft",
        _ => "versions",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub version: i64,
    pub title: String,
    pub status: String,
    pub changed_at: String,
    pub changed_by: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffKind {
    Unchanged,
    Removed,
    Added,
    /// Unchanged lines left out.
    Gap,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
}

/// The changed lines of one part of the article (title, summary, metadata or body).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSection {
    pub label: String,
    pub lines: Vec<DiffLine>,
}

/// What the newest version changed compared with the one before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastChange {
    pub from_version: i64,
    pub to_version: i64,
    pub changed_at: String,
    pub changed_by: String,
    /// Only the parts that changed; empty when the versions are equal in what is versioned.
    pub sections: Vec<DiffSection>,
}

/// Everything the editor page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorPage {
    /// `None` for a new article.
    pub id: Option<i64>,
    /// The saved version the form is based on.
    pub version: Option<i64>,
    /// The saved article's status (the form may show another, unsaved one).
    pub saved_status: Option<String>,
    pub saved_title: Option<String>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    pub form: ArticleForm,
    /// Why the last attempt to save was refused (its input is in `form`).
    pub errors: Vec<FieldError>,
    /// The link named unsaved input that is no longer kept.
    pub draft_expired: bool,
    /// The saved body, rendered and sanitised.
    pub preview_html: Option<String>,
    pub versions: Vec<VersionView>,
    pub last_change: Option<LastChange>,
}

/// What a successful save answers (a form post is redirected to the article instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveResult {
    pub id: i64,
    pub version: i64,
    pub changed: bool,
}

#[server(prefix = "/api", endpoint = "admin/kb/articles", input = GetUrl)]
pub async fn list_kb_articles(
    status: Option<String>,
    lang: Option<String>,
) -> Result<Vec<KbArticleSummary>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::require_role;
    use crate::state::AppState;
    use crate::store::kb_admin;

    require_role(&[Role::Admin])?;
    let state = AppState::from_context()?;
    let status = ssr::known(status, &STATUSES);
    let lang = ssr::known(lang, &LANGS);
    let rows = kb_admin::list_articles(&state.db, status.as_deref(), lang.as_deref()).await?;
    Ok(rows.into_iter().map(ssr::summary).collect())
}

#[server(prefix = "/api", endpoint = "admin/kb/insights", input = GetUrl)]
pub async fn load_kb_insights() -> Result<KbInsightsPage, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::require_role;
    use crate::state::AppState;
    use crate::store::kb_admin;

    require_role(&[Role::Admin])?;
    let state = AppState::from_context()?;
    // Misses are counted in memory and written in batches: the report writes what is pending
    // first, so it is up to date.
    state.search_misses.flush(&state.db).await?;
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
        unhelpful: unhelpful.into_iter().map(ssr::summary).collect(),
    })
}

/// The editor for article `id` (a new article without one). `draft` names unsaved input kept
/// after a refused save. `None` when the article does not exist.
#[server(prefix = "/api", endpoint = "admin/kb/editor", input = GetUrl)]
pub async fn kb_editor(
    id: Option<i64>,
    draft: Option<String>,
) -> Result<Option<EditorPage>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::require_role;
    use crate::page_context::PageContext;
    use crate::state::AppState;
    use crate::store::{articles, kb_admin};

    let user = require_role(&[Role::Admin])?;
    let state = AppState::from_context()?;
    let lang = PageContext::current().lang;
    let pending = draft
        .as_deref()
        .map(|token| ssr::pending::get(token, &user.username, id));
    let draft_expired = matches!(pending, Some(None));
    let pending = pending.flatten();

    let Some(id) = id else {
        let (form, errors) = pending.unwrap_or_else(|| (ssr::new_form(), Vec::new()));
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
    let last_change = ssr::last_change(&versions, lang);
    let (form, errors) = pending.unwrap_or_else(|| (ssr::form_from(&row), Vec::new()));
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

/// Creates (without `id`) or updates an article. `version` is the version the editor showed:
/// if someone saved since, nothing is saved and the editor says so. Checkboxes post
/// `systems[]`.
#[server(prefix = "/api", endpoint = "admin/kb/save")]
pub async fn save_kb_article(
    csrf_token: String,
    #[server(default)] id: Option<i64>,
    #[server(default)] version: Option<i64>,
    #[server(default)] slug: String,
    #[server(default)] lang: String,
    #[server(default)] title: String,
    #[server(default)] summary: String,
    #[server(default)] body: String,
    #[server(default)] systems: Vec<String>,
    #[server(default)] audience: String,
    #[server(default)] tags: String,
    #[server(default)] sources: String,
    #[server(default)] translation_of: String,
    #[server(default)] status: String,
) -> Result<SaveResult, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::require_role;
    use crate::functions::reject;
    use crate::kb::render;
    use crate::state::AppState;
    use crate::store::articles::{self, Saved};
    use crate::store::kb_admin;

    // The CSRF layer has compared the token with the cookie before this function runs.
    let _ = csrf_token;
    let user = require_role(&[Role::Admin])?;
    let state = AppState::from_context()?;

    let existing = match id {
        Some(id) => Some(articles::find(&state.db, id).await?.ok_or_else(|| {
            reject(AppError::Invalid {
                field: "id".into(),
                message_da: "Vejledningen findes ikke.".into(),
                message_en: "The guide does not exist.".into(),
            })
        })?),
        None => None,
    };
    let mut form = ArticleForm {
        slug,
        lang,
        title,
        summary,
        body,
        systems,
        audience,
        tags,
        sources,
        translation_of,
        status,
    };
    if let Some(row) = &existing {
        // Slug and language name the article: they are fixed once it exists.
        form.slug = row.slug.clone();
        form.lang = row.lang.clone();
    }
    let (input, mut errors) = ssr::check(&form);

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

    if !errors.is_empty() {
        ssr::sort_errors(&mut errors);
        let first = errors[0].clone();
        if ssr::is_form_post() {
            let token = ssr::pending::put(&user.username, id, form, errors);
            let base = match id {
                Some(id) => format!("/admin/vidensbase/{id}"),
                None => "/admin/vidensbase/ny".to_owned(),
            };
            leptos_axum::redirect(&format!("{base}?utkast={token}#fejl"));
        }
        return Err(reject(first.into_app_error()));
    }

    let html = render::to_html(&input.body_md);
    let saved = articles::save(&state.db, &input, &html, &user.username).await?;
    state.kb.sync(&state.db).await?;
    let (id, changed) = match saved {
        Saved::Created(id) | Saved::Updated(id) => (id, true),
        Saved::Unchanged(id) => (id, false),
    };
    let version = articles::find(&state.db, id)
        .await?
        .map(|r| r.version)
        .unwrap_or_default();
    let flag = if changed { "gemt" } else { "uaendret" };
    leptos_axum::redirect(&format!("/admin/vidensbase/{id}?{flag}=1"));
    Ok(SaveResult {
        id,
        version,
        changed,
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use similar::{ChangeTag, TextDiff};

    use super::*;
    use crate::domain::System;
    use crate::kb::front_matter::{FrontMatter, FrontMatterError, is_valid_slug, validate};
    use crate::store::articles::{ArticleInput, ArticleRow};
    use crate::store::kb_admin::{ArticleListRow, VersionRow};

    /// `value` if it is one of `allowed` (filters ignore anything else).
    pub fn known(value: Option<String>, allowed: &[&str]) -> Option<String> {
        value.filter(|v| allowed.contains(&v.as_str()))
    }

    pub fn summary(r: ArticleListRow) -> KbArticleSummary {
        KbArticleSummary {
            id: r.id,
            slug: r.slug,
            lang: r.lang,
            title: r.title,
            systems: r.systems,
            audience: r.audience,
            status: r.status,
            version: r.version,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
            helpful_yes: r.helpful_yes,
            helpful_no: r.helpful_no,
        }
    }

    /// A plain HTML form post (no JavaScript, or a form the browser submits itself).
    pub fn is_form_post() -> bool {
        use_context::<http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        })
    }

    pub fn new_form() -> ArticleForm {
        ArticleForm {
            lang: "da".into(),
            audience: "public".into(),
            status: "draft".into(),
            ..ArticleForm::default()
        }
    }

    pub fn form_from(row: &ArticleRow) -> ArticleForm {
        ArticleForm {
            slug: row.slug.clone(),
            lang: row.lang.clone(),
            title: row.title.clone(),
            summary: row.summary.clone(),
            body: row.body_md.clone(),
            systems: row.systems.clone(),
            audience: row.audience.clone(),
            tags: row.tags.join(", "),
            sources: row.sources.join("\n"),
            translation_of: row.translation_of.clone().unwrap_or_default(),
            status: row.status.clone(),
        }
    }

    fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for item in items {
            if !out.contains(&item) {
                out.push(item);
            }
        }
        out
    }

    /// The form as the store takes it: trimmed, systems spelt as the knowledge base spells
    /// them, tags and sources split into lists.
    pub fn to_input(form: &ArticleForm) -> ArticleInput {
        let translation_of = form.translation_of.trim();
        ArticleInput {
            slug: form.slug.trim().to_owned(),
            lang: form.lang.trim().to_owned(),
            title: form.title.trim().to_owned(),
            summary: form.summary.trim().to_owned(),
            body_md: form.body.replace("\r\n", "\n").trim().to_owned(),
            systems: dedup(form.systems.iter().map(|s| {
                System::parse(s).map_or_else(|| s.trim().to_owned(), |sys| sys.name().to_owned())
            })),
            audience: form.audience.trim().to_owned(),
            tags: dedup(
                form.tags
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            ),
            sources: dedup(
                form.sources
                    .lines()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            ),
            translation_of: (!translation_of.is_empty()).then(|| translation_of.to_owned()),
            status: form.status.trim().to_owned(),
        }
    }

    const PLACEHOLDER: &str = "x";

    fn placeholder_systems() -> Vec<String> {
        vec![System::MitId.name().to_owned()]
    }

    /// Every problem the knowledge base's own rules (`front_matter::validate`) find, one per
    /// field. `validate` reports the first problem only, so each round stands in a valid value
    /// for the field it blamed and asks again.
    pub fn front_matter_errors(meta: &FrontMatter, body: &str) -> Vec<FieldError> {
        let mut meta = meta.clone();
        let mut body = body.to_owned();
        let mut errors = Vec::new();
        for _ in 0..16 {
            match validate(&meta, &body) {
                Ok(()) => break,
                Err(FrontMatterError::Slug(slug)) => {
                    errors.push(if slug.trim().is_empty() {
                        FieldError::new("slug", "Skriv et slug.", "Enter a slug.")
                    } else {
                        FieldError::new(
                            "slug",
                            "Slugget må kun indeholde små bogstaver a–z, tal og bindestreger \
                             (højst 100 tegn) og må ikke begynde eller slutte med en bindestreg.",
                            "The slug may only contain lowercase letters a–z, digits and hyphens \
                             (at most 100 characters), and may not start or end with a hyphen.",
                        )
                    });
                    meta.slug = PLACEHOLDER.into();
                }
                Err(FrontMatterError::Lang(_)) => {
                    errors.push(FieldError::new(
                        "lang",
                        "Vælg sproget: dansk eller engelsk.",
                        "Choose the language: Danish or English.",
                    ));
                    meta.lang = LANGS[0].into();
                }
                Err(FrontMatterError::Audience(_)) => {
                    errors.push(FieldError::new(
                        "audience",
                        "Vælg målgruppen: borgere eller medarbejdere.",
                        "Choose the audience: citizens or staff.",
                    ));
                    meta.audience = AUDIENCES[0].into();
                }
                Err(FrontMatterError::System(bad)) => {
                    errors.push(FieldError::new(
                        "systems",
                        format!("Systemet »{bad}« findes ikke. Vælg blandt de seks systemer."),
                        format!("There is no system “{bad}”. Choose among the six systems."),
                    ));
                    meta.systems.retain(|s| *s != bad);
                }
                Err(FrontMatterError::Empty) => {
                    let empty = empty_fields(&meta, &body);
                    if empty.is_empty() {
                        break;
                    }
                    for field in empty {
                        errors.push(match field {
                            "title" => {
                                meta.title = PLACEHOLDER.into();
                                FieldError::new("title", "Skriv en titel.", "Enter a title.")
                            }
                            "summary" => {
                                meta.summary = PLACEHOLDER.into();
                                FieldError::new("summary", "Skriv et resumé.", "Enter a summary.")
                            }
                            "systems" => {
                                meta.systems = placeholder_systems();
                                FieldError::new(
                                    "systems",
                                    "Vælg mindst ét system.",
                                    "Choose at least one system.",
                                )
                            }
                            _ => {
                                body = PLACEHOLDER.into();
                                FieldError::new(
                                    "body",
                                    "Skriv vejledningens tekst.",
                                    "Enter the text of the guide.",
                                )
                            }
                        });
                    }
                }
                Err(FrontMatterError::Missing | FrontMatterError::Toml(_)) => break,
            }
        }
        errors
    }

    /// Which of the fields `validate` requires are empty: those that still make it answer
    /// `Empty` when every other required field is filled in.
    fn empty_fields(meta: &FrontMatter, body: &str) -> Vec<&'static str> {
        ["title", "summary", "systems", "body"]
            .into_iter()
            .filter(|&field| {
                let mut probe = meta.clone();
                let mut probe_body = PLACEHOLDER.to_owned();
                if field != "title" {
                    probe.title = PLACEHOLDER.into();
                }
                if field != "summary" {
                    probe.summary = PLACEHOLDER.into();
                }
                if field != "systems" {
                    probe.systems = placeholder_systems();
                }
                if field == "body" {
                    probe_body = body.to_owned();
                }
                matches!(validate(&probe, &probe_body), Err(FrontMatterError::Empty))
            })
            .collect()
    }

    const MAX_TITLE: usize = 200;
    const MAX_SUMMARY: usize = 600;
    const MAX_BODY: usize = 200_000;

    /// Checks the form without the database: the article's input and every problem found.
    pub fn check(form: &ArticleForm) -> (ArticleInput, Vec<FieldError>) {
        let input = to_input(form);
        let meta = FrontMatter {
            slug: input.slug.clone(),
            title: input.title.clone(),
            lang: input.lang.clone(),
            summary: input.summary.clone(),
            systems: input.systems.clone(),
            audience: input.audience.clone(),
            tags: input.tags.clone(),
            sources: input.sources.clone(),
            translation_of: input.translation_of.clone(),
        };
        let mut errors = front_matter_errors(&meta, &input.body_md);
        let too_long = |field: &str, max: usize, da: &str, en: &str| {
            FieldError::new(
                field,
                format!("{da} må højst have {max} tegn."),
                format!("{en} may have at most {max} characters."),
            )
        };
        if input.title.chars().count() > MAX_TITLE {
            errors.push(too_long("title", MAX_TITLE, "Titlen", "The title"));
        }
        if input.summary.chars().count() > MAX_SUMMARY {
            errors.push(too_long("summary", MAX_SUMMARY, "Resuméet", "The summary"));
        }
        if input.body_md.chars().count() > MAX_BODY {
            errors.push(too_long("body", MAX_BODY, "Teksten", "The text"));
        }
        if let Some(bad) = input.sources.iter().find(|s| !is_web_address(s)) {
            errors.push(FieldError::new(
                "sources",
                format!(
                    "»{bad}« er ikke en webadresse. Skriv én adresse pr. linje, der begynder med https://."
                ),
                format!(
                    "“{bad}” is not a web address. Write one address per line, starting with https://."
                ),
            ));
        }
        if let Some(original) = &input.translation_of
            && !is_valid_slug(original)
        {
            errors.push(FieldError::new(
                "translation_of",
                "»Oversættelse af« skal være slugget på en vejledning på det andet sprog.",
                "“Translation of” must be the slug of a guide in the other language.",
            ));
        }
        if !STATUSES.contains(&input.status.as_str()) {
            errors.push(FieldError::new(
                "status",
                "Vælg status: kladde, publiceret eller arkiveret.",
                "Choose the status: draft, published or archived.",
            ));
        }
        sort_errors(&mut errors);
        (input, errors)
    }

    fn is_web_address(s: &str) -> bool {
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"));
        rest.is_some_and(|r| !r.is_empty() && !r.chars().any(char::is_whitespace))
    }

    pub fn sort_errors(errors: &mut [FieldError]) {
        errors.sort_by_key(|e| {
            FIELD_ORDER
                .iter()
                .position(|f| *f == e.field)
                .unwrap_or(FIELD_ORDER.len())
        });
    }

    /// A line diff from `old` to `new`: changed lines with two unchanged lines around them.
    pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
        let diff = TextDiff::from_lines(old, new);
        let old_len = diff.old_slices().len();
        let groups = diff.grouped_ops(2);
        let mut out = Vec::new();
        let gap = || DiffLine {
            kind: DiffKind::Gap,
            text: String::new(),
        };
        for (i, group) in groups.iter().enumerate() {
            let starts_late = group.first().is_some_and(|op| op.old_range().start > 0);
            if i > 0 || starts_late {
                out.push(gap());
            }
            for op in group {
                for change in diff.iter_changes(op) {
                    let kind = match change.tag() {
                        ChangeTag::Delete => DiffKind::Removed,
                        ChangeTag::Insert => DiffKind::Added,
                        ChangeTag::Equal => DiffKind::Unchanged,
                    };
                    out.push(DiffLine {
                        kind,
                        text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                    });
                }
            }
        }
        let ends_early = groups
            .last()
            .and_then(|g| g.last())
            .is_some_and(|op| op.old_range().end < old_len);
        if ends_early {
            out.push(gap());
        }
        out
    }

    fn metadata_text(v: &VersionRow, lang: Lang) -> String {
        let systems = v.systems.join(", ");
        let tags = v.tags.join(", ");
        [
            (lang.pick("Systemer", "Systems"), systems),
            (
                lang.pick("Målgruppe", "Audience"),
                audience_label(&v.audience, lang),
            ),
            (lang.pick("Tags", "Tags"), tags),
            (lang.pick("Status", "Status"), status_label(&v.status, lang)),
        ]
        .into_iter()
        .map(|(label, value)| format!("{label}: {value}\n"))
        .collect()
    }

    /// The difference between the two newest of `versions` (newest first).
    pub fn last_change(versions: &[VersionRow], lang: Lang) -> Option<LastChange> {
        let [new, old, ..] = versions else {
            return None;
        };
        let parts = [
            (lang.pick("Titel", "Title"), &old.title, &new.title),
            (lang.pick("Resumé", "Summary"), &old.summary, &new.summary),
            (
                lang.pick("Metadata", "Metadata"),
                &metadata_text(old, lang),
                &metadata_text(new, lang),
            ),
            (lang.pick("Tekst", "Text"), &old.body_md, &new.body_md),
        ];
        let sections = parts
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(label, a, b)| DiffSection {
                label: label.to_owned(),
                lines: diff_lines(a, b),
            })
            .collect();
        Some(LastChange {
            from_version: old.version,
            to_version: new.version,
            changed_at: new.changed_at.clone(),
            changed_by: new.changed_by.clone(),
            sections,
        })
    }

    /// Input from refused saves, kept so the editor can show it again with its errors (a
    /// browser without JavaScript loses a form's content when it follows the redirect). Kept in
    /// memory only, for an hour, for the administrator who typed it.
    pub mod pending {
        use std::collections::HashMap;
        use std::sync::{LazyLock, Mutex};
        use std::time::{Duration, Instant};

        use super::super::{ArticleForm, FieldError};

        const KEEP_FOR: Duration = Duration::from_secs(60 * 60);
        const MAX_KEPT: usize = 100;

        struct Pending {
            owner: String,
            target: Option<i64>,
            form: ArticleForm,
            errors: Vec<FieldError>,
            at: Instant,
        }

        static PENDING: LazyLock<Mutex<HashMap<String, Pending>>> =
            LazyLock::new(|| Mutex::new(HashMap::new()));

        fn with_map<T>(f: impl FnOnce(&mut HashMap<String, Pending>) -> T) -> T {
            let mut map = PENDING
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            map.retain(|_, p| p.at.elapsed() < KEEP_FOR);
            f(&mut map)
        }

        /// Keeps the input and returns the token that names it.
        pub fn put(
            owner: &str,
            target: Option<i64>,
            form: ArticleForm,
            errors: Vec<FieldError>,
        ) -> String {
            let token = crate::domain::tokens::new_token();
            with_map(|map| {
                while map.len() >= MAX_KEPT {
                    let oldest = map.iter().min_by_key(|(_, p)| p.at).map(|(k, _)| k.clone());
                    match oldest {
                        Some(k) => map.remove(&k),
                        None => break,
                    };
                }
                map.insert(
                    token.clone(),
                    Pending {
                        owner: owner.to_owned(),
                        target,
                        form,
                        errors,
                        at: Instant::now(),
                    },
                );
            });
            token
        }

        /// The input `token` names, if it is still kept, belongs to `owner` and was meant for
        /// article `target`.
        pub fn get(
            token: &str,
            owner: &str,
            target: Option<i64>,
        ) -> Option<(ArticleForm, Vec<FieldError>)> {
            with_map(|map| {
                map.get(token)
                    .filter(|p| p.owner == owner && p.target == target)
                    .map(|p| (p.form.clone(), p.errors.clone()))
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn good_form() -> ArticleForm {
            ArticleForm {
                slug: "ny-vejledning".into(),
                lang: "da".into(),
                title: "Ny vejledning".into(),
                summary: "Kort fortalt.".into(),
                body: "Sådan gør du.\r\n\r\n## Trin\r\n".into(),
                systems: vec!["mitid".into(), "Digital Post".into(), "MitID".into()],
                audience: "public".into(),
                tags: " kode, , spærring ,kode".into(),
                sources: "https://www.mitid.dk/\n\n  https://www.borger.dk/  \n".into(),
                translation_of: "  ".into(),
                status: "draft".into(),
            }
        }

        fn fields(errors: &[FieldError]) -> Vec<&str> {
            errors.iter().map(|e| e.field.as_str()).collect()
        }

        #[test]
        fn a_good_form_becomes_clean_input() {
            let (input, errors) = check(&good_form());
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(input.systems, vec!["MitID", "Digital Post"]);
            assert_eq!(input.tags, vec!["kode", "spærring"]);
            assert_eq!(
                input.sources,
                vec!["https://www.mitid.dk/", "https://www.borger.dk/"]
            );
            assert_eq!(input.translation_of, None);
            assert_eq!(input.body_md, "Sådan gør du.\n\n## Trin");
        }

        #[test]
        fn every_broken_field_is_reported_once_in_form_order() {
            let form = ArticleForm {
                slug: "Ikke Gyldig".into(),
                lang: "de".into(),
                title: " ".into(),
                summary: String::new(),
                body: "\n".into(),
                systems: vec![],
                audience: "alle".into(),
                tags: String::new(),
                sources: "www.mitid.dk".into(),
                translation_of: "Æble".into(),
                status: "klar".into(),
            };
            let (_, errors) = check(&form);
            assert_eq!(
                fields(&errors),
                vec![
                    "slug",
                    "lang",
                    "title",
                    "summary",
                    "body",
                    "systems",
                    "audience",
                    "sources",
                    "translation_of",
                    "status"
                ]
            );
            for e in &errors {
                assert!(!e.message_da.is_empty() && e.message_da != e.message_en);
            }
        }

        #[test]
        fn unknown_systems_and_a_missing_system_are_named() {
            let mut form = good_form();
            form.systems = vec!["NemID".into()];
            let (_, errors) = check(&form);
            assert_eq!(fields(&errors), vec!["systems", "systems"]);
            assert!(errors[0].message_da.contains("NemID"));
            assert_eq!(errors[1].message_da, "Vælg mindst ét system.");

            form.systems = vec![];
            let (_, errors) = check(&form);
            assert_eq!(fields(&errors), vec!["systems"]);
        }

        #[test]
        fn an_empty_slug_asks_for_one() {
            let mut form = good_form();
            form.slug = String::new();
            let (_, errors) = check(&form);
            assert_eq!(errors[0].message_en, "Enter a slug.");
            form.slug = "-x".into();
            let (_, errors) = check(&form);
            assert!(errors[0].message_en.contains("lowercase"));
        }

        #[test]
        fn diffs_show_changed_lines_with_context() {
            let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
            let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
            let lines = diff_lines(old, new);
            let kinds: Vec<_> = lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
            assert_eq!(
                kinds,
                vec![
                    (DiffKind::Gap, ""),
                    (DiffKind::Unchanged, "c"),
                    (DiffKind::Unchanged, "d"),
                    (DiffKind::Removed, "e"),
                    (DiffKind::Added, "E"),
                    (DiffKind::Unchanged, "f"),
                    (DiffKind::Unchanged, "g"),
                    (DiffKind::Gap, ""),
                ]
            );
            let single = diff_lines("Gammel titel", "Ny titel");
            assert_eq!(
                single,
                vec![
                    DiffLine {
                        kind: DiffKind::Removed,
                        text: "Gammel titel".into()
                    },
                    DiffLine {
                        kind: DiffKind::Added,
                        text: "Ny titel".into()
                    },
                ]
            );
        }

        fn version(n: i64, title: &str, body: &str, status: &str) -> VersionRow {
            VersionRow {
                version: n,
                title: title.into(),
                summary: "Samme.".into(),
                body_md: body.into(),
                systems: vec!["MitID".into()],
                audience: "public".into(),
                tags: vec![],
                status: status.into(),
                changed_at: "2026-11-23T10:00:00Z".into(),
                changed_by: "admin".into(),
            }
        }

        #[test]
        fn the_last_change_covers_only_what_changed() {
            assert_eq!(
                last_change(&[version(1, "T", "B", "draft")], Lang::Da),
                None
            );
            let change = last_change(
                &[
                    version(2, "T", "B\nny linje\n", "published"),
                    version(1, "T", "B\n", "draft"),
                ],
                Lang::Da,
            )
            .unwrap();
            assert_eq!((change.from_version, change.to_version), (1, 2));
            let labels: Vec<_> = change.sections.iter().map(|s| s.label.as_str()).collect();
            assert_eq!(labels, vec!["Metadata", "Tekst"]);
            let meta = &change.sections[0].lines;
            assert!(meta.contains(&DiffLine {
                kind: DiffKind::Removed,
                text: "Status: Kladde".into()
            }));
            assert!(meta.contains(&DiffLine {
                kind: DiffKind::Added,
                text: "Status: Publiceret".into()
            }));
            assert!(change.sections[1].lines.contains(&DiffLine {
                kind: DiffKind::Added,
                text: "ny linje".into()
            }));
        }

        #[test]
        fn kept_input_is_only_for_its_owner_and_article() {
            let token = pending::put("admin", Some(7), good_form(), vec![]);
            assert!(pending::get(&token, "admin", Some(7)).is_some());
            assert!(pending::get(&token, "other", Some(7)).is_none());
            assert!(pending::get(&token, "admin", None).is_none());
            assert!(pending::get("unknown", "admin", Some(7)).is_none());
        }

        #[tokio::test]
        async fn the_html_form_encoding_reaches_the_server_function() {
            use leptos::server_fn::codec::{FromReq, PostUrl};

            let body = "csrf_token=t&slug=ny&lang=da&title=T&summary=S&body=B\
                        &systems%5B%5D=MitID&systems%5B%5D=Virk&audience=public&tags=\
                        &sources=&translation_of=&status=draft";
            let req = http::Request::builder()
                .method("POST")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .unwrap();
            let args = <SaveKbArticle as FromReq<PostUrl, _, AppError>>::from_req(req)
                .await
                .unwrap();
            assert_eq!(args.systems, vec!["MitID", "Virk"]);
            assert_eq!(args.id, None);

            // No box ticked: no field at all.
            let req = http::Request::builder()
                .method("POST")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(
                    "csrf_token=t&id=4&version=2&title=T&status=draft",
                ))
                .unwrap();
            let args = <SaveKbArticle as FromReq<PostUrl, _, AppError>>::from_req(req)
                .await
                .unwrap();
            assert!(args.systems.is_empty());
            assert_eq!((args.id, args.version), (Some(4), Some(2)));
        }
    }
}

//! What the administrators' knowledge-base pages are sent and show: the article list, the
//! insights below it, the editor with its errors, versions and last change, and the labels
//! and anchors the pages use for them. Shared with the browser.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
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
    pub fn new(field: &str, da: impl Into<String>, en: impl Into<String>) -> Self {
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
    pub fn into_app_error(self) -> AppError {
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

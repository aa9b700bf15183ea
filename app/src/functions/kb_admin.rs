//! The administrators' knowledge-base editor: the article list with feedback and unanswered
//! searches, and saving articles (the rules are in `crate::kb::publishing`).
//!
//! Saving is a plain form post that answers with a redirect, so it works without JavaScript:
//! to the saved article, or, when the input is invalid, back to the editor with the errors and
//! the unsaved input kept on the server for a while (nothing is written to the database).

// The save function takes one argument per form field, as the HTML form posts them.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::kb_admin_views::{EditorPage, KbArticleSummary, KbInsightsPage, SaveResult};
use crate::errors::AppError;

#[server(prefix = "/api", endpoint = "admin/kb/articles", input = GetUrl)]
pub async fn list_kb_articles(
    status: Option<String>,
    lang: Option<String>,
) -> Result<Vec<KbArticleSummary>, AppError> {
    use crate::domain::Role;
    use crate::domain::kb_admin_views::{LANGS, STATUSES};
    use crate::functions::guard::{Staff, staff};
    use crate::kb::admin;

    let Staff { state, .. } = staff(&[Role::Admin])?;
    // Filters ignore values they do not know.
    let known =
        |value: Option<String>, allowed: &[&str]| value.filter(|v| allowed.contains(&v.as_str()));
    let status = known(status, &STATUSES);
    let lang = known(lang, &LANGS);
    admin::articles(&state, status.as_deref(), lang.as_deref()).await
}

#[server(prefix = "/api", endpoint = "admin/kb/insights", input = GetUrl)]
pub async fn load_kb_insights() -> Result<KbInsightsPage, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::kb::admin;

    let Staff { state, .. } = staff(&[Role::Admin])?;
    admin::insights(&state).await
}

/// The editor for article `id` (a new article without one). `draft` names unsaved input kept
/// after a refused save. `None` when the article does not exist.
#[server(prefix = "/api", endpoint = "admin/kb/editor", input = GetUrl)]
pub async fn kb_editor(
    id: Option<i64>,
    draft: Option<String>,
) -> Result<Option<EditorPage>, AppError> {
    use crate::domain::Role;
    use crate::functions::guard::{Staff, staff};
    use crate::kb::admin;
    use crate::page_context::PageContext;

    let Staff { me: user, state } = staff(&[Role::Admin])?;
    let lang = PageContext::current().lang;
    admin::editor(&state, &user.username, id, draft.as_deref(), lang).await
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
    use crate::domain::kb_admin_views::ArticleForm;
    use crate::functions::guard::{Staff, staff};
    use crate::functions::{is_plain_form_post, reject, reject_invalid};
    use crate::kb::publishing;

    // The CSRF layer has compared the token with the cookie before this function runs.
    let _ = csrf_token;
    let Staff { me: user, state } = staff(&[Role::Admin])?;
    let form = ArticleForm {
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
    let form_post = is_plain_form_post();
    match publishing::save(&state, &user.username, id, version, form, form_post)
        .await
        .map_err(reject_invalid)?
    {
        Ok(saved) => {
            let flag = if saved.changed { "gemt" } else { "uaendret" };
            leptos_axum::redirect(&format!("/admin/vidensbase/{}?{flag}=1", saved.id));
            Ok(saved)
        }
        Err(refusal) => {
            if let Some(token) = refusal.kept {
                let base = match id {
                    Some(id) => format!("/admin/vidensbase/{id}"),
                    None => "/admin/vidensbase/ny".to_owned(),
                };
                leptos_axum::redirect(&format!("{base}?utkast={token}#fejl"));
            }
            Err(reject(refusal.first.into_app_error()))
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

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

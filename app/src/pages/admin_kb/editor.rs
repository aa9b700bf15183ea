use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{status_badge, time_cell};
use crate::components::csrf_field::CsrfField;
use crate::components::require_role::RequireRole;
use crate::domain::kb_admin_views::{
    AUDIENCES, DiffKind, DiffLine, EditorPage, FieldError, LANGS, LastChange, STATUSES,
    VersionView, audience_label, field_anchor, lang_label, status_label,
};
use crate::domain::{Role, System};
use crate::errors::AppError;
use crate::functions::kb_admin::{SaveKbArticle, kb_editor};
use crate::i18n::Lang;
use crate::page_context::use_page_context;
use crate::pages::not_found::NotFound;

/// `/admin/vidensbase/ny`: a new article.
#[component]
pub fn AdminKbNew() -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <Title text=lang.pick("Ny vejledning", "New guide")/>
        <RequireRole role=Role::Admin>
            <Editor id=None/>
        </RequireRole>
    }
}

/// `/admin/vidensbase/:id`: an existing article, its preview and its version history.
#[component]
pub fn AdminKbEdit() -> impl IntoView {
    let lang = use_page_context().lang;
    let params = use_params_map();
    view! {
        <Title text=lang.pick("Redigér vejledning", "Edit guide")/>
        <RequireRole role=Role::Admin>
            {move || {
                match params.read().get("id").and_then(|id| id.parse::<i64>().ok()) {
                    Some(id) => view! { <Editor id=Some(id)/> }.into_any(),
                    None => view! { <NotFound/> }.into_any(),
                }
            }}
        </RequireRole>
    }
}

/// Which notice the address asks for after a redirect from the save.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Notice {
    None,
    Saved,
    Unchanged,
}

#[component]
fn Editor(id: Option<i64>) -> impl IntoView {
    let lang = use_page_context().lang;
    let query = use_query_map().get_untracked();
    let draft = query.get("utkast");
    let notice = if query.get("gemt").is_some() {
        Notice::Saved
    } else if query.get("uaendret").is_some() {
        Notice::Unchanged
    } else {
        Notice::None
    };
    // Errors other than invalid input (a plain form post returns here with them in the URL).
    let action = ServerAction::<SaveKbArticle>::new();
    let other_error = action.value().get_untracked().and_then(Result::err);
    let page = Resource::new(
        move || (id, draft.clone()),
        |(id, draft)| kb_editor(id, draft),
    );
    view! {
        <Suspense fallback=move || view! { <p class="page">{lang.pick("Henter …", "Loading …")}</p> }>
            {move || {
                let other_error = other_error.clone();
                Suspend::new(async move {
                    match page.await {
                        Err(e) => view! {
                            <div class="page"><p class="error" role="alert">{e.message(lang)}</p></div>
                        }.into_any(),
                        Ok(None) => view! { <NotFound/> }.into_any(),
                        Ok(Some(page)) => view! {
                            <EditorView page notice other_error/>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The messages for `field`, joined.
fn error_for(errors: &[FieldError], field: &str, lang: Lang) -> Option<String> {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message(lang))
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
}

fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let ids: Vec<String> = [
        hint.then(|| format!("{id}-hint")),
        error.then(|| format!("{id}-error")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

#[component]
fn EditorView(page: EditorPage, notice: Notice, other_error: Option<AppError>) -> impl IntoView {
    let lang = use_page_context().lang;
    let is_new = page.id.is_none();
    let form = page.form.clone();
    let errors = page.errors.clone();
    let err = move |field: &str| error_for(&errors, field, lang);
    let heading = if is_new {
        lang.pick("Ny vejledning", "New guide")
    } else {
        lang.pick("Redigér vejledning", "Edit guide")
    };
    let crumb = page
        .saved_title
        .clone()
        .unwrap_or_else(|| heading.to_owned());
    let title = match (&page.saved_title, page.errors.is_empty()) {
        (Some(t), true) => format!("{}: {t}", lang.pick("Redigér", "Edit")),
        (Some(t), false) => format!("{}: {t}", lang.pick("Fejl – redigér", "Error – edit")),
        (None, true) => heading.to_owned(),
        (None, false) => format!("{}: {heading}", lang.pick("Fejl", "Error")),
    };
    let published_link = (page.saved_status.as_deref() == Some("published"))
        .then(|| format!("/hjaelp/{}", form.slug));
    let article_lang = form.lang.clone();

    let notice_view = match notice {
        Notice::Saved => Some(view! {
            <div class="notice success" role="status">
                <p>
                    {match (lang, page.version) {
                        (Lang::Da, Some(v)) => format!("Vejledningen er gemt som version {v}."),
                        (Lang::En, Some(v)) => format!("The guide is saved as version {v}."),
                        _ => lang.pick("Vejledningen er gemt.", "The guide is saved.").to_owned(),
                    }}
                    " "
                    {published_link.clone().map(|href| view! {
                        <a href=href>{lang.pick("Se den på hjælpesiden", "See it on the help site")}</a>
                    })}
                </p>
            </div>
        }.into_any()),
        Notice::Unchanged => Some(view! {
            <div class="notice" role="status">
                <p>{lang.pick("Der var ingen ændringer at gemme.", "There were no changes to save.")}</p>
            </div>
        }.into_any()),
        Notice::None => None,
    };

    view! {
        <Title text=title/>
        <div class="page kb-editor">
            <nav class="breadcrumb" aria-label=lang.pick("Brødkrumme", "Breadcrumb")>
                <a href="/admin">{lang.pick("Administration", "Administration")}</a>
                " › "
                <a href="/admin/vidensbase">{lang.pick("Vidensbase", "Knowledge base")}</a>
                " › "
                <span aria-current="page">{crumb}</span>
            </nav>
            <h1>{heading}</h1>
            {notice_view}
            {page.draft_expired.then(|| view! {
                <div class="notice" role="status">
                    <p>{lang.pick(
                        "De ændringer, du ikke fik gemt, er ikke længere gemt midlertidigt. Formularen viser den gemte version.",
                        "The changes you could not save are no longer kept. The form shows the saved version.",
                    )}</p>
                </div>
            })}
            {other_error.map(|e| view! {
                <div class="error-summary" role="alert" tabindex="-1" id="fejl-andet">
                    <h2>{lang.pick("Vejledningen blev ikke gemt", "The guide was not saved")}</h2>
                    <p>{e.message(lang)}</p>
                </div>
            })}
            {(!page.errors.is_empty()).then(|| view! { <ErrorSummary errors=page.errors.clone()/> })}
            {page.version.map(|v| view! {
                <p class="kb-meta">
                    {lang.pick("Gemt status: ", "Saved status: ")}
                    {status_badge(page.saved_status.as_deref().unwrap_or_default(), lang)}
                    " · " {lang.pick("Version ", "Version ")} {v}
                    " · " {lang.pick("Opdateret ", "Updated ")}
                    {time_cell(page.updated_at.clone().unwrap_or_default())} " UTC "
                    {lang.pick("af ", "by ")} {page.updated_by.clone().unwrap_or_default()}
                </p>
            })}

            <form method="post" action=SaveKbArticle::url() class="stack kb-form" novalidate>
                <CsrfField/>
                {page.id.map(|id| view! { <input type="hidden" name="id" value=id.to_string()/> })}
                {page.version.map(|v| view! { <input type="hidden" name="version" value=v.to_string()/> })}
                <p class="hint">
                    {lang.pick(
                        "Alle felter skal udfyldes, undtagen dem, der er markeret som valgfri.",
                        "Fill in every field except those marked optional.",
                    )}
                </p>

                {if is_new {
                    view! {
                        <TextField id="kb-slug" name="slug" label=lang.pick("Slug (adresse)", "Slug (address)")
                            hint=lang.pick(
                                "Små bogstaver a–z, tal og bindestreger, fx glemt-bruger-id. Vejledningen får adressen /hjaelp/slug. Slugget kan ikke ændres senere.",
                                "Lowercase letters a–z, digits and hyphens, e.g. forgot-user-id. The guide's address becomes /hjaelp/slug. The slug cannot be changed later.",
                            )
                            error=err("slug") value=form.slug.clone() spellcheck=false/>
                        <ChoiceGroup id="kb-lang" name="lang" legend=lang.pick("Sprog", "Language")
                            error=err("lang") selected=form.lang.clone()
                            choices=LANGS.iter().map(|code| (code.to_string(), lang_label(code, lang))).collect()/>
                    }.into_any()
                } else {
                    view! {
                        <dl class="kb-fixed">
                            <dt>{lang.pick("Slug (adresse)", "Slug (address)")}</dt>
                            <dd><code>{form.slug.clone()}</code></dd>
                            <dt>{lang.pick("Sprog", "Language")}</dt>
                            <dd>{lang_label(&form.lang, lang)}</dd>
                        </dl>
                        <p class="hint">{lang.pick(
                            "Slug og sprog kan ikke ændres, når vejledningen er oprettet.",
                            "The slug and language cannot be changed once the guide exists.",
                        )}</p>
                    }.into_any()
                }}

                <TextField id="kb-title" name="title" label=lang.pick("Titel", "Title")
                    error=err("title") value=form.title.clone() input_lang=article_lang.clone()/>
                <TextField id="kb-summary" name="summary" label=lang.pick("Resumé", "Summary")
                    hint=lang.pick(
                        "Én eller to sætninger. Vises i søgeresultater og øverst i vejledningen.",
                        "One or two sentences. Shown in search results and at the top of the guide.",
                    )
                    error=err("summary") value=form.summary.clone() rows=3 input_lang=article_lang.clone()/>
                <TextField id="kb-body" name="body" label=lang.pick("Tekst (Markdown)", "Text (Markdown)")
                    hint=lang.pick(
                        "Markdown: ## giver en mellemrubrik, - en punktliste, 1. en nummereret liste og [tekst](adresse) et link.",
                        "Markdown: ## makes a subheading, - a bulleted list, 1. a numbered list and [text](address) a link.",
                    )
                    error=err("body") value=form.body.clone() rows=20 input_lang=article_lang.clone() class="kb-body-input"/>

                <fieldset class="field choice-group" aria-describedby=described_by("kb-systems", true, err("systems").is_some())>
                    <legend>{lang.pick("Systemer", "Systems")}</legend>
                    <p class="hint" id="kb-systems-hint">{lang.pick("Vælg mindst ét.", "Choose at least one.")}</p>
                    {err("systems").map(|e| view! { <FieldErrorText id="kb-systems-error".to_owned() message=e/> })}
                    <div class="choices">
                        {System::ALL.into_iter().map(|system| {
                            let id = format!("kb-system-{}", system.slug());
                            let checked = form.systems.iter().any(|s| System::parse(s) == Some(system));
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name="systems[]" value=system.name() checked=checked/>
                                    <label for=id>{system.name()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>

                <ChoiceGroup id="kb-audience" name="audience" legend=lang.pick("Målgruppe", "Audience")
                    hint=lang.pick(
                        "Vejledninger til medarbejdere vises aldrig for borgere.",
                        "Guides for staff are never shown to citizens.",
                    )
                    error=err("audience") selected=form.audience.clone()
                    choices=AUDIENCES.iter().map(|a| (a.to_string(), audience_label(a, lang))).collect()/>

                <TextField id="kb-tags" name="tags" label=lang.pick("Tags", "Tags") optional=true
                    hint=lang.pick(
                        "Ord, borgerne kan søge på. Adskil dem med komma.",
                        "Words citizens may search for. Separate them with commas.",
                    )
                    error=err("tags") value=form.tags.clone() input_lang=article_lang.clone()/>
                <TextField id="kb-sources" name="sources" label=lang.pick("Kilder", "Sources") optional=true
                    hint=lang.pick("Én webadresse pr. linje.", "One web address per line.")
                    error=err("sources") value=form.sources.clone() rows=3 spellcheck=false/>
                <TextField id="kb-translation-of" name="translation_of"
                    label=lang.pick("Oversættelse af", "Translation of") optional=true
                    hint=lang.pick(
                        "Slugget på den vejledning på det andet sprog, som denne oversætter.",
                        "The slug of the guide in the other language that this one translates.",
                    )
                    error=err("translation_of") value=form.translation_of.clone() spellcheck=false/>

                <ChoiceGroup id="kb-status" name="status" legend=lang.pick("Status", "Status")
                    hint=lang.pick(
                        "Kun publicerede vejledninger vises for borgerne og kan findes i søgningen.",
                        "Only published guides are shown to citizens and can be found by search.",
                    )
                    error=err("status") selected=form.status.clone()
                    choices=STATUSES.iter().map(|s| (s.to_string(), status_label(s, lang))).collect()/>

                <button type="submit" class="primary">{lang.pick("Gem", "Save")}</button>
            </form>

            {page.preview_html.clone().map(|html| view! {
                <section class="kb-section kb-preview" aria-labelledby="preview-title">
                    <h2 id="preview-title">{lang.pick("Forhåndsvisning", "Preview")}</h2>
                    <p class="hint">
                        {match (lang, page.version) {
                            (Lang::Da, Some(v)) => format!("Teksten i den gemte version {v}, som borgerne ser den."),
                            (Lang::En, Some(v)) => format!("The text of saved version {v}, as citizens see it."),
                            _ => String::new(),
                        }}
                    </p>
                    <div class="preview-frame" lang=article_lang.clone()>
                        <p class="preview-title">{page.saved_title.clone()}</p>
                        <div class="article-body" inner_html=html></div>
                    </div>
                </section>
            })}

            {(!is_new).then(|| view! {
                <VersionHistory versions=page.versions.clone()/>
                <LastChangeView change=page.last_change.clone()/>
            })}
        </div>
    }
}

#[component]
fn ErrorSummary(errors: Vec<FieldError>) -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <div class="error-summary" id="fejl" role="alert" tabindex="-1" aria-labelledby="fejl-title">
            <h2 id="fejl-title">{lang.pick("Vejledningen blev ikke gemt", "The guide was not saved")}</h2>
            <p>{lang.pick(
                "Ret det følgende, og tryk Gem igen. Intet er ændret endnu.",
                "Correct the following and press Save again. Nothing has been changed yet.",
            )}</p>
            <ul>
                {errors.into_iter().map(|e| view! {
                    <li><a href=format!("#{}", field_anchor(&e.field))>{e.message(lang).to_owned()}</a></li>
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn FieldErrorText(id: String, message: String) -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <p class="field-error" id=id>
            <span class="visually-hidden">{lang.pick("Fejl: ", "Error: ")}</span>
            {message}
        </p>
    }
}

/// A labelled text input (or, with `rows`, a text area) with its hint and error.
#[component]
fn TextField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    error: Option<String>,
    value: String,
    #[prop(optional)] rows: Option<u32>,
    #[prop(optional)] optional: bool,
    #[prop(optional)] input_lang: Option<String>,
    #[prop(default = true)] spellcheck: bool,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    let lang = use_page_context().lang;
    let invalid = error.is_some();
    let describedby = described_by(id, hint.is_some(), invalid);
    let spellcheck = if spellcheck { "true" } else { "false" };
    let control = match rows {
        Some(rows) => {
            // tachys renders `<textarea>` children unescaped (as if it were `<script>`), so a
            // saved `</textarea><svg onload=…>` would close the box: escape on the server. In
            // the browser the text becomes a DOM text node, which needs no escaping.
            #[cfg(feature = "ssr")]
            let value = html_escape::encode_text(&value).into_owned();
            view! {
            <textarea id=id name=name rows=rows lang=input_lang spellcheck=spellcheck class=class
                aria-describedby=describedby aria-invalid=invalid.then_some("true")
                aria-required=(!optional).then_some("true")>{value}</textarea>
            }
            .into_any()
        }
        None => view! {
            <input type="text" id=id name=name value=value lang=input_lang spellcheck=spellcheck
                class=class autocomplete="off"
                aria-describedby=describedby aria-invalid=invalid.then_some("true")
                aria-required=(!optional).then_some("true")/>
        }
        .into_any(),
    };
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id>
                {label}
                {optional.then(|| view! { <span class="optional">{lang.pick(" (valgfrit)", " (optional)")}</span> })}
            </label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {error.map(|e| view! { <FieldErrorText id=format!("{id}-error") message=e/> })}
            {control}
        </div>
    }
}

/// Radio buttons in a fieldset; each radio's id is `{id}-{value}`.
#[component]
fn ChoiceGroup(
    id: &'static str,
    name: &'static str,
    legend: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    error: Option<String>,
    selected: String,
    choices: Vec<(String, String)>,
) -> impl IntoView {
    let invalid = error.is_some();
    view! {
        <fieldset class="field choice-group" class:field-invalid=invalid
            aria-describedby=described_by(id, hint.is_some(), invalid)>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {error.map(|e| view! { <FieldErrorText id=format!("{id}-error") message=e/> })}
            <div class="choices">
                {choices.into_iter().map(|(value, label)| {
                    let radio_id = format!("{id}-{value}");
                    let checked = value == selected;
                    view! {
                        <div class="choice">
                            <input type="radio" id=radio_id.clone() name=name value=value checked=checked/>
                            <label for=radio_id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
fn VersionHistory(versions: Vec<VersionView>) -> impl IntoView {
    let lang = use_page_context().lang;
    view! {
        <section class="kb-section" id="versions" tabindex="-1" aria-labelledby="versions-title">
            <h2 id="versions-title">{lang.pick("Versionshistorik", "Version history")}</h2>
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="versions-title">
                <table class="data kb-versions">
                    <thead>
                        <tr>
                            <th scope="col" class="num">{lang.pick("Version", "Version")}</th>
                            <th scope="col">{lang.pick("Tidspunkt (UTC)", "Time (UTC)")}</th>
                            <th scope="col">{lang.pick("Af", "By")}</th>
                            <th scope="col">{lang.pick("Status", "Status")}</th>
                            <th scope="col">{lang.pick("Titel", "Title")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {versions.into_iter().map(|v| view! {
                            <tr class="kb-version">
                                <td class="num">{v.version}</td>
                                <td>{time_cell(v.changed_at)}</td>
                                <td>{v.changed_by}</td>
                                <td>{status_badge(&v.status, lang)}</td>
                                <td>{v.title}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn LastChangeView(change: Option<LastChange>) -> impl IntoView {
    let lang = use_page_context().lang;
    let content = match change {
        None => view! {
            <p>{lang.pick(
                "Der er kun én version endnu, så der er intet at sammenligne med.",
                "There is only one version so far, so there is nothing to compare with.",
            )}</p>
        }
        .into_any(),
        Some(change) => {
            let intro = match lang {
                Lang::Da => format!(
                    "Fra version {} til version {}, gemt af {}.",
                    change.from_version, change.to_version, change.changed_by
                ),
                Lang::En => format!(
                    "From version {} to version {}, saved by {}.",
                    change.from_version, change.to_version, change.changed_by
                ),
            };
            view! {
                <p>{intro}</p>
                {change.sections.is_empty().then(|| view! {
                    <p>{lang.pick(
                        "Titel, resumé, tekst og metadata er uændrede (ændringen gjaldt kilder eller oversættelse).",
                        "Title, summary, text and metadata are unchanged (the change concerned sources or translation).",
                    )}</p>
                })}
                {change.sections.into_iter().map(|section| view! {
                    <h3>{section.label.clone()}</h3>
                    <ul class="diff" aria-label=section.label>
                        {section.lines.into_iter().map(|line| diff_line(line, lang)).collect_view()}
                    </ul>
                }).collect_view()}
            }
            .into_any()
        }
    };
    view! {
        <section class="kb-section kb-last-change" aria-labelledby="change-title">
            <h2 id="change-title">{lang.pick("Hvad gjorde den seneste ændring?", "What did the last change do?")}</h2>
            {content}
        </section>
    }
}

fn diff_line(line: DiffLine, lang: Lang) -> AnyView {
    match line.kind {
        DiffKind::Removed => view! {
            <li class="diff-removed">
                <span class="diff-sign" aria-hidden="true">"−"</span>
                <del><span class="visually-hidden">{lang.pick("Fjernet: ", "Removed: ")}</span>{line.text}</del>
            </li>
        }
        .into_any(),
        DiffKind::Added => view! {
            <li class="diff-added">
                <span class="diff-sign" aria-hidden="true">"+"</span>
                <ins><span class="visually-hidden">{lang.pick("Tilføjet: ", "Added: ")}</span>{line.text}</ins>
            </li>
        }
        .into_any(),
        DiffKind::Unchanged => view! {
            <li class="diff-same">
                <span class="diff-sign" aria-hidden="true">" "</span>
                <span>{line.text}</span>
            </li>
        }
        .into_any(),
        DiffKind::Gap => view! {
            <li class="diff-gap">
                <span aria-hidden="true">"…"</span>
                <span class="visually-hidden">{lang.pick("Uændrede linjer udeladt", "Unchanged lines left out")}</span>
            </li>
        }
        .into_any(),
    }
}

//! `/vurdering/:token`: where the satisfaction link of a resolution e-mail leads. One click on
//! a score in the e-mail records it; the page thanks the citizen and offers a comment. Plain
//! HTML: it works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::csrf_field::CsrfField;
use crate::domain::rating::{COMMENT_MAX_CHARS, RatingOutcome, Score};
use crate::functions::ratings::{CommentRating, follow_rating_link};
use crate::i18n::Lang;
use crate::page_context::use_page_context;

#[component]
pub fn RatingPage() -> impl IntoView {
    let lang = use_page_context().lang;
    let params = use_params_map();
    let query = use_query_map();
    let token = params.read_untracked().get("token").unwrap_or_default();
    let score = query.read_untracked().get("karakter");
    let thanked = query.read_untracked().get("tak").is_some();
    let outcome = Resource::new(
        {
            let token = token.clone();
            move || (token.clone(), score.clone())
        },
        |(token, score)| follow_rating_link(token, score),
    );
    let action = ServerAction::<CommentRating>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <Title text=lang.pick("Din vurdering", "Your rating")/>
        <div class="page narrow">
            <Suspense fallback=|| ()>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match outcome.await {
                            Ok(RatingOutcome::Choose { reference }) => choose(lang, &token, reference).into_any(),
                            Ok(RatingOutcome::Recorded { reference, score, may_comment }) => view! {
                                <div class="panel receipt" role="status">
                                    <h1>{lang.pick("Tak for din vurdering", "Thank you for your rating")}</h1>
                                    <p>{recorded_text(lang, &reference, score)}</p>
                                </div>
                                {may_comment.then(|| comment_form(lang, &token, error().map(|e| e.message(lang))))}
                            }.into_any(),
                            Ok(RatingOutcome::AlreadyRated { reference, score, may_comment }) => view! {
                                <div class="panel receipt" role="status">
                                    <h1>{lang.pick("Tak for din vurdering", "Thank you for your rating")}</h1>
                                    <p>{if thanked {
                                        lang.pick("Vi har modtaget din kommentar.", "We have received your comment.").to_owned()
                                    } else {
                                        already_text(lang, &reference, score)
                                    }}</p>
                                </div>
                                {(may_comment && !thanked).then(|| comment_form(lang, &token, error().map(|e| e.message(lang))))}
                            }.into_any(),
                            Ok(RatingOutcome::Expired) => closed(
                                lang,
                                true,
                                lang.pick("Linket er udløbet", "The link has expired"),
                                lang.pick(
                                    "Man kan vurdere en sag i 30 dage, efter at den er løst. Skriv til os via kontaktformularen, hvis du vil fortælle os noget.",
                                    "A case can be rated for 30 days after it was resolved. Write to us through the contact form if you want to tell us something.",
                                ),
                            ).into_any(),
                            Ok(RatingOutcome::Unknown) | Err(_) => closed(
                                lang,
                                false,
                                lang.pick("Linket virker ikke", "The link does not work"),
                                lang.pick(
                                    "Vi kender ikke dette link. Kopiér hele linket fra e-mailen, eller skriv til os via kontaktformularen.",
                                    "We do not know this link. Copy the whole link from the e-mail, or write to us through the contact form.",
                                ),
                            ).into_any(),
                        }
                    })
                }}
            </Suspense>
        </div>
    }
}

fn recorded_text(lang: Lang, reference: &str, score: Score) -> String {
    match lang {
        Lang::Da => format!(
            "Du har givet sag {reference} {} ud af 5 ({}).",
            score.value(),
            score.label(lang).to_lowercase()
        ),
        Lang::En => format!(
            "You rated case {reference} {} out of 5 ({}).",
            score.value(),
            score.label(lang).to_lowercase()
        ),
    }
}

fn already_text(lang: Lang, reference: &str, score: Score) -> String {
    match lang {
        Lang::Da => format!(
            "Sag {reference} er allerede vurderet: {} ud af 5. Man kan vurdere en sag én gang.",
            score.value()
        ),
        Lang::En => format!(
            "Case {reference} has been rated already: {} out of 5. A case can be rated once.",
            score.value()
        ),
    }
}

/// The five scores as links, for a visitor who arrived without one.
fn choose(lang: Lang, token: &str, reference: String) -> impl IntoView {
    view! {
        <h1>{lang.pick("Hvor tilfreds er du med hjælpen?", "How satisfied are you with the help?")}</h1>
        <p>{match lang {
            Lang::Da => format!("Sag {reference}. Vælg et tal fra 1 (meget utilfreds) til 5 (meget tilfreds)."),
            Lang::En => format!("Case {reference}. Choose a number from 1 (very dissatisfied) to 5 (very satisfied)."),
        }}</p>
        <ul class="rating-choices">
            {Score::ALL.into_iter().map(|s| view! {
                <li><a href=format!("/vurdering/{token}?karakter={}", s.value())>
                    <strong>{s.value()}</strong> " " {s.label(lang)}
                </a></li>
            }).collect_view()}
        </ul>
    }
}

fn comment_form(lang: Lang, token: &str, error: Option<String>) -> impl IntoView {
    view! {
        <form method="post" action=CommentRating::url() class="stack panel">
            <h2>{lang.pick("Vil du fortælle os mere? (valgfrit)", "Would you like to tell us more? (optional)")}</h2>
            {error.map(|message| view! {
                <div class="error-summary" role="alert" tabindex="-1">
                    <p>{message}</p>
                </div>
            })}
            <CsrfField/>
            <input type="hidden" name="token" value=token.to_owned()/>
            <div class="field">
                <label for="comment">{lang.pick("Din kommentar", "Your comment")}</label>
                <p id="comment-hint" class="hint">{lang.pick(
                    "Skriv ikke dit CPR-nummer, din adgangskode eller koder. Højst 2.000 tegn.",
                    "Do not write your CPR number, password or codes. At most 2,000 characters.",
                )}</p>
                <textarea id="comment" name="comment" rows="5" maxlength=COMMENT_MAX_CHARS required aria-describedby="comment-hint"></textarea>
            </div>
            <button type="submit" class="primary">{lang.pick("Send kommentar", "Send comment")}</button>
        </form>
    }
}

/// An expired (410) or unknown (404) link.
fn closed(lang: Lang, gone: bool, title: &'static str, text: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(if gone {
            http::StatusCode::GONE
        } else {
            http::StatusCode::NOT_FOUND
        });
    }
    #[cfg(not(feature = "ssr"))]
    let _ = gone;
    view! {
        <h1>{title}</h1>
        <p>{text}</p>
        <p><a href="/kontakt">{lang.pick("Skriv til supporten", "Write to the support line")}</a></p>
    }
}

//! How a caller proves who they are before a block or a lift: an ID document's number (only
//! its last four characters are kept) or control questions answered correctly. Shared by the
//! citizen block flow and the MitID Erhverv block flow.

use leptos::prelude::*;

use crate::i18n::Lang;
use crate::page_context::use_page_context;

/// The ID documents a caller can give the number of.
const DOCUMENTS: [(&str, &str); 4] = [
    ("Pas", "Passport"),
    ("Kørekort", "Driving licence"),
    ("Opholdskort", "Residence card"),
    ("ID-kort", "ID card"),
];

/// How the caller was verified: an ID document's number, or control questions.
#[component]
pub fn VerifyFieldset(legend: &'static str, prefix: &'static str) -> impl IntoView {
    let lang = use_page_context().lang;
    let id = move |name: &str| format!("{prefix}-{name}");
    // The caller is on the line: the flow opens with the cursor in the document number (not
    // in a lift's ("l") second verification; reached by client-side navigation, so `autofocus` would not do).
    let number = NodeRef::<leptos::html::Input>::new();
    // The answered-questions count shows only when that method is chosen: one field less to
    // pass on the common path.
    let by_questions = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if number.get().is_some() && prefix != "l" {
            // After the page is in the document: a detached input cannot take focus.
            request_animation_frame(move || {
                if let Some(input) = number.get_untracked() {
                    let _ = input.focus();
                }
            });
        }
    });
    view! {
        <fieldset>
            <legend>{legend}</legend>
            <div class="field">
                <label for=id("doc-number")>{lang.pick("Dokumentnummer (kun de sidste 4 tegn gemmes)", "Document number (only the last 4 characters are kept)")}</label>
                <input id=id("doc-number") name="document_number" type="text" autocomplete="off" node_ref=number/>
            </div>
            <div class="field">
                <label for=id("doc-kind")>{lang.pick("Dokument", "Document")}</label>
                <select id=id("doc-kind") name="document_kind">
                    {DOCUMENTS.iter().map(|(da, en)| view! { <option value=*da>{if lang == Lang::Da { *da } else { *en }}</option> }).collect_view()}
                </select>
            </div>
            <div class="field" role="radiogroup" aria-label=lang.pick("Metode", "Method")>
                <div class="choice">
                    <input type="radio" name="method" id=id("m-doc") value="document" checked
                        on:change=move |_| by_questions.set(false)/>
                    <label for=id("m-doc")>{lang.pick("ID-dokument", "ID document")}</label>
                </div>
                <div class="choice">
                    <input type="radio" name="method" id=id("m-q") value="questions"
                        on:change=move |_| by_questions.set(true)/>
                    <label for=id("m-q")>{lang.pick("Kontrolspørgsmål", "Control questions")}</label>
                </div>
            </div>
            {move || by_questions.get().then(|| view! {
                <div class="field">
                    <label for=id("questions")>{lang.pick("Kontrolspørgsmål besvaret korrekt", "Control questions answered correctly")}</label>
                    <select id=id("questions") name="questions_answered">
                        {(0..=4).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                    </select>
                </div>
            })}
        </fieldset>
    }
}

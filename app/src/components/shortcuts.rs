//! Keyboard shortcuts for the supporters' common moves: single keys, ignored while typing in
//! a field and with Ctrl/Alt/Meta held, listed on the page so they can be learned.

use leptos::prelude::*;

use crate::page_context::use_page_context;

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Focus the element with this id.
    Focus(&'static str),
    /// Follow the link with this id.
    Follow(&'static str),
    /// Move focus to the next (+1) or previous (-1) element matching the CSS selector.
    Step(&'static str, i32),
}

/// (key, what it does, Danish and English description).
pub type Shortcut = (char, Move, &'static str, &'static str);

#[component]
pub fn Shortcuts(keys: &'static [Shortcut]) -> impl IntoView {
    let lang = use_page_context().lang;
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| listen(keys));
    view! {
        <details class="shortcuts">
            <summary>{lang.pick("Tastaturgenveje", "Keyboard shortcuts")}</summary>
            <dl>
                {keys.iter().map(|(key, _, da, en)| view! {
                    <dt><kbd>{key.to_string()}</kbd></dt><dd>{lang.pick(da, en)}</dd>
                }).collect_view()}
            </dl>
        </details>
    }
}

#[cfg(feature = "hydrate")]
fn listen(keys: &'static [Shortcut]) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let handler =
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
            if ev.ctrl_key() || ev.alt_key() || ev.meta_key() {
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || el.has_attribute("contenteditable")
                });
            if typing {
                return;
            }
            let key = ev.key();
            let Some((_, action, _, _)) = keys.iter().find(|(k, ..)| key == k.to_string()) else {
                return;
            };
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let focus = |el: web_sys::Element| {
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            };
            match *action {
                Move::Focus(id) => {
                    if let Some(el) = document.get_element_by_id(id) {
                        ev.prevent_default();
                        focus(el);
                    }
                }
                Move::Follow(id) => {
                    if let Some(el) = document
                        .get_element_by_id(id)
                        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        ev.prevent_default();
                        el.click();
                    }
                }
                Move::Step(selector, by) => {
                    let Ok(list) = document.query_selector_all(selector) else {
                        return;
                    };
                    let items: Vec<web_sys::Element> = (0..list.length())
                        .filter_map(|i| list.item(i))
                        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
                        .collect();
                    if items.is_empty() {
                        return;
                    }
                    let active = document.active_element();
                    let at = items.iter().position(|el| Some(el) == active.as_ref());
                    let next = match at {
                        None => 0,
                        Some(i) => {
                            (i as i64 + i64::from(by)).clamp(0, items.len() as i64 - 1) as usize
                        }
                    };
                    ev.prevent_default();
                    focus(items[next].clone());
                }
            }
        });
    let _ = document.add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
    // One listener per page: removed when the page goes, so keys never act twice.
    let handler = StoredValue::new_local(handler);
    on_cleanup(move || {
        handler.with_value(|h| {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                let _ = document
                    .remove_event_listener_with_callback("keydown", h.as_ref().unchecked_ref());
            }
        })
    });
}

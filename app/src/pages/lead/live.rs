//! The browser's end of the dashboard's live stream: a `changed` message whenever cases
//! changed (the server sends at most one every few seconds).

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::domain::dashboard::EVENTS_PATH;

/// Opens the stream and calls `on_change` for every message; the browser reconnects by itself.
pub fn subscribe(on_change: impl Fn() + 'static) -> Option<web_sys::EventSource> {
    let source = web_sys::EventSource::new(EVENTS_PATH).ok()?;
    let handler =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            on_change()
        });
    source.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    Some(source)
}

/// Whether keyboard focus is inside the figures (a refresh would rebuild what has focus).
pub fn focus_in_figures() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.closest("#lead-figures").ok().flatten())
        .is_some()
}

/// Milliseconds since the page loaded.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

//! The browser's end of the queue's live feed (server-sent events).

use crate::domain::live_case::{EVENTS_PATH, LiveCase};

/// Opens the feed in the browser and calls `on_case` for every new case. The connection is
/// re-established by the browser itself after a drop (EventSource does that).
pub fn subscribe(on_case: impl Fn(LiveCase) + 'static) -> Option<web_sys::EventSource> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let source = web_sys::EventSource::new(EVENTS_PATH).ok()?;
    let handler =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(case) = ev
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<LiveCase>(&text).ok())
            {
                on_case(case);
            }
        });
    source.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the page's feed; the source is closed on unmount.
    handler.forget();
    Some(source)
}

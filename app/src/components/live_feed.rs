//! The browser's end of the consoles' live feed (server-sent events): new cases for every
//! console, and the supporter's own calls (the screen-pop) as named `call` events.

use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;

use crate::domain::live_case::{EVENTS_PATH, LiveCase};
use crate::domain::telephony::{CALL_EVENT, CallPop};

/// A message handler that reads the event's data as JSON and hands it on; unreadable data
/// is passed over.
fn json_handler<T: DeserializeOwned + 'static>(
    on: impl Fn(T) + 'static,
) -> Closure<dyn FnMut(web_sys::MessageEvent)> {
    Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        if let Some(value) = ev
            .data()
            .as_string()
            .and_then(|text| serde_json::from_str::<T>(&text).ok())
        {
            on(value);
        }
    })
}

/// Opens the feed in the browser and calls `on_case` for every new case. The connection is
/// re-established by the browser itself after a drop (EventSource does that).
pub fn subscribe(on_case: impl Fn(LiveCase) + 'static) -> Option<web_sys::EventSource> {
    use wasm_bindgen::JsCast;

    let source = web_sys::EventSource::new(EVENTS_PATH).ok()?;
    let handler = json_handler(on_case);
    source.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the page's feed; the source is closed on unmount.
    handler.forget();
    Some(source)
}

/// Opens the feed and calls `on_pop` for every change to one of this supporter's calls (the
/// server sends a call only to its agent's consoles).
pub fn subscribe_calls(on_pop: impl Fn(CallPop) + 'static) -> Option<web_sys::EventSource> {
    use wasm_bindgen::JsCast;

    let source = web_sys::EventSource::new(EVENTS_PATH).ok()?;
    let handler = json_handler(on_pop);
    source
        .add_event_listener_with_callback(CALL_EVENT, handler.as_ref().unchecked_ref())
        .ok()?;
    handler.forget();
    Some(source)
}

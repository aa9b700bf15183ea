//! The desk's Leptos application, in floors (see ARCHITECTURE.md): pages and components,
//! server functions, services, the store, and the domain. The domain, the functions' wire
//! types and the pages compile for the server and the browser; services and the store sit
//! behind the `ssr` feature, the browser entry point `hydrate()` behind `hydrate`.
#![recursion_limit = "256"]

pub mod components;
pub mod domain;
pub mod errors;
pub mod functions;
pub mod hydration;
pub mod i18n;
pub mod page_context;
pub mod pages;
pub mod root;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod blocks;
#[cfg(feature = "ssr")]
pub mod cases;
#[cfg(feature = "ssr")]
pub mod counter;
#[cfg(feature = "ssr")]
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod incidents;
#[cfg(feature = "ssr")]
pub mod index_sync;
#[cfg(feature = "ssr")]
pub mod kb;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod operations;
#[cfg(feature = "ssr")]
pub mod powers;
#[cfg(feature = "ssr")]
pub mod privacy;
#[cfg(feature = "ssr")]
pub mod ratings;
#[cfg(feature = "ssr")]
pub mod registry;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod telephony;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Islands mode: Leptos's island script hydrates each island after this returns.
    leptos::mount::hydrate_islands();
    hydration::browser::start_hydrating();
    hydration::browser::mark_if_no_islands();
}

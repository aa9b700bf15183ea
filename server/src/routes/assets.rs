//! The browser bundle and the site's static files.
//!
//! The release build writes each file under `/pkg` with a content hash in its name and
//! precompressed `.br` and `.gz` copies beside it (`cargo leptos build --release
//! --precompress`, with `hash-files` in Cargo.toml). They are served as they are, in the best
//! encoding the browser accepts, and browsers may keep them for a year without asking again:
//! a new release has new names. Everything else the site serves is compressed on the fly
//! (see `startup::router`).

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::services::{ServeDir, ServeFile};

use crate::state::ServerState;

/// Content-hashed bundle files: the same name always means the same bytes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files with a fixed name (the icon): kept a day, then checked again.
const ONE_DAY: &str = "public, max-age=86400";

/// The file the build writes beside the server binary, naming the bundle's hashes.
pub const HASH_FILE: &str = "hash.txt";

/// Whether this build's bundle has content-hashed names (release builds do); read once at
/// start-up, so the pages name the files that are really there.
pub fn bundle_is_hashed() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(HASH_FILE)))
        .is_some_and(|file| file.is_file())
}

pub fn router(site_root: &Path) -> Router<ServerState> {
    let bundle = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    let icon = ServeFile::new(site_root.join("favicon.svg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/pkg", bundle)
        .layer(middleware::from_fn(|req, next| {
            cache_for(IMMUTABLE, req, next)
        }))
        .merge(
            Router::new()
                .route(
                    app::root::staff_stylesheet_href(),
                    axum::routing::get(|| async {
                        (
                            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                            app::root::STAFF_CSS,
                        )
                    }),
                )
                .layer(middleware::from_fn(|req, next| {
                    cache_for(IMMUTABLE, req, next)
                })),
        )
        .merge(
            Router::new()
                .route_service("/favicon.svg", icon)
                .layer(middleware::from_fn(|req, next| {
                    cache_for(ONE_DAY, req, next)
                })),
        )
}

/// Only found files may be cached: a 404 for a bundle that is not there yet must not stick.
async fn cache_for(policy: &'static str, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == axum::http::StatusCode::NOT_MODIFIED {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    res
}

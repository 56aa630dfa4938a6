//! The web app: the built SPA from `web/dist` with `index.html` as the fallback for
//! client routes, or a small built-in page when the app has not been built.
//!
//! Files are served in their Brotli or gzip version made at build time (`*.br`, `*.gz`
//! beside each file) when the browser accepts it. Hashed files under `/assets/` never
//! change, so browsers keep them for a year; everything else (`index.html`, client
//! routes) is revalidated on every load, so a new release is picked up at once.

use crate::app::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

const PLACEHOLDER: &str = include_str!("placeholder.html");

/// For files whose name carries a content hash (Vite's `/assets/`).
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For `index.html` and other files without a hash.
pub const REVALIDATE: &str = "no-cache";

pub fn attach(router: Router<AppState>, web_dir: &Path) -> Router<AppState> {
    let index = web_dir.join("index.html");
    if index.is_file() {
        let files = ServeDir::new(web_dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(
                ServeFile::new(index)
                    .precompressed_br()
                    .precompressed_gzip(),
            );
        // A hashed file that is not there is a 404, never `index.html` (which would be
        // kept for a year under the asset's name).
        let assets = ServeDir::new(web_dir.join("assets"))
            .precompressed_br()
            .precompressed_gzip();
        let web: Router = Router::new()
            .nest_service("/assets", assets)
            .fallback_service(files)
            .layer(middleware::from_fn(cache_control));
        router.fallback_service(web)
    } else {
        tracing::warn!(dir = %web_dir.display(), "web app not built; serving the built-in page");
        router.fallback(|| async { Html(PLACEHOLDER) })
    }
}

async fn cache_control(req: Request, next: Next) -> Response {
    let hashed = req.uri().path().starts_with("/assets/");
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status().is_redirection() {
        let value = if hashed && res.status().is_success() {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

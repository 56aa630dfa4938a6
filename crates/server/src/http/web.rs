//! The web app: the built SPA from `web/dist` with `index.html` as the fallback for
//! client routes, or a small built-in page when the app has not been built.

use crate::app::AppState;
use axum::Router;
use axum::response::Html;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

const PLACEHOLDER: &str = include_str!("placeholder.html");

pub fn attach(router: Router<AppState>, web_dir: &Path) -> Router<AppState> {
    let index = web_dir.join("index.html");
    if index.is_file() {
        router.fallback_service(ServeDir::new(web_dir).fallback(ServeFile::new(index)))
    } else {
        tracing::warn!(dir = %web_dir.display(), "web app not built; serving the built-in page");
        router.fallback(|| async { Html(PLACEHOLDER) })
    }
}

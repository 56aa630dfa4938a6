//! Product images drawn on the fly as SVG (category colour, initials, unit), so the
//! catalog looks right offline and needs no image files or CDN.

use crate::app::AppState;
use crate::error::{AppError, Result};
use crate::http::extract::AppPath;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/images/products/{file}", get(product_image))
}

async fn product_image(
    State(state): State<AppState>,
    AppPath(file): AppPath<String>,
) -> Result<Response> {
    let not_found = || AppError::not_found("image_not_found", "No such image.");
    let id = file.strip_suffix(".svg").ok_or_else(not_found)?;
    let p = state
        .store
        .product_by_id(id, None)
        .await?
        .ok_or_else(not_found)?;
    let svg = render(&p.name, &p.unit, &p.category_color);
    let mut res = svg.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(res)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// A 400×400 tile: a soft background in the category colour, initials and the unit.
pub fn render(name: &str, unit: &str, color: &str) -> String {
    let color = if color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|c| c.is_ascii_hexdigit())
    {
        color
    } else {
        "#607d8b"
    };
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="{label}"><rect width="400" height="400" fill="{color}" opacity="0.12"/><circle cx="200" cy="170" r="110" fill="{color}" opacity="0.85"/><text x="200" y="205" font-family="sans-serif" font-size="96" font-weight="700" fill="#fff" text-anchor="middle">{initials}</text><text x="200" y="345" font-family="sans-serif" font-size="34" fill="{color}" text-anchor="middle">{unit}</text></svg>"##,
        label = escape(name),
        initials = escape(&initials(name)),
        unit = escape(unit),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_escapes_and_uses_initials() {
        let svg = render("Tom & Jerry <Chips>", "50 g", "#ff0000");
        assert!(svg.contains("Tom &amp; Jerry &lt;Chips&gt;"));
        assert!(svg.contains(">T&amp;<") || svg.contains(">TJ<"), "{svg}");
        assert!(render("x", "1", "red\"><script>").contains("#607d8b"));
    }
}

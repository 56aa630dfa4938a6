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
    let svg = render(&Illustrated {
        name: &p.name,
        brand: p.brand.as_deref(),
        unit: &p.unit,
        category: &p.category_slug,
        color: &p.category_color,
    });
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

/// What a product picture is drawn from.
pub struct Illustrated<'a> {
    pub name: &'a str,
    pub brand: Option<&'a str>,
    pub unit: &'a str,
    /// The category's slug: picks the kind of pack.
    pub category: &'a str,
    pub color: &'a str,
}

/// The kind of pack a product comes in, guessed from its category, name and unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pack {
    Bottle,
    Carton,
    Bag,
    Box,
    Jar,
    Produce,
    Blister,
}

pub fn pack_of(category: &str, name: &str, unit: &str) -> Pack {
    let name = name.to_lowercase();
    let unit = unit.to_lowercase();
    let liquid = unit.contains("ml") || unit.split_whitespace().any(|w| w == "l" || w == "litre");
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    match category {
        "fruits-vegetables" => Pack::Produce,
        "pharmacy-wellness" if !liquid => Pack::Blister,
        _ if has(&["milk", "juice", "lassi", "buttermilk"]) && liquid => Pack::Carton,
        _ if liquid => Pack::Bottle,
        _ if has(&[
            "ghee", "jam", "honey", "pickle", "butter", "spread", "cream",
        ]) =>
        {
            Pack::Jar
        }
        "tea-coffee-health-drinks" | "breakfast-instant" | "baby-care" | "cleaning-essentials" => {
            Pack::Box
        }
        _ => Pack::Bag,
    }
}

/// The words printed on the pack: the name without the brand, in at most two lines.
fn label_lines(name: &str, brand: Option<&str>) -> (String, String) {
    let rest = brand
        .and_then(|b| name.strip_prefix(b))
        .map_or(name, str::trim);
    let mut lines = (String::new(), String::new());
    for word in rest.split_whitespace() {
        let line = if lines.0.len() + word.len() < 13 && lines.1.is_empty() {
            &mut lines.0
        } else if lines.1.len() + word.len() < 13 {
            &mut lines.1
        } else {
            break;
        };
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines
}

/// A 400×400 illustration of the product's pack in its category colour, with the brand
/// and name on the label and the unit below: it reads as a product, offline, with no
/// image files.
pub fn render(p: &Illustrated<'_>) -> String {
    let color = if p.color.len() == 7
        && p.color.starts_with('#')
        && p.color[1..].chars().all(|c| c.is_ascii_hexdigit())
    {
        p.color
    } else {
        "#607d8b"
    };
    let (l1, l2) = label_lines(p.name, p.brand);
    let brand = escape(
        &p.brand
            .unwrap_or_default()
            .chars()
            .take(13)
            .collect::<String>(),
    );
    let label = format!(
        r##"<text x="200" y="{y0}" font-family="sans-serif" font-size="19" font-weight="700" fill="{color}" text-anchor="middle">{brand}</text><text x="200" y="{y1}" font-family="sans-serif" font-size="21" fill="#263238" text-anchor="middle">{l1}</text><text x="200" y="{y2}" font-family="sans-serif" font-size="21" fill="#263238" text-anchor="middle">{l2}</text>"##,
        y0 = 196,
        y1 = 228,
        y2 = 256,
        l1 = escape(&l1),
        l2 = escape(&l2),
    );
    let pack = match pack_of(p.category, p.name, p.unit) {
        Pack::Bottle => format!(
            r##"<rect x="176" y="40" width="48" height="40" rx="6" fill="{color}"/><path d="M160 80h80l30 50v220a20 20 0 0 1-20 20H150a20 20 0 0 1-20-20V130z" fill="url(#g)"/><rect x="136" y="170" width="128" height="100" rx="8" fill="#fff"/>{label}"##
        ),
        Pack::Carton => format!(
            r##"<path d="M130 110l30-60h80l30 60z" fill="{color}" opacity=".75"/><rect x="130" y="110" width="140" height="250" rx="8" fill="url(#g)"/><rect x="140" y="165" width="120" height="110" rx="8" fill="#fff"/>{label}"##
        ),
        Pack::Bag => format!(
            r##"<path d="M110 70q90-24 180 0l-10 40 20 220q-100 30-200 0l20-220z" fill="url(#g)"/><path d="M110 70q90-24 180 0" stroke="#fff" stroke-width="6" fill="none" opacity=".6"/><rect x="120" y="165" width="160" height="110" rx="14" fill="#fff"/>{label}"##
        ),
        Pack::Box => format!(
            r##"<path d="M105 90l30-30h160l-30 30z" fill="{color}" opacity=".6"/><path d="M265 90l30-30v260l-30 30z" fill="{color}" opacity=".8"/><rect x="105" y="90" width="160" height="260" rx="6" fill="url(#g)"/><rect x="115" y="165" width="140" height="110" rx="8" fill="#fff"/>{label}"##
        ),
        Pack::Jar => format!(
            r##"<rect x="140" y="70" width="120" height="40" rx="10" fill="{color}"/><rect x="120" y="110" width="160" height="240" rx="36" fill="url(#g)"/><rect x="130" y="165" width="140" height="110" rx="10" fill="#fff"/>{label}"##
        ),
        Pack::Produce => format!(
            r##"<path d="M200 95q30-50 70-40-20 40-70 40z" fill="#43a047"/><circle cx="200" cy="215" r="120" fill="url(#g)"/><ellipse cx="160" cy="170" rx="30" ry="18" fill="#fff" opacity=".35"/><rect x="120" y="330" width="160" height="44" rx="22" fill="#fff" opacity=".9"/><text x="200" y="360" font-family="sans-serif" font-size="24" fill="#263238" text-anchor="middle">{l1}</text>"##,
            l1 = escape(&l1),
        ),
        Pack::Blister => format!(
            r##"<rect x="90" y="110" width="220" height="190" rx="16" fill="url(#g)"/><g fill="#fff" opacity=".85"><circle cx="140" cy="150" r="16"/><circle cx="200" cy="150" r="16"/><circle cx="260" cy="150" r="16"/></g><rect x="110" y="175" width="180" height="110" rx="10" fill="#fff"/>{label}"##
        ),
    };
    let unit = escape(p.unit);
    let unit_text = if pack_of(p.category, p.name, p.unit) == Pack::Produce {
        String::new()
    } else {
        format!(
            r##"<text x="200" y="392" font-family="sans-serif" font-size="26" fill="{color}" text-anchor="middle">{unit}</text>"##
        )
    };
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="{name}"><defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="{color}"/><stop offset="1" stop-color="{color}" stop-opacity=".7"/></linearGradient></defs><rect width="400" height="400" fill="{color}" opacity=".08"/>{pack}{unit_text}</svg>"##,
        name = escape(p.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product<'a>(name: &'a str, unit: &'a str, category: &'a str) -> Illustrated<'a> {
        Illustrated {
            name,
            brand: Some("Tom"),
            unit,
            category,
            color: "#ff0000",
        }
    }

    #[test]
    fn svg_escapes_its_texts_and_colour() {
        let svg = render(&product("Tom & Jerry <Chips>", "50 g", "snacks-munchies"));
        assert!(svg.contains("Tom &amp; Jerry &lt;Chips&gt;"), "{svg}");
        assert!(!svg.contains("<Chips>"), "{svg}");
        let bad = Illustrated {
            color: "red\"><script>",
            ..product("x", "1", "snacks-munchies")
        };
        let svg = render(&bad);
        assert!(
            svg.contains("#607d8b") && !svg.contains("<script>"),
            "{svg}"
        );
    }

    #[test]
    fn the_pack_fits_the_product() {
        assert_eq!(
            pack_of("dairy-bread-eggs", "Amul Taaza Toned Milk", "500 ml"),
            Pack::Carton
        );
        assert_eq!(
            pack_of("cold-drinks-juices", "Coca-Cola", "750 ml"),
            Pack::Bottle
        );
        assert_eq!(
            pack_of("fruits-vegetables", "Banana", "6 pcs"),
            Pack::Produce
        );
        assert_eq!(
            pack_of("pharmacy-wellness", "Paracetamol 500", "15 tablets"),
            Pack::Blister
        );
        assert_eq!(pack_of("masala-oils", "Pure Ghee", "1 kg"), Pack::Jar);
        assert_eq!(
            pack_of("snacks-munchies", "Classic Salted Chips", "52 g"),
            Pack::Bag
        );
        assert_eq!(
            pack_of("tea-coffee-health-drinks", "Red Label Tea", "500 g"),
            Pack::Box
        );
        // The brand is on its own line; the name follows in at most two short lines.
        assert_eq!(
            label_lines("Amul Gold Full Cream Milk", Some("Amul")),
            ("Gold Full".to_owned(), "Cream Milk".to_owned())
        );
    }
}

//! Dark stores: the area each one serves, when it is open, and the delivery time it can
//! promise. Pure: the server feeds in live load figures and the time.

use crate::geo::GeoPoint;
use chrono::{DateTime, Datelike, Timelike, Utc};
use geo::{Intersects, MultiPolygon, Point, Rect, Validation};
use serde::{Deserialize, Serialize};

/// The most vertices a zone may have (all rings together).
pub const MAX_ZONE_VERTICES: usize = 2_000;

/// Why a zone was refused, in words an admin can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZoneError {
    #[error("the zone must be a GeoJSON Polygon or MultiPolygon")]
    NotAPolygon,
    #[error("ring {ring} of polygon {polygon} is not closed: its last point must repeat its first")]
    Unclosed { polygon: usize, ring: usize },
    #[error(
        "ring {ring} of polygon {polygon} needs at least 4 positions (3 distinct points, closed)"
    )]
    TooShort { polygon: usize, ring: usize },
    #[error(
        "position {position} of ring {ring} of polygon {polygon} is not a [longitude, latitude] pair within range"
    )]
    BadCoordinate {
        polygon: usize,
        ring: usize,
        position: usize,
    },
    #[error("the zone has {0} vertices; at most {MAX_ZONE_VERTICES} are allowed")]
    TooManyVertices(usize),
    #[error("the zone is not a valid polygon: {0}")]
    Invalid(String),
    #[error("a store needs a zone polygon or at least one zip code")]
    Empty,
    #[error("zip code {0:?} is not 3 to 10 letters, digits, spaces or dashes")]
    BadZip(String),
}

/// The area a store serves: polygons (with holes) and/or zip codes.
#[derive(Debug, Clone)]
pub struct Zone {
    areas: Option<MultiPolygon<f64>>,
    bbox: Option<Rect<f64>>,
    zip_codes: Vec<String>,
}

fn ring_positions(
    rings: &[Vec<geojson::Position>],
    polygon: usize,
    vertices: &mut usize,
) -> Result<(), ZoneError> {
    for (ring, positions) in rings.iter().enumerate() {
        if positions.len() < 4 {
            return Err(ZoneError::TooShort { polygon, ring });
        }
        for (position, p) in positions.iter().enumerate() {
            let ok = p.len() >= 2
                && p[0].is_finite()
                && p[1].is_finite()
                && (-180.0..=180.0).contains(&p[0])
                && (-90.0..=90.0).contains(&p[1]);
            if !ok {
                return Err(ZoneError::BadCoordinate {
                    polygon,
                    ring,
                    position,
                });
            }
        }
        if positions.first().map(|p| (p[0], p[1])) != positions.last().map(|p| (p[0], p[1])) {
            return Err(ZoneError::Unclosed { polygon, ring });
        }
        *vertices += positions.len() - 1;
    }
    Ok(())
}

/// A normalised zip code (trimmed, upper case, inner spaces kept single).
pub fn normalise_zip(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

impl Zone {
    /// Check and build a zone from a GeoJSON geometry (`Polygon` or `MultiPolygon`,
    /// holes allowed; longitude first) and/or zip codes.
    pub fn parse(
        geometry: Option<&serde_json::Value>,
        zip_codes: &[String],
    ) -> Result<Zone, ZoneError> {
        let mut zips = Vec::with_capacity(zip_codes.len());
        for z in zip_codes {
            let n = normalise_zip(z);
            let ok = (3..=10).contains(&n.len())
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
            if !ok {
                return Err(ZoneError::BadZip(z.clone()));
            }
            if !zips.contains(&n) {
                zips.push(n);
            }
        }
        let areas = match geometry {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(parse_areas(v)?),
        };
        if areas.is_none() && zips.is_empty() {
            return Err(ZoneError::Empty);
        }
        let bbox = areas.as_ref().and_then(geo::BoundingRect::bounding_rect);
        Ok(Zone {
            areas,
            bbox,
            zip_codes: zips,
        })
    }

    /// Whether the point is in the zone (on its edge counts as in; in a hole does not).
    pub fn contains(&self, p: GeoPoint) -> bool {
        let (Some(areas), Some(bbox)) = (&self.areas, &self.bbox) else {
            return false;
        };
        let min = bbox.min();
        let max = bbox.max();
        if p.lng < min.x || p.lng > max.x || p.lat < min.y || p.lat > max.y {
            return false;
        }
        areas.intersects(&Point::new(p.lng, p.lat))
    }

    /// Whether the zone lists this zip code.
    pub fn serves_zip(&self, zip: &str) -> bool {
        let z = normalise_zip(zip);
        self.zip_codes.contains(&z)
    }

    pub fn zip_codes(&self) -> &[String] {
        &self.zip_codes
    }

    pub fn has_area(&self) -> bool {
        self.areas.is_some()
    }
}

fn parse_areas(v: &serde_json::Value) -> Result<MultiPolygon<f64>, ZoneError> {
    let geometry: geojson::Geometry =
        serde_json::from_value(v.clone()).map_err(|_| ZoneError::NotAPolygon)?;
    let polygons: Vec<geojson::PolygonType> = match geometry.value {
        geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates,
        _ => return Err(ZoneError::NotAPolygon),
    };
    if polygons.is_empty() {
        return Err(ZoneError::NotAPolygon);
    }
    let mut vertices = 0;
    for (i, rings) in polygons.iter().enumerate() {
        if rings.is_empty() {
            return Err(ZoneError::TooShort {
                polygon: i,
                ring: 0,
            });
        }
        ring_positions(rings, i, &mut vertices)?;
    }
    if vertices > MAX_ZONE_VERTICES {
        return Err(ZoneError::TooManyVertices(vertices));
    }
    let value = geojson::GeometryValue::MultiPolygon {
        coordinates: polygons,
    };
    let areas = MultiPolygon::<f64>::try_from(&value).map_err(|_| ZoneError::NotAPolygon)?;
    if let Err(e) = areas.check_validation() {
        return Err(ZoneError::Invalid(e.to_string()));
    }
    Ok(areas)
}

/// A GeoJSON polygon approximating a circle of `radius_km` around `center` (`sides`
/// vertices): the zone of a store that has only a delivery radius.
pub fn circle_zone(center: GeoPoint, radius_km: f64, sides: usize) -> serde_json::Value {
    let sides = sides.max(8);
    let lat_deg = radius_km / 111.32;
    let lng_deg = radius_km / (111.32 * center.lat.to_radians().cos().max(0.01));
    let mut ring: Vec<[f64; 2]> = (0..sides)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / sides as f64;
            let round = |v: f64| (v * 1e6).round() / 1e6;
            [
                round((center.lng + lng_deg * a.cos()).clamp(-180.0, 180.0)),
                round((center.lat + lat_deg * a.sin()).clamp(-90.0, 90.0)),
            ]
        })
        .collect();
    ring.push(ring[0]);
    serde_json::json!({ "type": "Polygon", "coordinates": [ring] })
}

/// One opening interval of a day, local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// `HH:MM`.
    pub open: String,
    /// `HH:MM`, or `24:00`; earlier than `open` means past midnight.
    pub close: String,
}

/// Weekly opening hours in a time zone. A day without intervals is closed.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningHours {
    tz: chrono_tz::Tz,
    /// Monday first: (open, close) in minutes after midnight; close may be ≤ open.
    days: [Vec<(u16, u16)>; 7],
}

/// Weekday keys, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn minutes(s: &str, allow_24: bool) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 {
        return None;
    }
    match h {
        0..=23 => Some(h * 60 + m),
        24 if allow_24 && m == 0 => Some(1_440),
        _ => None,
    }
}

impl OpeningHours {
    /// Open all day, every day.
    pub fn always(tz: chrono_tz::Tz) -> OpeningHours {
        OpeningHours {
            tz,
            days: std::array::from_fn(|_| vec![(0, 1_440)]),
        }
    }

    /// From `{"mon": [{"open": "07:00", "close": "23:00"}], …}` and an IANA time zone.
    pub fn parse(
        timezone: &str,
        week: &std::collections::BTreeMap<String, Vec<Interval>>,
    ) -> Result<OpeningHours, String> {
        let tz: chrono_tz::Tz = timezone
            .parse()
            .map_err(|_| format!("{timezone:?} is not an IANA time zone (e.g. Asia/Kolkata)"))?;
        let mut days: [Vec<(u16, u16)>; 7] = Default::default();
        for (key, intervals) in week {
            let Some(d) = WEEKDAYS.iter().position(|w| w == key) else {
                return Err(format!("{key:?} is not a weekday (mon … sun)"));
            };
            for iv in intervals {
                let (Some(open), Some(close)) =
                    (minutes(&iv.open, false), minutes(&iv.close, true))
                else {
                    return Err(format!(
                        "{key}: {:?}–{:?} is not HH:MM–HH:MM",
                        iv.open, iv.close
                    ));
                };
                if open == close {
                    return Err(format!("{key}: an interval must not be empty"));
                }
                days[d].push((open, close));
            }
        }
        Ok(OpeningHours { tz, days })
    }

    /// The hours as `{"mon": [{"open", "close"}], …}`.
    pub fn week(&self) -> std::collections::BTreeMap<String, Vec<Interval>> {
        let fmt = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        WEEKDAYS
            .iter()
            .zip(&self.days)
            .filter(|(_, d)| !d.is_empty())
            .map(|(k, d)| {
                let list = d
                    .iter()
                    .map(|(o, c)| Interval {
                        open: fmt(*o),
                        close: fmt(*c),
                    })
                    .collect();
                ((*k).to_owned(), list)
            })
            .collect()
    }

    pub fn timezone(&self) -> &str {
        self.tz.name()
    }

    /// Whether the store is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.tz);
        let day = local.weekday().num_days_from_monday() as usize;
        let now = u16::try_from(local.hour() * 60 + local.minute()).unwrap_or(0);
        let today = self.days[day]
            .iter()
            .any(|&(o, c)| if c > o { now >= o && now < c } else { now >= o });
        let yesterday = self.days[(day + 6) % 7]
            .iter()
            .any(|&(o, c)| c <= o && now < c);
        today || yesterday
    }
}

/// What a store can do right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreState {
    /// Taking orders.
    Open,
    /// Open, but its promise is over its maximum: new orders are refused for now.
    Busy,
    /// Outside its opening hours, or paused by an admin.
    Closed,
}

impl StoreState {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreState::Open => "open",
            StoreState::Busy => "busy",
            StoreState::Closed => "closed",
        }
    }
}

/// The figures a store's promise is computed from (its settings).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PromiseSettings {
    /// A promise above this makes the store `busy` (0: never busy, orders are taken
    /// whatever the wait).
    pub max_promise_minutes: u32,
    /// Time to start and finish picking one order.
    pub pick_base_minutes: f64,
    /// Time to pick one item.
    pub pick_per_item_seconds: f64,
    /// Orders picked at the same time (pickers on shift).
    pub pick_capacity: u32,
    /// A rider's round trip when every rider is busy: how long, on average, until one
    /// comes back.
    pub rider_cycle_minutes: f64,
    /// Added to the travel time (parking, stairs, handover).
    pub travel_buffer_minutes: f64,
}

impl PromiseSettings {
    /// What is wrong with these figures, as `(field, message)`.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        let within = |v: f64, lo: f64, hi: f64| v.is_finite() && (lo..=hi).contains(&v);
        if self.max_promise_minutes > 1_440 {
            out.push(("maxPromiseMinutes", "must be 0 (never busy) to 1440"));
        }
        if !within(self.pick_base_minutes, 0.0, 120.0) {
            out.push(("pickBaseMinutes", "must be 0 to 120"));
        }
        if !within(self.pick_per_item_seconds, 0.0, 600.0) {
            out.push(("pickPerItemSeconds", "must be 0 to 600"));
        }
        if !(1..=1_000).contains(&self.pick_capacity) {
            out.push(("pickCapacity", "must be 1 to 1000"));
        }
        if !within(self.rider_cycle_minutes, 1.0, 240.0) {
            out.push(("riderCycleMinutes", "must be 1 to 240"));
        }
        if !within(self.travel_buffer_minutes, 0.0, 120.0) {
            out.push(("travelBufferMinutes", "must be 0 to 120"));
        }
        out
    }
}

impl Default for PromiseSettings {
    fn default() -> Self {
        PromiseSettings {
            max_promise_minutes: 30,
            pick_base_minutes: 2.0,
            pick_per_item_seconds: 12.0,
            pick_capacity: 2,
            rider_cycle_minutes: 16.0,
            travel_buffer_minutes: 2.0,
        }
    }
}

/// A store's live load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Load {
    /// Orders placed and not yet picked up (being picked or waiting to be).
    pub unpicked: i64,
    /// Orders waiting for a rider to accept.
    pub waiting_for_rider: i64,
    /// Riders of the store who are available and carry nothing.
    pub riders_available: i64,
    /// Riders of the store carrying an order.
    pub riders_busy: i64,
}

/// A promise and how it was made up, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Promise {
    pub pick: f64,
    pub rider_wait: f64,
    pub travel: f64,
    /// The whole promise, rounded up to a minute.
    pub minutes: u32,
}

/// Items an order has when the quote does not know the cart.
pub const TYPICAL_ITEMS: u32 = 4;

/// `promise = pick + wait for a rider + travel`:
/// - pick = base + items × per-item + the store's queue (orders not yet picked up, each
///   taking a typical order's pick time) ÷ the orders it picks at once;
/// - rider wait = 0 while available riders outnumber the orders waiting for one; else the
///   shortfall × a rider's cycle ÷ the store's riders (at least one);
/// - travel = distance ÷ rider speed + a buffer.
pub fn promise(
    s: &PromiseSettings,
    load: &Load,
    items: u32,
    distance_m: f64,
    speed_kmh: f64,
) -> Promise {
    let per_order = |n: u32| s.pick_base_minutes + f64::from(n) * s.pick_per_item_seconds / 60.0;
    let queue =
        load.unpicked.max(0) as f64 * per_order(TYPICAL_ITEMS) / f64::from(s.pick_capacity.max(1));
    let pick = per_order(items) + queue;
    let shortfall = (load.waiting_for_rider - load.riders_available + 1).max(0);
    let riders = (load.riders_available + load.riders_busy).max(1);
    let rider_wait = shortfall as f64 * s.rider_cycle_minutes / riders as f64;
    let travel =
        distance_m.max(0.0) / 1_000.0 / speed_kmh.max(1.0) * 60.0 + s.travel_buffer_minutes;
    let total = (pick + rider_wait + travel).ceil();
    Promise {
        pick,
        rider_wait,
        travel,
        minutes: if total.is_finite() && total < f64::from(u32::MAX) {
            total.max(1.0) as u32
        } else {
            u32::MAX
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square_with_hole() -> serde_json::Value {
        json!({"type": "Polygon", "coordinates": [
            [[72.80, 19.00], [72.90, 19.00], [72.90, 19.10], [72.80, 19.10], [72.80, 19.00]],
            [[72.84, 19.04], [72.86, 19.04], [72.86, 19.06], [72.84, 19.06], [72.84, 19.04]]
        ]})
    }

    fn at(lat: f64, lng: f64) -> GeoPoint {
        GeoPoint { lat, lng }
    }

    #[test]
    fn inside_outside_edge_and_hole() {
        let z = Zone::parse(Some(&square_with_hole()), &[]).unwrap();
        assert!(z.contains(at(19.02, 72.82)), "inside");
        assert!(!z.contains(at(19.20, 72.82)), "outside");
        assert!(z.contains(at(19.00, 72.85)), "on the edge counts as inside");
        assert!(z.contains(at(19.10, 72.90)), "a corner too");
        assert!(!z.contains(at(19.05, 72.85)), "in the hole is outside");
    }

    #[test]
    fn invalid_zones_are_refused_with_the_reason() {
        let unclosed =
            json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]});
        assert_eq!(
            Zone::parse(Some(&unclosed), &[]).unwrap_err(),
            ZoneError::Unclosed {
                polygon: 0,
                ring: 0
            }
        );
        let bad = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 95], [0, 0]]]});
        assert!(matches!(
            Zone::parse(Some(&bad), &[]).unwrap_err(),
            ZoneError::BadCoordinate { position: 2, .. }
        ));
        let bowtie =
            json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]});
        let e = Zone::parse(Some(&bowtie), &[]).unwrap_err();
        assert!(matches!(e, ZoneError::Invalid(_)), "{e}");
        let mut ring: Vec<[f64; 2]> = (0..2_100)
            .map(|i| {
                let a = std::f64::consts::TAU * f64::from(i) / 2_100.0;
                [a.cos(), a.sin()]
            })
            .collect();
        ring.push(ring[0]);
        let many = json!({"type": "Polygon", "coordinates": [ring]});
        assert_eq!(
            Zone::parse(Some(&many), &[]).unwrap_err(),
            ZoneError::TooManyVertices(2_100)
        );
        let point = json!({"type": "Point", "coordinates": [0, 0]});
        assert_eq!(
            Zone::parse(Some(&point), &[]).unwrap_err(),
            ZoneError::NotAPolygon
        );
        assert_eq!(Zone::parse(None, &[]).unwrap_err(), ZoneError::Empty);
    }

    #[test]
    fn zip_codes_and_multipolygons() {
        let z = Zone::parse(None, &["400050".into(), " 400 051 ".into()]).unwrap();
        assert!(z.serves_zip("400050") && z.serves_zip("400 051"));
        assert!(!z.serves_zip("400052"));
        assert!(
            !z.contains(at(19.0, 72.8)),
            "no polygon: no point is inside"
        );
        let two = json!({"type": "MultiPolygon", "coordinates": [
            [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
            [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]]
        ]});
        let z = Zone::parse(Some(&two), &[]).unwrap();
        assert!(z.contains(at(5.5, 5.5)) && z.contains(at(0.5, 0.5)) && !z.contains(at(3.0, 3.0)));
    }

    #[test]
    fn a_circle_zone_holds_its_radius() {
        let c = at(19.0596, 72.8295);
        let z = Zone::parse(Some(&circle_zone(c, 8.0, 64)), &[]).unwrap();
        assert!(z.contains(c));
        assert!(
            z.contains(at(19.0596 + 7.5 / 111.32, 72.8295)),
            "7.5 km north"
        );
        assert!(
            !z.contains(at(19.0596 + 8.5 / 111.32, 72.8295)),
            "8.5 km north"
        );
    }

    #[test]
    fn hours_in_the_store_time_zone() {
        let week: std::collections::BTreeMap<String, Vec<Interval>> =
            serde_json::from_value(json!({
                "mon": [{"open": "07:00", "close": "23:00"}],
                "fri": [{"open": "18:00", "close": "02:00"}]
            }))
            .unwrap();
        let h = OpeningHours::parse("Asia/Kolkata", &week).unwrap();
        // Monday 2026-11-30 10:00 IST = 04:30 UTC.
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(h.is_open(utc("2026-11-30T04:30:00Z")));
        assert!(
            !h.is_open(utc("2026-11-30T00:30:00Z")),
            "06:00 IST, before opening"
        );
        assert!(!h.is_open(utc("2026-11-30T17:45:00Z")), "23:15 IST");
        assert!(!h.is_open(utc("2026-12-01T04:30:00Z")), "Tuesday is closed");
        // Friday 18:00 to Saturday 02:00 IST.
        assert!(h.is_open(utc("2026-12-04T19:30:00Z")), "Saturday 01:00 IST");
        assert!(
            !h.is_open(utc("2026-12-04T20:45:00Z")),
            "Saturday 02:15 IST"
        );
        assert_eq!(h.week(), week);
        assert!(OpeningHours::parse("Mars/Olympus", &week).is_err());
        let bad: std::collections::BTreeMap<String, Vec<Interval>> =
            serde_json::from_value(json!({"mon": [{"open": "25:00", "close": "23:00"}]})).unwrap();
        assert!(OpeningHours::parse("Asia/Kolkata", &bad).is_err());
    }

    #[test]
    fn the_promise_grows_with_the_queue_and_shrinks_with_riders() {
        let s = PromiseSettings::default();
        let idle = Load {
            riders_available: 3,
            ..Load::default()
        };
        let base = promise(&s, &idle, 4, 2_000.0, 20.0);
        // 2 + 0.8 pick, no wait, 6 + 2 travel.
        assert_eq!(base.minutes, 11);
        assert_eq!(base.rider_wait, 0.0);
        let queued = promise(
            &s,
            &Load {
                unpicked: 10,
                ..idle
            },
            4,
            2_000.0,
            20.0,
        );
        assert!(queued.minutes > base.minutes, "{queued:?}");
        let short = Load {
            waiting_for_rider: 5,
            riders_available: 1,
            riders_busy: 2,
            ..Load::default()
        };
        let few = promise(&s, &short, 4, 2_000.0, 20.0);
        let more = promise(
            &s,
            &Load {
                riders_busy: 8,
                ..short
            },
            4,
            2_000.0,
            20.0,
        );
        assert!(few.rider_wait > 0.0);
        assert!(more.minutes < few.minutes, "{few:?} {more:?}");
    }
}

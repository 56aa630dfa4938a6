//! Coordinates, distances and ETAs.

use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// A WGS84 point; latitude in [-90, 90], longitude in [-180, 180].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lng: f64,
}

impl GeoPoint {
    pub fn parse(lat: f64, lng: f64) -> Result<GeoPoint, ValidationErrors> {
        let mut e = ValidationErrors::new();
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            e.push("lat", "must be between -90 and 90");
        }
        if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
            e.push("lng", "must be between -180 and 180");
        }
        e.into_result().map(|()| GeoPoint { lat, lng })
    }

    /// Great-circle distance in metres (haversine).
    pub fn distance_m(self, other: GeoPoint) -> f64 {
        const R: f64 = 6_371_000.0;
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = (other.lat - self.lat).to_radians();
        let dl = (other.lng - self.lng).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * R * a.sqrt().asin()
    }
}

/// The fastest a rider can plausibly move between two fixes, in km/h.
pub const MAX_PLAUSIBLE_KMH: f64 = 150.0;

/// Whether a rider could have gone from `from` (at `from_ms`) to `to` (at `to_ms`,
/// Unix milliseconds) without exceeding `max_kmh`. GPS jitter of up to 50 m is always
/// plausible, even between fixes taken at the same instant.
pub fn plausible_move(
    from: GeoPoint,
    from_ms: i64,
    to: GeoPoint,
    to_ms: i64,
    max_kmh: f64,
) -> bool {
    let metres = from.distance_m(to);
    if metres <= 50.0 {
        return true;
    }
    let secs = (to_ms.saturating_sub(from_ms)) as f64 / 1_000.0;
    secs > 0.0 && metres / secs <= max_kmh / 3.6
}

impl GeoPoint {
    /// This point rounded to a grid of `step` degrees (0.005° ≈ 500 m): where something
    /// is, without saying exactly where.
    pub fn rounded(self, step: f64) -> GeoPoint {
        let r = |v: f64| ((v / step).round() * step * 1e6).round() / 1e6;
        GeoPoint {
            lat: r(self.lat),
            lng: r(self.lng),
        }
    }
}

/// Seconds to cover `distance_m` at `speed_kmh` (at least one minute when not there yet).
pub fn eta_seconds(distance_m: f64, speed_kmh: f64) -> u64 {
    if distance_m < 30.0 {
        return 0;
    }
    let speed_ms = (speed_kmh.max(1.0)) / 3.6;
    ((distance_m / speed_ms).ceil() as u64).max(60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked() {
        assert!(GeoPoint::parse(19.07, 72.87).is_ok());
        assert!(GeoPoint::parse(91.0, 0.0).is_err());
        assert!(GeoPoint::parse(0.0, -181.0).is_err());
        assert!(GeoPoint::parse(f64::NAN, 0.0).is_err());
    }

    #[test]
    fn distance_is_plausible() {
        // Bandra to Andheri station, Mumbai: about 7.3 km.
        let a = GeoPoint {
            lat: 19.0544,
            lng: 72.8406,
        };
        let b = GeoPoint {
            lat: 19.1197,
            lng: 72.8464,
        };
        let d = a.distance_m(b);
        assert!((7_000.0..7_600.0).contains(&d), "{d}");
    }

    #[test]
    fn jumps_faster_than_a_rider_are_implausible() {
        let pole = GeoPoint {
            lat: 90.0,
            lng: 0.0,
        };
        let south = GeoPoint {
            lat: -90.0,
            lng: 0.0,
        };
        assert!(!plausible_move(pole, 0, south, 250, MAX_PLAUSIBLE_KMH));
        let a = GeoPoint {
            lat: 19.0544,
            lng: 72.8406,
        };
        let b = GeoPoint {
            lat: 19.0574,
            lng: 72.8406,
        }; // ~333 m north
        assert!(
            plausible_move(a, 0, b, 60_000, MAX_PLAUSIBLE_KMH),
            "20 km/h"
        );
        assert!(
            !plausible_move(a, 0, b, 5_000, MAX_PLAUSIBLE_KMH),
            "240 km/h"
        );
        assert!(
            plausible_move(a, 0, a, 0, MAX_PLAUSIBLE_KMH),
            "the same place"
        );
        assert!(
            !plausible_move(a, 1_000, b, 1_000, MAX_PLAUSIBLE_KMH),
            "no time"
        );
    }

    #[test]
    fn rounding_hides_the_exact_point() {
        let p = GeoPoint {
            lat: 19.05437,
            lng: 72.84061,
        };
        let r = p.rounded(0.005);
        assert_eq!((r.lat, r.lng), (19.055, 72.84));
        assert!(p.distance_m(r) < 600.0);
    }

    #[test]
    fn eta_follows_speed() {
        assert_eq!(eta_seconds(10.0, 20.0), 0);
        assert_eq!(eta_seconds(5_000.0, 20.0), 900);
        assert_eq!(eta_seconds(50.0, 20.0), 60);
    }
}

//! Dispatch rules: who is offered an order first, and whether a partner already carrying
//! orders can take one more without breaking a promise (stacking).
//!
//! Ranking, for a store's eligible partners (verified, available, under the active-order
//! limit, position fresher than [`POSITION_FRESH_SECS`]):
//! 1. minutes to reach the store — straight-line distance ÷ rider speed, plus
//!    [`DECLINE_PENALTY_SECS`] per offer declined in the last [`DECLINE_WINDOW_SECS`] and
//!    [`IGNORE_PENALTY_SECS`] per offer left to expire in a row — rounded up to a whole
//!    minute;
//! 2. within the same minute, the partner idle longest first (fairness);
//! 3. then the partner id (a stable order).

use crate::GeoPoint;
use serde::{Deserialize, Serialize};

/// How a store's new orders reach partners.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DispatchMode {
    /// Every available partner of the store gets the order; the first to accept wins.
    #[default]
    Broadcast,
    /// Offered to one ranked partner at a time, then broadcast if nobody takes it.
    Auto,
}

/// A store's dispatch settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DispatchSettings {
    pub dispatch_mode: DispatchMode,
    /// How long a partner has to answer an offer.
    pub offer_timeout_secs: u32,
    /// Offers made one by one before the order is broadcast.
    pub max_offer_rounds: u32,
}

impl Default for DispatchSettings {
    fn default() -> Self {
        DispatchSettings {
            dispatch_mode: DispatchMode::Broadcast,
            offer_timeout_secs: 20,
            max_offer_rounds: 5,
        }
    }
}

impl DispatchSettings {
    /// What is wrong with these figures, as `(field, message)`.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if !(1..=600).contains(&self.offer_timeout_secs) {
            out.push(("offerTimeoutSecs", "must be 1 to 600"));
        }
        if !(1..=50).contains(&self.max_offer_rounds) {
            out.push(("maxOfferRounds", "must be 1 to 50"));
        }
        out
    }
}

/// A position older than this does not count: the partner is not offered orders.
pub const POSITION_FRESH_SECS: i64 = 120;
/// Added to a partner's time to the store per offer declined recently.
pub const DECLINE_PENALTY_SECS: f64 = 120.0;
/// Declines older than this no longer count.
pub const DECLINE_WINDOW_SECS: i64 = 1_800;
/// Added per offer left to expire in a row (three in a row pause the partner).
pub const IGNORE_PENALTY_SECS: f64 = 180.0;
/// Offers left to expire in a row that turn a partner's availability off.
pub const IGNORES_BEFORE_PAUSE: i64 = 3;
/// Idle time counted for fairness at most (beyond it, everyone is equally rested).
pub const IDLE_CAP_SECS: i64 = 3_600;

/// A drop-off: where, and by when it was promised (milliseconds since the epoch).
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub id: String,
    pub dest: Option<GeoPoint>,
    pub promised_at_ms: Option<i64>,
}

/// A partner who could be offered an order.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub position: GeoPoint,
    pub declines_recent: i64,
    pub ignored_in_row: i64,
    pub idle_secs: i64,
    /// Orders the partner carries (accepted, not yet picked up, same store).
    pub carrying: Vec<Stop>,
    /// Customers' ratings as [`rating_score`]: breaks ties between partners the same
    /// minutes away and equally idle.
    pub rating: f64,
}

/// Ratings a partner starts with (4.0 from five imagined deliveries), so one early bad
/// or good rating does not decide a new partner's place.
pub const RATING_PRIOR: (f64, f64) = (4.0, 5.0);

/// A partner's rating for ranking: the mean of their ratings pulled towards the prior.
pub fn rating_score(sum: i64, count: i64) -> f64 {
    let (mean, weight) = RATING_PRIOR;
    (sum.max(0) as f64 + mean * weight) / (count.max(0) as f64 + weight)
}

/// How trips are timed.
#[derive(Debug, Clone, Copy)]
pub struct Trip {
    pub store: GeoPoint,
    pub speed_kmh: f64,
    /// Added at every drop-off (parking, stairs, handover).
    pub stop_secs: f64,
}

impl Trip {
    fn secs(&self, from: GeoPoint, to: GeoPoint) -> f64 {
        from.distance_m(to) / 1_000.0 / self.speed_kmh.max(1.0) * 3_600.0
    }
}

/// The drop-off order that keeps every promise, starting from `from` via the store
/// (`now_ms`): indexes into `stops`, or `None` when no order keeps them all. Among the
/// orders that keep them, the shortest total trip wins. Stops without a destination
/// are taken last (nothing to time); without a promise they cannot be late.
///
/// Stacking rule: a partner carrying orders that are not picked up yet may be offered
/// one more from the same store when some drop-off order, timed by straight-line
/// distance ÷ speed plus `stop_secs` per drop-off, delivers every order (theirs and the
/// new one) by its promised time.
pub fn plan(from: GeoPoint, trip: &Trip, stops: &[Stop], now_ms: i64) -> Option<Vec<usize>> {
    if stops.len() > 5 {
        return None;
    }
    let start = now_ms as f64 / 1_000.0 + trip.secs(from, trip.store);
    let mut best: Option<(f64, Vec<usize>)> = None;
    let mut order: Vec<usize> = (0..stops.len()).collect();
    permutations(&mut order, 0, &mut |perm| {
        let mut t = start;
        let mut at = trip.store;
        for &i in perm {
            let s = &stops[i];
            if let Some(d) = s.dest {
                t += trip.secs(at, d) + trip.stop_secs;
                at = d;
            }
            if let Some(p) = s.promised_at_ms
                && t > p as f64 / 1_000.0
            {
                return;
            }
        }
        if best.as_ref().is_none_or(|(b, _)| t < *b) {
            best = Some((t, perm.to_vec()));
        }
    });
    best.map(|(_, p)| p)
}

/// The drop-off order for a partner's orders: the [`plan`] when one keeps every
/// promise, else (a promise is already lost, or too many stops) the earliest promise
/// first, orders without a promise last.
pub fn drop_order(from: GeoPoint, trip: &Trip, stops: &[Stop], now_ms: i64) -> Vec<usize> {
    plan(from, trip, stops, now_ms).unwrap_or_else(|| {
        let mut order: Vec<usize> = (0..stops.len()).collect();
        order.sort_by_key(|&i| (stops[i].promised_at_ms.unwrap_or(i64::MAX), i));
        order
    })
}

fn permutations(v: &mut Vec<usize>, k: usize, f: &mut impl FnMut(&[usize])) {
    if k == v.len() {
        f(v);
        return;
    }
    for i in k..v.len() {
        v.swap(k, i);
        permutations(v, k + 1, f);
        v.swap(k, i);
    }
}

/// The key a candidate is ranked by (smaller first).
fn key(c: &Candidate, trip: &Trip) -> (i64, i64) {
    let secs = trip.secs(c.position, trip.store)
        + DECLINE_PENALTY_SECS * c.declines_recent.max(0) as f64
        + IGNORE_PENALTY_SECS * c.ignored_in_row.max(0) as f64;
    let minutes = (secs / 60.0).ceil() as i64;
    (minutes, -c.idle_secs.clamp(0, IDLE_CAP_SECS))
}

/// The candidates who may be offered `order`, best first: ranked as the module says,
/// and for a partner already carrying orders, only if the stacking rule holds.
pub fn rank(candidates: &[Candidate], trip: &Trip, order: &Stop, now_ms: i64) -> Vec<String> {
    let mut ok: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| {
            if c.carrying.is_empty() {
                return true;
            }
            let mut stops = c.carrying.clone();
            stops.push(order.clone());
            plan(c.position, trip, &stops, now_ms).is_some()
        })
        .collect();
    ok.sort_by(|a, b| {
        key(a, trip)
            .cmp(&key(b, trip))
            .then_with(|| b.rating.total_cmp(&a.rating))
            .then_with(|| a.id.cmp(&b.id))
    });
    ok.into_iter().map(|c| c.id.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORE: GeoPoint = GeoPoint {
        lat: 19.0596,
        lng: 72.8295,
    };

    fn trip() -> Trip {
        Trip {
            store: STORE,
            speed_kmh: 20.0,
            stop_secs: 120.0,
        }
    }

    /// A point `km` north of the store.
    fn north(km: f64) -> GeoPoint {
        GeoPoint {
            lat: STORE.lat + km / 111.2,
            lng: STORE.lng,
        }
    }

    fn candidate(id: &str, km: f64) -> Candidate {
        Candidate {
            id: id.into(),
            position: north(km),
            declines_recent: 0,
            ignored_in_row: 0,
            idle_secs: 0,
            carrying: vec![],
            rating: rating_score(0, 0),
        }
    }

    #[test]
    fn ratings_break_ties_only() {
        let now = 0;
        let mut good = candidate("b-good", 1.0);
        good.rating = rating_score(50, 10);
        let mut poor = candidate("a-poor", 1.0);
        poor.rating = rating_score(20, 10);
        let order = stop("o", 2.0, 30, now);
        assert_eq!(
            rank(&[poor.clone(), good.clone()], &trip(), &order, now),
            ["b-good", "a-poor"]
        );
        // Nearer beats better rated.
        let near = candidate("c-near", 0.2);
        assert_eq!(rank(&[good, poor, near], &trip(), &order, now)[0], "c-near");
        // One rating barely moves a new partner.
        assert!((rating_score(1, 1) - 3.5).abs() < 1e-9);
        assert!((rating_score(0, 0) - 4.0).abs() < 1e-9);
    }

    fn stop(id: &str, km: f64, promised_in_min: i64, now_ms: i64) -> Stop {
        Stop {
            id: id.into(),
            dest: Some(north(km)),
            promised_at_ms: Some(now_ms + promised_in_min * 60_000),
        }
    }

    #[test]
    fn nearest_first_then_longest_idle_then_penalties() {
        let now = 1_800_000_000_000;
        let order = stop("o", 2.0, 30, now);
        let mut near = candidate("near", 0.3);
        let far = candidate("far", 1.2);
        let mut rested = candidate("rested", 0.32);
        rested.idle_secs = 900;
        near.idle_secs = 10;
        let ranked = rank(
            &[far.clone(), near.clone(), rested.clone()],
            &trip(),
            &order,
            now,
        );
        assert_eq!(
            ranked,
            ["rested", "near", "far"],
            "same minute to the store: the longest idle first"
        );
        // Two recent declines cost four minutes (1 + 4 = 5 against 4): the far partner
        // now comes first.
        let mut declined = near.clone();
        declined.declines_recent = 2;
        let mut declined2 = rested.clone();
        declined2.declines_recent = 2;
        assert_eq!(
            rank(&[declined, declined2, far], &trip(), &order, now),
            ["far", "rested", "near"]
        );
        let mut ignored = candidate("ignorer", 0.1);
        ignored.ignored_in_row = 2;
        assert_eq!(
            rank(&[ignored, candidate("other", 2.0)], &trip(), &order, now),
            ["other", "ignorer"]
        );
    }

    #[test]
    fn stacking_only_when_both_promises_hold() {
        let now = 1_800_000_000_000;
        // A rider at the store carrying an order 2 km north due in 20 minutes.
        let mut rider = candidate("r", 0.0);
        rider.carrying = vec![stop("a", 2.0, 20, now)];
        // A new order 2.5 km north due in 25 minutes: on the way, both hold.
        let on_the_way = stop("b", 2.5, 25, now);
        assert_eq!(rank(&[rider.clone()], &trip(), &on_the_way, now), ["r"]);
        assert_eq!(
            plan(
                rider.position,
                &trip(),
                &[rider.carrying[0].clone(), on_the_way],
                now
            ),
            Some(vec![0, 1])
        );
        // A new order 6 km south due in 15 minutes: whichever goes first, one is late.
        let south = Stop {
            id: "c".into(),
            dest: Some(GeoPoint {
                lat: STORE.lat - 6.0 / 111.2,
                lng: STORE.lng,
            }),
            promised_at_ms: Some(now + 15 * 60_000),
        };
        assert!(rank(&[rider.clone()], &trip(), &south, now).is_empty());
        // The new order due first goes first when that keeps both.
        let urgent = stop("d", 1.0, 7, now);
        assert_eq!(
            plan(
                rider.position,
                &trip(),
                &[rider.carrying[0].clone(), urgent],
                now
            ),
            Some(vec![1, 0])
        );
    }

    #[test]
    fn an_order_that_cannot_be_kept_alone_is_still_ranked() {
        // Stacking is checked only for partners who carry orders: a free partner is
        // offered even a late-looking order (someone has to take it).
        let now = 1_800_000_000_000;
        let hopeless = stop("o", 50.0, 1, now);
        assert_eq!(rank(&[candidate("p", 1.0)], &trip(), &hopeless, now), ["p"]);
    }

    #[test]
    fn drop_order_keeps_promises_else_earliest_promise_first() {
        let now = 1_800_000_000_000;
        // Far with a tight promise, near with a loose one: the tight one first even
        // though the near one would make the shorter trip.
        let stops = [stop("near", 1.0, 60, now), stop("far", 3.0, 12, now)];
        assert_eq!(drop_order(STORE, &trip(), &stops, now), [1, 0]);
        // Both loose: the shorter trip (near, then on to far).
        let stops = [stop("far", 3.0, 60, now), stop("near", 1.0, 60, now)];
        assert_eq!(drop_order(STORE, &trip(), &stops, now), [1, 0]);
        // No order keeps both (both already late): earliest promise first.
        let stops = [stop("a", 3.0, -5, now), stop("b", 1.0, -10, now)];
        assert_eq!(drop_order(STORE, &trip(), &stops, now), [1, 0]);
    }
}

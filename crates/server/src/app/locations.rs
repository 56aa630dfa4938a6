//! Last known rider positions per active order, in memory (the fast path), with a
//! sampling rule for what is also written to the database; and who may send fixes for
//! an order (its route), so a stream of fixes does not read the order every second.

use super::cache::{Ticket, TtlCache};
use chrono::{DateTime, Utc};
use qc_domain::GeoPoint;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Trail samples are kept at most this often per order.
const SAMPLE_EVERY_SECS: i64 = 5;

/// A route checked against the database is trusted at most this long. Every change of
/// the order made through this instance (delivered, cancelled, unassigned, reassigned)
/// forgets it at once; the window only bounds changes made on another instance.
pub const ROUTE_RECHECK: Duration = Duration::from_secs(10);

/// Where an order's fixes go, as last read from the database.
#[derive(Debug, Clone)]
pub struct Route {
    pub partner_id: String,
    pub customer_id: String,
}

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Fix {
    pub point: GeoPoint,
    pub at: DateTime<Utc>,
    sampled_at: DateTime<Utc>,
}

/// Past this many positions, stale ones are swept out on insert (orders that ended on
/// another instance, or were abandoned, would otherwise stay forever).
const SWEEP_ABOVE: usize = 4_096;
/// A position not updated for this long is dropped by the sweep.
const FIX_KEPT_SECS: i64 = 3_600;

pub struct Locations {
    fixes: Mutex<HashMap<String, Fix>>,
    /// Routes by order id, in the same short-lived cache as accounts and catalog pages:
    /// `finish` removes one and refuses checks that started before it.
    routes: TtlCache<Route>,
}

impl Default for Locations {
    fn default() -> Locations {
        Locations {
            fixes: Mutex::default(),
            routes: TtlCache::new(ROUTE_RECHECK, 100_000),
        }
    }
}

impl Locations {
    /// The customer of `order_id`, if `partner_id` was recently confirmed as its
    /// assigned partner during delivery; otherwise a ticket for confirming it after a
    /// database read.
    pub fn route(&self, order_id: &str, partner_id: &str) -> Result<String, Ticket> {
        match self.routes.get(order_id) {
            Ok(r) if r.partner_id == partner_id => Ok(r.customer_id),
            Ok(_) => Err(self.routes.ticket()),
            Err(ticket) => Err(ticket),
        }
    }

    /// The database confirmed this route; kept unless the order was finished (or
    /// changed hands) since `ticket` was taken.
    pub fn confirm_route(
        &self,
        ticket: Ticket,
        order_id: &str,
        partner_id: &str,
        customer_id: &str,
    ) {
        let route = Route {
            partner_id: partner_id.to_owned(),
            customer_id: customer_id.to_owned(),
        };
        self.routes.insert(order_id, ticket, route);
    }

    /// Record a fix; `true` when it should also be persisted as a trail sample.
    pub fn update(
        &self,
        order_id: &str,
        _partner_id: &str,
        point: GeoPoint,
        at: DateTime<Utc>,
    ) -> bool {
        let mut map = self.fixes.lock().unwrap_or_else(|p| p.into_inner());
        match map.get_mut(order_id) {
            Some(f) => {
                f.point = point;
                f.at = at;
                if (at - f.sampled_at).num_seconds() >= SAMPLE_EVERY_SECS {
                    f.sampled_at = at;
                    true
                } else {
                    false
                }
            }
            None => {
                if map.len() >= SWEEP_ABOVE {
                    map.retain(|_, f| (at - f.at).num_seconds() < FIX_KEPT_SECS);
                }
                map.insert(
                    order_id.to_owned(),
                    Fix {
                        point,
                        at,
                        sampled_at: at,
                    },
                );
                true
            }
        }
    }

    pub fn last(&self, order_id: &str) -> Option<Fix> {
        self.fixes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(order_id)
            .copied()
    }

    /// The order is over or changed hands: forget its position and route.
    pub fn finish(&self, order_id: &str) {
        self.fixes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(order_id);
        self.routes.remove(order_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_at_most_every_few_seconds() {
        let l = Locations::default();
        let p = GeoPoint {
            lat: 19.0,
            lng: 72.8,
        };
        let t0 = Utc::now();
        assert!(l.update("o", "p", p, t0));
        assert!(!l.update("o", "p", p, t0 + chrono::Duration::seconds(1)));
        assert!(l.update("o", "p", p, t0 + chrono::Duration::seconds(6)));
        assert_eq!(
            l.last("o").map(|f| f.at),
            Some(t0 + chrono::Duration::seconds(6))
        );
        l.finish("o");
        assert!(l.last("o").is_none());
    }

    #[test]
    fn routes_are_per_partner_and_forgotten_on_finish() {
        let l = Locations::default();
        let ticket = l.route("o", "p1").expect_err("nothing confirmed yet");
        l.confirm_route(ticket, "o", "p1", "c1");
        assert_eq!(l.route("o", "p1").ok().as_deref(), Some("c1"));
        assert!(
            l.route("o", "p2").is_err(),
            "another partner is not trusted"
        );
        l.finish("o");
        assert!(l.route("o", "p1").is_err());

        // A check that started before the order changed hands is not kept.
        let stale = l.route("o", "p1").expect_err("miss");
        l.finish("o");
        l.confirm_route(stale, "o", "p1", "c1");
        assert!(
            l.route("o", "p1").is_err(),
            "a raced confirmation must not stick"
        );
    }
}

//! Last known rider positions per active order, in memory (the fast path), with a
//! sampling rule for what is also written to the database.

use chrono::{DateTime, Utc};
use qc_domain::GeoPoint;
use std::collections::HashMap;
use std::sync::Mutex;

/// Trail samples are kept at most this often per order.
const SAMPLE_EVERY_SECS: i64 = 5;

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Fix {
    pub point: GeoPoint,
    pub at: DateTime<Utc>,
    sampled_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct Locations {
    fixes: Mutex<HashMap<String, Fix>>,
}

impl Locations {
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

    /// The order is over: forget its position.
    pub fn finish(&self, order_id: &str) {
        self.fixes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(order_id);
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
}

//! Dark-store fulfilment: an order's pick → pack state, what happens to a line the shelf
//! cannot fill, what a line costs after picking, when a dearer substitute needs the
//! customer's yes, when the rider's offer goes out, and pick times measured from history.

use crate::money::Money;
use serde::{Deserialize, Serialize};

/// Where an order is in the store, beside its delivery status. Orders of a store without
/// picking have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fulfilment {
    Queued,
    Picking,
    Packed,
    Cancelled,
}

impl Fulfilment {
    pub const ALL: [Fulfilment; 4] = [
        Fulfilment::Queued,
        Fulfilment::Picking,
        Fulfilment::Packed,
        Fulfilment::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Fulfilment::Queued => "queued",
            Fulfilment::Picking => "picking",
            Fulfilment::Packed => "packed",
            Fulfilment::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Fulfilment> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// What the customer wants when a line runs short (chosen per line at checkout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubstitutionPref {
    /// The picker may substitute a similar product (same category); a dearer one needs
    /// the customer's yes.
    #[default]
    BestMatch,
    /// Never substitute: refund what is missing.
    Refund,
}

impl SubstitutionPref {
    pub fn as_str(self) -> &'static str {
        match self {
            SubstitutionPref::BestMatch => "best_match",
            SubstitutionPref::Refund => "refund",
        }
    }

    pub fn parse(s: &str) -> Option<SubstitutionPref> {
        match s {
            "best_match" => Some(SubstitutionPref::BestMatch),
            "refund" => Some(SubstitutionPref::Refund),
            _ => None,
        }
    }
}

/// What the picker did with a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickState {
    /// Not picked yet.
    Pending,
    /// Picked in full.
    Picked,
    /// Fewer found; the rest refunded.
    Short,
    /// Fewer found and a dearer substitute proposed: the customer is asked.
    Proposed,
    /// Fewer found and a substitute applied for the rest.
    Substituted,
}

impl PickState {
    pub const ALL: [PickState; 5] = [
        PickState::Pending,
        PickState::Picked,
        PickState::Short,
        PickState::Proposed,
        PickState::Substituted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PickState::Pending => "pending",
            PickState::Picked => "picked",
            PickState::Short => "short",
            PickState::Proposed => "proposed",
            PickState::Substituted => "substituted",
        }
    }

    pub fn parse(s: &str) -> Option<PickState> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The line needs nothing more from the picker or the customer.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            PickState::Picked | PickState::Short | PickState::Substituted
        )
    }
}

/// What a line costs after picking: the units found at their price, plus a substitute's
/// units at theirs. `None` on overflow.
pub fn line_charge(
    unit_price: Money,
    found: u32,
    substitute: Option<(Money, u32)>,
) -> Option<Money> {
    let own = unit_price.checked_times(found)?;
    match substitute {
        Some((price, qty)) => own.checked_add(price.checked_times(qty)?),
        None => Some(own),
    }
}

/// A substitute is applied without asking only when it costs no more per unit and the
/// line as a whole costs no more than it did: the price never goes up without the
/// customer's yes.
pub fn needs_approval(
    unit_price: Money,
    ordered: u32,
    found: u32,
    sub_price: Money,
    sub_qty: u32,
) -> bool {
    let before = unit_price.checked_times(ordered);
    let after = line_charge(unit_price, found, Some((sub_price, sub_qty)));
    match (before, after) {
        (Some(b), Some(a)) => sub_price > unit_price || a > b,
        _ => true,
    }
}

/// When a held order is offered to riders: as packing is predicted to end, less the
/// time the nearest rider needs to reach the store — never before `now`.
/// `pack_end_ms` = placement (or the claim) + the predicted pick time.
pub fn release_at_ms(pack_end_ms: i64, rider_to_store_secs: f64, now_ms: i64) -> i64 {
    let lead = if rider_to_store_secs.is_finite() && rider_to_store_secs > 0.0 {
        (rider_to_store_secs * 1_000.0).min(i64::MAX as f64 / 2.0) as i64
    } else {
        0
    };
    pack_end_ms.saturating_sub(lead).max(now_ms)
}

/// Packed orders a store needs before its measured pick times replace its settings.
pub const MIN_PICK_HISTORY: i64 = 20;

/// Sums over a store's recent packed orders: x = units picked, y = minutes from claim to
/// packed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PickHistory {
    pub n: i64,
    pub sum_x: f64,
    pub sum_y: f64,
    pub sum_xx: f64,
    pub sum_xy: f64,
}

/// `(base minutes, seconds per item)` fitted to the history by least squares, once there
/// is enough of it; clamped to the ranges the settings allow. With every order of one
/// size (no spread in x) the per-item figure cannot be told apart: the mean time is the
/// base and `fallback_per_item_secs` stays.
pub fn measured_pick_times(h: &PickHistory, fallback_per_item_secs: f64) -> Option<(f64, f64)> {
    if h.n < MIN_PICK_HISTORY {
        return None;
    }
    let n = h.n as f64;
    let mean_x = h.sum_x / n;
    let mean_y = h.sum_y / n;
    let var_x = h.sum_xx / n - mean_x * mean_x;
    let (base, per_item_min) = if var_x > 1e-9 {
        let slope = (h.sum_xy / n - mean_x * mean_y) / var_x;
        let slope = slope.max(0.0);
        (mean_y - slope * mean_x, slope)
    } else {
        let per = fallback_per_item_secs / 60.0;
        (mean_y - per * mean_x, per)
    };
    if !base.is_finite() || !per_item_min.is_finite() {
        return None;
    }
    Some((
        base.clamp(0.0, 120.0),
        (per_item_min * 60.0).clamp(0.0, 600.0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Fulfilment::ALL {
            assert_eq!(Fulfilment::parse(f.as_str()), Some(f));
        }
        for p in PickState::ALL {
            assert_eq!(PickState::parse(p.as_str()), Some(p));
        }
        assert_eq!(
            SubstitutionPref::parse("refund"),
            Some(SubstitutionPref::Refund)
        );
        assert_eq!(
            SubstitutionPref::parse("best_match"),
            Some(SubstitutionPref::BestMatch)
        );
        assert_eq!(SubstitutionPref::parse("whatever"), None);
        assert!(!PickState::Pending.is_settled());
        assert!(!PickState::Proposed.is_settled());
        assert!(PickState::Short.is_settled());
    }

    #[test]
    fn a_short_line_costs_what_was_found() {
        assert_eq!(line_charge(Money(9_500), 1, None), Some(Money(9_500)));
        assert_eq!(line_charge(Money(9_500), 0, None), Some(Money(0)));
        assert_eq!(
            line_charge(Money(9_500), 1, Some((Money(9_000), 2))),
            Some(Money(27_500))
        );
        assert_eq!(line_charge(Money(i64::MAX), 2, None), None);
    }

    #[test]
    fn only_a_dearer_substitute_needs_a_yes() {
        // 3 ordered at 95.00, 1 found: 2 of a 90.00 product cost less → applied at once.
        assert!(!needs_approval(Money(9_500), 3, 1, Money(9_000), 2));
        // Same price, same count → at once.
        assert!(!needs_approval(Money(9_500), 3, 1, Money(9_500), 2));
        // Dearer per unit → ask.
        assert!(needs_approval(Money(9_500), 3, 1, Money(9_600), 2));
        // Cheaper per unit but more units than were missing → the line costs more → ask.
        assert!(needs_approval(Money(9_500), 1, 0, Money(6_000), 2));
        // Overflow is never applied silently.
        assert!(needs_approval(Money(9_500), 1, 0, Money(i64::MAX), 2));
    }

    #[test]
    fn the_offer_goes_out_as_packing_ends_less_the_riders_way() {
        let now = 1_000_000;
        // Packing ends in 10 minutes, the rider is 4 minutes away: offer in 6 minutes.
        assert_eq!(release_at_ms(now + 600_000, 240.0, now), now + 360_000);
        // The rider is further away than packing takes: offer now.
        assert_eq!(release_at_ms(now + 60_000, 600.0, now), now);
        // No rider position known: offer as packing ends.
        assert_eq!(release_at_ms(now + 60_000, f64::NAN, now), now + 60_000);
    }

    #[test]
    fn pick_times_come_from_history_once_there_is_enough() {
        let mut h = PickHistory::default();
        // y = 2 + 0.25·x minutes (15 s an item) for x = 1..=30.
        for x in 1..=30 {
            let (x, y) = (f64::from(x), 2.0 + 0.25 * f64::from(x));
            h.n += 1;
            h.sum_x += x;
            h.sum_y += y;
            h.sum_xx += x * x;
            h.sum_xy += x * y;
        }
        let (base, per_item) = measured_pick_times(&h, 12.0).unwrap();
        assert!((base - 2.0).abs() < 1e-6, "{base}");
        assert!((per_item - 15.0).abs() < 1e-6, "{per_item}");
        let few = PickHistory { n: 5, ..h };
        assert_eq!(measured_pick_times(&few, 12.0), None);
        // One order size only: the mean time, less the configured per-item share.
        let flat = PickHistory {
            n: 20,
            sum_x: 40.0,
            sum_y: 100.0,
            sum_xx: 80.0,
            sum_xy: 200.0,
        };
        let (base, per_item) = measured_pick_times(&flat, 12.0).unwrap();
        assert!((base - 4.6).abs() < 1e-6, "{base}");
        assert_eq!(per_item, 12.0);
    }
}

//! Carts and orders: quantities, fees, addresses, payment methods, confirmation codes.

use crate::geo::GeoPoint;
use crate::money::Money;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// Limits on one order, enforced before anything is written.
#[derive(Debug, Clone, Copy)]
pub struct OrderLimits {
    pub max_lines: usize,
    pub max_quantity: u32,
}

impl Default for OrderLimits {
    fn default() -> Self {
        OrderLimits {
            max_lines: 50,
            max_quantity: 50,
        }
    }
}

/// What a shopper's screen shows of a product's stock: whether it can be added, and how
/// many at most (a line's limit caps the stepper, and "Only n left" shows below it). A
/// change that leaves this as it was is news for the store's staff, not for shoppers.
pub fn shown_stock(stock: i64, orderable: bool, limits: OrderLimits) -> (bool, i64) {
    (
        orderable && stock > 0,
        stock.clamp(0, i64::from(limits.max_quantity)),
    )
}

/// One requested line: a product and a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    pub product_id: String,
    pub quantity: u32,
}

/// Check a cart against the limits; duplicate products are merged.
/// Lines come back sorted by product id (the order stock is locked in).
pub fn normalise_cart(
    lines: &[(String, i64)],
    limits: OrderLimits,
) -> Result<Vec<CartLine>, ValidationErrors> {
    if lines.is_empty() {
        return Err(ValidationErrors::one("items", "the cart is empty"));
    }
    if lines.len() > limits.max_lines {
        return Err(ValidationErrors::one(
            "items",
            format!("at most {} lines per order", limits.max_lines),
        ));
    }
    let mut errors = ValidationErrors::new();
    let mut merged: std::collections::BTreeMap<String, u64> = Default::default();
    for (i, (id, qty)) in lines.iter().enumerate() {
        let id = id.trim();
        if id.is_empty() || id.len() > 64 {
            errors.push(&format!("items[{i}].productId"), "is required");
            continue;
        }
        if *qty < 1 {
            errors.push(&format!("items[{i}].quantity"), "must be at least 1");
            continue;
        }
        let total = merged.entry(id.to_owned()).or_default();
        match total.checked_add(qty.unsigned_abs()) {
            Some(sum) => *total = sum,
            None => errors.push(&format!("items[{i}].quantity"), "is too large"),
        }
    }
    for (id, qty) in &merged {
        if *qty > u64::from(limits.max_quantity) {
            errors.push(
                "items",
                format!(
                    "at most {} of one product (product {id})",
                    limits.max_quantity
                ),
            );
        }
    }
    errors.into_result()?;
    Ok(merged
        .into_iter()
        .map(|(product_id, q)| CartLine {
            product_id,
            quantity: u32::try_from(q).unwrap_or(u32::MAX),
        })
        .collect())
}

/// Delivery fee rules, in minor units.
#[derive(Debug, Clone, Copy)]
pub struct FeeRules {
    pub delivery_fee: Money,
    /// Orders with a subtotal at or above this deliver free.
    pub free_delivery_from: Money,
}

impl Default for FeeRules {
    fn default() -> Self {
        FeeRules {
            delivery_fee: Money(2_500),
            free_delivery_from: Money(19_900),
        }
    }
}

/// Subtotal, fee and total of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub subtotal: Money,
    pub delivery_fee: Money,
    pub total: Money,
}

impl FeeRules {
    /// The totals of a subtotal; `None` when the sum does not fit (a validation error
    /// for the caller, never a wrapped or saturated amount).
    pub fn totals(&self, subtotal: Money) -> Option<Totals> {
        let delivery_fee = if subtotal >= self.free_delivery_from {
            Money::ZERO
        } else {
            self.delivery_fee
        };
        Some(Totals {
            subtotal,
            delivery_fee,
            total: subtotal.checked_add(delivery_fee)?,
        })
    }
}

/// The subtotal of priced lines (unit price × quantity, summed), with checked
/// arithmetic: `None` on overflow.
pub fn checked_subtotal(lines: impl IntoIterator<Item = (Money, u32)>) -> Option<Money> {
    lines
        .into_iter()
        .try_fold(Money::ZERO, |sum, (price, qty)| {
            sum.checked_add(price.checked_times(qty)?)
        })
}

/// How the customer pays; all are collected on delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Upi,
    Card,
}

impl PaymentMethod {
    pub fn parse(s: &str) -> Option<PaymentMethod> {
        match s.trim().to_lowercase().as_str() {
            "cash" | "cod" => Some(PaymentMethod::Cash),
            "upi" => Some(PaymentMethod::Upi),
            "card" => Some(PaymentMethod::Card),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Upi => "upi",
            PaymentMethod::Card => "card",
        }
    }
}

/// A validated delivery address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub label: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip_code: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

/// Raw address fields as a client sends them.
#[derive(Debug, Clone, Default)]
pub struct AddressInput<'a> {
    pub label: Option<&'a str>,
    pub street: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub zip_code: &'a str,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

fn text(errors: &mut ValidationErrors, field: &str, v: &str, min: usize, max: usize) -> String {
    let t = v.trim();
    let n = t.chars().count();
    if n < min || n > max || t.chars().any(char::is_control) {
        errors.push(field, format!("must be {min} to {max} characters"));
    }
    t.to_owned()
}

impl Address {
    pub fn parse(input: AddressInput<'_>, prefix: &str) -> Result<Address, ValidationErrors> {
        let f = |name: &str| {
            if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}.{name}")
            }
        };
        let mut e = ValidationErrors::new();
        let label = text(&mut e, &f("label"), input.label.unwrap_or("Home"), 1, 30);
        let street = text(&mut e, &f("street"), input.street, 3, 200);
        let city = text(&mut e, &f("city"), input.city, 2, 80);
        let state = text(&mut e, &f("state"), input.state, 2, 80);
        let zip = input.zip_code.trim().to_uppercase();
        let zip_ok = (3..=10).contains(&zip.len())
            && zip
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
            && zip.chars().any(|c| c.is_ascii_digit());
        if !zip_ok {
            e.push(
                &f("zipCode"),
                "must be a postal code of 3 to 10 letters and digits",
            );
        }
        match (input.lat, input.lng) {
            (None, None) => {}
            (Some(lat), Some(lng)) => {
                if let Err(g) = GeoPoint::parse(lat, lng) {
                    for fe in g.0 {
                        e.push(&f(&fe.field), fe.message);
                    }
                }
            }
            _ => e.push(&f("lat"), "lat and lng must be given together"),
        }
        e.into_result()?;
        Ok(Address {
            label,
            street,
            city,
            state,
            zip_code: zip,
            lat: input.lat,
            lng: input.lng,
        })
    }

    pub fn point(&self) -> Option<GeoPoint> {
        Some(GeoPoint {
            lat: self.lat?,
            lng: self.lng?,
        })
    }
}

/// The 4-digit code the customer tells the partner at the door, from a random number.
pub fn confirmation_code(random: u32) -> String {
    format!("{:04}", random % 10_000)
}

/// Wrong codes allowed before confirmation locks for an order.
pub const MAX_CODE_ATTEMPTS: i64 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[(&str, i64)]) -> Vec<(String, i64)> {
        v.iter().map(|(a, b)| ((*a).to_owned(), *b)).collect()
    }

    #[test]
    fn a_shopper_sees_stock_up_to_a_lines_limit() {
        let l = OrderLimits::default();
        // Above the limit every level looks the same: "In stock", up to 50 in a line.
        assert_eq!(shown_stock(143, true, l), shown_stock(51, true, l));
        assert_eq!(shown_stock(50, true, l), (true, 50));
        assert_ne!(shown_stock(50, true, l), shown_stock(49, true, l));
        assert_eq!(shown_stock(3, true, l), (true, 3));
        assert_eq!(shown_stock(0, true, l), (false, 0));
        // Switched off: not addable whatever is on the shelf.
        assert!(!shown_stock(143, false, l).0);
        assert_eq!(shown_stock(-2, true, l), (false, 0));
    }

    #[test]
    fn carts_are_merged_sorted_and_bounded() {
        let l = OrderLimits::default();
        let c = normalise_cart(&lines(&[("b", 1), ("a", 2), ("b", 3)]), l).unwrap();
        assert_eq!(
            c,
            vec![
                CartLine {
                    product_id: "a".into(),
                    quantity: 2
                },
                CartLine {
                    product_id: "b".into(),
                    quantity: 4
                },
            ]
        );
        assert!(normalise_cart(&[], l).is_err());
        assert!(normalise_cart(&lines(&[("a", 0)]), l).is_err());
        assert!(normalise_cart(&lines(&[("a", -2)]), l).is_err());
        assert!(normalise_cart(&lines(&[("a", 51)]), l).is_err());
        assert!(normalise_cart(&lines(&[("a", 30), ("a", 30)]), l).is_err());
        let many: Vec<(String, i64)> = (0..1000).map(|i| (format!("p{i}"), 1)).collect();
        assert!(normalise_cart(&many, l).is_err());
    }

    #[test]
    fn quantities_that_overflow_are_refused_not_wrapped() {
        // i64::MAX twice plus 7 wraps to 5 in u64: it must be an error, never 5.
        let l = OrderLimits::default();
        let err = normalise_cart(&lines(&[("a", i64::MAX), ("a", i64::MAX), ("a", 7)]), l)
            .expect_err("overflow is a validation error");
        assert!(err.to_string().contains("too large"), "{err}");
        assert_eq!(checked_subtotal([(Money(i64::MAX), 2)]), None);
        assert_eq!(
            checked_subtotal([(Money(i64::MAX), 1), (Money(1), 1)]),
            None
        );
        assert_eq!(
            checked_subtotal([(Money(2_850), 3), (Money(100), 1)]),
            Some(Money(8_650))
        );
        assert_eq!(
            FeeRules::default()
                .totals(Money(i64::MAX - 1))
                .map(|t| t.total),
            Some(Money(i64::MAX - 1))
        );
        let tight = FeeRules {
            delivery_fee: Money(10),
            free_delivery_from: Money(i64::MAX),
        };
        assert!(tight.totals(Money(i64::MAX - 5)).is_none());
    }

    proptest::proptest! {
        /// Whatever a client sends, a normalised cart is either refused, or has each
        /// product once, in id order, with exactly the sum of its requested quantities
        /// (computed without overflow), each within the limits.
        #[test]
        fn normalised_carts_are_exact_or_refused(
            raw in proptest::collection::vec(
                (proptest::sample::select(vec!["a", "b", "c", " d ", ""]),
                 proptest::prop_oneof![-3i64..60, proptest::num::i64::ANY]),
                0..12,
            )
        ) {
            let l = OrderLimits::default();
            let input: Vec<(String, i64)> =
                raw.iter().map(|(id, q)| ((*id).to_owned(), *q)).collect();
            let mut exact: std::collections::BTreeMap<String, i128> = Default::default();
            let mut valid = !input.is_empty() && input.len() <= l.max_lines;
            for (id, q) in &input {
                let id = id.trim();
                valid &= !id.is_empty() && *q >= 1;
                *exact.entry(id.to_owned()).or_default() += i128::from(*q);
            }
            valid &= exact.values().all(|q| *q <= i128::from(l.max_quantity));
            match normalise_cart(&input, l) {
                Ok(cart) => {
                    proptest::prop_assert!(valid, "accepted {input:?}");
                    let ids: Vec<&str> = cart.iter().map(|c| c.product_id.as_str()).collect();
                    let mut sorted = ids.clone();
                    sorted.sort_unstable();
                    sorted.dedup();
                    proptest::prop_assert_eq!(&ids, &sorted);
                    for c in &cart {
                        proptest::prop_assert_eq!(i128::from(c.quantity), exact[&c.product_id]);
                        proptest::prop_assert!((1..=l.max_quantity).contains(&c.quantity));
                    }
                }
                Err(_) => proptest::prop_assert!(!valid, "refused a valid cart {input:?}"),
            }
        }
    }

    #[test]
    fn free_delivery_above_threshold() {
        let r = FeeRules::default();
        assert_eq!(
            r.totals(Money(10_000)).map(|t| t.total),
            Some(Money(12_500))
        );
        assert_eq!(
            r.totals(Money(19_900)).map(|t| t.delivery_fee),
            Some(Money::ZERO)
        );
    }

    #[test]
    fn addresses_are_validated() {
        let ok = Address::parse(
            AddressInput {
                street: "12 Hill Road",
                city: "Mumbai",
                state: "Maharashtra",
                zip_code: "400050",
                lat: Some(19.05),
                lng: Some(72.83),
                ..Default::default()
            },
            "",
        )
        .unwrap();
        assert_eq!(ok.label, "Home");
        let bad = Address::parse(
            AddressInput {
                street: "",
                city: "M",
                state: "MH",
                zip_code: "!!",
                lat: Some(100.0),
                lng: None,
                ..Default::default()
            },
            "deliveryAddress",
        )
        .unwrap_err();
        let fields: Vec<_> = bad.0.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"deliveryAddress.street"));
        assert!(fields.contains(&"deliveryAddress.zipCode"));
        assert!(fields.contains(&"deliveryAddress.lat"));
    }

    #[test]
    fn codes_have_four_digits() {
        assert_eq!(confirmation_code(7), "0007");
        assert_eq!(confirmation_code(123_456), "3456");
    }

    #[test]
    fn payment_methods() {
        assert_eq!(PaymentMethod::parse("CASH"), Some(PaymentMethod::Cash));
        assert_eq!(PaymentMethod::parse("bitcoin"), None);
    }
}

/// What a partner earns per delivery: a base plus a rate per kilometre from the store
/// to the customer, never more than `max`, in minor units.
#[derive(Debug, Clone, Copy)]
pub struct PayoutRules {
    pub base: Money,
    pub per_km: Money,
    /// The most one delivery pays, whatever the distance.
    pub max: Money,
}

impl Default for PayoutRules {
    fn default() -> Self {
        PayoutRules {
            base: Money(3_000),
            per_km: Money(1_000),
            max: Money(15_000),
        }
    }
}

impl PayoutRules {
    /// Base plus the per-km rate for the distance (pro rata to the metre, rounded down),
    /// capped at `max`.
    pub fn payout(&self, distance_m: Option<i64>) -> Money {
        let metres = distance_m.unwrap_or(0).max(0);
        let earned = self
            .base
            .minor()
            .saturating_add(self.per_km.minor().saturating_mul(metres) / 1_000);
        Money(earned.min(self.max.minor().max(self.base.minor())))
    }
}

#[cfg(test)]
mod payout_tests {
    use super::*;

    #[test]
    fn payout_is_base_plus_distance() {
        let r = PayoutRules::default();
        assert_eq!(r.payout(None), Money(3_000));
        assert_eq!(r.payout(Some(2_500)), Money(5_500));
        assert_eq!(r.payout(Some(-5)), Money(3_000));
    }

    #[test]
    fn payout_is_bounded_whatever_the_distance() {
        let r = PayoutRules::default();
        // The far side of the Earth pays the cap, not ₹200,180.
        assert_eq!(r.payout(Some(20_015_000)), Money(15_000));
        assert_eq!(r.payout(Some(i64::MAX)), Money(15_000));
    }
}

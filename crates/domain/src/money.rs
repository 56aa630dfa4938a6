//! Money as integer minor units (paise for INR). Never floats.

use serde::{Deserialize, Serialize};
use std::ops::{Add, Mul};

/// An amount in minor units of the store's currency.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn minor(self) -> i64 {
        self.0
    }

    /// Checked multiplication by a quantity; `None` on overflow.
    pub fn checked_times(self, qty: u32) -> Option<Money> {
        self.0.checked_mul(i64::from(qty)).map(Money)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl Mul<u32> for Money {
    type Output = Money;
    fn mul(self, rhs: u32) -> Money {
        Money(self.0.saturating_mul(i64::from(rhs)))
    }
}

impl std::fmt::Display for Money {
    /// Major.minor with two decimals, e.g. `Money(4950)` → `49.50`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_major_and_minor() {
        assert_eq!(Money(4950).to_string(), "49.50");
        assert_eq!(Money(5).to_string(), "0.05");
        assert_eq!(Money(-120).to_string(), "-1.20");
    }

    #[test]
    fn checked_maths_detects_overflow() {
        assert_eq!(Money(250).checked_times(4), Some(Money(1000)));
        assert_eq!(Money(i64::MAX).checked_times(2), None);
        assert_eq!(Money(i64::MAX).checked_add(Money(1)), None);
    }
}

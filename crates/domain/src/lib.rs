//! Pure business rules of QuickCommerce: no I/O, no async.
//!
//! Values that cross the edge (`Email`, `Phone`, `GeoPoint`, `Quantity`, …) are parsed
//! once here and are valid by construction afterwards.

pub mod commerce;
pub mod dispatch;
pub mod fulfilment;
pub mod geo;
pub mod money;
pub mod order;
pub mod search;
pub mod store;
pub mod user;
pub mod validation;
pub mod webhook;

pub use commerce::{
    Address, AddressInput, CartLine, FeeRules, OrderLimits, PaymentMethod, PayoutRules, Totals,
    checked_subtotal,
};
pub use geo::GeoPoint;
pub use money::Money;
pub use order::{OrderEventKind, OrderStatus, TransitionError};
pub use user::{Email, Name, PartnerStatus, Password, Phone, Role, UserStatus};
pub use validation::{FieldError, ValidationErrors};

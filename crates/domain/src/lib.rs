//! Pure business rules of QuickCommerce: no I/O, no async.
//!
//! Values that cross the edge (`Email`, `Phone`, `GeoPoint`, `Quantity`, …) are parsed
//! once here and are valid by construction afterwards.

pub mod money;
pub mod order;
pub mod user;
pub mod validation;

pub use money::Money;
pub use order::{OrderStatus, TransitionError};
pub use user::{Email, Name, Password, Phone, Role, UserStatus};
pub use validation::{FieldError, ValidationErrors};

//! Wire types: request and response bodies of the REST API (and Socket.io payloads),
//! camelCase as in the brief. The OpenAPI document is generated from these; money is
//! integer minor units (paise), times are UTC RFC 3339.

mod admin;
mod auth;
mod catalog;
mod delivery;
mod dispatch;
mod events;
mod fulfilment;
mod integrations;
mod orders;
mod stores;

pub use admin::*;
pub use auth::*;
pub use catalog::*;
pub use delivery::*;
pub use dispatch::*;
pub use events::*;
pub use fulfilment::*;
pub use integrations::*;
pub use orders::*;
pub use stores::*;

use serde::Serialize;
use utoipa::ToSchema;

/// For `Option<Option<T>>` fields: absent → `None`, `null` → `Some(None)`.
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(d).map(Some)
}

/// Page information of a list answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    pub page: i64,
    pub limit: i64,
    pub total: i64,
    pub total_pages: i64,
    pub has_more: bool,
}

impl Pagination {
    pub fn new(page: i64, limit: i64, total: i64) -> Pagination {
        let total_pages = if limit > 0 {
            (total + limit - 1) / limit
        } else {
            0
        };
        Pagination {
            page,
            limit,
            total,
            total_pages,
            has_more: page < total_pages,
        }
    }
}

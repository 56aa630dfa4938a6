//! Address and order wire types.

use super::{CartLineRequest, Pagination};
use qc_store::{Order, OrderEvent, SavedAddress};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An address as sent by a client (saved addresses and `deliveryAddress`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddressRequest {
    /// `Home`, `Work`, … (default `Home`).
    pub label: Option<String>,
    #[schema(example = "123 Main St")]
    pub street: String,
    #[schema(example = "Mumbai")]
    pub city: String,
    #[schema(example = "Maharashtra")]
    pub state: String,
    #[schema(example = "400001")]
    pub zip_code: String,
    #[schema(example = 19.076)]
    pub lat: Option<f64>,
    #[schema(example = 72.8777)]
    pub lng: Option<f64>,
    /// Saved addresses only: make this the default.
    pub is_default: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddressView {
    pub label: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip_code: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

impl From<&qc_domain::Address> for AddressView {
    fn from(a: &qc_domain::Address) -> Self {
        AddressView {
            label: a.label.clone(),
            street: a.street.clone(),
            city: a.city.clone(),
            state: a.state.clone(),
            zip_code: a.zip_code.clone(),
            lat: a.lat,
            lng: a.lng,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SavedAddressView {
    pub id: String,
    #[serde(flatten)]
    pub address: AddressView,
    pub is_default: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<&SavedAddress> for SavedAddressView {
    fn from(a: &SavedAddress) -> Self {
        SavedAddressView {
            id: a.id.clone(),
            address: AddressView::from(&a.address),
            is_default: a.is_default,
            created_at: a.created_at,
        }
    }
}

/// `{success, addresses}`
#[derive(Debug, Serialize, ToSchema)]
pub struct AddressesResponse {
    pub success: bool,
    pub addresses: Vec<SavedAddressView>,
}

/// `{success, address}`
#[derive(Debug, Serialize, ToSchema)]
pub struct AddressResponse {
    pub success: bool,
    pub address: SavedAddressView,
}

/// `POST /api/customer/orders` (the brief's body; `addressId` may replace
/// `deliveryAddress`). Prices sent by clients are ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlaceOrderRequest {
    pub items: Vec<CartLineRequest>,
    pub delivery_address: Option<AddressRequest>,
    /// A saved address of the customer, instead of `deliveryAddress`.
    pub address_id: Option<String>,
    /// `cash` (default), `upi` or `card`, collected on delivery.
    #[schema(example = "cash")]
    pub payment_method: Option<String>,
    /// A note for the rider (at most 500 characters).
    pub notes: Option<String>,
    /// The store the cart was built for (its catalog and stock): when the address is
    /// served by another store, the order is refused with `store_mismatch`.
    pub store_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderItemView {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    /// Minor units, as charged.
    pub price: i64,
    pub quantity: u32,
    /// What the line costs now (picking may lower it, or an approved substitute change it).
    pub line_total: i64,
    /// The line's number in the order (`lineId` of the picker and substitution calls).
    pub line_id: i64,
    /// `best_match` or `refund`: the customer's choice for a shortage.
    pub substitution: String,
    /// What the store did with the line (stores that pick and pack).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pick: Option<LinePickView>,
}

/// How the customer rated a delivery.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RatingView {
    /// 1 to 5 stars.
    pub rating: i64,
    pub comment: Option<String>,
    /// To the rider, minor units (added to their earnings).
    pub tip: i64,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `POST /api/customer/orders/{orderId}/rating`: once, after delivery.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RatingRequest {
    /// 1 to 5 stars.
    pub rating: i64,
    pub comment: Option<String>,
    /// For the rider, minor units, 0 to 50000.
    pub tip: Option<i64>,
}

/// `order:rated` to the rider and admins.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderRatedEvent {
    pub order_id: String,
    pub rating: i64,
    pub tip: i64,
    pub comment: Option<String>,
    pub seq: i64,
}

/// A line after picking.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinePickView {
    /// `pending`, `picked`, `short`, `proposed` (a dearer substitute waits for the
    /// customer) or `substituted`.
    pub state: String,
    /// Units of the ordered product found, once short, proposed or substituted.
    pub found: Option<u32>,
    pub substitute: Option<SubstituteView>,
}

/// A product in place of missing units.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubstituteView {
    pub product_id: String,
    pub name: String,
    pub unit: String,
    pub unit_price: i64,
    pub quantity: u32,
    /// While proposed: no answer by then means a refund.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl LinePickView {
    pub fn of(i: &qc_store::OrderItem) -> LinePickView {
        LinePickView {
            state: i.pick.state.0.as_str().to_owned(),
            found: i.pick.found,
            substitute: i.pick.substitute.as_ref().map(|s| SubstituteView {
                product_id: s.product_id.clone(),
                name: s.name.clone(),
                unit: s.unit.clone(),
                unit_price: s.unit_price.minor(),
                quantity: s.quantity,
                expires_at: s.expires_at,
            }),
        }
    }
}

impl OrderItemView {
    pub fn of(i: &qc_store::OrderItem, picking: bool) -> OrderItemView {
        OrderItemView {
            product_id: i.product_id.clone(),
            sku: i.sku.clone(),
            name: i.name.clone(),
            unit: i.unit.clone(),
            price: i.unit_price.minor(),
            quantity: i.quantity,
            line_total: i.line_total.minor(),
            line_id: i.pick.line,
            substitution: i.pick.substitution.as_str().to_owned(),
            pick: picking.then(|| LinePickView::of(i)),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerRef {
    pub id: String,
    pub name: String,
}

/// An order. `confirmationCode` is present only for the order's customer and admins.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    pub id: String,
    /// Short human-friendly reference.
    pub order_number: String,
    /// `pending`, `accepted`, `picked_up`, `on_the_way`, `delivered` or `cancelled`.
    pub status: String,
    /// The dark store it is picked from.
    pub store: Option<super::StoreRef>,
    pub customer_id: String,
    pub partner: Option<PartnerRef>,
    pub items: Vec<OrderItemView>,
    pub subtotal: i64,
    pub delivery_fee: i64,
    pub total: i64,
    pub currency: String,
    pub payment_method: String,
    pub delivery_address: AddressView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_code: Option<String>,
    /// Too many wrong codes were entered: delivery waits for support to reset the code.
    pub code_locked: bool,
    pub notes: Option<String>,
    pub cancel_reason: Option<String>,
    /// Picking in the store (stores that pick and pack): `queued`, `picking`, `packed` or
    /// `cancelled`; absent where the rider picks up at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fulfilment: Option<String>,
    /// Bags packed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bags: Option<i64>,
    /// The customer's rating of the delivery, once given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<RatingView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The newest event's `seq`; fetch `/events?after=` from here after a reconnect.
    pub last_seq: i64,
    /// The delivery time promised at placement, in minutes, and the moment it runs out.
    pub promised_minutes: Option<i64>,
    pub promised_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Delivered after the promise, or not delivered and past it.
    pub late: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub accepted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub picked_up_at: Option<chrono::DateTime<chrono::Utc>>,
    pub on_the_way_at: Option<chrono::DateTime<chrono::Utc>>,
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub cancelled_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The short reference shown to people: the id's last 6 characters, upper-cased.
pub fn order_number(id: &str) -> String {
    let tail = &id[id.len().saturating_sub(6)..];
    format!("QC-{}", tail.to_uppercase())
}

impl OrderView {
    /// `with_code`: include the confirmation code (the customer and admins only).
    pub fn new(o: &Order, partner: Option<PartnerRef>, with_code: bool) -> OrderView {
        OrderView {
            id: o.id.clone(),
            order_number: order_number(&o.id),
            status: o.status.as_str().to_owned(),
            store: None,
            customer_id: o.customer_id.clone(),
            partner,
            items: o
                .items
                .iter()
                .map(|i| OrderItemView::of(i, o.pick.fulfilment.is_some()))
                .collect(),
            subtotal: o.subtotal.minor(),
            delivery_fee: o.delivery_fee.minor(),
            total: o.total.minor(),
            currency: "INR".to_owned(),
            payment_method: o.payment_method.as_str().to_owned(),
            delivery_address: AddressView::from(&o.address),
            confirmation_code: with_code.then(|| o.confirmation_code.clone()),
            code_locked: o.code_attempts >= qc_domain::commerce::MAX_CODE_ATTEMPTS,
            notes: o.notes.clone(),
            cancel_reason: o.cancel_reason.clone(),
            fulfilment: o.pick.fulfilment.map(|f| f.as_str().to_owned()),
            bags: o.pick.bags,
            rating: o.rating.as_ref().map(|r| RatingView {
                rating: r.stars,
                comment: r.comment.clone(),
                tip: r.tip.minor(),
                at: r.at,
            }),
            packed_at: o.pick.packed_at,
            last_seq: o.last_seq,
            promised_minutes: o.promised_minutes,
            promised_at: o.promised_at,
            late: match (o.promised_at, o.delivered_at) {
                (Some(p), Some(d)) => d > p,
                (Some(p), None) => {
                    o.status.is_active_delivery() && chrono::Utc::now() > p
                        || o.status == qc_domain::OrderStatus::Pending && chrono::Utc::now() > p
                }
                (None, _) => false,
            },
            created_at: o.created_at,
            accepted_at: o.accepted_at,
            picked_up_at: o.picked_up_at,
            on_the_way_at: o.on_the_way_at,
            delivered_at: o.delivered_at,
            cancelled_at: o.cancelled_at,
        }
    }
}

/// `{success, order}`
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderResponse {
    pub success: bool,
    pub order: OrderView,
}

/// `{success, orders, pagination}`
#[derive(Debug, Serialize, ToSchema)]
pub struct OrdersResponse {
    pub success: bool,
    pub orders: Vec<OrderView>,
    pub pagination: Pagination,
}

/// Query of order lists.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderListQuery {
    /// Only orders in this status.
    pub status: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

/// `POST /orders/{orderId}/cancel`
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub reason: Option<String>,
}

/// One entry of an order's timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderEventView {
    pub order_id: String,
    /// Per-order sequence number, from 1, without gaps.
    pub seq: i64,
    /// `order.created`, `order.accepted`, `order.status_updated`, `order.cancelled`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub data: serde_json::Value,
    pub actor_role: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl From<&OrderEvent> for OrderEventView {
    fn from(e: &OrderEvent) -> Self {
        OrderEventView {
            order_id: e.order_id.clone(),
            seq: e.seq,
            kind: e.kind.as_str().to_owned(),
            data: e.payload.clone(),
            actor_role: e.actor_role.map(|r| r.as_str().to_owned()),
            at: e.at,
        }
    }
}

/// Query of `/orders/{orderId}/events`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Return events with `seq` greater than this (default 0).
    pub after: Option<i64>,
}

/// `{success, events, lastSeq}`
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventsResponse {
    pub success: bool,
    pub events: Vec<OrderEventView>,
    pub last_seq: i64,
}

//! How orders look to each audience, built once for every service and event: the
//! partner's view (with or without the customer's contact), the partner named on an
//! order, the people behind an order for admins.

use super::AppState;
use crate::api::{
    ContactView, DropoffArea, LocationPoint, OfferView, OrderView, PartnerOrderView, PartnerRef,
    PersonView, StoreRef, order_number,
};
use crate::auth::AuthUser;
use crate::error::Result;
use qc_store::Order;

/// Where an order is picked up: its store (the configured location for an order whose
/// store is gone).
pub fn pickup_of(state: &AppState, order: &Order) -> qc_domain::GeoPoint {
    state
        .stores
        .get(&order.store_id)
        .map_or(state.config.store_location, |s| s.location)
}

/// Store → customer distance of an order, when the address has coordinates.
pub fn delivery_distance(state: &AppState, order: &Order) -> Option<i64> {
    let from = pickup_of(state, order);
    order
        .address
        .point()
        .map(|p| from.distance_m(p).round() as i64)
}

/// The store of an order, named.
pub fn store_of(state: &AppState, order: &Order) -> Option<StoreRef> {
    state
        .stores
        .get(&order.store_id)
        .map(|s| super::stores::store_ref(&s))
}

/// An order as its customer and admins see it (with its store, without the partner).
pub fn full_view(state: &AppState, order: &Order, partner: Option<PartnerRef>) -> OrderView {
    let mut v = OrderView::new(order, partner, true);
    v.store = store_of(state, order);
    v
}

/// The partner's view of an order; `contact` adds the customer's name and phone.
pub fn partner_view(
    state: &AppState,
    order: &Order,
    contact: Option<ContactView>,
    partner: Option<PartnerRef>,
) -> PartnerOrderView {
    let distance = order.distance_m.or_else(|| delivery_distance(state, order));
    let store = pickup_of(state, order);
    let mut view = OrderView::new(order, partner, false);
    view.store = store_of(state, order);
    PartnerOrderView {
        order: view,
        distance_meters: distance,
        estimated_payout: order
            .payout
            .unwrap_or_else(|| state.config.payout.payout(distance))
            .minor(),
        pickup: LocationPoint {
            lat: store.lat,
            lng: store.lng,
        },
        customer: contact,
        stop: None,
    }
}

/// How far apart the offer shows the drop-off point: a 0.005° grid, about 500 m.
const OFFER_GRID_DEG: f64 = 0.005;

/// An order as offered to partners before one accepts: no customer, no exact address.
pub fn offer_view(state: &AppState, order: &Order) -> OfferView {
    let distance = order.distance_m.or_else(|| delivery_distance(state, order));
    let store = pickup_of(state, order);
    let minutes = distance.map(|d| {
        let secs = qc_domain::geo::eta_seconds(d as f64, state.config.rider_speed_kmh);
        i64::try_from(secs.div_ceil(60)).unwrap_or(i64::MAX)
    });
    OfferView {
        id: order.id.clone(),
        order_number: order_number(&order.id),
        status: order.status.as_str().to_owned(),
        pickup: LocationPoint {
            lat: store.lat,
            lng: store.lng,
        },
        distance_meters: distance,
        dropoff: DropoffArea {
            locality: order.address.city.clone(),
            zip_code: order.address.zip_code.clone(),
            point: order.address.point().map(|p| {
                let r = p.rounded(OFFER_GRID_DEG);
                LocationPoint {
                    lat: r.lat,
                    lng: r.lng,
                }
            }),
        },
        item_count: order.items.iter().map(|i| i.quantity).sum(),
        estimated_payout: state.config.payout.payout(distance).minor(),
        estimated_minutes: minutes,
        currency: "INR".to_owned(),
        created_at: order.created_at,
    }
}

/// The caller as the partner named on an order.
/// A partner's profile with their home store named.
pub fn partner_profile_view(
    state: &AppState,
    p: &qc_store::PartnerProfile,
) -> crate::api::PartnerView {
    crate::api::PartnerView {
        home_store: p
            .home_store_id
            .as_deref()
            .and_then(|s| state.stores.get(s))
            .map(|s| super::stores::store_ref(&s)),
        ..crate::api::PartnerView::from(p)
    }
}

pub fn me_ref(who: &AuthUser) -> PartnerRef {
    PartnerRef {
        id: who.id.clone(),
        name: who.name.clone(),
    }
}

/// The customer's name and phone, for the partner who delivers.
pub async fn contact(state: &AppState, order: &Order) -> Result<Option<ContactView>> {
    Ok(state
        .store
        .user_by_id(&order.customer_id)
        .await?
        .map(|u| ContactView {
            name: u.name,
            phone: u.phone,
        }))
}

/// The order's partner, named (for views that show who delivers).
pub async fn partner_ref(state: &AppState, order: &Order) -> Result<Option<PartnerRef>> {
    let Some(pid) = &order.partner_id else {
        return Ok(None);
    };
    Ok(state.store.user_by_id(pid).await?.map(|u| PartnerRef {
        id: u.id,
        name: u.name,
    }))
}

/// The full view of an order, with its partner named (customers and admins).
pub async fn order_view(state: &AppState, order: &Order) -> Result<OrderView> {
    Ok(full_view(state, order, partner_ref(state, order).await?))
}

/// A person on an order, for admins.
pub async fn person(state: &AppState, id: Option<&str>) -> Result<Option<PersonView>> {
    let Some(id) = id else { return Ok(None) };
    Ok(state.store.user_by_id(id).await?.map(|u| PersonView {
        id: u.id,
        name: u.name,
        email: u.email,
        phone: u.phone,
    }))
}

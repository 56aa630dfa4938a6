//! The one after-commit path of every order change: whatever service made the change
//! (placement, accept, status, delivery, cancel by anyone, unassign, reassign), its
//! committed [`OrderChange`] comes here to clear what it made stale and to be announced
//! — the caches first, so a client that refetches on the event never reads old data.

use super::AppState;
use super::views::partner_view;
use crate::api::{PartnerOrderView, PartnerRef};
use qc_domain::OrderEventKind;
use qc_store::OrderChange;

/// Clear caches and emit the events of a committed order change. `view`: the partner's
/// view the service already built for the partner it concerns (accept, reassign), so it
/// is not built twice.
pub async fn order_changed(
    state: &AppState,
    change: &OrderChange,
    view: Option<&PartnerOrderView>,
) {
    let (order, event) = (&change.order, &change.event);
    let rt = &state.broadcast;
    if matches!(
        event.kind,
        OrderEventKind::Delivered
            | OrderEventKind::Cancelled
            | OrderEventKind::Unassigned
            | OrderEventKind::Reassigned
    ) {
        // The order is over or changed hands: its position and route are stale.
        state.locations.finish(&order.id);
    }
    if !change.stock.is_empty() {
        state.stock_changed(&super::search::StockWrite::of(&change.stock));
    }
    // The store's queue and riders changed: its promise will say so.
    state.stores.load_changed();
    if order.pick.fulfilment.is_some()
        && matches!(
            event.kind,
            OrderEventKind::Created
                | OrderEventKind::PickingStarted
                | OrderEventKind::Packed
                | OrderEventKind::Cancelled
                // The customer answered a substitute (or did not): the picker may go on.
                | OrderEventKind::Substituted
                | OrderEventKind::SubstitutionRejected
        )
    {
        // The store's pickers see their queue change.
        rt.fulfilment_updated(order, event).await;
    }
    match event.kind {
        OrderEventKind::Created => super::dispatch::start(state, order).await,
        OrderEventKind::PickingStarted
        | OrderEventKind::LinePicked
        | OrderEventKind::LineShort
        | OrderEventKind::Substituted
        | OrderEventKind::SubstitutionRejected => rt.order_fulfilment(order, event).await,
        OrderEventKind::SubstitutionProposed => {
            rt.order_fulfilment(order, event).await;
            rt.substitution_proposed(order, event).await;
        }
        OrderEventKind::Rated => rt.order_rated(order, event).await,
        OrderEventKind::Packed => {
            rt.order_fulfilment(order, event).await;
            // A held order goes out to riders as it is packed.
            if event.payload["released"].as_bool() == Some(true) {
                super::dispatch::start(state, order).await;
            }
        }
        OrderEventKind::Accepted => {
            let partner = named_partner(change);
            let built;
            let view = match view {
                Some(v) => v,
                None => {
                    built = partner_view(state, order, None, Some(partner.clone()));
                    &built
                }
            };
            rt.order_accepted(order, event, &partner, view).await;
        }
        OrderEventKind::StatusUpdated => rt.status_updated(order, event).await,
        OrderEventKind::Delivered => rt.order_delivered(order, event).await,
        OrderEventKind::Cancelled => {
            rt.order_cancelled(order, event, order.accepted_at.is_none())
                .await;
        }
        OrderEventKind::Unassigned => {
            let previous = change.previous_partner.as_deref().unwrap_or_default();
            let reason = event.payload["reason"].as_str().unwrap_or_default();
            rt.order_unassigned(order, event, previous, reason).await;
            // Offered to the store's partners again.
            super::dispatch::start(state, order).await;
        }
        OrderEventKind::CodeLocked => rt.code_locked(order, event).await,
        OrderEventKind::CodeReset => rt.code_reset(order, event).await,
        OrderEventKind::Reassigned => {
            let partner = named_partner(change);
            let previous = change.previous_partner.as_deref().unwrap_or_default();
            let built;
            let view = match view {
                Some(v) => v,
                None => {
                    built = partner_view(state, order, None, Some(partner.clone()));
                    &built
                }
            };
            rt.order_reassigned(order, event, &partner, previous, view)
                .await;
        }
    }
    if let Some(offer) = &change.ended_offer {
        super::dispatch::offer_ended(state, order, offer).await;
    }
    if !change.stock.is_empty() {
        rt.inventory(super::catalog::stock_news(state, &change.stock))
            .await;
    }
}

/// The partner an accept or reassignment gave the order to, as its event names them.
fn named_partner(change: &OrderChange) -> PartnerRef {
    let p = &change.event.payload;
    PartnerRef {
        id: change.order.partner_id.clone().unwrap_or_default(),
        name: p["partnerName"].as_str().unwrap_or_default().to_owned(),
    }
}

//! Server → client events, sent after the store has committed. Delivery is
//! at-most-once: a failed emit is logged, never retried (clients resync by `seq`); a
//! socket that missed one because its outgoing queue was full is counted
//! (`qc_socket_events_dropped_total`, and by event name).

use super::{
    ADMINS, Broadcaster, Io, SHOPPERS_ALL, available_room, on_io, pickers_room, shoppers_room,
    user_room,
};
use crate::api::*;
use qc_store::{Order, OrderEvent};
use serde::Serialize;
use socketioxide::socket::Sid;

/// A product's new level at a store, and whether a shopper's screen shows the change:
/// whether it can be added, or how many at most, is different (`shown_stock`). A level
/// that moves above a line's limit (143 → 140: still "In stock", still up to 50) is news
/// for admins only.
pub struct StockNews {
    pub level: StockLevel,
    pub shown: bool,
}

/// Emit `event` to `rooms`, counted; a failure is logged, never retried.
pub(super) async fn send_on<T: Serialize + ?Sized>(
    io: &Io,
    metrics: &crate::metrics::Metrics,
    rooms: Vec<String>,
    event: &str,
    data: &T,
) {
    metrics.event_out();
    if let Err(e) = on_io!(io, io => io.to(rooms).emit(event, data).await) {
        let full = full_queues(&e);
        if full > 0 {
            metrics.events_dropped(event, full as u64);
        }
        tracing::debug!(event, error = %e, full, "emit failed");
    }
}

/// How many sockets of a broadcast missed it because their outgoing queue was full
/// (closed sockets are not counted: nobody is there to miss it).
fn full_queues(e: &socketioxide::BroadcastError) -> usize {
    match e {
        socketioxide::BroadcastError::Socket(errors) => errors
            .iter()
            .filter(|e| matches!(e, socketioxide::SocketError::InternalChannelFull))
            .count(),
        _ => 0,
    }
}

impl Broadcaster {
    async fn send<T: Serialize + ?Sized>(&self, rooms: Vec<String>, event: &str, data: &T) {
        send_on(&self.io, &self.metrics, rooms, event, data).await;
    }

    /// The customer, the assigned partner (if any) and admins.
    fn order_audience(order: &Order) -> Vec<String> {
        let mut rooms = vec![user_room(&order.customer_id), ADMINS.to_owned()];
        if let Some(p) = &order.partner_id {
            rooms.push(user_room(p));
        }
        rooms
    }

    /// A new order on offer, to its store's available partners and admins.
    pub async fn order_created(&self, store_id: &str, view: &OfferView) {
        self.stats_changed();
        let data = OrderCreatedEvent {
            order: view.clone(),
        };
        self.send(
            vec![available_room(store_id), ADMINS.to_owned()],
            "order:created",
            &data,
        )
        .await;
    }

    pub async fn order_accepted(
        &self,
        order: &Order,
        event: &OrderEvent,
        partner: &PartnerRef,
        view: &PartnerOrderView,
    ) {
        self.stats_changed();
        let accepted = OrderAcceptedEvent {
            order_id: order.id.clone(),
            partner_id: partner.id.clone(),
            partner_name: partner.name.clone(),
            seq: event.seq,
            at: event.at,
        };
        self.send(
            vec![user_room(&order.customer_id), ADMINS.to_owned()],
            "order:accepted",
            &accepted,
        )
        .await;
        let success = AcceptedSuccessEvent {
            order_id: order.id.clone(),
            order: view.clone(),
            seq: event.seq,
        };
        self.send(
            vec![user_room(&partner.id)],
            "order:accepted-success",
            &success,
        )
        .await;
        let taken = OrderTakenEvent {
            order_id: order.id.clone(),
        };
        let partner_room = user_room(&partner.id);
        if let Err(e) = on_io!(&self.io, io => {
            io.to(available_room(&order.store_id)).except(partner_room.clone()).emit("order:taken", &taken).await
        }) {
            tracing::debug!(error = %e, "emit order:taken failed");
        }
    }

    /// `fulfilment:updated`: the order joined, moved in or left its store's pick queue.
    pub async fn fulfilment_updated(&self, order: &Order, event: &OrderEvent) {
        let data = FulfilmentUpdatedEvent {
            order_id: order.id.clone(),
            order_number: order_number(&order.id),
            store_id: order.store_id.clone(),
            fulfilment: order
                .pick
                .fulfilment
                .map_or("none", qc_domain::fulfilment::Fulfilment::as_str)
                .to_owned(),
            picker_id: order.pick.picker_id.clone(),
            promised_at: order.promised_at,
            seq: event.seq,
            at: event.at,
        };
        self.send(
            vec![pickers_room(&order.store_id), ADMINS.to_owned()],
            "fulfilment:updated",
            &data,
        )
        .await;
    }

    /// `order:fulfilment-updated`: what picking did to the order, its lines and totals.
    pub async fn order_fulfilment(&self, order: &Order, event: &OrderEvent) {
        let data = OrderFulfilmentEvent {
            order_id: order.id.clone(),
            kind: event.kind.as_str().to_owned(),
            fulfilment: order.pick.fulfilment.map(|f| f.as_str().to_owned()),
            items: order
                .items
                .iter()
                .map(|i| OrderItemView::of(i, true))
                .collect(),
            subtotal: order.subtotal.minor(),
            total: order.total.minor(),
            bags: order.pick.bags,
            seq: event.seq,
            at: event.at,
        };
        self.send(
            Self::order_audience(order),
            "order:fulfilment-updated",
            &data,
        )
        .await;
    }

    /// `webhook:disabled`: an endpoint failed for 3 days and was switched off.
    pub async fn webhook_disabled(&self, data: &WebhookDisabledEvent) {
        self.send(vec![ADMINS.to_owned()], "webhook:disabled", data)
            .await;
    }

    /// `order:rated`: the rider (and admins) see the stars and the tip.
    pub async fn order_rated(&self, order: &Order, event: &OrderEvent) {
        let Some(r) = &order.rating else { return };
        let data = OrderRatedEvent {
            order_id: order.id.clone(),
            rating: r.stars,
            tip: r.tip.minor(),
            comment: r.comment.clone(),
            seq: event.seq,
        };
        let mut rooms = vec![ADMINS.to_owned()];
        if let Some(p) = &order.partner_id {
            rooms.push(user_room(p));
        }
        self.send(rooms, "order:rated", &data).await;
    }

    /// `order:substitution-proposed`: the customer is asked about a dearer substitute.
    pub async fn substitution_proposed(&self, order: &Order, event: &OrderEvent) {
        let p = &event.payload;
        let line = p["lineId"].as_i64().unwrap_or_default();
        let Some(item) = order.items.iter().find(|i| i.pick.line == line) else {
            return;
        };
        let Some(sub) = LinePickView::of(item).substitute else {
            return;
        };
        let data = SubstitutionProposedEvent {
            order_id: order.id.clone(),
            line_id: line,
            name: item.name.clone(),
            ordered: item.quantity,
            found: item.pick.found.unwrap_or(0),
            expires_at: sub.expires_at,
            substitute: sub,
            line_total_before: p["lineTotalBefore"].as_i64().unwrap_or_default(),
            line_total_after: p["lineTotalAfter"].as_i64().unwrap_or_default(),
            seq: event.seq,
        };
        self.send(
            vec![user_room(&order.customer_id), ADMINS.to_owned()],
            "order:substitution-proposed",
            &data,
        )
        .await;
    }

    pub async fn status_updated(&self, order: &Order, event: &OrderEvent) {
        self.stats_changed();
        let data = StatusUpdatedEvent {
            order_id: order.id.clone(),
            status: order.status.as_str().to_owned(),
            seq: event.seq,
            at: event.at,
        };
        self.send(Self::order_audience(order), "order:status-updated", &data)
            .await;
    }

    /// `order:status-updated` (delivered) and the brief's `order:completed`, both with
    /// the delivery event's `seq`.
    pub async fn order_delivered(&self, order: &Order, event: &OrderEvent) {
        self.status_updated(order, event).await;
        let data = OrderCompletedEvent {
            order_id: order.id.clone(),
            actual_delivery_time: order.delivered_at.unwrap_or(event.at),
            seq: event.seq,
        };
        self.send(Self::order_audience(order), "order:completed", &data)
            .await;
    }

    pub async fn order_cancelled(&self, order: &Order, event: &OrderEvent, was_on_offer: bool) {
        self.stats_changed();
        let data = OrderCancelledEvent {
            order_id: order.id.clone(),
            reason: order.cancel_reason.clone(),
            by: order.cancelled_by.clone().unwrap_or_default(),
            seq: event.seq,
        };
        let mut rooms = Self::order_audience(order);
        if was_on_offer {
            rooms.push(available_room(&order.store_id));
        }
        self.send(rooms, "order:cancelled", &data).await;
    }

    /// Too many wrong delivery codes: the customer, the partner and admins are told
    /// (support resets the code; the customer gets the new one with `order:code-reset`).
    pub async fn code_locked(&self, order: &Order, event: &OrderEvent) {
        self.stats_changed();
        let data = CodeLockedEvent {
            order_id: order.id.clone(),
            seq: event.seq,
            at: event.at,
        };
        self.send(Self::order_audience(order), "order:code-locked", &data)
            .await;
    }

    /// An admin gave the order a new delivery code: the customer gets the code, the
    /// partner and admins only that it changed.
    pub async fn code_reset(&self, order: &Order, event: &OrderEvent) {
        let mut data = CodeResetEvent {
            order_id: order.id.clone(),
            confirmation_code: Some(order.confirmation_code.clone()),
            seq: event.seq,
            at: event.at,
        };
        self.send(
            vec![user_room(&order.customer_id)],
            "order:code-reset",
            &data,
        )
        .await;
        data.confirmation_code = None;
        let mut rooms = vec![ADMINS.to_owned()];
        if let Some(p) = &order.partner_id {
            rooms.push(user_room(p));
        }
        self.send(rooms, "order:code-reset", &data).await;
    }

    /// A rider's position: to the order's customer at once, to admins with the fleet's
    /// next frame (`fleet:positions`).
    pub async fn location(
        &self,
        order_id: &str,
        partner_id: &str,
        customer_id: &str,
        fix: &LocationView,
    ) {
        let data = LocationEvent {
            lat: fix.lat,
            lng: fix.lng,
            order_id: order_id.to_owned(),
            partner_id: partner_id.to_owned(),
            at: fix.at,
        };
        self.send(vec![user_room(customer_id)], "delivery:location", &data)
            .await;
        self.fleet_position(FleetPosition {
            partner_id: data.partner_id,
            order_id: Some(data.order_id),
            lat: fix.lat,
            lng: fix.lng,
            at: fix.at,
        })
        .await;
    }

    /// Where a rider is, for the admins' map: with the fleet's next frame
    /// (`fleet:positions`, at most once per `QC_FLEET_WINDOW_MS`).
    pub async fn fleet_position(&self, position: FleetPosition) {
        self.fleet
            .publish(&self.io, &self.metrics, ADMINS.to_owned(), vec![position])
            .await;
    }

    /// `inventory:updated`: admins hear every store's levels, and each store's watchers
    /// (`shoppers:{store}`) that store's levels a screen shows differently
    /// ([`StockNews::shown`]), at most once per `QC_INVENTORY_WINDOW_MS` (later changes
    /// within a window leave together at its end, each product at its latest level); the
    /// customers who watch no store hear the shown ones at once.
    pub async fn inventory(&self, news: Vec<StockNews>) {
        if news.is_empty() {
            return;
        }
        self.stats_changed();
        let all: Vec<StockLevel> = news.iter().map(|n| n.level.clone()).collect();
        let products: Vec<StockLevel> = news
            .into_iter()
            .filter(|n| n.shown)
            .map(|n| n.level)
            .collect();
        // Admins: every store's, every change, at most once per window.
        self.shelf_news
            .publish(&self.io, &self.metrics, ADMINS.to_owned(), all)
            .await;
        if products.is_empty() {
            return;
        }
        let mut stores: Vec<String> = products.iter().map(|p| p.store_id.clone()).collect();
        stores.sort_unstable();
        stores.dedup();
        let watched: Vec<(String, Vec<StockLevel>)> = stores
            .into_iter()
            .map(|store| {
                let lines = products
                    .iter()
                    .filter(|p| p.store_id == store)
                    .cloned()
                    .collect();
                (store, lines)
            })
            .collect();
        // Shoppers who watch no store: every shown change, at once, as one event.
        self.send(
            vec![SHOPPERS_ALL.to_owned()],
            "inventory:updated",
            &InventoryUpdatedEvent { products },
        )
        .await;
        // A store's watchers: its lines, at most once per window (`shelf_news`).
        for (store, lines) in watched {
            self.shelf_news
                .publish(&self.io, &self.metrics, shoppers_room(&store), lines)
                .await;
        }
    }

    /// An admin took the order back: the previous partner drops it, the customer sees it
    /// pending again (it is offered anew by the caller).
    pub async fn order_unassigned(
        &self,
        order: &Order,
        event: &OrderEvent,
        previous: &str,
        reason: &str,
    ) {
        self.stats_changed();
        let gone = serde_json::json!({ "orderId": order.id, "reason": reason, "seq": event.seq });
        self.send(vec![user_room(previous)], "order:unassigned", &gone)
            .await;
        let status = StatusUpdatedEvent {
            order_id: order.id.clone(),
            status: order.status.as_str().to_owned(),
            seq: event.seq,
            at: event.at,
        };
        self.send(
            vec![user_room(&order.customer_id), ADMINS.to_owned()],
            "order:status-updated",
            &status,
        )
        .await;
    }

    /// An admin gave the order to another partner.
    pub async fn order_reassigned(
        &self,
        order: &Order,
        event: &OrderEvent,
        partner: &PartnerRef,
        previous: &str,
        view: &PartnerOrderView,
    ) {
        self.stats_changed();
        if !previous.is_empty() {
            let gone = serde_json::json!({ "orderId": order.id, "seq": event.seq });
            self.send(vec![user_room(previous)], "order:unassigned", &gone)
                .await;
        }
        let assigned = AcceptedSuccessEvent {
            order_id: order.id.clone(),
            order: view.clone(),
            seq: event.seq,
        };
        self.send(vec![user_room(&partner.id)], "order:assigned", &assigned)
            .await;
        // Not `order:accepted`: the order may already be picked up; the status is stated.
        let changed = serde_json::json!({
            "orderId": order.id,
            "partnerId": partner.id,
            "partnerName": partner.name,
            "status": order.status.as_str(),
            "seq": event.seq,
            "at": event.at,
        });
        self.send(
            vec![user_room(&order.customer_id), ADMINS.to_owned()],
            "order:partner-changed",
            &changed,
        )
        .await;
    }

    /// An order offered to one partner (dispatch `auto`).
    pub async fn offer(&self, partner_id: &str, offer: &OrderOfferEvent) {
        self.send(vec![user_room(partner_id)], "order:offer", offer)
            .await;
    }

    /// A partner's offer ended without their accept (expired, or withdrawn).
    pub async fn offer_ended(&self, partner_id: &str, data: &OfferExpiredEvent) {
        self.send(vec![user_room(partner_id)], "order:offer-expired", data)
            .await;
    }

    /// A partner's availability was turned off for offers left to expire in a row.
    pub async fn auto_paused(&self, partner_id: &str, data: &AutoPausedEvent) {
        self.send(vec![user_room(partner_id)], "partner:auto-paused", data)
            .await;
    }

    /// A step of an order's dispatch, for admins; `escalated` also as
    /// `dispatch:escalated`.
    pub async fn dispatch_updated(&self, data: &DispatchUpdatedEvent) {
        self.stats_changed();
        self.send(vec![ADMINS.to_owned()], "dispatch:updated", data)
            .await;
        if data.state == "escalated" {
            self.send(vec![ADMINS.to_owned()], "dispatch:escalated", data)
                .await;
        }
    }

    /// Put every socket of a partner in (or out of) the room of their store's new
    /// orders; `previous`: a store whose room they leave (their home store changed).
    pub async fn set_partner_available(
        &self,
        user_id: &str,
        store_id: Option<&str>,
        previous: Option<&str>,
        available: bool,
    ) {
        self.stats_changed();
        let room = user_room(user_id);
        let mut leave: Vec<String> = previous.map(available_room).into_iter().collect();
        if !available && let Some(s) = store_id {
            leave.push(available_room(s));
        }
        let join = store_id.filter(|_| available).map(available_room);
        let result: Result<(), String> = on_io!(&self.io, io => async {
            for r in leave {
                io.to(room.clone()).leave(r).await.map_err(|e| e.to_string())?;
            }
            if let Some(r) = join {
                io.to(room.clone()).join(r).await.map_err(|e| e.to_string())?;
            }
            Ok(())
        }.await);
        if let Err(e) = result {
            tracing::debug!(error = %e, "room change failed");
        }
    }

    /// Close sockets of this instance (a session that expired, a user over the socket
    /// cap), saying why first with `session:ended` `{code, message}`.
    pub fn close_sockets(&self, sids: &[Sid], code: &str, message: &str) {
        let why = serde_json::json!({ "code": code, "message": message });
        for sid in sids {
            on_io!(&self.io, io => {
                if let Some(s) = io.get_socket(*sid) {
                    if let Err(e) = s.emit("session:ended", &why) {
                        tracing::debug!(error = %e, "session:ended not sent");
                    }
                    if let Err(e) = s.disconnect() {
                        tracing::debug!(error = %e, "disconnect failed");
                    }
                }
            });
        }
    }

    /// End every socket of a user, on every instance (logout, password change, block):
    /// `session:ended` `{code, message}` says why, then the sockets are closed.
    pub async fn end_sessions(&self, user_id: &str, code: &str, message: &str) {
        let room = user_room(user_id);
        let why = serde_json::json!({ "code": code, "message": message });
        self.send(vec![room.clone()], "session:ended", &why).await;
        if let Err(e) = on_io!(&self.io, io => io.to(room.clone()).disconnect().await) {
            tracing::debug!(error = %e, "disconnect failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::full_queues;
    use socketioxide::{BroadcastError, SocketError};

    #[test]
    fn only_full_queues_count_as_dropped() {
        let e = BroadcastError::Socket(vec![
            SocketError::InternalChannelFull,
            SocketError::Closed,
            SocketError::InternalChannelFull,
        ]);
        assert_eq!(full_queues(&e), 2);
        assert_eq!(
            full_queues(&BroadcastError::Socket(vec![SocketError::Closed])),
            0
        );
    }
}

//! The order lifecycle as a state machine: which status may follow which, and who may
//! move it there.

use crate::user::Role;
use serde::{Deserialize, Serialize};

/// Where an order is in its life. Serialised in snake_case as in the brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Accepted,
    PickedUp,
    OnTheWay,
    Delivered,
    Cancelled,
}

/// Why a transition was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the order cannot move from {from} to {to}")]
    NotAllowed { from: OrderStatus, to: OrderStatus },
    #[error("this role may not set that status")]
    WrongActor,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Pending,
        OrderStatus::Accepted,
        OrderStatus::PickedUp,
        OrderStatus::OnTheWay,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Accepted => "accepted",
            OrderStatus::PickedUp => "picked_up",
            OrderStatus::OnTheWay => "on_the_way",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Delivered and cancelled orders never change again.
    pub fn is_terminal(self) -> bool {
        matches!(self, OrderStatus::Delivered | OrderStatus::Cancelled)
    }

    /// A partner is on the order: accepted up to (not including) delivered.
    pub fn is_active_delivery(self) -> bool {
        matches!(
            self,
            OrderStatus::Accepted | OrderStatus::PickedUp | OrderStatus::OnTheWay
        )
    }

    /// A customer may cancel only before the partner has picked the order up.
    pub fn customer_may_cancel(self) -> bool {
        matches!(self, OrderStatus::Pending | OrderStatus::Accepted)
    }

    /// The single status a delivery partner may set next, if any.
    pub fn next_for_partner(self) -> Option<OrderStatus> {
        match self {
            OrderStatus::Accepted => Some(OrderStatus::PickedUp),
            OrderStatus::PickedUp => Some(OrderStatus::OnTheWay),
            OrderStatus::OnTheWay => Some(OrderStatus::Delivered),
            _ => None,
        }
    }

    /// Whether an actor of `role` may move the order from `self` to `to`.
    pub fn allows(self, to: OrderStatus, role: Role) -> bool {
        match role {
            Role::Delivery => self.next_for_partner() == Some(to),
            Role::Customer => to == OrderStatus::Cancelled && self.customer_may_cancel(),
            Role::Admin => to == OrderStatus::Cancelled && !self.is_terminal(),
            Role::Picker => false,
        }
    }

    /// Check a status change by an actor of `role`: only forward, never skipping.
    pub fn transition(self, to: OrderStatus, role: Role) -> Result<OrderStatus, TransitionError> {
        if self.allows(to, role) {
            return Ok(to);
        }
        let someone_may = [Role::Delivery, Role::Customer, Role::Admin]
            .into_iter()
            .any(|r| r != role && self.allows(to, r));
        if someone_may {
            Err(TransitionError::WrongActor)
        } else {
            Err(TransitionError::NotAllowed { from: self, to })
        }
    }
}

/// What happened to an order: the `type` of an entry in its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderEventKind {
    Created,
    Accepted,
    StatusUpdated,
    Delivered,
    Cancelled,
    Unassigned,
    Reassigned,
    CodeLocked,
    CodeReset,
    /// Fulfilment: a picker claimed the order.
    PickingStarted,
    /// A line was picked in full.
    LinePicked,
    /// Fewer were found: the line is reduced and refunded.
    LineShort,
    /// A dearer substitute waits for the customer's answer.
    SubstitutionProposed,
    /// A substitute was applied (no dearer, or the customer said yes).
    Substituted,
    /// The customer said no (or did not answer in time): refunded instead.
    SubstitutionRejected,
    /// Picked and packed: a rider may take it.
    Packed,
    /// The customer rated the delivery (and maybe tipped the rider).
    Rated,
}

impl OrderEventKind {
    pub const ALL: [OrderEventKind; 17] = [
        OrderEventKind::Created,
        OrderEventKind::Accepted,
        OrderEventKind::StatusUpdated,
        OrderEventKind::Delivered,
        OrderEventKind::Cancelled,
        OrderEventKind::Unassigned,
        OrderEventKind::Reassigned,
        OrderEventKind::CodeLocked,
        OrderEventKind::CodeReset,
        OrderEventKind::PickingStarted,
        OrderEventKind::LinePicked,
        OrderEventKind::LineShort,
        OrderEventKind::SubstitutionProposed,
        OrderEventKind::Substituted,
        OrderEventKind::SubstitutionRejected,
        OrderEventKind::Packed,
        OrderEventKind::Rated,
    ];

    /// The name clients see (`order.created`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderEventKind::Created => "order.created",
            OrderEventKind::Accepted => "order.accepted",
            OrderEventKind::StatusUpdated => "order.status_updated",
            OrderEventKind::Delivered => "order.delivered",
            OrderEventKind::Cancelled => "order.cancelled",
            OrderEventKind::Unassigned => "order.unassigned",
            OrderEventKind::Reassigned => "order.reassigned",
            OrderEventKind::CodeLocked => "order.code_locked",
            OrderEventKind::CodeReset => "order.code_reset",
            OrderEventKind::PickingStarted => "order.picking_started",
            OrderEventKind::LinePicked => "order.line_picked",
            OrderEventKind::LineShort => "order.line_short",
            OrderEventKind::SubstitutionProposed => "order.substitution_proposed",
            OrderEventKind::Substituted => "order.substituted",
            OrderEventKind::SubstitutionRejected => "order.substitution_rejected",
            OrderEventKind::Packed => "order.packed",
            OrderEventKind::Rated => "order.rated",
        }
    }

    pub fn parse(s: &str) -> Option<OrderEventKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn partner_moves_forward_one_step_at_a_time() {
        assert_eq!(Accepted.transition(PickedUp, Role::Delivery), Ok(PickedUp));
        assert_eq!(PickedUp.transition(OnTheWay, Role::Delivery), Ok(OnTheWay));
        assert_eq!(
            OnTheWay.transition(Delivered, Role::Delivery),
            Ok(Delivered)
        );
        assert!(Accepted.transition(OnTheWay, Role::Delivery).is_err());
        assert!(OnTheWay.transition(PickedUp, Role::Delivery).is_err());
        assert!(Delivered.transition(Delivered, Role::Delivery).is_err());
    }

    #[test]
    fn customer_cancels_only_before_pickup() {
        assert!(Pending.transition(Cancelled, Role::Customer).is_ok());
        assert!(Accepted.transition(Cancelled, Role::Customer).is_ok());
        assert_eq!(
            PickedUp.transition(Cancelled, Role::Customer),
            Err(TransitionError::WrongActor)
        );
        assert!(Delivered.transition(Cancelled, Role::Customer).is_err());
    }

    #[test]
    fn terminal_states_never_change() {
        for to in OrderStatus::ALL {
            for role in [Role::Customer, Role::Delivery, Role::Admin] {
                assert!(Delivered.transition(to, role).is_err());
                assert!(Cancelled.transition(to, role).is_err());
            }
        }
    }

    #[test]
    fn event_kinds_round_trip() {
        for k in OrderEventKind::ALL {
            assert_eq!(OrderEventKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(OrderEventKind::parse("order.shipped"), None);
    }

    #[test]
    fn status_names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderStatus::parse("shipped"), None);
    }
}

/**
 * Pure rules for keeping an order up to date from realtime events.
 *
 * Every order event carries the order's `seq` (1 = created, +1 per change, no gaps).
 * Socket delivery is at-most-once, so a client that reconnects or sees a gap fetches
 * `/events?after=<last seq>` and applies what it missed, in order, exactly once.
 */
import type { OrderEventView, OrderView, PartnerRef } from '@/types/models';

export type OrderUpdateType =
  | 'created'
  | 'accepted'
  | 'status'
  | 'delivered'
  | 'cancelled'
  /** Too many wrong delivery codes: delivery waits for support. */
  | 'code_locked'
  /** Support gave the order a new delivery code. */
  | 'code_reset'
  | 'other';

/** One change of an order, from a live socket event or from the stored timeline. */
export interface OrderUpdate {
  orderId: string;
  seq: number;
  type: OrderUpdateType;
  /** The status after this change, when the change sets one. */
  status: string | null;
  at: string | null;
  partner?: PartnerRef | null;
  reason?: string | null;
  by?: string | null;
  /**
   * The new delivery code of a `code_reset`: only in the customer's live event (the
   * stored timeline never holds it, so a caught-up reset means fetching the order).
   */
  confirmationCode?: string | null;
}

type Data = Record<string, unknown>;

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** An entry of `GET /orders/{id}/events` as an update. */
export function fromTimelineEvent(event: OrderEventView): OrderUpdate {
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Data;
  const base = { orderId: event.orderId, seq: event.seq, at: event.at };
  switch (event.type) {
    case 'order.created':
      return { ...base, type: 'created', status: str(data.status) ?? 'pending' };
    case 'order.accepted':
    case 'order.reassigned': {
      // A reassignment keeps a picked-up order picked up: `status` is only set when given.
      const id = str(data.partnerId);
      const name = str(data.partnerName);
      return {
        ...base,
        type: 'accepted',
        status: str(data.status),
        partner: id ? { id, name: name ?? 'Partner' } : null,
      };
    }
    case 'order.status_updated':
      return { ...base, type: 'status', status: str(data.status) };
    case 'order.delivered':
      return { ...base, type: 'delivered', status: 'delivered', at: str(data.actualDeliveryTime) ?? event.at };
    case 'order.cancelled':
      return {
        ...base,
        type: 'cancelled',
        status: 'cancelled',
        reason: str(data.reason),
        by: str(data.by) ?? event.actorRole ?? null,
      };
    case 'order.code_locked':
      return { ...base, type: 'code_locked', status: null };
    case 'order.code_reset':
      return { ...base, type: 'code_reset', status: null, reason: str(data.reason) };
    default:
      // Unknown kinds (e.g. an admin unassigning) may still carry the new status.
      return { ...base, type: 'other', status: str(data.status) };
  }
}

/** A Socket.io order event as an update; null for events that are not order changes. */
export function fromSocketEvent(event: string, payload: unknown): OrderUpdate | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Data;
  const orderId = str(p.orderId);
  const seq = typeof p.seq === 'number' ? p.seq : null;
  if (!orderId || seq === null) return null;
  const at = str(p.at);
  switch (event) {
    case 'order:accepted':
      // Also sent when an admin reassigns the order, which keeps its status.
      return {
        orderId,
        seq,
        at,
        type: 'accepted',
        status: null,
        partner: str(p.partnerId) ? { id: str(p.partnerId)!, name: str(p.partnerName) ?? 'Partner' } : null,
      };
    case 'order:status-updated': {
      const status = str(p.status);
      return { orderId, seq, at, type: status === 'delivered' ? 'delivered' : 'status', status };
    }
    case 'order:completed':
      return { orderId, seq, at: str(p.actualDeliveryTime), type: 'delivered', status: 'delivered' };
    case 'order:cancelled':
      return { orderId, seq, at, type: 'cancelled', status: 'cancelled', reason: str(p.reason), by: str(p.by) };
    case 'order:code-locked':
      return { orderId, seq, at, type: 'code_locked', status: null };
    case 'order:code-reset':
      return { orderId, seq, at, type: 'code_reset', status: null, confirmationCode: str(p.confirmationCode) };
    default:
      return null;
  }
}

export type SeqClass = 'duplicate' | 'next' | 'gap';

/** How a live event's seq relates to the last one applied. */
export function classifySeq(lastSeq: number, seq: number): SeqClass {
  if (seq <= lastSeq) return 'duplicate';
  return seq === lastSeq + 1 ? 'next' : 'gap';
}

/**
 * Given the last applied seq and fetched (or buffered) updates in any order, the updates
 * to apply: newer than `lastSeq`, ascending, each seq once.
 */
export function planResync<T extends { seq: number }>(
  lastSeq: number,
  updates: readonly T[],
): { apply: T[]; lastSeq: number } {
  const bySeq = new Map<number, T>();
  for (const update of updates) {
    if (update.seq > lastSeq && !bySeq.has(update.seq)) bySeq.set(update.seq, update);
  }
  const apply = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return { apply, lastSeq: apply.length ? apply[apply.length - 1].seq : lastSeq };
}

export type OrderLike = Pick<OrderView, 'id' | 'status' | 'lastSeq'> & Partial<OrderView>;

const TIMESTAMP_OF: Record<string, keyof OrderView> = {
  accepted: 'acceptedAt',
  picked_up: 'pickedUpAt',
  on_the_way: 'onTheWayAt',
  delivered: 'deliveredAt',
  cancelled: 'cancelledAt',
};

/** The order after one update; unchanged when the update is not newer than the order. */
export function applyOrderUpdate<T extends OrderLike>(order: T, update: OrderUpdate): T {
  if (update.orderId !== order.id || update.seq <= order.lastSeq) return order;
  const next: T = { ...order, lastSeq: update.seq };
  // Accepting moves a pending order on; a reassignment leaves a later status alone.
  const status = update.status ?? (update.type === 'accepted' && order.status === 'pending' ? 'accepted' : null);
  if (status) {
    next.status = status;
    const field = TIMESTAMP_OF[status];
    if (field && update.at) (next as Record<string, unknown>)[field] = update.at;
  }
  if (update.type === 'accepted' && update.partner) next.partner = update.partner;
  if (update.type === 'cancelled') next.cancelReason = update.reason ?? null;
  if (update.type === 'code_locked') next.codeLocked = true;
  if (update.type === 'code_reset') {
    next.codeLocked = false;
    if (update.confirmationCode) next.confirmationCode = update.confirmationCode;
  }
  // Unassigned by an admin: back on offer, without a partner.
  if (status === 'pending') next.partner = null;
  return next;
}

/** Apply several updates in seq order (duplicates and stale ones are ignored). */
export function applyOrderUpdates<T extends OrderLike>(order: T, updates: readonly OrderUpdate[]): T {
  return planResync(order.lastSeq, updates).apply.reduce(applyOrderUpdate, order);
}

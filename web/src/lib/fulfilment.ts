/**
 * Pure rules of dark-store fulfilment as the customer, the rider and admins see it:
 * where picking stands, what the store did with each line (picked, short, a substitute),
 * whether a rider may pick the order up, and the time left to answer a substitute.
 */
import { formatMoney } from '@/lib/format';
import type { OrderItemView, OrderView } from '@/types/models';
import type { OrderFulfilmentEvent } from '@/types/fulfilment';

type FulfilmentFields = Pick<OrderView, 'fulfilment' | 'items' | 'subtotal' | 'total' | 'bags' | 'packedAt'>;

/** The order is still being packed in the store (queued or picking). */
export function isPacking(order: Pick<OrderView, 'fulfilment' | 'status'>): boolean {
  return (order.fulfilment === 'queued' || order.fulfilment === 'picking') && order.status !== 'cancelled';
}

/**
 * Whether a rider may mark the order picked up: once it is packed, or at once when the
 * store does not pick and pack (no `fulfilment`).
 */
export function readyForPickup(order: Pick<OrderView, 'fulfilment'>): boolean {
  return order.fulfilment == null || order.fulfilment === 'packed';
}

/** Picking as the customer reads it. */
export function packingWords(order: Pick<OrderView, 'fulfilment' | 'status' | 'bags' | 'items'>): { title: string; detail: string } | null {
  if (order.status === 'cancelled' || order.status === 'delivered') return null;
  const lines = order.items.length;
  const done = order.items.filter((i) => i.pick && i.pick.state !== 'pending').length;
  switch (order.fulfilment) {
    case 'queued':
      return { title: 'Packing your order', detail: 'The store will start picking your items in a moment.' };
    case 'picking':
      return {
        title: 'Packing your order',
        detail: `The store is picking your items: ${done} of ${lines} ${lines === 1 ? 'line' : 'lines'} done.`,
      };
    case 'packed':
      if (order.status !== 'pending' && order.status !== 'accepted') return null;
      return {
        title: 'Packed',
        detail: `Your order is packed${order.bags ? ` in ${order.bags} ${order.bags === 1 ? 'bag' : 'bags'}` : ''} and waits for the rider.`,
      };
    default:
      return null;
  }
}

/** What the store did with a line, in words (null: nothing to tell, e.g. picked in full). */
export function lineOutcome(item: OrderItemView): { tone: 'info' | 'warning' | 'success'; text: string } | null {
  const pick = item.pick;
  if (!pick) return null;
  const found = pick.found ?? 0;
  const missing = Math.max(0, item.quantity - found);
  const sub = pick.substitute;
  switch (pick.state) {
    case 'short': {
      const refund = missing * item.price;
      return {
        tone: 'warning',
        text:
          found === 0
            ? `${item.name}: out of stock, ${formatMoney(refund)} refunded.`
            : `${item.name}: only ${found} of ${item.quantity} found, ${missing} refunded (${formatMoney(refund)}).`,
      };
    }
    case 'substituted':
      return sub
        ? {
            tone: 'info',
            text: `${item.name}: ${missing} replaced by ${sub.quantity} × ${sub.name} (${sub.unit}) at ${formatMoney(sub.unitPrice)} each.`,
          }
        : null;
    case 'proposed':
      return sub
        ? {
            tone: 'warning',
            text: `${item.name}: the store suggests ${sub.quantity} × ${sub.name} (${sub.unit}) for the ${missing} missing. Waiting for your answer.`,
          }
        : null;
    default:
      return null;
  }
}

/**
 * The order after an `order:fulfilment-updated` event: its lines, totals, bags and picking
 * state as they now stand. `lastSeq` is left alone (the seq tracker owns it); `appliedSeq`
 * is the seq of the last such event applied, so an older one arriving late changes nothing.
 */
export function applyFulfilmentEvent<T extends FulfilmentFields & { id: string }>(
  order: T,
  event: OrderFulfilmentEvent,
  appliedSeq: number,
): T {
  if (event.orderId !== order.id || event.seq <= appliedSeq) return order;
  return {
    ...order,
    fulfilment: event.fulfilment ?? order.fulfilment,
    items: event.items,
    subtotal: event.subtotal,
    total: event.total,
    bags: event.bags ?? order.bags,
    packedAt: event.type === 'order.packed' ? event.at : order.packedAt,
  };
}

/**
 * When the customer's time to answer a substitute runs out, in ms since the epoch: the
 * server's `expiresAt`, but never later than `maxSecs` after this screen first saw the
 * proposal (so a clock behind the server's does not promise more time than there is).
 */
export function answerDeadline(expiresAt: string | null | undefined, seenAt: number, maxSecs: number | null): number {
  const server = expiresAt ? Date.parse(expiresAt) : Number.NaN;
  const local = maxSecs != null && maxSecs > 0 ? seenAt + maxSecs * 1000 : Number.NaN;
  if (Number.isNaN(server)) return Number.isNaN(local) ? seenAt : local;
  return Number.isNaN(local) ? server : Math.min(server, local);
}

/** Whole seconds left until `deadline` (0 once passed). */
export function secondsLeft(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** "1:05" for 65 seconds. */
export function clockOf(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Picking state in words, for staff (pickers and admins). */
export function fulfilmentLabel(fulfilment: string | null | undefined): string {
  switch (fulfilment) {
    case 'queued':
      return 'Waiting to be picked';
    case 'picking':
      return 'Being picked';
    case 'packed':
      return 'Packed';
    case 'cancelled':
      return 'Cancelled';
    default:
      return 'Not picked in store';
  }
}

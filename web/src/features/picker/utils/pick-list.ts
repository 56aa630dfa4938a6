/** Pure rules of the picker's screens: the queue by urgency, a pick list's progress, packing. */
import type { FulfilmentUpdatedEvent, PickLineView, PickerOrderView } from '@/types/fulfilment';

/** Most urgent first: the earliest promise, then the oldest order (no promise: last). */
export function byUrgency(a: PickerOrderView, b: PickerOrderView): number {
  const pa = a.promisedAt ? Date.parse(a.promisedAt) : Number.POSITIVE_INFINITY;
  const pb = b.promisedAt ? Date.parse(b.promisedAt) : Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa - pb;
  return a.createdAt.localeCompare(b.createdAt);
}

export interface Urgency {
  /** Minutes until the promise (negative: late by that much); null without a promise. */
  minutes: number | null;
  tone: 'late' | 'soon' | 'ok' | 'none';
  text: string;
}

/** How urgent an order is: late, due within 10 minutes, or on time. */
export function urgencyOf(promisedAt: string | null | undefined, now: number): Urgency {
  if (!promisedAt) return { minutes: null, tone: 'none', text: 'No promise' };
  const ms = Date.parse(promisedAt) - now;
  if (Number.isNaN(ms)) return { minutes: null, tone: 'none', text: 'No promise' };
  const minutes = Math.round(ms / 60_000);
  if (ms < 0) return { minutes, tone: 'late', text: minutes === 0 ? 'Due now' : `Late by ${-minutes} min` };
  if (minutes <= 10) return { minutes, tone: 'soon', text: minutes <= 0 ? 'Due now' : `Due in ${minutes} min` };
  return { minutes, tone: 'ok', text: `Due in ${minutes} min` };
}

/** A line still needs the picker (not yet picked, short or substituted). */
export function linePending(line: PickLineView): boolean {
  return (line.pick?.state ?? 'pending') === 'pending';
}

/** A line waits for the customer's answer about a substitute. */
export function lineAwaiting(line: PickLineView): boolean {
  return line.pick?.state === 'proposed';
}

export interface PickProgress {
  lines: number;
  done: number;
  pending: number;
  awaiting: number;
  /** Every line is done and no answer is pending: the order can be packed. */
  canPack: boolean;
}

export function progressOf(order: Pick<PickerOrderView, 'lines'>): PickProgress {
  const lines = order.lines.length;
  const pending = order.lines.filter(linePending).length;
  const awaiting = order.lines.filter(lineAwaiting).length;
  const done = lines - pending - awaiting;
  return { lines, done, pending, awaiting, canPack: lines > 0 && pending === 0 && awaiting === 0 };
}

/** Units that will go in the bags: picked and found units, and accepted substitutes. */
export function unitsToPack(order: Pick<PickerOrderView, 'lines'>): number {
  return order.lines.reduce((sum, line) => {
    const pick = line.pick;
    switch (pick?.state) {
      case 'picked':
        return sum + line.quantity;
      case 'short':
        return sum + (pick.found ?? 0);
      case 'substituted':
        return sum + (pick.found ?? 0) + (pick.substitute?.quantity ?? 0);
      default:
        return sum;
    }
  }, 0);
}

/** A first guess at the bags: one per 8 units, at least one. */
export function suggestedBags(units: number): number {
  return Math.min(50, Math.max(1, Math.ceil(units / 8)));
}

/**
 * The queue after a `fulfilment:updated` event. Packed or cancelled orders leave it and a
 * claim changes the order's state at once; an order the queue does not hold yet (a new
 * one) needs its pick list fetched (`refetch`).
 */
export function queueAfterEvent(
  queue: PickerOrderView[],
  event: FulfilmentUpdatedEvent,
): { queue: PickerOrderView[]; refetch: boolean } {
  const index = queue.findIndex((o) => o.id === event.orderId);
  if (event.fulfilment === 'packed' || event.fulfilment === 'cancelled' || event.fulfilment === 'none') {
    return { queue: index < 0 ? queue : queue.filter((o) => o.id !== event.orderId), refetch: false };
  }
  if (index < 0) return { queue, refetch: true };
  const current = queue[index];
  const next = [...queue];
  next[index] = {
    ...current,
    fulfilment: event.fulfilment,
    picker: event.pickerId ? (current.picker?.id === event.pickerId ? current.picker : { id: event.pickerId, name: 'Another picker' }) : null,
    promisedAt: event.promisedAt ?? current.promisedAt,
  };
  // The name of whoever claimed it comes with the fetch.
  return { queue: next.sort(byUrgency), refetch: !!event.pickerId && current.picker?.id !== event.pickerId };
}

/** Whose an order is, for the signed-in picker `me`. */
export function claimState(order: Pick<PickerOrderView, 'fulfilment' | 'picker'>, me: string | null | undefined): 'open' | 'mine' | 'theirs' | 'done' {
  if (order.fulfilment === 'queued') return 'open';
  if (order.fulfilment === 'picking') return order.picker?.id && order.picker.id === me ? 'mine' : 'theirs';
  return 'done';
}

/** How a substitute's price compares with the ordered product's (a dearer one asks the customer). */
export function priceComparison(orderedPrice: number, price: number): { tone: 'dearer' | 'same' | 'cheaper'; text: string } {
  if (price > orderedPrice) return { tone: 'dearer', text: 'Dearer: the customer is asked' };
  if (price < orderedPrice) return { tone: 'cheaper', text: 'Cheaper' };
  return { tone: 'same', text: 'Same price' };
}

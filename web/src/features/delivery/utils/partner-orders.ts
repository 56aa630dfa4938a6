/** Pure reducers for the partner's lists: orders on offer, and the ones they carry. */
import { applyOrderUpdate, type OrderUpdate } from '@/lib/order-sync';
import { isActiveStatus } from '@/lib/order-status';
import type { PartnerOrderView } from '@/types/models';

export type AvailableAction =
  | { type: 'reset'; orders: PartnerOrderView[] }
  | { type: 'add'; order: PartnerOrderView }
  | { type: 'remove'; orderId: string };

function newestFirst(a: PartnerOrderView, b: PartnerOrderView): number {
  return b.createdAt.localeCompare(a.createdAt);
}

/** Orders on offer: newest first, each once, only while pending. */
export function availableOrdersReducer(state: PartnerOrderView[], action: AvailableAction): PartnerOrderView[] {
  switch (action.type) {
    case 'reset': {
      const seen = new Set<string>();
      return action.orders
        .filter((o) => o.status === 'pending' && !seen.has(o.id) && seen.add(o.id))
        .sort(newestFirst);
    }
    case 'add': {
      if (action.order.status !== 'pending') return availableOrdersReducer(state, { type: 'remove', orderId: action.order.id });
      const index = state.findIndex((o) => o.id === action.order.id);
      if (index >= 0) {
        if (state[index].lastSeq > action.order.lastSeq) return state;
        const next = [...state];
        next[index] = action.order;
        return next;
      }
      return [action.order, ...state].sort(newestFirst);
    }
    case 'remove':
      return state.some((o) => o.id === action.orderId) ? state.filter((o) => o.id !== action.orderId) : state;
  }
}

export type ActiveAction =
  | { type: 'reset'; orders: PartnerOrderView[] }
  | { type: 'upsert'; order: PartnerOrderView }
  | { type: 'update'; update: OrderUpdate }
  | { type: 'remove'; orderId: string };

/** Orders the partner carries: updated by seq, dropped once delivered or cancelled. */
export function activeOrdersReducer(state: PartnerOrderView[], action: ActiveAction): PartnerOrderView[] {
  switch (action.type) {
    case 'reset':
      return action.orders.filter((o) => isActiveStatus(o.status));
    case 'upsert': {
      const { order } = action;
      const index = state.findIndex((o) => o.id === order.id);
      if (index >= 0 && state[index].lastSeq > order.lastSeq) return state;
      if (!isActiveStatus(order.status)) return index >= 0 ? state.filter((o) => o.id !== order.id) : state;
      if (index < 0) return [...state, order];
      const next = [...state];
      next[index] = { ...state[index], ...order };
      return next;
    }
    case 'update': {
      const index = state.findIndex((o) => o.id === action.update.orderId);
      if (index < 0) return state;
      const updated = applyOrderUpdate(state[index], action.update);
      if (updated === state[index]) return state;
      if (!isActiveStatus(updated.status)) return state.filter((_, i) => i !== index);
      const next = [...state];
      next[index] = updated;
      return next;
    }
    case 'remove':
      return state.filter((o) => o.id !== action.orderId);
  }
}

/** Points from `from` to `to` in `steps` equal moves (the demo route simulation). */
export function routePoints(
  from: { lat: number; lng: number },
  to: { lat: number; lng: number },
  steps: number,
): { lat: number; lng: number }[] {
  const n = Math.max(1, Math.floor(steps));
  return Array.from({ length: n + 1 }, (_, i) => ({
    lat: from.lat + ((to.lat - from.lat) * i) / n,
    lng: from.lng + ((to.lng - from.lng) * i) / n,
  }));
}

/** Whether enough time passed since the last send (at most one per `intervalMs`). */
export function throttleDue(lastSentAt: number, now: number, intervalMs = 1000): boolean {
  return now - lastSentAt >= intervalMs;
}

/** Pure reducers for the partner's lists: orders on offer, and the ones they carry. */
import { formatDistance } from '@/lib/format';
import { distanceMeters, type Point as GeoPoint } from '@/lib/geo';
import { applyOrderUpdate, type OrderUpdate } from '@/lib/order-sync';
import { isActiveStatus } from '@/lib/order-status';
import type { OfferView, PartnerOrderView } from '@/types/models';

export type AvailableAction =
  | { type: 'reset'; orders: OfferView[] }
  | { type: 'add'; order: OfferView }
  | { type: 'remove'; orderId: string };

function newestFirst(a: OfferView, b: OfferView): number {
  return b.createdAt.localeCompare(a.createdAt);
}

/** Orders on offer: newest first, each once, only while pending. */
export function availableOrdersReducer(state: OfferView[], action: AvailableAction): OfferView[] {
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
        // Offered again (after an admin took it off a partner): the newest offer wins.
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

/** What an offer card says: where to pick up, where it goes (area only), how much, how long. */
export function offerSummary(offer: OfferView): { pickup: string; dropoff: string; items: string; minutes: string | null } {
  const distance = offer.distanceMeters != null ? ` · ${formatDistance(offer.distanceMeters)}` : '';
  const area = [offer.dropoff.locality, offer.dropoff.zipCode].filter((s) => s && s.trim()).join(' ');
  return {
    pickup: `Pickup at the store${distance}`,
    dropoff: `Drop-off: ${area || 'area not given'}`,
    items: `${offer.itemCount} ${offer.itemCount === 1 ? 'item' : 'items'}`,
    minutes: offer.estimatedMinutes != null ? `~${Math.max(1, offer.estimatedMinutes)} min` : null,
  };
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

type Point = GeoPoint;

/** Great-circle distance in metres (shared with the other roles: `@/lib/geo`). */
export { distanceMeters };

/**
 * The demo ride's longest step, one a second: 25 m/s = 90 km/h. The server refuses a fix
 * implying more than 150 km/h from the last one, and lets any move of 50 m or less
 * through, so even two steps merged into one send (a slow timer) are never refused.
 */
export const SIMULATION_STEP_METERS = 25;

/** How many one-second steps a realistic ride from `from` to `to` takes. */
export function simulationSteps(from: Point, to: Point, maxStepMeters = SIMULATION_STEP_METERS): number {
  return Math.max(1, Math.ceil(distanceMeters(from, to) / maxStepMeters));
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

/**
 * Auto dispatch on the partner's side, pure: the offers made to this partner alone (with
 * their countdown), the reasons they can give for declining, and the order in which a
 * partner carrying several orders makes their stops.
 */
import { distanceMeters, type Point } from '@/lib/geo';
import type { OrderOfferEvent, PartnerOrderView } from '@/types/models';

/** Whole seconds left until `expiresAt` (never negative; 0 once passed or unreadable). */
export function secondsLeft(expiresAt: string, now: number): number {
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end)) return 0;
  return Math.max(0, Math.ceil((end - now) / 1000));
}

/** Share of the offer's time left, 0–1, for a progress bar (`total`: the seconds it was made for). */
export function timeLeftFraction(expiresAt: string, now: number, totalSecs: number): number {
  if (totalSecs <= 0) return 0;
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end)) return 0;
  return Math.min(1, Math.max(0, (end - now) / 1000 / totalSecs));
}

export interface LiveOffer extends OrderOfferEvent {
  /** When this screen received it (ms): the bar starts full from here. */
  receivedAt: number;
}

export type OffersAction =
  | { type: 'reset'; offers: OrderOfferEvent[]; now: number }
  | { type: 'add'; offer: OrderOfferEvent; now: number }
  | { type: 'remove'; orderId: string }
  | { type: 'prune'; now: number };

/** Offers made to this partner: one per order (the newest round wins), soonest to expire first, none expired. */
export function offersReducer(state: LiveOffer[], action: OffersAction): LiveOffer[] {
  const sorted = (list: LiveOffer[]) => [...list].sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  switch (action.type) {
    case 'reset': {
      const byOrder = new Map<string, LiveOffer>();
      for (const o of action.offers) {
        if (secondsLeft(o.expiresAt, action.now) <= 0) continue;
        const prev = byOrder.get(o.order.id);
        if (!prev || prev.round < o.round) byOrder.set(o.order.id, { ...o, receivedAt: action.now });
      }
      return sorted([...byOrder.values()]);
    }
    case 'add': {
      if (secondsLeft(action.offer.expiresAt, action.now) <= 0) return state;
      const prev = state.find((o) => o.order.id === action.offer.order.id);
      if (prev && prev.offerId === action.offer.offerId) return state;
      if (prev && prev.round > action.offer.round) return state;
      return sorted([...state.filter((o) => o.order.id !== action.offer.order.id), { ...action.offer, receivedAt: action.now }]);
    }
    case 'remove':
      return state.some((o) => o.order.id === action.orderId) ? state.filter((o) => o.order.id !== action.orderId) : state;
    case 'prune': {
      const kept = state.filter((o) => secondsLeft(o.expiresAt, action.now) > 0);
      return kept.length === state.length ? state : kept;
    }
  }
}

/** One stop of a partner's trip. */
export interface TripStop {
  kind: 'pickup' | 'drop';
  order: PartnerOrderView;
  /** Where the stop is, when known. */
  point: Point | null;
}

function dropPoint(order: PartnerOrderView): Point | null {
  const { lat, lng } = order.deliveryAddress;
  return lat != null && lng != null ? { lat, lng } : null;
}

function promiseMs(order: PartnerOrderView): number {
  const t = order.promisedAt ? Date.parse(order.promisedAt) : NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Two drop-offs this close (metres) count as equally near: the earlier promise goes first. */
const SAME_DISTANCE_M = 300;

/**
 * The order of a partner's stops: every pickup first (at the store, earliest promise
 * first), then the drop-offs. When the server numbered them (`stop` on each active
 * order: the order that keeps every promise with the shortest trip), in that order;
 * otherwise (an order just received over the socket) each time the nearest from where
 * the partner will be (the store after pickups, else `from`), the earlier promise first
 * when two are about as near. Orders without coordinates are dropped last, by promise.
 */
export function planStops(orders: readonly PartnerOrderView[], from: Point | null): TripStop[] {
  const byPromise = (a: PartnerOrderView, b: PartnerOrderView) => promiseMs(a) - promiseMs(b) || a.id.localeCompare(b.id);
  const pickups = orders.filter((o) => o.status === 'accepted').sort(byPromise);
  const stops: TripStop[] = pickups.map((order) => ({ kind: 'pickup', order, point: { lat: order.pickup.lat, lng: order.pickup.lng } }));
  if (orders.length > 0 && orders.every((o) => typeof o.stop === 'number')) {
    for (const order of [...orders].sort((a, b) => (a.stop ?? 0) - (b.stop ?? 0))) {
      stops.push({ kind: 'drop', order, point: dropPoint(order) });
    }
    return stops;
  }
  let at: Point | null = pickups.length ? { lat: pickups[0].pickup.lat, lng: pickups[0].pickup.lng } : from;
  const remaining = [...orders].sort(byPromise);
  const located = remaining.filter((o) => dropPoint(o));
  const unlocated = remaining.filter((o) => !dropPoint(o));
  while (located.length) {
    let best = 0;
    if (at) {
      const here = at;
      const dist = located.map((o) => distanceMeters(here, dropPoint(o)!));
      for (let i = 1; i < located.length; i++) {
        const closer = dist[i] < dist[best] - SAME_DISTANCE_M;
        const tie = Math.abs(dist[i] - dist[best]) <= SAME_DISTANCE_M && promiseMs(located[i]) < promiseMs(located[best]);
        if (closer || tie) best = i;
      }
    }
    const [next] = located.splice(best, 1);
    at = dropPoint(next);
    stops.push({ kind: 'drop', order: next, point: at });
  }
  for (const order of unlocated) stops.push({ kind: 'drop', order, point: null });
  return stops;
}

/** Active orders in the order of their first stop (what to do first on top). */
export function ordersInStopOrder(orders: readonly PartnerOrderView[], from: Point | null): PartnerOrderView[] {
  const seen = new Set<string>();
  const out: PartnerOrderView[] = [];
  for (const stop of planStops(orders, from)) {
    if (seen.has(stop.order.id)) continue;
    seen.add(stop.order.id);
    out.push(stop.order);
  }
  return out;
}

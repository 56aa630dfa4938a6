import { describe, expect, it } from 'vitest';
import { declineReasonLabel } from '@/lib/decline-reasons';
import {
  offersReducer,
  ordersInStopOrder,
  planStops,
  secondsLeft,
  timeLeftFraction,
  type LiveOffer,
} from '@/features/delivery/utils/dispatch';
import type { OrderOfferEvent, PartnerOrderView } from '@/types/models';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const at = (secs: number) => new Date(T0 + secs * 1000).toISOString();

function offer(orderId: string, expiresInSecs: number, round = 1, offerId = `${orderId}-${round}`): OrderOfferEvent {
  return {
    offerId,
    round,
    expiresAt: at(expiresInSecs),
    order: {
      id: orderId,
      orderNumber: `QC-${orderId}`,
      status: 'pending',
      pickup: { lat: 19.0596, lng: 72.8295 },
      dropoff: { locality: 'Bandra', zipCode: '400050', point: { lat: 19.07, lng: 72.85 } },
      itemCount: 2,
      estimatedPayout: 4000,
      currency: 'INR',
      createdAt: at(-5),
    },
  };
}

const STORE = { lat: 19.0596, lng: 72.8295 };

function carried(id: string, status: string, dest: { lat: number; lng: number } | null, promisedInMin: number | null): PartnerOrderView {
  return {
    id,
    orderNumber: `QC-${id}`,
    status,
    customerId: 'c',
    codeLocked: false,
    items: [],
    subtotal: 1000,
    deliveryFee: 2500,
    total: 3500,
    currency: 'INR',
    paymentMethod: 'cash',
    deliveryAddress: { label: 'Home', street: 'S', city: 'Mumbai', state: 'MH', zipCode: '400050', lat: dest?.lat ?? null, lng: dest?.lng ?? null },
    lastSeq: 2,
    late: false,
    createdAt: at(-60),
    promisedAt: promisedInMin == null ? null : at(promisedInMin * 60),
    estimatedPayout: 4000,
    pickup: STORE,
  } as PartnerOrderView;
}

describe('offer countdown', () => {
  it('counts whole seconds down to zero, never below', () => {
    expect(secondsLeft(at(20), T0)).toBe(20);
    expect(secondsLeft(at(20), T0 + 100)).toBe(20);
    expect(secondsLeft(at(20), T0 + 19_001)).toBe(1);
    expect(secondsLeft(at(20), T0 + 20_000)).toBe(0);
    expect(secondsLeft(at(20), T0 + 60_000)).toBe(0);
    expect(secondsLeft('not a date', T0)).toBe(0);
  });

  it('gives the share of time left for the bar', () => {
    expect(timeLeftFraction(at(20), T0, 20)).toBe(1);
    expect(timeLeftFraction(at(20), T0 + 5_000, 20)).toBeCloseTo(0.75);
    expect(timeLeftFraction(at(20), T0 + 25_000, 20)).toBe(0);
    expect(timeLeftFraction(at(20), T0, 0)).toBe(0);
  });
});

describe('offers made to this partner', () => {
  it('keeps one offer per order, soonest to expire first, and drops expired ones', () => {
    let list: LiveOffer[] = offersReducer([], { type: 'reset', offers: [offer('a', 15), offer('b', 5), offer('old', -1)], now: T0 });
    expect(list.map((o) => o.order.id)).toEqual(['b', 'a']);
    list = offersReducer(list, { type: 'add', offer: offer('a', 15), now: T0 });
    expect(list).toHaveLength(2);
    list = offersReducer(list, { type: 'prune', now: T0 + 6_000 });
    expect(list.map((o) => o.order.id)).toEqual(['a']);
    list = offersReducer(list, { type: 'remove', orderId: 'a' });
    expect(list).toEqual([]);
  });

  it('a later round of the same order replaces the earlier one, never the reverse', () => {
    let list = offersReducer([], { type: 'add', offer: offer('a', 10, 1), now: T0 });
    list = offersReducer(list, { type: 'add', offer: offer('a', 20, 3), now: T0 });
    expect(list[0].round).toBe(3);
    list = offersReducer(list, { type: 'add', offer: offer('a', 30, 2), now: T0 });
    expect(list[0].round).toBe(3);
    expect(offersReducer([], { type: 'add', offer: offer('x', 0), now: T0 })).toEqual([]);
  });

  it('says decline reasons in words', () => {
    expect(declineReasonLabel('too_far')).toBe('Too far for me');
    expect(declineReasonLabel('flat_tyre')).toBe('Flat tyre');
    expect(declineReasonLabel(null)).toBeNull();
  });
});

describe('stop order for stacked orders', () => {
  const near = { lat: 19.062, lng: 72.83 }; // ~300 m from the store
  const far = { lat: 19.08, lng: 72.85 }; // ~3 km
  const farther = { lat: 19.09, lng: 72.86 };

  it('puts every pickup first, then drops nearest first from the store', () => {
    const orders = [carried('far', 'accepted', far, 30), carried('near', 'accepted', near, 40)];
    const stops = planStops(orders, null);
    expect(stops.map((s) => `${s.kind}:${s.order.id}`)).toEqual(['pickup:far', 'pickup:near', 'drop:near', 'drop:far']);
  });

  it('chains drops from the last one, and after pickups starts from the store', () => {
    const orders = [carried('c', 'picked_up', farther, 30), carried('a', 'on_the_way', near, 30), carried('b', 'picked_up', far, 30)];
    expect(planStops(orders, STORE).map((s) => s.order.id)).toEqual(['a', 'b', 'c']);
    // Already out near the farthest drop: that one first.
    expect(planStops(orders, farther).map((s) => s.order.id)).toEqual(['c', 'b', 'a']);
  });

  it('breaks near-ties by the earlier promise, and leaves drops without coordinates last', () => {
    const a = carried('a', 'picked_up', { lat: 19.08, lng: 72.85 }, 25);
    const b = carried('b', 'picked_up', { lat: 19.0805, lng: 72.8502 }, 12);
    const c = carried('c', 'picked_up', null, 5);
    expect(planStops([a, c, b], STORE).map((s) => s.order.id)).toEqual(['b', 'a', 'c']);
  });

  it("follows the server's stop numbers when every order has one", () => {
    // Nearest-first would drop `near` first; the server says the tight promise of `far` first.
    const orders = [{ ...carried('near', 'picked_up', near, 60), stop: 2 }, { ...carried('far', 'picked_up', far, 10), stop: 1 }];
    expect(planStops(orders, STORE).map((s) => s.order.id)).toEqual(['far', 'near']);
    // One without a number (just accepted over the socket): the local rule.
    const mixed = [orders[0], carried('far', 'picked_up', far, 10)];
    expect(planStops(mixed, STORE).map((s) => s.order.id)).toEqual(['near', 'far']);
  });

  it('lists each order once, by its first stop', () => {
    const orders = [carried('x', 'picked_up', far, 10), carried('y', 'accepted', near, 30)];
    expect(ordersInStopOrder(orders, STORE).map((o) => o.id)).toEqual(['y', 'x']);
  });
});

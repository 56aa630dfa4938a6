import { describe, expect, it } from 'vitest';
import {
  activeOrdersReducer,
  availableOrdersReducer,
  distanceMeters,
  offerSummary,
  routePoints,
  SIMULATION_STEP_METERS,
  simulationSteps,
  throttleDue,
} from '@/features/delivery/utils/partner-orders';
import type { OfferView, PartnerOrderView } from '@/types/models';

/** An order on offer, as the server sends it before acceptance: no customer, no street. */
function offer(id: string, createdAt: string, extra: Partial<OfferView> = {}): OfferView {
  return {
    id,
    orderNumber: `QC-${id}`,
    status: 'pending',
    pickup: { lat: 19.0596, lng: 72.8295 },
    distanceMeters: 2700,
    dropoff: { locality: 'Mumbai', zipCode: '400050', point: { lat: 19.07, lng: 72.85 } },
    itemCount: 3,
    estimatedPayout: 4000,
    estimatedMinutes: 8,
    currency: 'INR',
    createdAt,
    ...extra,
  };
}

/** An order the partner carries (full view, after acceptance). */
function carried(id: string, createdAt: string, extra: Partial<PartnerOrderView> = {}): PartnerOrderView {
  return {
    id,
    orderNumber: `QC-${id}`,
    status: 'accepted',
    customerId: 'c',
    codeLocked: false,
    items: [],
    subtotal: 1000,
    deliveryFee: 2500,
    total: 3500,
    currency: 'INR',
    paymentMethod: 'cash',
    deliveryAddress: { label: 'Home', street: 'S', city: 'Mumbai', state: 'MH', zipCode: '400001' },
    lastSeq: 1,
    late: false,
    createdAt,
    estimatedPayout: 4000,
    pickup: { lat: 19, lng: 72 },
    ...extra,
  };
}

describe('available orders', () => {
  it('adds new offers newest first, once each', () => {
    let list = availableOrdersReducer([], { type: 'add', order: offer('a', '2026-01-01T10:00:00Z') });
    list = availableOrdersReducer(list, { type: 'add', order: offer('b', '2026-01-01T10:05:00Z') });
    list = availableOrdersReducer(list, { type: 'add', order: offer('a', '2026-01-01T10:00:00Z') });
    expect(list.map((o) => o.id)).toEqual(['b', 'a']);
  });

  it('removes taken or cancelled offers, and ignores unknown ids', () => {
    const list = availableOrdersReducer([], { type: 'reset', orders: [offer('a', '1'), offer('b', '2')] });
    const after = availableOrdersReducer(list, { type: 'remove', orderId: 'a' });
    expect(after.map((o) => o.id)).toEqual(['b']);
    expect(availableOrdersReducer(after, { type: 'remove', orderId: 'zzz' })).toBe(after);
  });

  it('keeps only pending orders, and drops one that stops being pending', () => {
    const list = availableOrdersReducer([], {
      type: 'reset',
      orders: [offer('a', '1'), offer('b', '2', { status: 'accepted' }), offer('a', '1')],
    });
    expect(list.map((o) => o.id)).toEqual(['a']);
    expect(availableOrdersReducer(list, { type: 'add', order: offer('a', '1', { status: 'accepted' }) })).toEqual([]);
  });

  it('replaces an offer made again (an admin put it back on offer)', () => {
    const list = availableOrdersReducer([], { type: 'reset', orders: [offer('a', '1', { estimatedPayout: 4000 })] });
    const again = availableOrdersReducer(list, { type: 'add', order: offer('a', '1', { estimatedPayout: 4500 }) });
    expect(again).toHaveLength(1);
    expect(again[0].estimatedPayout).toBe(4500);
  });

  it('describes an offer by area only: pickup distance, locality and PIN, items, minutes', () => {
    expect(offerSummary(offer('a', '1'))).toEqual({
      pickup: 'Pickup at the store · 2.7 km',
      dropoff: 'Drop-off: Mumbai 400050',
      items: '3 items',
      minutes: '~8 min',
    });
    const bare = offerSummary(offer('b', '1', { distanceMeters: null, estimatedMinutes: null, itemCount: 1, dropoff: { locality: '', zipCode: '400001' } }));
    expect(bare).toEqual({ pickup: 'Pickup at the store', dropoff: 'Drop-off: 400001', items: '1 item', minutes: null });
  });
});

describe('active orders', () => {
  const accepted = carried('x', '1', { status: 'accepted', lastSeq: 2 });

  it('moves an order through its statuses by seq and drops it when delivered', () => {
    let list = activeOrdersReducer([], { type: 'upsert', order: accepted });
    list = activeOrdersReducer(list, { type: 'update', update: { orderId: 'x', seq: 3, type: 'status', status: 'picked_up', at: 't3' } });
    expect(list[0]).toMatchObject({ status: 'picked_up', lastSeq: 3, pickedUpAt: 't3' });
    // A stale or repeated event changes nothing.
    const same = activeOrdersReducer(list, { type: 'update', update: { orderId: 'x', seq: 3, type: 'status', status: 'accepted', at: 't' } });
    expect(same).toBe(list);
    list = activeOrdersReducer(list, { type: 'update', update: { orderId: 'x', seq: 4, type: 'status', status: 'on_the_way', at: 't4' } });
    expect(list[0].status).toBe('on_the_way');
    list = activeOrdersReducer(list, { type: 'update', update: { orderId: 'x', seq: 5, type: 'delivered', status: 'delivered', at: 't5' } });
    expect(list).toEqual([]);
  });

  it('drops cancelled or unassigned orders, and refuses an older snapshot', () => {
    const list = activeOrdersReducer([], { type: 'upsert', order: { ...accepted, lastSeq: 4, status: 'on_the_way' } });
    expect(activeOrdersReducer(list, { type: 'upsert', order: accepted })).toBe(list);
    expect(activeOrdersReducer(list, { type: 'update', update: { orderId: 'x', seq: 5, type: 'cancelled', status: 'cancelled', at: 't' } })).toEqual([]);
    expect(activeOrdersReducer(list, { type: 'update', update: { orderId: 'x', seq: 5, type: 'other', status: 'pending', at: 't' } })).toEqual([]);
  });

  it('locks the delivery code and unlocks it when support resets it, keeping the order', () => {
    let list = activeOrdersReducer([], { type: 'upsert', order: { ...accepted, status: 'on_the_way', lastSeq: 4 } });
    list = activeOrdersReducer(list, { type: 'update', update: { orderId: 'x', seq: 5, type: 'code_locked', status: null, at: 't5' } });
    expect(list[0]).toMatchObject({ status: 'on_the_way', codeLocked: true, lastSeq: 5 });
    // The partner's copy of the reset carries no code.
    list = activeOrdersReducer(list, { type: 'update', update: { orderId: 'x', seq: 6, type: 'code_reset', status: null, at: 't6' } });
    expect(list[0]).toMatchObject({ status: 'on_the_way', codeLocked: false, lastSeq: 6 });
    expect(list[0].confirmationCode).toBeUndefined();
  });

  it('marks an order locked on a 423 without losing a newer snapshot', () => {
    const list = activeOrdersReducer([], { type: 'upsert', order: { ...accepted, status: 'on_the_way', lastSeq: 4 } });
    const locked = activeOrdersReducer(list, { type: 'upsert', order: { ...list[0], codeLocked: true } });
    expect(locked[0]).toMatchObject({ codeLocked: true, lastSeq: 4 });
  });
});

describe('location helpers', () => {
  it('builds a straight demo route from the store to the customer', () => {
    const pts = routePoints({ lat: 19, lng: 72 }, { lat: 19.1, lng: 72.2 }, 4);
    expect(pts).toHaveLength(5);
    expect(pts[0]).toEqual({ lat: 19, lng: 72 });
    expect(pts[4].lat).toBeCloseTo(19.1);
    expect(pts[2].lng).toBeCloseTo(72.1);
  });

  it('measures distances on the ground', () => {
    expect(distanceMeters({ lat: 19, lng: 72 }, { lat: 19, lng: 72 })).toBe(0);
    // One thousandth of a degree of latitude is about 111 m.
    expect(distanceMeters({ lat: 19, lng: 72 }, { lat: 19.001, lng: 72 })).toBeCloseTo(111.2, 0);
    // The e2e's store and customer: about 2.65 km apart.
    expect(distanceMeters({ lat: 19.0596, lng: 72.8295 }, { lat: 19.072, lng: 72.851 })).toBeGreaterThan(2500);
  });

  it('simulates a ride at a speed the server accepts (≤ 25 m a second, under 150 km/h)', () => {
    const store = { lat: 19.0596, lng: 72.8295 };
    const home = { lat: 19.072, lng: 72.851 };
    const steps = simulationSteps(store, home);
    expect(steps).toBeGreaterThan(100); // not 40 steps of 66 m
    const pts = routePoints(store, home, steps);
    for (let i = 1; i < pts.length; i++) {
      const step = distanceMeters(pts[i - 1], pts[i]);
      expect(step).toBeLessThanOrEqual(SIMULATION_STEP_METERS + 0.01);
      // Even two steps merged into one send stay within the server's always-plausible 50 m.
      expect(step * 2).toBeLessThanOrEqual(50.02);
      expect((step / 1) * 3.6).toBeLessThan(150);
    }
    expect(pts[pts.length - 1].lat).toBeCloseTo(home.lat, 9);
    expect(pts[pts.length - 1].lng).toBeCloseTo(home.lng, 9);
    expect(simulationSteps(store, store)).toBe(1);
    expect(simulationSteps(store, { lat: 19.0598, lng: 72.8295 })).toBe(1);
  });

  it('sends at most once a second', () => {
    expect(throttleDue(0, 1000)).toBe(true);
    expect(throttleDue(1000, 1999)).toBe(false);
    expect(throttleDue(1000, 2000)).toBe(true);
  });
});

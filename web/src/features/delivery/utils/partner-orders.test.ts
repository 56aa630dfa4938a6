import { describe, expect, it } from 'vitest';
import {
  activeOrdersReducer,
  availableOrdersReducer,
  routePoints,
  throttleDue,
} from '@/features/delivery/utils/partner-orders';
import type { PartnerOrderView } from '@/types/models';

function offer(id: string, createdAt: string, extra: Partial<PartnerOrderView> = {}): PartnerOrderView {
  return {
    id,
    orderNumber: `QC-${id}`,
    status: 'pending',
    customerId: 'c',
    items: [],
    subtotal: 1000,
    deliveryFee: 2500,
    total: 3500,
    currency: 'INR',
    paymentMethod: 'cash',
    deliveryAddress: { label: 'Home', street: 'S', city: 'Mumbai', state: 'MH', zipCode: '400001' },
    lastSeq: 1,
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
    expect(availableOrdersReducer(list, { type: 'add', order: offer('a', '1', { status: 'accepted', lastSeq: 2 }) })).toEqual([]);
  });
});

describe('active orders', () => {
  const accepted = offer('x', '1', { status: 'accepted', lastSeq: 2 });

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
});

describe('location helpers', () => {
  it('builds a straight demo route from the store to the customer', () => {
    const pts = routePoints({ lat: 19, lng: 72 }, { lat: 19.1, lng: 72.2 }, 4);
    expect(pts).toHaveLength(5);
    expect(pts[0]).toEqual({ lat: 19, lng: 72 });
    expect(pts[4].lat).toBeCloseTo(19.1);
    expect(pts[2].lng).toBeCloseTo(72.1);
  });

  it('sends at most once a second', () => {
    expect(throttleDue(0, 1000)).toBe(true);
    expect(throttleDue(1000, 1999)).toBe(false);
    expect(throttleDue(1000, 2000)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import {
  answerDeadline,
  applyFulfilmentEvent,
  clockOf,
  fulfilmentLabel,
  isPacking,
  lineOutcome,
  packingWords,
  readyForPickup,
  secondsLeft,
} from '@/lib/fulfilment';
import { appConfigFrom } from '@/lib/app-config';
import type { OrderItemView, OrderView } from '@/types/models';
import type { OrderFulfilmentEvent } from '@/types/fulfilment';

const item = (over: Partial<OrderItemView> = {}): OrderItemView => ({
  productId: 'p1',
  sku: 'ARD-008',
  name: 'Moong Dal',
  unit: '500 g',
  price: 8900,
  quantity: 2,
  lineTotal: 17800,
  lineId: 1,
  substitution: 'best_match',
  pick: { state: 'pending', found: null, substitute: null },
  ...over,
});

const sub = { productId: 'p2', name: 'Chana Dal', unit: '500 g', unitPrice: 11900, quantity: 1, expiresAt: null };

describe('where picking stands', () => {
  it('packs while queued or picking, never once cancelled', () => {
    expect(isPacking({ fulfilment: 'queued', status: 'pending' })).toBe(true);
    expect(isPacking({ fulfilment: 'picking', status: 'accepted' })).toBe(true);
    expect(isPacking({ fulfilment: 'packed', status: 'pending' })).toBe(false);
    expect(isPacking({ fulfilment: 'queued', status: 'cancelled' })).toBe(false);
    expect(isPacking({ status: 'pending' })).toBe(false);
  });

  it('lets a rider pick up once packed, or at once where the store does not pick', () => {
    expect(readyForPickup({})).toBe(true);
    expect(readyForPickup({ fulfilment: null })).toBe(true);
    expect(readyForPickup({ fulfilment: 'packed' })).toBe(true);
    expect(readyForPickup({ fulfilment: 'queued' })).toBe(false);
    expect(readyForPickup({ fulfilment: 'picking' })).toBe(false);
  });

  it('tells the customer "Packing your order" with the lines done, then the bags', () => {
    const items = [item({ pick: { state: 'picked', found: null, substitute: null } }), item({ lineId: 2 })];
    expect(packingWords({ fulfilment: 'queued', status: 'pending', items })?.title).toBe('Packing your order');
    expect(packingWords({ fulfilment: 'picking', status: 'accepted', items })?.detail).toMatch(/1 of 2 lines done/);
    expect(packingWords({ fulfilment: 'packed', status: 'pending', bags: 2, items })?.detail).toMatch(/in 2 bags/);
    expect(packingWords({ fulfilment: 'packed', status: 'picked_up', bags: 2, items })).toBeNull();
    expect(packingWords({ status: 'pending', items })).toBeNull();
    expect(packingWords({ fulfilment: 'picking', status: 'cancelled', items })).toBeNull();
  });

  it('names the states for staff, never the raw code', () => {
    expect(['queued', 'picking', 'packed', 'cancelled', undefined].map(fulfilmentLabel)).toEqual([
      'Waiting to be picked',
      'Being picked',
      'Packed',
      'Cancelled',
      'Not picked in store',
    ]);
  });
});

describe('what the store did with a line', () => {
  it('says nothing for a line picked in full or not picked yet', () => {
    expect(lineOutcome(item())).toBeNull();
    expect(lineOutcome(item({ pick: { state: 'picked', found: null, substitute: null } }))).toBeNull();
    expect(lineOutcome(item({ pick: undefined }))).toBeNull();
  });

  it('tells refunds with the amount', () => {
    expect(lineOutcome(item({ pick: { state: 'short', found: 1, substitute: null } }))?.text).toBe(
      'Moong Dal: only 1 of 2 found, 1 refunded (₹89.00).',
    );
    expect(lineOutcome(item({ pick: { state: 'short', found: 0, substitute: null } }))?.text).toBe('Moong Dal: out of stock, ₹178.00 refunded.');
  });

  it('tells substitutes, and those waiting for an answer', () => {
    expect(lineOutcome(item({ pick: { state: 'substituted', found: 1, substitute: sub } }))?.text).toBe(
      'Moong Dal: 1 replaced by 1 × Chana Dal (500 g) at ₹119.00 each.',
    );
    const waiting = lineOutcome(item({ pick: { state: 'proposed', found: 1, substitute: sub } }));
    expect(waiting?.tone).toBe('warning');
    expect(waiting?.text).toMatch(/Waiting for your answer/);
  });
});

describe('order:fulfilment-updated', () => {
  const order = { id: 'o1', items: [item()], subtotal: 17800, total: 20300, fulfilment: 'picking', bags: null, packedAt: null, lastSeq: 3 } as unknown as OrderView;
  const event = (over: Partial<OrderFulfilmentEvent>): OrderFulfilmentEvent => ({
    orderId: 'o1',
    type: 'order.line_short',
    fulfilment: 'picking',
    items: [item({ lineTotal: 8900, pick: { state: 'short', found: 1, substitute: null } })],
    subtotal: 8900,
    total: 11400,
    bags: null,
    seq: 5,
    at: '2026-01-01T10:00:00Z',
    ...over,
  });

  it('takes the lines and totals as they now stand, leaving the seq to the tracker', () => {
    const next = applyFulfilmentEvent(order, event({}), 3);
    expect(next.items[0].pick?.state).toBe('short');
    expect(next.subtotal).toBe(8900);
    expect(next.total).toBe(11400);
    expect(next.lastSeq).toBe(3);
  });

  it('records packing, and ignores older events and other orders', () => {
    const packed = applyFulfilmentEvent(order, event({ type: 'order.packed', fulfilment: 'packed', bags: 2 }), 3);
    expect(packed.fulfilment).toBe('packed');
    expect(packed.bags).toBe(2);
    expect(packed.packedAt).toBe('2026-01-01T10:00:00Z');
    expect(applyFulfilmentEvent(order, event({ seq: 4 }), 4)).toBe(order);
    expect(applyFulfilmentEvent(order, event({ orderId: 'o2' }), 0)).toBe(order);
  });
});

describe('time to answer a substitute', () => {
  const seen = Date.parse('2026-01-01T10:00:00Z');

  it('is the server deadline, capped by the approval time from when it was seen', () => {
    expect(answerDeadline('2026-01-01T10:01:30Z', seen, 120)).toBe(seen + 90_000);
    // A clock behind the server's would promise more time than there is.
    expect(answerDeadline('2026-01-01T10:05:00Z', seen, 120)).toBe(seen + 120_000);
    expect(answerDeadline(null, seen, 120)).toBe(seen + 120_000);
    expect(answerDeadline('2026-01-01T10:05:00Z', seen, null)).toBe(seen + 300_000);
    expect(answerDeadline(null, seen, null)).toBe(seen);
  });

  it('counts down in whole seconds, shown as m:ss', () => {
    expect(secondsLeft(seen + 1500, seen)).toBe(2);
    expect(secondsLeft(seen - 1, seen)).toBe(0);
    expect(clockOf(65)).toBe('1:05');
    expect(clockOf(0)).toBe('0:00');
  });

  it('reads the approval time from /api/config', () => {
    expect(appConfigFrom({ success: true, config: { substitutionApprovalSecs: 120 } })).toEqual({ substitutionApprovalSecs: 120 });
    expect(appConfigFrom({ success: true, config: {} })).toEqual({ substitutionApprovalSecs: null });
    expect(appConfigFrom(null)).toEqual({ substitutionApprovalSecs: null });
  });
});

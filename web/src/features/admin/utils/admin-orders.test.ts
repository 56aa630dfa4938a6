import { describe, expect, it } from 'vitest';
import {
  actorLabel,
  applyToRows,
  canResetCode,
  describeTimelineEntry,
  mergeFleet,
  mergePosition,
  pushSample,
} from '@/features/admin/utils/admin-orders';
import type { OrderView } from '@/types/models';

const row = (id: string, status: string, lastSeq: number) => ({ id, status, lastSeq }) as OrderView;

describe('admin live helpers', () => {
  it('updates only the matching row, by seq', () => {
    const rows = [row('a', 'pending', 1), row('b', 'accepted', 2)];
    const next = applyToRows(rows, { orderId: 'b', seq: 3, type: 'status', status: 'picked_up', at: 't' });
    expect(next.map((r) => r.status)).toEqual(['pending', 'picked_up']);
    expect(next[0]).toBe(rows[0]);
    expect(applyToRows(next, { orderId: 'b', seq: 3, type: 'status', status: 'picked_up', at: 't' })).toBe(next);
    expect(applyToRows(rows, { orderId: 'zzz', seq: 9, type: 'status', status: 'delivered', at: 't' })).toBe(rows);
  });

  it('keeps the newest position per partner', () => {
    let pos = mergePosition({}, 'p1', { lat: 1, lng: 1, at: '2026-01-01T00:00:02Z' });
    pos = mergePosition(pos, 'p1', { lat: 0, lng: 0, at: '2026-01-01T00:00:01Z' });
    expect(pos.p1.lat).toBe(1);
    pos = mergePosition(pos, 'p1', { lat: 2, lng: 2, at: '2026-01-01T00:00:03Z' });
    expect(pos.p1).toEqual({ lat: 2, lng: 2, at: '2026-01-01T00:00:03Z' });
  });

  it('merges a fleet frame, each rider at its newest', () => {
    const before = { p1: { lat: 5, lng: 5, at: '2026-01-01T00:00:09Z' } };
    const pos = mergeFleet(before, [
      { partnerId: 'p1', orderId: 'o1', lat: 1, lng: 1, at: '2026-01-01T00:00:02Z' },
      { partnerId: 'p2', lat: 2, lng: 2, at: '2026-01-01T00:00:03Z' },
    ]);
    // p1's frame entry is older than what the map shows: kept; p2 is new.
    expect(pos.p1).toEqual(before.p1);
    expect(pos.p2).toEqual({ lat: 2, lng: 2, at: '2026-01-01T00:00:03Z' });
    expect(mergeFleet(pos, [])).toBe(pos);
  });

  it('keeps a bounded window of samples', () => {
    let s: number[] = [];
    for (let i = 0; i < 35; i++) s = pushSample(s, i, 30);
    expect(s).toHaveLength(30);
    expect(s[0]).toBe(5);
    expect(s[29]).toBe(34);
  });
});

describe('order timeline in words', () => {
  it('labels every kind without raw codes', () => {
    const cases: [string, unknown, string][] = [
      ['order.created', { status: 'pending' }, 'Placed'],
      ['order.accepted', { partnerName: 'Ravi' }, 'Accepted by Ravi'],
      ['order.status_updated', { status: 'picked_up' }, 'Picked up'],
      ['order.status_updated', { status: 'on_the_way' }, 'On the way'],
      ['order.delivered', {}, 'Delivered'],
      ['order.cancelled', { reason: 'Customer asked by phone' }, 'Cancelled: Customer asked by phone'],
      ['order.cancelled', { reason: 'no_partner_available', by: 'system' }, 'No rider accepted it in time, so the platform cancelled it.'],
      ['order.unassigned', { reason: 'Bike broke down' }, 'Taken off the partner: Bike broke down'],
      ['order.reassigned', { partnerName: 'Sana', reason: 'Closer' }, 'Given to Sana: Closer'],
      ['order.code_locked', { attempts: 5 }, 'Delivery code locked after 5 wrong codes'],
      ['order.code_reset', { reason: 'Customer confirmed by phone' }, 'New delivery code sent to the customer: Customer confirmed by phone'],
      ['order.something_new', null, 'Something new'],
    ];
    for (const [type, data, text] of cases) {
      const described = describeTimelineEntry(type, data);
      expect(described).toBe(text);
      expect(described).not.toMatch(/order\.|_/);
    }
    expect(actorLabel('delivery')).toBe('partner');
    expect(actorLabel('system')).toBe('platform');
    expect(actorLabel(null)).toBeNull();
  });

  it('offers a code reset only while the order is in delivery', () => {
    expect(['pending', 'accepted', 'picked_up', 'on_the_way', 'delivered', 'cancelled'].filter((status) => canResetCode({ status }))).toEqual([
      'accepted',
      'picked_up',
      'on_the_way',
    ]);
  });
});

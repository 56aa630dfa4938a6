import { describe, expect, it } from 'vitest';
import { ALL_STATUSES, codeWords, statusLabel } from '@/lib/order-status';
import { describeTimelineEntry } from '@/features/admin/utils/admin-orders';

describe('status words', () => {
  it('labels every status people see, never the raw code', () => {
    expect(ALL_STATUSES.map(statusLabel)).toEqual(['Placed', 'Accepted', 'Picked up', 'On the way', 'Delivered', 'Cancelled']);
    for (const label of ALL_STATUSES.map(statusLabel)) expect(label).not.toMatch(/_/);
  });

  it('spells out codes it does not know yet', () => {
    expect(statusLabel('ready_for_pickup')).toBe('Ready for pickup');
    expect(codeWords('order.picking_started')).toBe('Order picking started');
    expect(statusLabel('')).toBe('Unknown');
  });

  it('words the store’s picking steps on the admin timeline', () => {
    expect(describeTimelineEntry('order.picking_started', {})).toBe('Picking started');
    expect(describeTimelineEntry('order.line_picked', { name: 'Milk 1 L' })).toBe('Picked Milk 1 L');
    expect(describeTimelineEntry('order.line_short', { name: 'Eggs' })).toBe('Eggs is short');
    expect(describeTimelineEntry('order.packed', {})).toBe('Packed');
    for (const type of ['order.substitution_proposed', 'order.substituted', 'order.substitution_rejected']) {
      expect(describeTimelineEntry(type, null)).not.toMatch(/_|order\./);
    }
  });
});

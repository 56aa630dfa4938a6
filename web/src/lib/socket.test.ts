import { describe, expect, it, vi } from 'vitest';
import { realtime } from '@/lib/socket';
import type { OrderUpdate } from '@/lib/order-sync';
import type { OrderEventView } from '@/types/models';

const ev = (seq: number, type: string, data: Record<string, unknown>): OrderEventView => ({
  orderId: 'order-1',
  seq,
  type,
  data,
  at: `2026-01-01T00:00:${String(seq).padStart(2, '0')}Z`,
});

describe('realtime order tracking', () => {
  it('applies live events once, and fetches what a gap missed, in order', async () => {
    const received: OrderUpdate[][] = [];
    const fetchMissed = vi.fn(async (_orderId: string, after: number) => {
      expect(after).toBe(3);
      // Out of order and with duplicates, as a slow network might give them.
      return [
        ev(6, 'order.delivered', { status: 'delivered' }),
        ev(4, 'order.status_updated', { status: 'on_the_way' }),
        ev(3, 'order.status_updated', { status: 'picked_up' }),
        ev(5, 'order.cancelled', { reason: 'x' }),
        ev(4, 'order.status_updated', { status: 'on_the_way' }),
      ];
    });
    const stop = realtime.trackOrder('order-1', 2, (u) => received.push(u), fetchMissed);

    realtime.receive('order:status-updated', { orderId: 'order-1', status: 'picked_up', seq: 3, at: 't3' });
    realtime.receive('order:status-updated', { orderId: 'order-1', status: 'picked_up', seq: 3, at: 't3' }); // duplicate
    realtime.receive('order:accepted', { orderId: 'order-1', seq: 2, partnerId: 'p', partnerName: 'P', at: 't2' }); // stale
    expect(received.map((batch) => batch.map((u) => u.seq))).toEqual([[3]]);

    realtime.receive('order:completed', { orderId: 'order-1', seq: 6, actualDeliveryTime: 't6' }); // gap: 4, 5 missed
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(fetchMissed).toHaveBeenCalledTimes(1);
    expect(received[1].map((u) => [u.seq, u.status])).toEqual([
      [4, 'on_the_way'],
      [5, 'cancelled'],
      [6, 'delivered'],
    ]);

    // The live copy of an event already fetched is dropped.
    realtime.receive('order:status-updated', { orderId: 'order-1', status: 'delivered', seq: 6, at: 't6' });
    expect(received).toHaveLength(2);
    stop();
  });

  it('fetches again when events arrive during a catch-up, and ignores untracked orders', async () => {
    const received: number[] = [];
    let calls = 0;
    const fetchMissed = vi.fn(async (_id: string, after: number) => {
      calls += 1;
      if (calls === 1) {
        // While this fetch is in flight, seq 3 arrives live.
        realtime.receive('order:status-updated', { orderId: 'order-2', status: 'on_the_way', seq: 3, at: 't' });
        return [{ ...ev(2, 'order.status_updated', { status: 'picked_up' }), orderId: 'order-2' }];
      }
      expect(after).toBe(2);
      return [{ ...ev(3, 'order.status_updated', { status: 'on_the_way' }), orderId: 'order-2' }];
    });
    const stop = realtime.trackOrder('order-2', 1, (u) => received.push(...u.map((x) => x.seq)), fetchMissed);
    await realtime.resync('order-2');
    expect(received).toEqual([2, 3]);
    expect(fetchMissed).toHaveBeenCalledTimes(2);

    realtime.receive('order:status-updated', { orderId: 'not-tracked', status: 'picked_up', seq: 9, at: 't' });
    expect(received).toEqual([2, 3]);
    stop();
  });

  it('routes code-locked and code-reset through the seq tracker: the next event is no gap', async () => {
    const received: OrderUpdate[] = [];
    const fetchMissed = vi.fn(async () => [] as OrderEventView[]);
    const stop = realtime.trackOrder('order-3', 5, (u) => received.push(...u), fetchMissed);

    realtime.receive('order:code-locked', { orderId: 'order-3', seq: 6, at: 't6' });
    realtime.receive('order:code-reset', { orderId: 'order-3', seq: 7, at: 't7', confirmationCode: '4321' });
    realtime.receive('order:status-updated', { orderId: 'order-3', status: 'delivered', seq: 8, at: 't8' });
    await Promise.resolve();

    expect(received.map((u) => [u.seq, u.type])).toEqual([
      [6, 'code_locked'],
      [7, 'code_reset'],
      [8, 'delivered'],
    ]);
    expect(received[1].confirmationCode).toBe('4321');
    expect(fetchMissed).not.toHaveBeenCalled();
    stop();
  });

  it('catches up a missed code reset from the timeline like any other change', async () => {
    const received: OrderUpdate[] = [];
    const fetchMissed = vi.fn(async () => [
      { ...ev(6, 'order.code_locked', { attempts: 5 }), orderId: 'order-4' },
      { ...ev(7, 'order.code_reset', { reason: 'Customer called' }), orderId: 'order-4' },
    ]);
    const stop = realtime.trackOrder('order-4', 5, (u) => received.push(...u), fetchMissed);
    // seq 7 live while 6 was missed: a gap, fetched once, applied in order.
    realtime.receive('order:code-reset', { orderId: 'order-4', seq: 7, at: 't7', confirmationCode: '4321' });
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received.map((u) => u.type)).toEqual(['code_locked', 'code_reset']);
    expect(fetchMissed).toHaveBeenCalledTimes(1);
    stop();
  });

  it('passes events to plain listeners and stops after unsubscribe', () => {
    const seen: string[] = [];
    const off = realtime.on('order:taken', (p) => seen.push(p.orderId));
    realtime.receive('order:taken', { orderId: 'a' });
    off();
    realtime.receive('order:taken', { orderId: 'b' });
    expect(seen).toEqual(['a']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  applyOrderUpdate,
  applyOrderUpdates,
  classifySeq,
  fromSocketEvent,
  fromTimelineEvent,
  planResync,
  type OrderLike,
  type OrderUpdate,
} from '@/lib/order-sync';

const order = (status: string, lastSeq: number): OrderLike => ({ id: 'o1', status, lastSeq, partner: null });
const upd = (seq: number, status: string | null, type: OrderUpdate['type'] = 'status'): OrderUpdate => ({
  orderId: 'o1',
  seq,
  type,
  status,
  at: `2026-01-01T00:00:0${seq}Z`,
});

describe('seq handling', () => {
  it('classifies live events against the last applied seq', () => {
    expect(classifySeq(3, 2)).toBe('duplicate');
    expect(classifySeq(3, 3)).toBe('duplicate');
    expect(classifySeq(3, 4)).toBe('next');
    expect(classifySeq(3, 6)).toBe('gap');
  });

  it('plans a resync: newer than last seq, ascending, each seq once', () => {
    const fetched = [upd(5, 'on_the_way'), upd(3, 'picked_up'), upd(2, 'accepted'), upd(4, 'x'), upd(5, 'dup')];
    const plan = planResync(2, fetched);
    expect(plan.apply.map((u) => u.seq)).toEqual([3, 4, 5]);
    expect(plan.apply[2].status).toBe('on_the_way');
    expect(plan.lastSeq).toBe(5);
    expect(planResync(9, fetched)).toEqual({ apply: [], lastSeq: 9 });
  });

  it('applies fetched events in order and drops duplicates and stale ones', () => {
    const start = order('accepted', 2);
    const result = applyOrderUpdates(start, [upd(4, 'on_the_way'), upd(2, 'pending'), upd(3, 'picked_up'), upd(3, 'picked_up')]);
    expect(result.status).toBe('on_the_way');
    expect(result.lastSeq).toBe(4);
    expect(result.pickedUpAt).toBe('2026-01-01T00:00:03Z');
    expect(result.onTheWayAt).toBe('2026-01-01T00:00:04Z');
  });
});

describe('order status updates', () => {
  it('ignores updates that are not newer or for another order', () => {
    const o = order('picked_up', 3);
    expect(applyOrderUpdate(o, upd(3, 'accepted'))).toBe(o);
    expect(applyOrderUpdate(o, { ...upd(4, 'on_the_way'), orderId: 'other' })).toBe(o);
  });

  it('sets the partner on acceptance and keeps a later status on reassignment', () => {
    const accepted = applyOrderUpdate(order('pending', 1), {
      ...upd(2, null, 'accepted'),
      partner: { id: 'p1', name: 'Ravi' },
    });
    expect(accepted).toMatchObject({ status: 'accepted', partner: { id: 'p1', name: 'Ravi' }, lastSeq: 2 });
    const reassigned = applyOrderUpdate(order('picked_up', 4), { ...upd(5, null, 'accepted'), partner: { id: 'p2', name: 'Sana' } });
    expect(reassigned).toMatchObject({ status: 'picked_up', partner: { id: 'p2', name: 'Sana' } });
  });

  it('clears the partner when an order goes back to pending, and records cancellation', () => {
    const back = applyOrderUpdate({ ...order('accepted', 2), partner: { id: 'p', name: 'P' } }, upd(3, 'pending', 'other'));
    expect(back).toMatchObject({ status: 'pending', partner: null });
    const cancelled = applyOrderUpdate(order('pending', 1), { ...upd(2, 'cancelled', 'cancelled'), reason: 'Out of area' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'Out of area', cancelledAt: '2026-01-01T00:00:02Z' });
  });

  it('maps socket events and timeline entries to the same updates', () => {
    expect(fromSocketEvent('order:status-updated', { orderId: 'o1', status: 'picked_up', seq: 3, at: 't' })).toMatchObject({
      type: 'status',
      status: 'picked_up',
      seq: 3,
    });
    expect(fromSocketEvent('order:completed', { orderId: 'o1', seq: 5, actualDeliveryTime: 't5' })).toMatchObject({
      type: 'delivered',
      status: 'delivered',
      at: 't5',
    });
    expect(fromSocketEvent('order:accepted', { orderId: 'o1', seq: 2, partnerId: 'p', partnerName: 'Ravi', at: 't' })?.partner).toEqual({
      id: 'p',
      name: 'Ravi',
    });
    expect(fromSocketEvent('order:status-updated', { orderId: 'o1' })).toBeNull();
    expect(fromSocketEvent('order:taken', { orderId: 'o1', seq: 1 })).toBeNull();

    const fromTimeline = fromTimelineEvent({
      orderId: 'o1',
      seq: 2,
      type: 'order.accepted',
      data: { partnerId: 'p', partnerName: 'Ravi', status: 'accepted' },
      actorRole: 'delivery',
      at: 't2',
    });
    expect(fromTimeline).toMatchObject({ type: 'accepted', status: 'accepted', partner: { id: 'p', name: 'Ravi' } });
    expect(fromTimelineEvent({ orderId: 'o1', seq: 5, type: 'order.delivered', data: { actualDeliveryTime: 'd' }, at: 't5' })).toMatchObject({
      status: 'delivered',
      at: 'd',
    });
    expect(fromTimelineEvent({ orderId: 'o1', seq: 3, type: 'order.unassigned', data: { status: 'pending' }, at: 't' }).status).toBe('pending');
  });
});

describe('delivery code lock and reset', () => {
  const live = { ...order('on_the_way', 5), codeLocked: false, confirmationCode: '1111' };

  it('maps the code events and timeline entries to seq-carrying updates', () => {
    expect(fromSocketEvent('order:code-locked', { orderId: 'o1', seq: 6, at: 't6' })).toEqual({
      orderId: 'o1',
      seq: 6,
      at: 't6',
      type: 'code_locked',
      status: null,
    });
    expect(fromSocketEvent('order:code-reset', { orderId: 'o1', seq: 7, at: 't7', confirmationCode: '4321' })).toMatchObject({
      type: 'code_reset',
      seq: 7,
      status: null,
      confirmationCode: '4321',
    });
    // The partner's and admins' copy carries no code.
    expect(fromSocketEvent('order:code-reset', { orderId: 'o1', seq: 7, at: 't7' })?.confirmationCode).toBeNull();
    expect(fromTimelineEvent({ orderId: 'o1', seq: 6, type: 'order.code_locked', data: { attempts: 5 }, actorRole: 'delivery', at: 't6' })).toMatchObject({
      type: 'code_locked',
      status: null,
    });
    expect(fromTimelineEvent({ orderId: 'o1', seq: 7, type: 'order.code_reset', data: { reason: 'Customer called' }, actorRole: 'admin', at: 't7' })).toMatchObject({
      type: 'code_reset',
      status: null,
      reason: 'Customer called',
    });
  });

  it('locks, then resets with the new code, without touching the status', () => {
    const locked = applyOrderUpdate(live, fromSocketEvent('order:code-locked', { orderId: 'o1', seq: 6, at: 't6' })!);
    expect(locked).toMatchObject({ status: 'on_the_way', codeLocked: true, lastSeq: 6, confirmationCode: '1111' });
    const reset = applyOrderUpdate(locked, fromSocketEvent('order:code-reset', { orderId: 'o1', seq: 7, at: 't7', confirmationCode: '4321' })!);
    expect(reset).toMatchObject({ status: 'on_the_way', codeLocked: false, lastSeq: 7, confirmationCode: '4321' });
    // A reset without a code (caught up from the timeline) unlocks and keeps what is known.
    const caughtUp = applyOrderUpdate(locked, { orderId: 'o1', seq: 7, type: 'code_reset', status: null, at: 't7' });
    expect(caughtUp).toMatchObject({ codeLocked: false, confirmationCode: '1111', lastSeq: 7 });
  });

  it('counts the code events in the seq, so the next status update is not a gap', () => {
    let lastSeq = 5;
    for (const [event, payload] of [
      ['order:code-locked', { orderId: 'o1', seq: 6, at: 't' }],
      ['order:code-reset', { orderId: 'o1', seq: 7, at: 't' }],
      ['order:status-updated', { orderId: 'o1', seq: 8, status: 'delivered', at: 't' }],
    ] as const) {
      const update = fromSocketEvent(event, payload)!;
      expect(classifySeq(lastSeq, update.seq)).toBe('next');
      lastSeq = update.seq;
    }
  });

  it('records a platform cancellation for lack of riders as its code', () => {
    const cancelled = applyOrderUpdate(order('pending', 1), fromSocketEvent('order:cancelled', {
      orderId: 'o1',
      seq: 2,
      reason: 'no_partner_available',
      by: 'system',
    })!);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'no_partner_available' });
  });
});

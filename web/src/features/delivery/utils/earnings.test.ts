import { describe, expect, it } from 'vitest';
import { earningsByDay } from '@/features/delivery/utils/earnings';

describe('earnings by day', () => {
  it('sums payouts per local day for the last N days, zero-filled, oldest first', () => {
    const today = new Date(2026, 10, 27, 15, 0, 0);
    const at = (d: number, h: number) => new Date(2026, 10, d, h, 30).toISOString();
    const days = earningsByDay(
      [
        { orderId: '1', orderNumber: 'A', payout: 5000, deliveredAt: at(27, 10) },
        { orderId: '2', orderNumber: 'B', payout: 2500, deliveredAt: at(27, 12) },
        { orderId: '3', orderNumber: 'C', payout: 4000, deliveredAt: at(25, 9) },
        { orderId: '4', orderNumber: 'D', payout: 9999, deliveredAt: at(1, 9) },
      ],
      7,
      today,
    );
    expect(days).toHaveLength(7);
    expect(days[6]).toMatchObject({ date: '2026-11-27', payout: 7500, deliveries: 2 });
    expect(days[4]).toMatchObject({ date: '2026-11-25', payout: 4000, deliveries: 1 });
    expect(days[0].date).toBe('2026-11-21');
    expect(days.reduce((s, d) => s + d.payout, 0)).toBe(11500);
  });
});

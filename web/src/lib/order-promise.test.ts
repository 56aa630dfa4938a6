import { describe, expect, it } from 'vitest';
import { promiseInfo } from '@/lib/order-promise';

const at = (iso: string) => Date.parse(iso);
const base = { status: 'accepted', promisedAt: '2026-01-01T09:20:00Z', promisedMinutes: 18, late: false, deliveredAt: null };

describe('the promise against the clock', () => {
  it('is on time, then at risk in its last 5 minutes, then late once past it', () => {
    expect(promiseInfo(base, at('2026-01-01T09:05:00Z'))).toMatchObject({ status: 'on_time', lateMinutes: 0 });
    expect(promiseInfo(base, at('2026-01-01T09:05:00Z'))?.text).toMatch(/^Arriving by .*:20.* · promised 18 min$/);
    expect(promiseInfo(base, at('2026-01-01T09:16:00Z'))?.status).toBe('at_risk');
    expect(promiseInfo(base, at('2026-01-01T09:23:10Z'))).toMatchObject({ status: 'late', lateMinutes: 4 });
    expect(promiseInfo(base, at('2026-01-01T09:23:10Z'))?.text).toMatch(/^Running late: promised by/);
  });
  it("keeps the server's late flag, and judges delivered orders by their delivery time", () => {
    expect(promiseInfo({ ...base, late: true }, at('2026-01-01T09:00:00Z'))?.status).toBe('late');
    expect(promiseInfo({ ...base, status: 'delivered', deliveredAt: '2026-01-01T09:19:00Z' }, at('2026-01-01T10:00:00Z'))).toMatchObject({
      status: 'on_time',
    });
    const late = promiseInfo({ ...base, status: 'delivered', deliveredAt: '2026-01-01T09:26:30Z', late: true });
    expect(late).toMatchObject({ status: 'late', lateMinutes: 7 });
    expect(late?.text).toMatch(/^Delivered 7 min after the promised/);
  });
  it('says nothing without a promise, or for a cancelled order', () => {
    expect(promiseInfo({ ...base, promisedAt: null })).toBeNull();
    expect(promiseInfo({ ...base, status: 'cancelled' })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { lastSentText, outcomeStillTrue } from '@/features/delivery/utils/partner-texts';

describe('partner texts', () => {
  const got = { severity: 'success', text: 'You got QC-1. Head to the store.', orderId: 'o1' };

  it('keeps "head to the store" only while the order waits for pickup', () => {
    expect(outcomeStillTrue(got, [{ id: 'o1', status: 'accepted' }])).toBe(got);
    for (const status of ['picked_up', 'on_the_way']) expect(outcomeStillTrue(got, [{ id: 'o1', status }])).toBeNull();
    // Delivered or cancelled: gone from the active list.
    expect(outcomeStillTrue(got, [])).toBeNull();
    expect(outcomeStillTrue(got, [{ id: 'o2', status: 'accepted' }])).toBeNull();
  });

  it('keeps outcomes that are about no order', () => {
    const taken: { severity: string; text: string; orderId?: string } = { severity: 'warning', text: 'Another partner took QC-2.' };
    expect(outcomeStillTrue(taken, [])).toBe(taken);
    expect(outcomeStillTrue(null, [])).toBeNull();
  });

  it('says when the position went out, not where', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(lastSentText(now - 2000, now)).toBe('Last sent just now.');
    expect(lastSentText(now - 25_000, now)).toBe('Last sent 25 s ago.');
    expect(lastSentText(now - 600_000, now)).toMatch(/^Last sent at \d{1,2}:\d{2}\s?[ap]m\.$/i);
    expect(lastSentText(now - 2000, now)).not.toMatch(/\d+\.\d{3,}/);
  });
});

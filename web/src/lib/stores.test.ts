import { describe, expect, it } from 'vitest';
import { nearestStores, promiseMinutesText, storeStateColor, storeStateLabel } from '@/lib/stores';
import { formatClock } from '@/lib/format';

const store = (code: string, lat: number, lng: number) => ({ id: code, name: code, code, location: { lat, lng }, state: 'open' });

describe('stores', () => {
  it('orders stores by distance from a point', () => {
    const list = nearestStores([store('LPL', 18.9953, 72.8302), store('ADW', 19.1364, 72.8296), store('BDW', 19.0596, 72.8295)], {
      lat: 19.09,
      lng: 72.84,
    });
    expect(list.map((s) => s.store.code)).toEqual(['BDW', 'ADW', 'LPL']);
    expect(list[0].meters).toBeGreaterThan(3000);
    expect(list[0].meters).toBeLessThan(4000);
  });
  it('names states and promises', () => {
    expect(storeStateLabel('busy')).toBe('Very busy');
    expect(storeStateLabel('nonsense')).toBe('Unknown');
    expect(storeStateColor('open')).toBe('success');
    expect(promiseMinutesText({ minutes: 18 })).toBe('18 min');
    expect(promiseMinutesText(null)).toBeNull();
    expect(formatClock('2026-01-01T09:02:00Z')).toMatch(/\d{1,2}:02/);
    expect(formatClock(null)).toBe('—');
  });
});

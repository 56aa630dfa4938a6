import { describe, expect, it } from 'vitest';
import {
  buildStoreRequest,
  dispatchModeOf,
  emptyForm,
  formFromStore,
  hoursOf,
  hoursSummary,
  parseZipCodes,
  zoneFromPolygons,
  zoneOf,
  zoneStats,
} from '@/features/admin/utils/store-form';
import type { AdminStore, LngLat } from '@/types/admin';

const ring: LngLat[] = [
  [72.815, 19.1],
  [72.855, 19.1],
  [72.875, 19.125],
  [72.815, 19.1],
];
const hole: LngLat[] = [
  [72.83, 19.105],
  [72.84, 19.105],
  [72.835, 19.11],
  [72.83, 19.105],
];

const store: AdminStore = {
  id: 's1',
  code: 'ADW',
  name: 'Andheri West',
  address: '7 Lokhandwala',
  location: { lat: 19.1364, lng: 72.8296 },
  zone: { type: 'Polygon', coordinates: [ring] },
  zipCodes: ['400053', '400058'],
  timezone: 'Asia/Kolkata',
  hours: { mon: [{ open: '06:00', close: '01:00' }], tue: [{ open: '00:00', close: '24:00' }], bogus: 1 },
  paused: false,
  settings: { maxPromiseMinutes: 45, junk: 'x' },
  state: 'open',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('store form', () => {
  it('reads free-form hours, settings and zones safely', () => {
    const week = hoursOf(store.hours);
    expect(week.mon).toEqual([{ open: '06:00', close: '01:00' }]);
    expect(week.wed).toEqual([]);
    expect(hoursOf('nonsense').sun).toEqual([]);
    expect(zoneOf({ type: 'Point', coordinates: [1, 2] })).toBeNull();
    expect(zoneOf(store.zone)).toEqual({ type: 'Polygon', coordinates: [ring] });
    const form = formFromStore(store);
    expect(form.settings.maxPromiseMinutes).toBe('45');
    expect(form.settings.pickCapacity).toBe('');
    expect(form.zipCodes).toBe('400053, 400058');
  });

  it('summarises opening hours', () => {
    expect(hoursSummary(Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]])))).toBe('Open 24 h');
    expect(hoursSummary(Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '06:00', close: '01:00' }]])))).toBe(
      '06:00–01:00 every day',
    );
    const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '07:00', close: '23:00' }]]));
    expect(hoursSummary(weekdays)).toBe('Mon–Fri 07:00–23:00 · Sat–Sun closed');
  });

  it('joins and splits zone polygons (longitude first, holes kept)', () => {
    expect(zoneFromPolygons([])).toBeNull();
    expect(zoneFromPolygons([[ring, hole]])).toEqual({ type: 'Polygon', coordinates: [ring, hole] });
    const multi = zoneFromPolygons([[ring], [ring, hole]]);
    expect(multi?.type).toBe('MultiPolygon');
    expect(zoneStats(multi)).toEqual({ polygons: 2, holes: 1, vertices: 9 });
  });

  it('parses PIN codes', () => {
    expect(parseZipCodes(' 400050, 400052;400050\n400053 ')).toEqual(['400050', '400052', '400053']);
  });

  it('checks the form like the server and builds the request', () => {
    const blank = buildStoreRequest(emptyForm(null), true);
    expect(blank.request).toBeNull();
    expect(Object.keys(blank.errors).sort()).toEqual(['code', 'location', 'name', 'zone']);

    const form = { ...emptyForm({ lat: 19.2, lng: 72.85 }), code: 'mlD', name: ' Malad ', zipCodes: '400064' };
    form.hours.sun = [];
    form.hours.mon = [{ open: '07:00', close: '07:00' }];
    form.settings.pickCapacity = '2.5';
    const bad = buildStoreRequest(form, true);
    expect(bad.errors['hours.mon']).toMatch(/same/);
    expect(bad.errors['settings.pickCapacity']).toMatch(/whole number/);

    form.hours.mon = [{ open: '07:00', close: '01:00' }];
    form.settings.pickCapacity = '3';
    const ok = buildStoreRequest(form, true);
    expect(ok.errors).toEqual({});
    expect(ok.request).toMatchObject({
      code: 'MLD',
      name: 'Malad',
      location: { lat: 19.2, lng: 72.85 },
      zone: null,
      zipCodes: ['400064'],
      settings: { pickCapacity: 3 },
    });
    expect(ok.request?.hours).not.toHaveProperty('sun');
    // An update never sends the code.
    expect(buildStoreRequest(formFromStore(store), false).request).not.toHaveProperty('code');
  });

  it('reads and sends the dispatch settings: mode, offer timeout, rounds', () => {
    expect(dispatchModeOf({ dispatchMode: 'auto' })).toBe('auto');
    expect(dispatchModeOf({})).toBe('broadcast');
    expect(dispatchModeOf(null)).toBe('broadcast');
    const auto = { ...store, settings: { dispatchMode: 'auto', offerTimeoutSecs: 15, maxOfferRounds: 3 } };
    const form = formFromStore(auto);
    expect(form.dispatchMode).toBe('auto');
    expect(form.settings.offerTimeoutSecs).toBe('15');
    expect(buildStoreRequest(form, false).request?.settings).toEqual({ dispatchMode: 'auto', offerTimeoutSecs: 15, maxOfferRounds: 3 });

    form.dispatchMode = 'broadcast';
    form.settings.offerTimeoutSecs = '0';
    form.settings.maxOfferRounds = '2.5';
    const bad = buildStoreRequest(form, false);
    expect(bad.errors['settings.offerTimeoutSecs']).toMatch(/1 to 600/);
    expect(bad.errors['settings.maxOfferRounds']).toMatch(/whole number from 1 to 50/);
    form.settings.offerTimeoutSecs = '';
    form.settings.maxOfferRounds = '';
    expect(buildStoreRequest(form, false).request?.settings).toEqual({ dispatchMode: 'broadcast' });
  });
});

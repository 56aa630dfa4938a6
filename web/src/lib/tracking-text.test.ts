import { describe, expect, it } from 'vitest';
import { DEFAULT_RIDER_SPEED_MPS, etaSecondsFor, liveArrival, riderWhereText, speedFromTracking } from '@/lib/tracking-text';

const home = { lat: 19.072, lng: 72.851 };
const store = { lat: 19.0596, lng: 72.8295 };

describe('arrival from the rider’s position', () => {
  it('counts like the server', () => {
    expect(etaSecondsFor(10, DEFAULT_RIDER_SPEED_MPS)).toBe(0);
    expect(etaSecondsFor(50, DEFAULT_RIDER_SPEED_MPS)).toBe(60);
    expect(etaSecondsFor(5000, DEFAULT_RIDER_SPEED_MPS)).toBe(900);
  });

  it('reads the speed from the server’s figures, else 20 km/h', () => {
    expect(speedFromTracking({ distanceMeters: 3000, etaSeconds: 360 })).toBeCloseTo(8.33, 1);
    expect(speedFromTracking({ distanceMeters: 200, etaSeconds: 60 })).toBe(DEFAULT_RIDER_SPEED_MPS);
    expect(speedFromTracking(null)).toBe(DEFAULT_RIDER_SPEED_MPS);
  });

  it('follows the same position as the marker once picked up', () => {
    const tracking = { distanceMeters: 2600, etaSeconds: 468 };
    const far = liveArrival({ status: 'on_the_way', rider: store, destination: home, tracking });
    const near = liveArrival({ status: 'on_the_way', rider: { lat: 19.0715, lng: 72.8505 }, destination: home, tracking });
    expect(far.distanceMeters).toBeGreaterThan(2500);
    expect(near.distanceMeters).toBeLessThan(100);
    expect(near.etaSeconds).toBe(60);
    expect(far.etaSeconds!).toBeGreaterThan(near.etaSeconds!);
  });

  it('keeps the server’s figures before pickup, and none once finished', () => {
    const tracking = { distanceMeters: 2600, etaSeconds: 468 };
    expect(liveArrival({ status: 'accepted', rider: home, destination: home, tracking })).toEqual({ distanceMeters: 2600, etaSeconds: 468 });
    expect(liveArrival({ status: 'delivered', rider: home, destination: home, tracking })).toEqual({ distanceMeters: null, etaSeconds: null });
  });
});

describe('where the rider is, in words', () => {
  it('never shows coordinates', () => {
    const texts = [
      riderWhereText('on_the_way', store, home),
      riderWhereText('on_the_way', { lat: 19.07195, lng: 72.85095 }, home),
      riderWhereText('accepted', store, home, store),
      riderWhereText('accepted', home, home, store),
      riderWhereText('picked_up', store, null),
      riderWhereText('picked_up', null, home),
    ];
    expect(texts).toEqual([
      'Rider 2.6 km away',
      'Rider has arrived',
      'Rider at the store',
      'Rider on the way to the store',
      'Rider on the way',
      'Waiting for the rider’s position',
    ]);
    for (const t of texts) expect(t).not.toMatch(/\d+\.\d{3,}/);
  });
});

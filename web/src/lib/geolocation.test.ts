import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchGps } from '@/lib/geolocation';

type Success = (p: { coords: { latitude: number; longitude: number } }) => void;

function fakeGeolocation() {
  const watches = new Map<number, Success>();
  let next = 1;
  const geolocation = {
    watchPosition: vi.fn((ok: Success) => {
      watches.set(next, ok);
      return next++;
    }),
    clearWatch: vi.fn((id: number) => watches.delete(id)),
  };
  vi.stubGlobal('navigator', { geolocation });
  return {
    geolocation,
    move: (lat: number, lng: number) => watches.forEach((ok) => ok({ coords: { latitude: lat, longitude: lng } })),
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('one shared GPS watch', () => {
  it('opens one watch for every subscriber and gives a late one the last fix at once', async () => {
    const gps = fakeGeolocation();
    const first: number[] = [];
    const second: number[] = [];
    const stopFirst = watchGps((f) => first.push(f.lat), () => undefined);
    gps.move(19.06, 72.83);
    const stopSecond = watchGps((f) => second.push(f.lat), () => undefined);
    await Promise.resolve();
    expect(gps.geolocation.watchPosition).toHaveBeenCalledTimes(1);
    expect(second).toEqual([19.06]);
    gps.move(19.07, 72.83);
    expect(first).toEqual([19.06, 19.07]);
    expect(second).toEqual([19.06, 19.07]);
    stopFirst();
    expect(gps.geolocation.clearWatch).not.toHaveBeenCalled();
    stopSecond();
    expect(gps.geolocation.clearWatch).toHaveBeenCalledTimes(1);
  });

  it('says when the browser has no GPS', () => {
    vi.stubGlobal('navigator', {});
    const errors: string[] = [];
    watchGps(() => undefined, (e) => errors.push(e.code));
    expect(errors).toEqual(['unavailable']);
  });
});

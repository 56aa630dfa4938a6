/**
 * One browser GPS watch per page, shared by everything that needs the device's position
 * (a partner's idle position for dispatch, the live position of an active delivery). A
 * second `watchPosition` in the same page may not hear of a fix until the device moves,
 * so subscribers share one watch and a new one is given the last fix at once.
 */
export interface GpsFix {
  lat: number;
  lng: number;
  at: number;
}
export interface GpsError {
  /** `denied`: permission refused; `unavailable`: no GPS in this browser; `error`: no fix. */
  code: 'denied' | 'unavailable' | 'error';
  message: string;
}

interface Subscriber {
  onFix: (fix: GpsFix) => void;
  onError: (error: GpsError) => void;
}

const subscribers = new Set<Subscriber>();
let watchId: number | null = null;
let last: GpsFix | null = null;
let lastError: GpsError | null = null;

function start(): void {
  watchId = navigator.geolocation.watchPosition(
    (p) => {
      last = { lat: p.coords.latitude, lng: p.coords.longitude, at: Date.now() };
      lastError = null;
      for (const s of [...subscribers]) s.onFix(last);
    },
    (err) => {
      lastError =
        err.code === err.PERMISSION_DENIED
          ? { code: 'denied', message: 'Location permission was denied.' }
          : { code: 'error', message: err.message || 'No GPS fix.' };
      for (const s of [...subscribers]) s.onError(lastError);
    },
    { enableHighAccuracy: true, maximumAge: 1000, timeout: 30000 },
  );
}

/** Follow the device's position until the returned function is called. */
export function watchGps(onFix: (fix: GpsFix) => void, onError: (error: GpsError) => void): () => void {
  if (typeof navigator === 'undefined' || !('geolocation' in navigator)) {
    onError({ code: 'unavailable', message: 'This device has no GPS.' });
    return () => undefined;
  }
  const subscriber: Subscriber = { onFix, onError };
  subscribers.add(subscriber);
  if (watchId === null) start();
  else if (last) {
    const fix = last;
    queueMicrotask(() => subscribers.has(subscriber) && onFix(fix));
  } else if (lastError) {
    const error = lastError;
    queueMicrotask(() => subscribers.has(subscriber) && onError(error));
  }
  return () => {
    subscribers.delete(subscriber);
    if (subscribers.size === 0 && watchId !== null) {
      navigator.geolocation.clearWatch(watchId);
      watchId = null;
      last = null;
      lastError = null;
    }
  };
}

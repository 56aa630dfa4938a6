/**
 * The customer's arrival line and the rider's marker from one position: when a rider's
 * position comes in, the ETA and distance are worked out from it at once (as the server
 * does: distance to the address over the rider speed), so the text never lags the marker
 * by one move. Before pickup the server's figures (from the store) stand.
 */
import { distanceMeters, type Point } from '@/lib/geo';
import { formatDistance } from '@/lib/format';

/** The server's default (`QC_RIDER_SPEED_KMH` 20) in metres a second, when tracking gives no better. */
export const DEFAULT_RIDER_SPEED_MPS = 20 / 3.6;

/** Seconds to cover a distance, as the server counts them: 0 when there, else at least a minute. */
export function etaSecondsFor(distance: number, speedMps: number): number {
  if (distance < 30) return 0;
  return Math.max(60, Math.ceil(distance / Math.max(speedMps, 0.3)));
}

/** The speed the server's ETA implies (its distance over its ETA), when it can be read from them. */
export function speedFromTracking(tracking: { distanceMeters?: number | null; etaSeconds?: number | null } | null | undefined): number {
  const d = tracking?.distanceMeters;
  const eta = tracking?.etaSeconds;
  // Under a minute the server rounds up to one: no speed can be read from that.
  if (d == null || eta == null || eta <= 60 || d < 30) return DEFAULT_RIDER_SPEED_MPS;
  const speed = d / eta;
  return Number.isFinite(speed) && speed > 0.5 && speed < 40 ? speed : DEFAULT_RIDER_SPEED_MPS;
}

export interface Arrival {
  distanceMeters: number | null;
  etaSeconds: number | null;
}

/**
 * Distance and ETA now: from the rider's position once the order is picked up (the rider
 * rides to the address), else the server's.
 */
export function liveArrival(input: {
  status: string;
  rider: Point | null | undefined;
  destination: Point | null | undefined;
  tracking: { distanceMeters?: number | null; etaSeconds?: number | null } | null | undefined;
}): Arrival {
  const { status, rider, destination, tracking } = input;
  if (status === 'delivered' || status === 'cancelled') return { distanceMeters: null, etaSeconds: null };
  if ((status === 'picked_up' || status === 'on_the_way') && rider && destination) {
    const d = distanceMeters(rider, destination);
    return { distanceMeters: Math.round(d), etaSeconds: etaSecondsFor(d, speedFromTracking(tracking)) };
  }
  return { distanceMeters: tracking?.distanceMeters ?? null, etaSeconds: tracking?.etaSeconds ?? null };
}

/** Where the rider is, in words (never coordinates). */
export function riderWhereText(status: string, rider: Point | null | undefined, destination: Point | null | undefined, store?: Point | null): string {
  if (!rider) return 'Waiting for the rider’s position';
  if (status === 'accepted') {
    if (store && distanceMeters(rider, store) < 100) return 'Rider at the store';
    return 'Rider on the way to the store';
  }
  if (!destination) return 'Rider on the way';
  const d = distanceMeters(rider, destination);
  if (d < 50) return 'Rider has arrived';
  return `Rider ${formatDistance(d)} away`;
}

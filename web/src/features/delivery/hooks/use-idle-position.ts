/**
 * While the partner is available, tell the server where they are every few seconds
 * (`delivery:location-update` without an order, or `PUT /api/delivery/location`): auto
 * dispatch offers orders only to riders whose position is fresher than 2 minutes, and
 * admins see idle riders on the map.
 *
 * The position comes from the browser's GPS. When the device has none, or permission is
 * refused, a simulated position near the home store is sent instead — and the screen
 * says so (`simulated`), so nobody mistakes it for a real fix. A fix the active-order
 * sharing just sent (`latest`) is reused, so the two never disagree.
 */
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '@/lib/api-client';
import { storesApi } from '@/lib/stores';
import { watchGps } from '@/lib/geolocation';
import type { Point } from '@/lib/geo';
import { deliveryApi } from '@/features/delivery/api/delivery-api';

export type IdleStatus = 'off' | 'waiting' | 'gps' | 'simulated';

/** How often the position is sent while available (the server keeps it fresh for 2 minutes). */
export const IDLE_SEND_MS = 10_000;
/**
 * Refusals not worth a word on screen: the next position goes in a few seconds and the
 * last one stays fresh for two minutes (`overloaded`: the server is shedding idle
 * positions to keep deliveries moving).
 */
export const QUIET_REFUSALS = new Set(['too_many_requests', 'implausible_location', 'overloaded']);
/** A simulated position sits this far north-east of the home store (~150 m). */
const SIMULATED_OFFSET = 0.001;

export function useIdlePosition(
  enabled: boolean,
  homeStoreId: string | null | undefined,
  latest: { lat: number; lng: number; at: number } | null,
) {
  const [status, setStatus] = useState<IdleStatus>('off');
  const [sentAt, setSentAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const gps = useRef<Point | null>(null);
  const simulated = useRef<Point | null>(null);
  const latestRef = useRef(latest);
  latestRef.current = latest;
  const [home, setHome] = useState<Point | null>(null);

  // Where the home store is (for the simulated position).
  useEffect(() => {
    if (!enabled || !homeStoreId) return;
    const controller = new AbortController();
    storesApi
      .list(controller.signal)
      .then((r) => {
        const store = r.stores.find((s) => s.id === homeStoreId);
        if (store) setHome({ lat: store.location.lat, lng: store.location.lng });
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [enabled, homeStoreId]);

  // The GPS (one watch per page, shared with the delivery's), or (refused / none) the simulation.
  useEffect(() => {
    if (!enabled) {
      setStatus('off');
      gps.current = null;
      return;
    }
    setStatus('waiting');
    return watchGps(
      (fix) => {
        gps.current = { lat: fix.lat, lng: fix.lng };
        setStatus('gps');
      },
      () => {
        // Refused or no fix: simulate near the home store (said on screen).
        if (!gps.current) setStatus('simulated');
      },
    );
  }, [enabled]);

  useEffect(() => {
    // Near the home store (again, when an admin moves the partner to another store).
    if (home) simulated.current = { lat: home.lat + SIMULATED_OFFSET, lng: home.lng + SIMULATED_OFFSET };
  }, [home]);

  // Send now and every IDLE_SEND_MS.
  useEffect(() => {
    if (!enabled || status === 'off' || status === 'waiting') return;
    const send = () => {
      const shared = latestRef.current;
      const point =
        shared && Date.now() - shared.at < IDLE_SEND_MS ? shared : status === 'gps' ? gps.current : simulated.current;
      if (!point) return;
      deliveryApi.sendPosition(point.lat, point.lng, (err) => {
        if (!err) {
          setSentAt(Date.now());
          setError(null);
        } else if (!QUIET_REFUSALS.has(err.code)) {
          setError(errorMessage(err));
        }
      });
    };
    send();
    const timer = setInterval(send, IDLE_SEND_MS);
    return () => clearInterval(timer);
  }, [enabled, status, home]);

  return { status, sentAt, error };
}

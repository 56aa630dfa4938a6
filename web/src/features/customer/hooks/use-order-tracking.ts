/**
 * One order, live: its status from seq-ordered events (with catch-up after a reconnect
 * or a gap, see lib/socket.ts), the rider's position, and the server's ETA.
 */
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { realtime } from '@/lib/socket';
import { applyOrderUpdates } from '@/lib/order-sync';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { ordersApi } from '@/features/customer/api/orders-api';
import { hasEarlyData, takeEarlyData } from '@/lib/api-client';
import { useAuth } from '@/lib/auth';
import type { LocationView, OrderResponse, OrderView, TrackingResponse, TrackingView } from '@/types/models';

/** The rider's last known position (same shape as the server's `LocationView`). */
export type RiderPosition = LocationView;

const TRACKING_REFRESH_MS = 5000;

/** The order and its tracking the boot script already has (scripts/boot.js), both or none. */
function earlyOrder(orderId: string, token: string | null): { order: OrderView; tracking: TrackingView } | null {
  const path = `/api/customer/orders/${encodeURIComponent(orderId)}`;
  if (!hasEarlyData(path, undefined, token) || !hasEarlyData(`${path}/tracking`, undefined, token)) return null;
  const order = takeEarlyData<OrderResponse>(path, undefined, token);
  const tracking = takeEarlyData<TrackingResponse>(`${path}/tracking`, undefined, token);
  return order && tracking && order.order.id === orderId ? { order: order.order, tracking: tracking.tracking } : null;
}

export function useOrderTracking(orderId: string) {
  const { token } = useAuth();
  const [early] = useState(() => earlyOrder(orderId, token));
  const [order, setOrder] = useState<OrderView | null>(early?.order ?? null);
  const [tracking, setTracking] = useState<TrackingView | null>(early?.tracking ?? null);
  const [rider, setRider] = useState<RiderPosition | null>(early?.tracking.location ?? null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(early === null);
  const [attempt, setAttempt] = useState(0);
  /** Support sent a new delivery code while this page was open. */
  const [codeReset, setCodeReset] = useState(false);
  const lastTrackingFetch = useRef(early ? Date.now() : 0);
  /** The order shown from the boot script's answer: not asked again at first. */
  const shownEarly = useRef(early ? orderId : null);
  const trackingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refreshTracking = useCallback(
    (force = false) => {
      const run = () => {
        lastTrackingFetch.current = Date.now();
        ordersApi
          .tracking(orderId)
          .then((res) => {
            setTracking(res.tracking);
            if (res.tracking.location) setRider((r) => r ?? res.tracking.location ?? null);
          })
          .catch(() => undefined);
      };
      const wait = TRACKING_REFRESH_MS - (Date.now() - lastTrackingFetch.current);
      if (force || wait <= 0) {
        if (trackingTimer.current) clearTimeout(trackingTimer.current);
        trackingTimer.current = null;
        run();
      } else if (!trackingTimer.current) {
        trackingTimer.current = setTimeout(() => {
          trackingTimer.current = null;
          run();
        }, wait);
      }
    },
    [orderId],
  );

  // First load.
  useEffect(() => {
    const shown = shownEarly.current;
    shownEarly.current = null;
    const stopTimer = () => {
      if (trackingTimer.current) clearTimeout(trackingTimer.current);
      trackingTimer.current = null;
    };
    if (shown === orderId && attempt === 0) return stopTimer;
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    setCodeReset(false);
    Promise.all([ordersApi.get(orderId, controller.signal), ordersApi.tracking(orderId, controller.signal)])
      .then(([o, t]) => {
        lastTrackingFetch.current = Date.now();
        // The whole page renders from this: in slices (a transition), not one long task.
        startTransition(() => {
          setOrder(o.order);
          setTracking(t.tracking);
          setRider(t.tracking.location ?? null);
          setLoading(false);
        });
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      });
    return () => {
      controller.abort();
      stopTimer();
    };
  }, [orderId, attempt]);

  // Follow its events once loaded.
  const loadedSeq = order?.id === orderId ? order.lastSeq : null;
  const isLoaded = loadedSeq !== null;
  useEffect(() => {
    if (!isLoaded || loadedSeq === null) return;
    const stop = realtime.trackOrder(orderId, loadedSeq, (updates) => {
      setOrder((current) => (current ? applyOrderUpdates(current, updates) : current));
      refreshTracking(true);
      const resets = updates.filter((u) => u.type === 'code_reset');
      if (resets.length) {
        setCodeReset(true);
        // A reset caught up from the timeline has no code: the order has it.
        if (!resets[resets.length - 1].confirmationCode) {
          ordersApi
            .get(orderId)
            .then((res) =>
              setOrder((current) =>
                current && current.id === res.order.id
                  ? { ...current, confirmationCode: res.order.confirmationCode, codeLocked: res.order.codeLocked }
                  : current,
              ),
            )
            .catch(() => undefined);
        }
      }
    });
    // Events sent between the fetch and now would otherwise wait for the next one.
    void realtime.resync(orderId);
    return stop;
    // Subscribe once per load, not on every seq change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [orderId, isLoaded]);

  useSocketEvent('delivery:location', (event) => {
    if (event.orderId !== orderId) return;
    setRider({ lat: event.lat, lng: event.lng, at: event.at });
    refreshTracking();
  });

  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  return { order, setOrder, tracking, rider, error, loading, reload, codeReset };
}

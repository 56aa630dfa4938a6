/**
 * While the partner carries an active order, send their position to the server
 * (`delivery:location-update`, at most once a second) from `watchPosition`, or — in demo
 * mode — from a simulated ride from the store to the customer at a realistic speed (the
 * server refuses fixes implying more than 150 km/h: `implausible_location`). A refused
 * fix is only noted quietly: one bad GPS reading is not the rider's problem.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '@/lib/api-client';
import { watchGps } from '@/lib/geolocation';
import { isActiveStatus } from '@/lib/order-status';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import { routePoints, simulationSteps, throttleDue } from '@/features/delivery/utils/partner-orders';
import type { PartnerOrderView } from '@/types/models';

export type BroadcastStatus = 'idle' | 'waiting' | 'sending' | 'denied' | 'unavailable' | 'error';
export interface Position {
  lat: number;
  lng: number;
  at: number;
}

const SEND_INTERVAL_MS = 1000;
/** How long the quiet note about a skipped GPS reading stays. */
const NOTE_MS = 8000;

function destinationOf(order: PartnerOrderView): { lat: number; lng: number } {
  const { lat, lng } = order.deliveryAddress;
  if (lat != null && lng != null) return { lat, lng };
  return { lat: order.pickup.lat + 0.01, lng: order.pickup.lng + 0.01 };
}

export function useLocationBroadcast(orders: PartnerOrderView[], simulate: boolean) {
  const active = orders.filter((o) => isActiveStatus(o.status));
  const ids = active.map((o) => o.id);
  const idsRef = useRef(ids);
  idsRef.current = ids;
  const hasActive = ids.length > 0;
  const routeOrder = active[0];

  const [position, setPosition] = useState<Position | null>(null);
  const [status, setStatus] = useState<BroadcastStatus>('idle');
  const [error, setError] = useState<string | null>(null);
  /** A quiet remark (a GPS reading skipped as implausible), not an error. */
  const [note, setNote] = useState<string | null>(null);
  const lastSent = useRef(0);
  const latest = useRef<{ lat: number; lng: number } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const noteTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    const pos = latest.current;
    if (!pos) return;
    latest.current = null;
    lastSent.current = Date.now();
    for (const id of idsRef.current) {
      deliveryApi.sendLocation(id, pos.lat, pos.lng, (err) => {
        if (!err) {
          setError(null);
          return;
        }
        // Over the rate: the next fix goes out a second later anyway.
        if (err.code === 'too_many_requests') return;
        if (err.code === 'implausible_location') {
          setNote('A GPS reading jumped too far and was skipped.');
          if (noteTimer.current) clearTimeout(noteTimer.current);
          noteTimer.current = setTimeout(() => setNote(null), NOTE_MS);
          return;
        }
        setError(errorMessage(err));
      });
    }
    setPosition({ ...pos, at: lastSent.current });
    setStatus('sending');
  }, []);

  const offer = useCallback(
    (lat: number, lng: number) => {
      latest.current = { lat, lng };
      const now = Date.now();
      if (throttleDue(lastSent.current, now, SEND_INTERVAL_MS)) {
        flush();
      } else if (!timer.current) {
        timer.current = setTimeout(() => {
          timer.current = null;
          flush();
        }, SEND_INTERVAL_MS - (now - lastSent.current));
      }
    },
    [flush],
  );

  // Real GPS (one watch per page, shared with the idle position).
  useEffect(() => {
    if (!hasActive || simulate) return;
    setStatus('waiting');
    setError(null);
    return watchGps(
      (fix) => {
        setError(null);
        offer(fix.lat, fix.lng);
      },
      (err) => {
        setStatus(err.code === 'denied' ? 'denied' : err.code === 'unavailable' ? 'unavailable' : 'error');
        setError(err.message);
      },
    );
  }, [hasActive, simulate, offer]);

  // Demo: ride from the store to the customer, one step (at most ~25 m) a second.
  const routeKey = routeOrder ? routeOrder.id : null;
  const step = useRef<{ orderId: string | null; index: number }>({ orderId: null, index: 0 });
  useEffect(() => {
    if (!simulate || !routeOrder) return;
    if (step.current.orderId !== routeOrder.id) step.current = { orderId: routeOrder.id, index: 0 };
    const destination = destinationOf(routeOrder);
    const points = routePoints(routeOrder.pickup, destination, simulationSteps(routeOrder.pickup, destination));
    setStatus('sending');
    const tick = () => {
      const point = points[Math.min(step.current.index, points.length - 1)];
      step.current.index += 1;
      offer(point.lat, point.lng);
    };
    tick();
    const interval = setInterval(tick, SEND_INTERVAL_MS);
    return () => clearInterval(interval);
    // Restart only when the simulated order changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [simulate, routeKey, offer]);

  useEffect(() => {
    if (!hasActive) {
      setStatus('idle');
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    }
  }, [hasActive]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      if (noteTimer.current) clearTimeout(noteTimer.current);
    },
    [],
  );

  return { position, status, error, note };
}

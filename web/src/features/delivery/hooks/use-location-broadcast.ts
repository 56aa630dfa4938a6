/**
 * While the partner carries an active order, send their position to the server
 * (`delivery:location-update`, at most once a second) from `watchPosition`, or — in demo
 * mode — from a simulated ride from the store to the customer.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { isActiveStatus } from '@/lib/order-status';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import { routePoints, throttleDue } from '@/features/delivery/utils/partner-orders';
import type { PartnerOrderView } from '@/types/models';

export type BroadcastStatus = 'idle' | 'waiting' | 'sending' | 'denied' | 'unavailable' | 'error';
export interface Position {
  lat: number;
  lng: number;
  at: number;
}

const SEND_INTERVAL_MS = 1000;
const SIMULATION_STEPS = 40;

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
  const lastSent = useRef(0);
  const latest = useRef<{ lat: number; lng: number } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    const pos = latest.current;
    if (!pos) return;
    latest.current = null;
    lastSent.current = Date.now();
    for (const id of idsRef.current) {
      deliveryApi.sendLocation(id, pos.lat, pos.lng, (code, message) => {
        if (code !== 'too_many_requests') setError(message);
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

  // Real GPS.
  useEffect(() => {
    if (!hasActive || simulate) return;
    if (typeof navigator === 'undefined' || !('geolocation' in navigator)) {
      setStatus('unavailable');
      return;
    }
    setStatus('waiting');
    setError(null);
    const watchId = navigator.geolocation.watchPosition(
      (p) => {
        setError(null);
        offer(p.coords.latitude, p.coords.longitude);
      },
      (err) => {
        setStatus(err.code === err.PERMISSION_DENIED ? 'denied' : 'error');
        setError(err.code === err.PERMISSION_DENIED ? 'Location permission was denied.' : err.message || 'No GPS fix.');
      },
      { enableHighAccuracy: true, maximumAge: 1000, timeout: 30000 },
    );
    return () => navigator.geolocation.clearWatch(watchId);
  }, [hasActive, simulate, offer]);

  // Demo: ride from the store to the customer, one step a second.
  const routeKey = routeOrder ? routeOrder.id : null;
  const step = useRef<{ orderId: string | null; index: number }>({ orderId: null, index: 0 });
  useEffect(() => {
    if (!simulate || !routeOrder) return;
    if (step.current.orderId !== routeOrder.id) step.current = { orderId: routeOrder.id, index: 0 };
    const points = routePoints(routeOrder.pickup, destinationOf(routeOrder), SIMULATION_STEPS);
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
    },
    [],
  );

  return { position, status, error };
}

/**
 * The live load of some stores (`GET /api/admin/stores/{id}/load`): polled every few
 * seconds while the page is open and visible, and soon after each `stats:updated`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { adminApi } from '@/features/admin/api/admin-api';
import type { StoreLoad } from '@/types/admin';

export const LOAD_POLL_MS = 5000;

export function useStoreLoads(storeIds: readonly string[], intervalMs = LOAD_POLL_MS) {
  const [loads, setLoads] = useState<Record<string, StoreLoad>>({});
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const key = storeIds.join(',');
  const inFlight = useRef(false);

  const poll = useCallback(async () => {
    const ids = key ? key.split(',') : [];
    if (!ids.length || inFlight.current) return;
    inFlight.current = true;
    try {
      const results = await Promise.allSettled(ids.map((id) => adminApi.storeLoad(id)));
      setLoads((current) => {
        const next = { ...current };
        results.forEach((r, i) => {
          if (r.status === 'fulfilled') next[ids[i]] = r.value.load;
        });
        return next;
      });
      if (results.some((r) => r.status === 'fulfilled')) setUpdatedAt(Date.now());
    } finally {
      inFlight.current = false;
    }
  }, [key]);

  useEffect(() => {
    void poll();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void poll();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [poll, intervalMs]);
  useReconnect(() => void poll());

  const soon = useRef<ReturnType<typeof setTimeout> | null>(null);
  useSocketEvent('stats:updated', () => {
    if (soon.current) return;
    soon.current = setTimeout(() => {
      soon.current = null;
      void poll();
    }, 400);
  });
  useEffect(() => () => void (soon.current && clearTimeout(soon.current)), []);

  return { loads, updatedAt, refresh: poll };
}

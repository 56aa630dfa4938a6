/**
 * The dashboard's numbers, for all stores or one: fetched, then pushed. `stats:updated`
 * carries the all-stores figures: with a store chosen it is the cue to fetch that
 * store's again (at most once a second).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { adminApi } from '@/features/admin/api/admin-api';
import { pushSample } from '@/features/admin/utils/admin-orders';
import type { AdminStats, OnlineUsers } from '@/types/admin';

export function useLiveStats(storeId = '') {
  const [stats, setStats] = useState<AdminStats | null>(null);
  const [online, setOnline] = useState<OnlineUsers | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [history, setHistory] = useState<{ orders: number[]; partners: number[] }>({ orders: [], partners: [] });
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const current = useRef(storeId);
  current.current = storeId;

  const accept = useCallback((s: AdminStats) => {
    // An answer for another filter than the one shown now is dropped.
    if ((s.storeId ?? '') !== current.current) return;
    setStats(s);
    setUpdatedAt(Date.now());
    setHistory((h) => ({
      orders: pushSample(h.orders, s.ordersToday.total),
      partners: pushSample(h.partners, s.partners.online),
    }));
  }, []);

  const load = useCallback(() => {
    setError(null);
    adminApi
      .stats(storeId || undefined)
      .then((r) => accept(r.stats))
      .catch(setError);
    adminApi
      .onlineUsers()
      .then((r) => setOnline(r.onlineUsers))
      .catch(() => undefined);
  }, [accept, storeId]);

  useEffect(() => {
    setStats(null);
    setHistory({ orders: [], partners: [] });
    load();
  }, [load]);
  useReconnect(load);

  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useSocketEvent('stats:updated', ({ stats: s }) => {
    if (!storeId) {
      accept(s);
      return;
    }
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      adminApi
        .stats(current.current || undefined)
        .then((r) => accept(r.stats))
        .catch(() => undefined);
    }, 1000);
  });
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  useSocketEvent('presence:updated', ({ onlineUsers }) => setOnline(onlineUsers));

  return { stats, online, error, history, updatedAt, reload: load };
}

/** The dashboard's numbers: fetched once, then pushed (`stats:updated`, `presence:updated`). */
import { useCallback, useEffect, useState } from 'react';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { adminApi } from '@/features/admin/api/admin-api';
import { pushSample } from '@/features/admin/utils/admin-orders';
import type { AdminStats, OnlineUsers } from '@/types/admin';

export function useLiveStats() {
  const [stats, setStats] = useState<AdminStats | null>(null);
  const [online, setOnline] = useState<OnlineUsers | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [history, setHistory] = useState<{ orders: number[]; partners: number[] }>({ orders: [], partners: [] });
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);

  const accept = useCallback((s: AdminStats) => {
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
      .stats()
      .then((r) => accept(r.stats))
      .catch(setError);
    adminApi
      .onlineUsers()
      .then((r) => setOnline(r.onlineUsers))
      .catch(() => undefined);
  }, [accept]);
  useEffect(load, [load]);
  useReconnect(load);

  useSocketEvent('stats:updated', ({ stats: s }) => accept(s));
  useSocketEvent('presence:updated', ({ onlineUsers }) => setOnline(onlineUsers));

  return { stats, online, error, history, updatedAt, reload: load };
}

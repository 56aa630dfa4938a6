/**
 * The stores, for every admin page (filters, store columns, maps), and the store filter
 * of a page, kept in its URL (`?store=<id>`) so a filtered view can be linked and reloaded.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { adminApi } from '@/features/admin/api/admin-api';
import type { AdminStore } from '@/types/admin';

interface AdminStoresApi {
  stores: AdminStore[];
  loaded: boolean;
  error: unknown;
  reload: () => void;
  byId: (id: string | null | undefined) => AdminStore | undefined;
  /** Replace one store in the list (after an edit). */
  upsert: (store: AdminStore) => void;
}

const StoresContext = createContext<AdminStoresApi | null>(null);

export function AdminStoresProvider({ children }: { children: ReactNode }) {
  const [stores, setStores] = useState<AdminStore[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(() => {
    adminApi
      .stores()
      .then((r) => {
        setStores(r.stores);
        setError(null);
      })
      .catch(setError)
      .finally(() => setLoaded(true));
  }, []);
  useEffect(reload, [reload]);
  useReconnect(reload);
  // A store edited elsewhere (another admin) changes the stats too: a cheap moment to refresh.
  const [lastStats, setLastStats] = useState(0);
  useSocketEvent('stats:updated', () => {
    const now = Date.now();
    if (now - lastStats < 15_000) return;
    setLastStats(now);
    reload();
  });

  const upsert = useCallback(
    (store: AdminStore) =>
      setStores((list) => (list.some((s) => s.id === store.id) ? list.map((s) => (s.id === store.id ? store : s)) : [...list, store])),
    [],
  );
  const value = useMemo<AdminStoresApi>(() => {
    const map = new Map(stores.map((s) => [s.id, s]));
    const sorted = [...stores].sort((a, b) => a.name.localeCompare(b.name));
    return { stores: sorted, loaded, error, reload, byId: (id) => (id ? map.get(id) : undefined), upsert };
  }, [stores, loaded, error, reload, upsert]);
  return <StoresContext.Provider value={value}>{children}</StoresContext.Provider>;
}

export function useAdminStores(): AdminStoresApi {
  const value = useContext(StoresContext);
  if (!value) throw new Error('useAdminStores must be used inside <AdminStoresProvider>');
  return value;
}

/** The page's store filter (`''` = all stores), in the URL's `?store=`. */
export function useStoreFilter(): [string, (storeId: string) => void] {
  const [params, setParams] = useSearchParams();
  const storeId = params.get('store') ?? '';
  const set = useCallback(
    (next: string) =>
      setParams(
        (prev) => {
          const out = new URLSearchParams(prev);
          if (next) out.set('store', next);
          else out.delete('store');
          return out;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [storeId, set];
}

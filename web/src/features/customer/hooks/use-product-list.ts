/**
 * Paged product list of one store with "load more", reset on filter or store change,
 * stock updated live from that store's `inventory:updated` entries only.
 */
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { takeEarlyData } from '@/lib/api-client';
import { useAuth } from '@/lib/auth';
import { listProducts, PRODUCTS_PATH, productsQuery, type CatalogQuery } from '@/features/customer/api/catalog-api';
import { levelsOfStore } from '@/features/customer/utils/cart-math';
import type { Pagination, ProductsResponse, ProductView, StoreRef } from '@/types/models';

const PAGE_SIZE = 24;

type ListQuery = Omit<CatalogQuery, 'page' | 'limit'>;

/** `enabled`: false while the store is not settled yet (nothing is fetched). */
export function useProductList(query: ListQuery, enabled = true) {
  const key = JSON.stringify(query);
  const { token } = useAuth();
  // The first page the boot script already has (scripts/boot.js), for the first render.
  const [early] = useState(() =>
    enabled ? takeEarlyData<ProductsResponse>(PRODUCTS_PATH, productsQuery({ ...(JSON.parse(key) as ListQuery), page: 1, limit: PAGE_SIZE }), token) : undefined,
  );
  const [products, setProducts] = useState<ProductView[]>(early?.products ?? []);
  const [pagination, setPagination] = useState<Pagination | null>(early?.pagination ?? null);
  const [loading, setLoading] = useState(early === undefined);
  const [error, setError] = useState<unknown>(null);
  /** The store whose stock the products show (from the answer). */
  const [store, setStore] = useState<StoreRef | null>(early?.store ?? null);
  /** The query the shown products answer (null while the first page loads). */
  const [loadedQuery, setLoadedQuery] = useState<ListQuery | null>(early ? (JSON.parse(key) as ListQuery) : null);
  const generation = useRef(0);
  /** The query of the first page shown from the boot script's answer: not asked again. */
  const earlyKey = useRef(early ? key : null);

  const fetchPage = useCallback(
    async (page: number, replace: boolean) => {
      const gen = generation.current;
      setLoading(true);
      setError(null);
      try {
        const res = await listProducts({ ...(JSON.parse(key) as ListQuery), page, limit: PAGE_SIZE });
        if (gen !== generation.current) return;
        // A page of cards is a long render: in slices (a transition), not one long task.
        startTransition(() => {
          setProducts((current) => {
            if (replace) return res.products;
            const seen = new Set(current.map((p) => p.id));
            return [...current, ...res.products.filter((p) => !seen.has(p.id))];
          });
          setPagination(res.pagination);
          setStore(res.store ?? null);
          if (replace) setLoadedQuery(JSON.parse(key) as ListQuery);
          setLoading(false);
        });
      } catch (err) {
        if (gen === generation.current) {
          setError(err);
          setLoading(false);
        }
      }
    },
    [key],
  );

  useEffect(() => {
    const shown = earlyKey.current;
    earlyKey.current = null;
    if (enabled && shown === key) return;
    generation.current += 1;
    setProducts([]);
    setPagination(null);
    setLoadedQuery(null);
    if (!enabled) {
      setLoading(true);
      return;
    }
    void fetchPage(1, true);
    // `key` comes with `fetchPage`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetchPage, enabled]);

  useSocketEvent('inventory:updated', (event) => {
    const levels = new Map(levelsOfStore(event.products, store?.id).map((l) => [l.productId, l]));
    if (!levels.size) return;
    setProducts((current) =>
      current.some((p) => levels.has(p.id))
        ? current.map((p) => {
            const l = levels.get(p.id);
            return l ? { ...p, stock: l.stock, inStock: l.inStock } : p;
          })
        : current,
    );
  });

  const loadMore = useCallback(() => {
    if (loading || !pagination?.hasMore) return;
    void fetchPage(pagination.page + 1, false);
  }, [loading, pagination, fetchPage]);

  const retry = useCallback(() => {
    void fetchPage(pagination ? pagination.page + (products.length ? 1 : 0) : 1, !products.length);
  }, [fetchPage, pagination, products.length]);

  return { products, pagination, loading, error, loadMore, retry, loadedQuery, store };
}

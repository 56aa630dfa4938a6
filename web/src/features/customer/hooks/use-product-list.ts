/** Paged product list with "load more", reset on filter change, stock updated live. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { listProducts, type ProductQuery } from '@/features/customer/api/catalog-api';
import type { Pagination, ProductView } from '@/types/models';

const PAGE_SIZE = 24;

export function useProductList(query: Omit<ProductQuery, 'page' | 'limit'>) {
  const [products, setProducts] = useState<ProductView[]>([]);
  const [pagination, setPagination] = useState<Pagination | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  /** The query the shown products answer (null while the first page loads). */
  const [loadedQuery, setLoadedQuery] = useState<Omit<ProductQuery, 'page' | 'limit'> | null>(null);
  const key = JSON.stringify(query);
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (page: number, replace: boolean) => {
      const gen = generation.current;
      setLoading(true);
      setError(null);
      try {
        const res = await listProducts({ ...(JSON.parse(key) as ProductQuery), page, limit: PAGE_SIZE });
        if (gen !== generation.current) return;
        setProducts((current) => {
          if (replace) return res.products;
          const seen = new Set(current.map((p) => p.id));
          return [...current, ...res.products.filter((p) => !seen.has(p.id))];
        });
        setPagination(res.pagination);
        if (replace) setLoadedQuery(JSON.parse(key) as ProductQuery);
      } catch (err) {
        if (gen === generation.current) setError(err);
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [key],
  );

  useEffect(() => {
    generation.current += 1;
    setProducts([]);
    setPagination(null);
    setLoadedQuery(null);
    void fetchPage(1, true);
  }, [fetchPage]);

  useSocketEvent('inventory:updated', (event) => {
    const levels = new Map(event.products.map((l) => [l.productId, l]));
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

  return { products, pagination, loading, error, loadMore, retry, loadedQuery };
}

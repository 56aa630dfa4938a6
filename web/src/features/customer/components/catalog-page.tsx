import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Alert, Box, Button, CircularProgress, Typography } from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useAsync } from '@/hooks/use-async';
import { markFirstContent } from '@/lib/first-content';
import { takeEarlyData } from '@/lib/api-client';
import { useAuth } from '@/lib/auth';
import { CATEGORIES_PATH, listCategories, type ProductSort } from '@/features/customer/api/catalog-api';
import { useCart } from '@/features/customer/hooks/use-cart';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { useProductList } from '@/features/customer/hooks/use-product-list';
import { NotServedState, StoreStateBanner } from '@/features/customer/components/service-state';
import { openInApp, PRODUCT_GRID_SX, ProductCard } from '@/features/customer/components/product-card';
import { CartBar } from '@/features/customer/components/cart-bar';
import {
  CatalogFilters,
  PRICE_RANGES,
  SORTS,
  type CatalogFilterValue,
} from '@/features/customer/components/catalog-filters';
import type { CategoriesResponse, ProductView } from '@/types/models';

/**
 * Cards whose pictures are above the fold on a phone (two columns, up to three rows):
 * fetched at once (the boot script, scripts/boot.js, asks for the same ones early).
 */
const EAGER_IMAGES = 6;
/**
 * Cards of the first render; the rest of the page follows this many at a time, each in a
 * task of its own (short ones, rather than one long render of the whole page).
 */
const CARD_BATCH = 2;

/** The grid of products, and its cards' styles (static: built once, not at every render). */
const GRID_SX = {
  display: 'grid',
  gap: { xs: 1, sm: 1.5 },
  gridTemplateColumns: { xs: 'repeat(2, minmax(0, 1fr))', sm: 'repeat(3, minmax(0, 1fr))', md: 'repeat(4, minmax(0, 1fr))', lg: 'repeat(5, minmax(0, 1fr))' },
  ...PRODUCT_GRID_SX,
} as const;

/** Visually hidden below `sm` (still read by screen readers). */
const phoneHidden = {
  '@media (max-width: 599.95px)': {
    position: 'absolute',
    width: '1px',
    height: '1px',
    m: '-1px',
    p: 0,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
} as const;

function readFilters(params: URLSearchParams): CatalogFilterValue {
  const sort = params.get('sort') as ProductSort | null;
  return {
    search: params.get('q') ?? '',
    category: params.get('category') ?? '',
    inStock: params.get('inStock') === '1',
    price: PRICE_RANGES.some((r) => r.key === params.get('price')) ? (params.get('price') as string) : '',
    sort: sort && SORTS.some((s) => s.key === sort) ? sort : 'popular',
  };
}

export function CatalogPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filters = readFilters(params);
  const { token } = useAuth();
  const categories = useAsync((signal) => listCategories(signal), [], () => takeEarlyData<CategoriesResponse>(CATEGORIES_PATH, undefined, token));
  const cart = useCart();
  const location = useDeliveryLocation();

  const onChange = useCallback(
    (patch: Partial<CatalogFilterValue>) => {
      setParams(
        (prev) => {
          const next = { ...readFilters(prev), ...patch };
          const out = new URLSearchParams();
          if (next.search) out.set('q', next.search);
          if (next.category) out.set('category', next.category);
          if (next.inStock) out.set('inStock', '1');
          if (next.price) out.set('price', next.price);
          if (next.sort !== 'popular') out.set('sort', next.sort);
          return out;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const range = PRICE_RANGES.find((r) => r.key === filters.price);
  const query = useMemo(
    () => ({
      search: filters.search || undefined,
      category: filters.category || undefined,
      inStock: filters.inStock,
      minPrice: range?.min,
      maxPrice: range?.max,
      sort: filters.sort,
      ...location.scope,
    }),
    [filters.search, filters.category, filters.inStock, range?.min, range?.max, filters.sort, location.scope],
  );
  const unserved = location.words.tone === 'unserved';
  const list = useProductList(query, location.scopeReady && !unserved);

  const quantities = useMemo(() => new Map(cart.items.map((i) => [i.productId, i.quantity])), [cart.items]);
  // Stable (the cart's own functions are): the cards do not render again with every cart change.
  const { add: addToCart, setQuantity } = cart;
  const onAdd = useCallback((p: ProductView) => addToCart(p), [addToCart]);

  // The first rows render first (the first screen sooner), the rest of the first page right
  // after, a few rows at a time; from then on every page renders whole.
  const [shown, setShown] = useState(CARD_BATCH);
  const allCards = shown === Infinity;
  const total = list.products.length;
  const hasMoreCards = total > shown;
  useEffect(() => {
    if (allCards || total === 0) return;
    const timer = setTimeout(() => startTransition(() => setShown((n) => (n + CARD_BATCH >= total ? Infinity : n + CARD_BATCH))), 0);
    return () => clearTimeout(timer);
  }, [allCards, shown, total]);
  const cards = allCards ? list.products : list.products.slice(0, shown);

  // The first screen is in (products, or why there are none): what can wait may start.
  const settled = unserved || list.products.length > 0 || list.error !== null || (!list.loading && list.pagination !== null);
  useEffect(() => {
    if (settled) markFirstContent();
  }, [settled]);

  // Infinite scroll: load the next page when the sentinel comes into view.
  // (Not before the whole page is drawn: the sentinel is near the top until then.)
  const sentinel = useRef<HTMLDivElement | null>(null);
  const { loadMore } = list;
  const scrolling = allCards || !hasMoreCards;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !scrolling || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => entries[0]?.isIntersecting && loadMore(), {
      rootMargin: '400px',
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [loadMore, scrolling]);

  if (unserved) return <NotServedState />;

  return (
    <Box>
      <StoreStateBanner />
      {location.ready && !location.place && (
        <Alert
          severity="info"
          sx={{ mb: 2 }}
          data-testid="location-prompt"
          action={
            <Button color="inherit" size="small" onClick={() => location.setSheetOpen(true)} aria-label="Set your delivery location">
              Set location
            </Button>
          }
        >
          {list.store ? `Showing ${list.store.name}'s shelves. ` : ''}Set your delivery location to see what the store near you has, and how fast it delivers.
        </Alert>
      )}
      {/* On a phone the heading and the count are for screen readers only: the first screen is for products. */}
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700, mb: 1.5, ...phoneHidden }}>
        Delivered in minutes
      </Typography>
      <CatalogFilters
        value={filters}
        categories={categories.data?.categories ?? []}
        onChange={onChange}
        resultCount={list.pagination?.total}
      />
      {categories.error !== null && <ErrorState error={categories.error} onRetry={categories.reload} />}
      {list.pagination && (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1, ...phoneHidden }} data-testid="result-count" aria-live="polite">
          {list.pagination.total} products{list.store ? ` at ${list.store.name}` : ''}
        </Typography>
      )}
      {list.loading && list.products.length === 0 && <LoadingState label="Loading products…" />}
      {list.error !== null && <ErrorState error={list.error} onRetry={list.retry} />}
      {!list.loading && list.error === null && list.products.length === 0 && (
        <EmptyState
          title="No products match"
          hint="Try another search or clear the filters."
          action={
            <Button variant="outlined" onClick={() => setParams(new URLSearchParams(), { replace: true })} aria-label="Clear filters">
              Clear filters
            </Button>
          }
        />
      )}
      <Box
        data-testid="product-grid"
        data-loaded-search={list.loadedQuery ? (list.loadedQuery.search ?? '') : undefined}
        data-store-id={list.store?.id ?? ''}
        data-store-code={list.store?.code ?? ''}
        aria-busy={list.loading}
        sx={GRID_SX}
        onClick={(e) => openInApp(e, navigate)}
      >
        {cards.map((p, i) => (
          <ProductCard key={p.id} product={p} inCart={quantities.get(p.id) ?? 0} onAdd={onAdd} onQuantity={setQuantity} eager={i < EAGER_IMAGES} />
        ))}
      </Box>
      <Box ref={sentinel} sx={{ display: 'flex', justifyContent: 'center', py: 3 }}>
        {/* (Once the page's cards are all drawn: under rows still coming, it would be pushed down.) */}
        {scrolling &&
          list.pagination?.hasMore &&
          (list.loading ? (
            <CircularProgress size={24} aria-label="Loading more products" />
          ) : (
            <Button variant="outlined" onClick={list.loadMore} aria-label="Load more products" data-testid="load-more" sx={{ minHeight: 44 }}>
              Load more
            </Button>
          ))}
      </Box>
      <CartBar />
    </Box>
  );
}

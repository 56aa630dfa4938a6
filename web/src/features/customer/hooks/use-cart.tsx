/**
 * The cart: kept per user in localStorage with the store it was last checked against,
 * updated live from `inventory:updated` (only the entries of the store serving the
 * customer's place: other stores' stock says nothing about this cart).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode, type SetStateAction } from 'react';
import { useAuth } from '@/lib/auth';
import { useSnackbar } from '@/components/snackbar-provider';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import {
  addToCart,
  applyStockLevels,
  cartCount,
  cartSubtotal,
  levelsOfStore,
  linesToRemove,
  restoreLines,
  setQuantity as setLineQuantity,
  type CartItem,
} from '@/features/customer/utils/cart-math';
import type { ProductView } from '@/types/models';

interface CartApi {
  items: CartItem[];
  count: number;
  subtotal: number;
  /** The store the cart's prices and stock were last taken from (null: not known yet). */
  storeId: string | null;
  setStoreId: (storeId: string | null) => void;
  add: (product: ProductView, quantity?: number) => void;
  /** 0 removes the line (with "Undo"). */
  setQuantity: (productId: string, quantity: number) => void;
  /** Take lines out, saying so with an "Undo" that puts them back. */
  remove: (productIds: string[]) => void;
  /** Empty the cart, with an "Undo". */
  empty: () => void;
  replace: (items: SetStateAction<CartItem[]>) => void;
  /** Empty the cart silently (the order was placed). */
  clear: () => void;
  drawerOpen: boolean;
  setDrawerOpen: (open: boolean) => void;
}

const CartContext = createContext<CartApi | null>(null);

let cartDrawer: Promise<typeof import('@/features/customer/components/cart-drawer')> | null = null;
/** The cart drawer's code (loaded when first needed: a press on a cart button starts it). */
export function loadCartDrawer(): Promise<typeof import('@/features/customer/components/cart-drawer')> {
  cartDrawer ??= import('@/features/customer/components/cart-drawer');
  cartDrawer.catch(() => {
    cartDrawer = null;
  });
  return cartDrawer;
}

function load(key: string): CartItem[] {
  try {
    const raw = localStorage.getItem(key);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as CartItem[]).filter((i) => i && typeof i.productId === 'string') : [];
  } catch {
    return [];
  }
}

function loadText(key: string): string | null {
  try {
    return localStorage.getItem(key) || null;
  } catch {
    return null;
  }
}

function save(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage full or unavailable: the cart lives in memory.
  }
}

export function CartProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useDeliveryLocation();
  const key = `qc.cart.${user?.id ?? 'anon'}`;
  const storeKey = `qc.cart-store.${user?.id ?? 'anon'}`;
  const [items, setItems] = useState<CartItem[]>(() => load(key));
  const [storeId, setStoreId] = useState<string | null>(() => loadText(storeKey));
  const [drawerOpen, setDrawerOpen] = useState(false);

  useEffect(() => save(key, JSON.stringify(items)), [key, items]);
  useEffect(() => save(storeKey, storeId), [storeKey, storeId]);

  const liveStore = location.store?.id ?? null;
  useSocketEvent('inventory:updated', (event) => {
    // Only once the cart is the current store's (a switch re-checks it first).
    if (!liveStore || liveStore !== storeId) return;
    const levels = levelsOfStore(event.products, liveStore);
    if (levels.length) setItems((current) => applyStockLevels(current, levels));
  });

  const { notify } = useSnackbar();
  const latestItems = useRef(items);
  latestItems.current = items;

  const add = useCallback((product: ProductView, quantity = 1) => setItems((c) => addToCart(c, product, quantity)), []);
  const remove = useCallback(
    (productIds: string[]) => {
      const removed = linesToRemove(latestItems.current, productIds);
      if (!removed.length) return;
      const gone = new Set(removed.map((r) => r.item.productId));
      setItems((c) => c.filter((i) => !gone.has(i.productId)));
      const emptied = removed.length === latestItems.current.length && removed.length > 1;
      notify(
        emptied
          ? `Cart emptied (${removed.length} items)`
          : removed.length === 1
            ? `Removed ${removed[0].item.name}`
            : `Removed ${removed.length} items`,
        'info',
        { action: { label: 'Undo', onClick: () => setItems((c) => restoreLines(c, removed)) } },
      );
    },
    [notify],
  );
  const setQuantity = useCallback(
    (productId: string, quantity: number) => {
      if (quantity <= 0) remove([productId]);
      else setItems((c) => setLineQuantity(c, productId, quantity));
    },
    [remove],
  );
  const empty = useCallback(() => remove(latestItems.current.map((i) => i.productId)), [remove]);
  const clear = useCallback(() => setItems([]), []);

  const api = useMemo<CartApi>(
    () => ({
      items,
      count: cartCount(items),
      subtotal: cartSubtotal(items),
      storeId,
      setStoreId,
      add,
      setQuantity,
      remove,
      empty,
      replace: setItems,
      clear,
      drawerOpen,
      setDrawerOpen,
    }),
    [items, storeId, add, setQuantity, remove, empty, clear, drawerOpen],
  );
  return <CartContext.Provider value={api}>{children}</CartContext.Provider>;
}

export function useCart(): CartApi {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart must be used inside <CartProvider>');
  return value;
}

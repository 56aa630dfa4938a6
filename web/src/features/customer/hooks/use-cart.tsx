/**
 * The cart: kept per user in localStorage with the store it was last checked against,
 * updated live from `inventory:updated` (only the entries of the store serving the
 * customer's place: other stores' stock says nothing about this cart).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode, type SetStateAction } from 'react';
import { useAuth } from '@/lib/auth';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import {
  addToCart,
  applyStockLevels,
  cartCount,
  cartSubtotal,
  levelsOfStore,
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
  setQuantity: (productId: string, quantity: number) => void;
  replace: (items: SetStateAction<CartItem[]>) => void;
  clear: () => void;
  drawerOpen: boolean;
  setDrawerOpen: (open: boolean) => void;
}

const CartContext = createContext<CartApi | null>(null);

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

  const add = useCallback((product: ProductView, quantity = 1) => setItems((c) => addToCart(c, product, quantity)), []);
  const setQuantity = useCallback(
    (productId: string, quantity: number) => setItems((c) => setLineQuantity(c, productId, quantity)),
    [],
  );
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
      replace: setItems,
      clear,
      drawerOpen,
      setDrawerOpen,
    }),
    [items, storeId, add, setQuantity, clear, drawerOpen],
  );
  return <CartContext.Provider value={api}>{children}</CartContext.Provider>;
}

export function useCart(): CartApi {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart must be used inside <CartProvider>');
  return value;
}

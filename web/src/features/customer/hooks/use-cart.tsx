/** The cart: kept per user in localStorage, updated live from `inventory:updated`. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useAuth } from '@/lib/auth';
import { useSocketEvent } from '@/hooks/use-socket-event';
import {
  addToCart,
  applyStockLevels,
  cartCount,
  cartSubtotal,
  setQuantity as setLineQuantity,
  type CartItem,
} from '@/features/customer/utils/cart-math';
import type { ProductView } from '@/types/models';

interface CartApi {
  items: CartItem[];
  count: number;
  subtotal: number;
  add: (product: ProductView, quantity?: number) => void;
  setQuantity: (productId: string, quantity: number) => void;
  replace: (items: CartItem[]) => void;
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

export function CartProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const key = `qc.cart.${user?.id ?? 'anon'}`;
  const [items, setItems] = useState<CartItem[]>(() => load(key));
  const [drawerOpen, setDrawerOpen] = useState(false);

  useEffect(() => {
    try {
      localStorage.setItem(key, JSON.stringify(items));
    } catch {
      // Storage full or unavailable: the cart lives in memory.
    }
  }, [key, items]);

  useSocketEvent('inventory:updated', (event) => setItems((current) => applyStockLevels(current, event.products)));

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
      add,
      setQuantity,
      replace: setItems,
      clear,
      drawerOpen,
      setDrawerOpen,
    }),
    [items, add, setQuantity, clear, drawerOpen],
  );
  return <CartContext.Provider value={api}>{children}</CartContext.Provider>;
}

export function useCart(): CartApi {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart must be used inside <CartProvider>');
  return value;
}

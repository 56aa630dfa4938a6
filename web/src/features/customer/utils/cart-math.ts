/**
 * Cart rules, pure. Prices here are the ones last seen in the catalog, for display only:
 * the server recomputes every price, fee and total (cart validation and checkout).
 */
import { formatMoney } from '@/lib/format';
import type { CartValidateResponse, ProductView, StockLevel } from '@/types/models';

/** The server's per-line limit (QC_MAX_LINE_QUANTITY default). */
export const MAX_LINE_QUANTITY = 50;

export interface CartItem {
  productId: string;
  name: string;
  unit: string;
  imageUrl: string;
  /** Unit price in paise, as last seen. */
  price: number;
  mrp: number;
  quantity: number;
  /** Stock as last seen (catalog or `inventory:updated`). */
  stock: number;
}

export function lineTotal(item: Pick<CartItem, 'price' | 'quantity'>): number {
  return item.price * item.quantity;
}

export function cartSubtotal(items: readonly CartItem[]): number {
  return items.reduce((sum, item) => sum + lineTotal(item), 0);
}

export function cartCount(items: readonly CartItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity, 0);
}

/** What the customer saves against MRP. */
export function cartSavings(items: readonly CartItem[]): number {
  return items.reduce((sum, item) => sum + Math.max(0, item.mrp - item.price) * item.quantity, 0);
}

/** The delivery fee as shown: "FREE" when the server charges nothing. */
export function feeLabel(fee: number): string {
  return fee === 0 ? 'FREE' : formatMoney(fee);
}

/** The most of one product that can be put in the cart. */
export function maxQuantity(stock: number): number {
  return Math.max(0, Math.min(stock, MAX_LINE_QUANTITY));
}

export function addToCart(items: readonly CartItem[], product: ProductView, quantity = 1): CartItem[] {
  const existing = items.find((i) => i.productId === product.id);
  const current = existing?.quantity ?? 0;
  const next = Math.min(current + quantity, maxQuantity(product.stock));
  if (next <= 0) return [...items];
  const item: CartItem = {
    productId: product.id,
    name: product.name,
    unit: product.unit,
    imageUrl: product.imageUrl,
    price: product.price,
    mrp: product.mrp,
    stock: product.stock,
    quantity: next,
  };
  return existing ? items.map((i) => (i.productId === product.id ? item : i)) : [...items, item];
}

/** Set a line's quantity (0 removes it); never above stock or the line limit. */
export function setQuantity(items: readonly CartItem[], productId: string, quantity: number): CartItem[] {
  if (quantity <= 0) return items.filter((i) => i.productId !== productId);
  return items.map((i) =>
    i.productId === productId ? { ...i, quantity: Math.max(1, Math.min(quantity, maxQuantity(i.stock) || 1)) } : i,
  );
}

/** The entries of one store in an `inventory:updated` (each store has its own stock). */
export function levelsOfStore(levels: readonly StockLevel[], storeId: string | null | undefined): StockLevel[] {
  return storeId ? levels.filter((l) => l.storeId === storeId) : [];
}

/** Apply live stock levels; quantities are left alone (the check before checkout tells). */
export function applyStockLevels(
  items: readonly CartItem[],
  levels: readonly Pick<StockLevel, 'productId' | 'stock'>[],
): CartItem[] {
  if (!levels.length) return [...items];
  const byId = new Map(levels.map((l) => [l.productId, l.stock]));
  let changed = false;
  const next = items.map((i) => {
    const stock = byId.get(i.productId);
    if (stock === undefined || stock === i.stock) return i;
    changed = true;
    return { ...i, stock };
  });
  return changed ? next : [...items];
}

/** Use the server's current prices after a validation. */
export function applyValidatedPrices(items: readonly CartItem[], res: CartValidateResponse): CartItem[] {
  const byId = new Map(res.items.map((l) => [l.productId, l]));
  return items.map((i) => {
    const line = byId.get(i.productId);
    if (!line) return i;
    return { ...i, price: line.price ?? i.price, stock: line.available };
  });
}

export type LineIssues = Record<string, string>;

export function issueText(reason: string | null | undefined, available: number): string {
  switch (reason) {
    case 'out_of_stock':
      return 'Out of stock';
    case 'insufficient_stock':
      return available > 0 ? `Only ${available} left` : 'Out of stock';
    case 'unavailable':
      return 'No longer available';
    default:
      return available > 0 ? `Only ${available} left` : 'Not available';
  }
}

/** Problems per product from `POST /cart/validate`. */
export function issuesFromValidation(res: CartValidateResponse): LineIssues {
  const out: LineIssues = {};
  for (const line of res.items) if (!line.ok) out[line.productId] = issueText(line.reason, line.available);
  return out;
}

/** Problems per product from a 409 `insufficient_stock` error's `details`. */
export function issuesFromStockError(details: unknown): LineIssues {
  const out: LineIssues = {};
  if (!Array.isArray(details)) return out;
  for (const d of details as { productId?: unknown; requested?: unknown; available?: unknown }[]) {
    if (typeof d?.productId !== 'string') continue;
    const available = typeof d.available === 'number' ? d.available : 0;
    const requested = typeof d.requested === 'number' ? d.requested : null;
    out[d.productId] =
      available <= 0
        ? 'Out of stock'
        : `Only ${available} left${requested !== null ? ` (you asked for ${requested})` : ''}`;
  }
  return out;
}

export interface StockBadge {
  label: string;
  color: 'success' | 'warning' | 'error';
}

export function stockBadge(stock: number): StockBadge {
  if (stock <= 0) return { label: 'Out of stock', color: 'error' };
  if (stock <= 5) return { label: `Only ${stock} left`, color: 'warning' };
  return { label: 'In stock', color: 'success' };
}

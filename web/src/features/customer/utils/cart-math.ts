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

/**
 * Set a line's quantity (0 removes it). Going down is always exact (3 → 2, even when only
 * 1 is in stock: the customer steps down one at a time); going up never passes the stock
 * or the line limit.
 */
export function setQuantity(items: readonly CartItem[], productId: string, quantity: number): CartItem[] {
  if (quantity <= 0) return items.filter((i) => i.productId !== productId);
  return items.map((i) => {
    if (i.productId !== productId) return i;
    const next = quantity <= i.quantity ? quantity : Math.max(i.quantity, Math.min(quantity, maxQuantity(i.stock)));
    return next === i.quantity ? i : { ...i, quantity: Math.max(1, next) };
  });
}

/** A line taken out of the cart, and where it was (for "Undo"). */
export interface RemovedLine {
  item: CartItem;
  index: number;
}

/** The lines of `productIds`, with their places, as they are now (nothing for lines not in the cart). */
export function linesToRemove(items: readonly CartItem[], productIds: readonly string[]): RemovedLine[] {
  const wanted = new Set(productIds);
  return items.flatMap((item, index) => (wanted.has(item.productId) ? [{ item, index }] : []));
}

/**
 * Put removed lines back where they were ("Undo"). A product added again meanwhile keeps
 * the larger of the two quantities (never counted twice).
 */
export function restoreLines(items: readonly CartItem[], removed: readonly RemovedLine[]): CartItem[] {
  const out = [...items];
  for (const { item, index } of [...removed].sort((a, b) => a.index - b.index)) {
    const at = out.findIndex((i) => i.productId === item.productId);
    if (at >= 0) out[at] = { ...out[at], quantity: Math.max(out[at].quantity, item.quantity) };
    else out.splice(Math.min(index, out.length), 0, item);
  }
  return out;
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

/**
 * Take the server's current prices and stock into the cart after a check of these very
 * lines (so every view of the cart shows the same amounts); the same array when nothing
 * changed.
 */
export function syncWithCheck(items: CartItem[], res: CartValidateResponse): CartItem[] {
  if (!checkMatches(items, res)) return items;
  const byId = new Map(res.items.map((l) => [l.productId, l]));
  let changed = false;
  const next = items.map((i) => {
    const line = byId.get(i.productId);
    if (!line || line.price == null || (line.price === i.price && line.available === i.stock)) return i;
    changed = true;
    return { ...i, price: line.price, stock: line.available };
  });
  return changed ? next : items;
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

/** One cart line as shown: the price the server last gave for it, its total and its problem. */
export interface CartLineView {
  item: CartItem;
  /** Unit price shown (the server's, once checked). */
  price: number;
  /** What the line costs as shown: `price × quantity`. */
  total: number;
  /** Units the store has now (null: not checked yet). */
  available: number | null;
  /** Why the line cannot be ordered as it is (null: it can, or not known yet). */
  issue: string | null;
}

export interface CartTotals {
  lines: CartLineView[];
  /** The sum of the shown line totals: always what the lines add up to. */
  itemsTotal: number;
  /** The check answers for exactly these lines and quantities. */
  checked: boolean;
  /** Lines that cannot be ordered as they are. */
  shortLines: number;
  /** What the shown lines save against MRP. */
  savings: number;
  /**
   * The server's delivery fee and total, only when every shown line can be ordered and
   * the server's items total is the shown one (the server prices only what it can sell).
   */
  priced: { deliveryFee: number; total: number } | null;
}

/** Whether a cart check answers for these very lines and quantities (not an older cart). */
export function checkMatches(items: readonly CartItem[], res: CartValidateResponse | null | undefined): res is CartValidateResponse {
  if (!res || res.items.length !== items.length) return false;
  const byId = new Map(res.items.map((l) => [l.productId, l.requested]));
  return items.every((i) => byId.get(i.productId) === i.quantity);
}

/**
 * The cart as shown, with totals that always add up: the items total is the sum of the
 * lines shown; the fee and the total are shown only when the server priced every line.
 * `extraIssues`: problems known otherwise (a refused order), used until a check answers.
 */
export function cartTotals(
  items: readonly CartItem[],
  res: CartValidateResponse | null | undefined,
  extraIssues: LineIssues = {},
): CartTotals {
  const checked = checkMatches(items, res);
  const byId = new Map(checked ? res.items.map((l) => [l.productId, l]) : []);
  const lines = items.map((item): CartLineView => {
    const line = byId.get(item.productId);
    const price = line?.price ?? item.price;
    const issue = line ? (line.ok ? null : issueText(line.reason, line.available)) : (extraIssues[item.productId] ?? null);
    return { item, price, total: price * item.quantity, available: line ? line.available : null, issue };
  });
  const itemsTotal = lines.reduce((sum, l) => sum + l.total, 0);
  const shortLines = lines.filter((l) => l.issue !== null).length;
  const savings = lines.reduce((sum, l) => sum + Math.max(0, l.item.mrp - l.price) * l.item.quantity, 0);
  const priced =
    checked && res.valid && shortLines === 0 && res.subtotal === itemsTotal
      ? { deliveryFee: res.deliveryFee, total: res.total }
      : null;
  return { lines, itemsTotal, checked, shortLines, savings, priced };
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

import { describe, expect, it } from 'vitest';
import {
  addToCart,
  applyStockLevels,
  cartTotals,
  checkMatches,
  linesToRemove,
  restoreLines,
  syncWithCheck,
  cartCount,
  cartSavings,
  cartSubtotal,
  feeLabel,
  issuesFromStockError,
  issuesFromValidation,
  levelsOfStore,
  lineTotal,
  MAX_LINE_QUANTITY,
  setQuantity,
  stockBadge,
  type CartItem,
} from '@/features/customer/utils/cart-math';
import type { CartValidateResponse, ProductView } from '@/types/models';

function product(id: string, price: number, stock: number, mrp = price): ProductView {
  return {
    id,
    sku: `SKU-${id}`,
    name: `Product ${id}`,
    description: '',
    category: { id: 'c', slug: 'c', name: 'C' },
    unit: '1 pc',
    price,
    mrp,
    stock,
    inStock: stock > 0,
    tags: [],
    imageUrl: `/images/${id}.svg`,
    isActive: true,
  };
}

const item = (id: string, price: number, quantity: number, stock = 100, mrp = price): CartItem => ({
  productId: id,
  name: id,
  unit: '1 pc',
  imageUrl: '',
  price,
  mrp,
  quantity,
  stock,
});

describe('cart maths', () => {
  it('computes line totals, subtotal, count and savings in paise', () => {
    const items = [item('a', 4950, 2, 100, 5500), item('b', 1999, 3)];
    expect(lineTotal(items[0])).toBe(9900);
    expect(lineTotal(items[1])).toBe(5997);
    expect(cartSubtotal(items)).toBe(15897);
    expect(cartCount(items)).toBe(5);
    expect(cartSavings(items)).toBe(1100);
    expect(cartSubtotal([])).toBe(0);
  });

  it('shows the delivery fee from the server, FREE when zero', () => {
    expect(feeLabel(0)).toBe('FREE');
    expect(feeLabel(2500)).toBe('₹25.00');
    expect(feeLabel(1999)).toBe('₹19.99');
  });

  it('adds products, merging lines and capping at stock and the line limit', () => {
    let cart = addToCart([], product('a', 1000, 3));
    cart = addToCart(cart, product('a', 1000, 3), 5);
    expect(cart).toHaveLength(1);
    expect(cart[0].quantity).toBe(3);
    cart = addToCart(cart, product('b', 500, 500), 80);
    expect(cart[1].quantity).toBe(MAX_LINE_QUANTITY);
    expect(addToCart([], product('c', 100, 0))).toEqual([]);
  });

  it('sets quantities, removing a line at zero and never exceeding stock', () => {
    const cart = [item('a', 100, 2, 4), item('b', 100, 1)];
    expect(setQuantity(cart, 'a', 10)[0].quantity).toBe(4);
    expect(setQuantity(cart, 'a', 0).map((i) => i.productId)).toEqual(['b']);
    expect(setQuantity(cart, 'b', 3)[1].quantity).toBe(3);
  });

  it('applies live stock levels without touching quantities', () => {
    const cart = [item('a', 100, 2, 10), item('b', 100, 1, 5)];
    const next = applyStockLevels(cart, [{ productId: 'a', stock: 1 }, { productId: 'z', stock: 0 }]);
    expect(next[0]).toMatchObject({ stock: 1, quantity: 2 });
    expect(next[1]).toBe(cart[1]);
  });

  it("keeps only the entries of the customer's store from a live stock update", () => {
    const levels = [
      { storeId: 'bdw', productId: 'a', stock: 40, inStock: true },
      { storeId: 'adw', productId: 'a', stock: 0, inStock: false },
    ];
    expect(levelsOfStore(levels, 'adw')).toEqual([levels[1]]);
    expect(levelsOfStore(levels, null)).toEqual([]);
    const cart = [item('a', 100, 2, 10)];
    expect(applyStockLevels(cart, levelsOfStore(levels, 'bdw'))[0].stock).toBe(40);
  });

  it('turns the server validation and the 409 details into messages per product', () => {
    const issues = issuesFromValidation({
      success: true,
      valid: false,
      subtotal: 0,
      deliveryFee: 2500,
      total: 2500,
      store: { id: 'bdw', name: 'Bandra West', code: 'BDW' },
      items: [
        { productId: 'a', requested: 2, available: 2, ok: true },
        { productId: 'b', requested: 5, available: 3, ok: false, reason: 'insufficient_stock' },
        { productId: 'c', requested: 1, available: 0, ok: false, reason: 'out_of_stock' },
        { productId: 'd', requested: 1, available: 0, ok: false, reason: 'unavailable' },
      ],
    });
    expect(issues).toEqual({ b: 'Only 3 left', c: 'Out of stock', d: 'No longer available' });

    expect(
      issuesFromStockError([
        { productId: 'x', requested: 40, available: 31, name: 'Atta' },
        { productId: 'y', requested: 1, available: 0 },
        { nonsense: true },
      ]),
    ).toEqual({ x: 'Only 31 left (you asked for 40)', y: 'Out of stock' });
    expect(issuesFromStockError(undefined)).toEqual({});
  });

  it('labels stock badges', () => {
    expect(stockBadge(0)).toEqual({ label: 'Out of stock', color: 'error' });
    expect(stockBadge(3)).toEqual({ label: 'Only 3 left', color: 'warning' });
    expect(stockBadge(40).color).toBe('success');
  });

  it('steps down one at a time, even when the store has fewer than the line (3 → 2, not 3 → 1)', () => {
    const cart = [item('a', 9500, 3, 1)];
    expect(setQuantity(cart, 'a', 2)[0].quantity).toBe(2);
    expect(setQuantity(setQuantity(cart, 'a', 2), 'a', 1)[0].quantity).toBe(1);
    // Going up past the stock does nothing (the line is already above it).
    expect(setQuantity(cart, 'a', 4)[0].quantity).toBe(3);
    expect(setQuantity(cart, 'a', 1)[0].quantity).toBe(1);
  });

  it('puts removed lines back where they were (undo), without counting twice', () => {
    const cart = [item('a', 100, 1), item('b', 200, 2), item('c', 300, 3)];
    const removed = linesToRemove(cart, ['b']);
    expect(removed).toEqual([{ item: cart[1], index: 1 }]);
    const without = setQuantity(cart, 'b', 0);
    expect(restoreLines(without, removed).map((i) => `${i.productId}:${i.quantity}`)).toEqual(['a:1', 'b:2', 'c:3']);
    // Emptied, then undone: everything back in order.
    const all = linesToRemove(cart, ['a', 'b', 'c']);
    expect(restoreLines([], all)).toEqual(cart);
    // Added again meanwhile: the larger quantity, once.
    const readded = [...without, item('b', 200, 1)];
    expect(restoreLines(readded, removed).filter((i) => i.productId === 'b')).toEqual([item('b', 200, 2)]);
  });

  describe('cart totals always add up to the lines shown', () => {
    const check = (lines: Partial<CartValidateResponse['items'][number]>[], extra: Partial<CartValidateResponse> = {}): CartValidateResponse => {
      const items = lines.map((l) => ({ productId: 'x', requested: 1, available: 10, ok: true, price: 100, lineTotal: 100, ...l }));
      const subtotal = items.filter((l) => l.ok).reduce((s, l) => s + (l.lineTotal ?? 0), 0);
      return {
        success: true,
        valid: items.every((l) => l.ok),
        items,
        subtotal,
        deliveryFee: 2500,
        total: subtotal + 2500,
        store: { id: 's', code: 'BDW', name: 'Bandra West' },
        ...extra,
      } as CartValidateResponse;
    };

    it('a short line (3 wanted, 1 left) is shown at its price, counted, and no fee or total is claimed', () => {
      const cart = [item('a', 9500, 3, 1)];
      const res = check([{ productId: 'a', requested: 3, available: 1, ok: false, reason: 'insufficient_stock', price: 9500, lineTotal: 28500 }]);
      const t = cartTotals(cart, res);
      expect(t.checked).toBe(true);
      expect(t.lines[0]).toMatchObject({ total: 28500, available: 1, issue: 'Only 1 left' });
      expect(t.itemsTotal).toBe(28500);
      expect(t.shortLines).toBe(1);
      // The server's "₹0 + ₹25 fee" is about what it can sell, not these lines.
      expect(t.priced).toBeNull();
    });

    it('every line available: the server total, and the items total equals its subtotal', () => {
      const cart = [item('a', 9500, 1, 5), item('b', 2000, 2, 5)];
      const res = check([
        { productId: 'a', requested: 1, price: 9500, lineTotal: 9500 },
        { productId: 'b', requested: 2, price: 2100, lineTotal: 4200 },
      ]);
      const t = cartTotals(cart, res);
      // The server's current price (21.00, not 20.00 as last seen) is the one shown.
      expect(t.lines.map((l) => l.total)).toEqual([9500, 4200]);
      expect(t.itemsTotal).toBe(13700);
      expect(t.priced).toEqual({ deliveryFee: 2500, total: 16200 });
    });

    it("takes the server's prices and stock into the cart, and nothing when nothing changed", () => {
      const cart = [item('a', 9500, 1, 5), item('b', 2000, 2, 5)];
      const res = check([
        { productId: 'a', requested: 1, price: 9500, available: 5, lineTotal: 9500 },
        { productId: 'b', requested: 2, price: 2100, available: 4, lineTotal: 4200 },
      ]);
      const synced = syncWithCheck(cart, res);
      expect(synced[0]).toBe(cart[0]);
      expect(synced[1]).toMatchObject({ price: 2100, stock: 4, quantity: 2 });
      expect(syncWithCheck(synced, res)).toBe(synced);
      // A check of other quantities changes nothing.
      expect(syncWithCheck([item('a', 100, 3, 5)], res)).toEqual([item('a', 100, 3, 5)]);
    });

    it('a check for another cart (older quantities) is not used', () => {
      const cart = [item('a', 9500, 2, 5)];
      const res = check([{ productId: 'a', requested: 3, lineTotal: 28500, price: 9500 }]);
      expect(checkMatches(cart, res)).toBe(false);
      const t = cartTotals(cart, res, { a: 'Only 1 left' });
      expect(t).toMatchObject({ checked: false, itemsTotal: 19000, priced: null, shortLines: 1 });
    });
  });
});

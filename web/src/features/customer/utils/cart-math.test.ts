import { describe, expect, it } from 'vitest';
import {
  addToCart,
  applyStockLevels,
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
import type { ProductView } from '@/types/models';

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
});

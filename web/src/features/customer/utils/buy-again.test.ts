import { describe, expect, it } from 'vitest';
import { buyAgainMessage, planBuyAgain } from '@/features/customer/utils/buy-again';
import type { ProductView } from '@/types/models';

function product(id: string, stock: number, isActive = true): ProductView {
  return {
    id,
    sku: id,
    name: `P ${id}`,
    description: '',
    category: { id: 'c', slug: 'c', name: 'C' },
    unit: '1 pc',
    price: 100,
    mrp: 100,
    stock,
    inStock: stock > 0,
    tags: [],
    imageUrl: '',
    isActive,
  };
}

describe('buy again', () => {
  const items = [
    { productId: 'a', name: 'A', quantity: 2 },
    { productId: 'b', name: 'B', quantity: 3 },
    { productId: 'c', name: 'C (old name)', quantity: 1 },
    { productId: 'd', name: 'D', quantity: 1 },
  ];

  it('adds what is available, fewer when stock is short, and names what is not', () => {
    const products = new Map([
      ['a', product('a', 10)],
      ['b', product('b', 1)],
      ['c', null],
      ['d', product('d', 0)],
    ]);
    const plan = planBuyAgain(items, products, new Map());
    expect(plan.add.map((a) => [a.product.id, a.quantity])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(plan.fewer).toEqual([{ name: 'P b', added: 1, ordered: 3 }]);
    expect(plan.unavailable).toEqual(['C (old name)', 'P d']);
    const words = buyAgainMessage('QC-1', plan);
    expect(words.severity).toBe('warning');
    expect(words.text).toBe('Added 3 items from order QC-1 to your cart. Not available now: C (old name), P d. P b: 1 of 3 (that is all there is).');
  });

  it('counts what the cart already holds against the stock', () => {
    const plan = planBuyAgain([{ productId: 'a', name: 'A', quantity: 2 }], new Map([['a', product('a', 3)]]), new Map([['a', 2]]));
    expect(plan.add).toEqual([{ product: product('a', 3), quantity: 1 }]);
    expect(planBuyAgain([{ productId: 'a', name: 'A', quantity: 2 }], new Map([['a', product('a', 2)]]), new Map([['a', 2]])).add).toEqual([]);
  });

  it('all there: a plain success', () => {
    const plan = planBuyAgain([{ productId: 'a', name: 'A', quantity: 1 }], new Map([['a', product('a', 5)]]), new Map());
    expect(buyAgainMessage('QC-2', plan)).toEqual({ text: 'Added 1 item from order QC-2 to your cart.', severity: 'success' });
  });
});

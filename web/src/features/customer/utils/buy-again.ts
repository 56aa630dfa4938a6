/**
 * "Buy again": what of a past order can go back in the cart now, at the store of the
 * customer's place. Pure: the products as that store has them now (null: not sold there
 * any more), and what the cart already holds.
 */
import { maxQuantity } from '@/features/customer/utils/cart-math';
import type { OrderItemView, ProductView } from '@/types/models';

export interface BuyAgainPlan {
  /** What to add, and how many. */
  add: { product: ProductView; quantity: number }[];
  /** Added, but fewer than ordered (the store has fewer, or the cart already holds some). */
  fewer: { name: string; added: number; ordered: number }[];
  /** Not added: not sold here any more, or out of stock. */
  unavailable: string[];
}

export function planBuyAgain(
  items: readonly Pick<OrderItemView, 'productId' | 'name' | 'quantity'>[],
  products: ReadonlyMap<string, ProductView | null>,
  inCart: ReadonlyMap<string, number>,
): BuyAgainPlan {
  const plan: BuyAgainPlan = { add: [], fewer: [], unavailable: [] };
  for (const item of items) {
    const product = products.get(item.productId) ?? null;
    if (!product || !product.isActive || product.stock <= 0) {
      plan.unavailable.push(product?.name ?? item.name);
      continue;
    }
    const room = Math.max(0, maxQuantity(product.stock) - (inCart.get(item.productId) ?? 0));
    const quantity = Math.min(item.quantity, room);
    if (quantity > 0) plan.add.push({ product, quantity });
    if (quantity < item.quantity) plan.fewer.push({ name: product.name, added: quantity, ordered: item.quantity });
  }
  return plan;
}

/** The words for the customer after "Buy again". */
export function buyAgainMessage(orderNumber: string, plan: BuyAgainPlan): { text: string; severity: 'success' | 'warning' } {
  const units = plan.add.reduce((n, a) => n + a.quantity, 0);
  const parts: string[] = [];
  parts.push(
    units > 0
      ? `Added ${units} ${units === 1 ? 'item' : 'items'} from order ${orderNumber} to your cart.`
      : `Nothing from order ${orderNumber} could be added now.`,
  );
  if (plan.unavailable.length) parts.push(`Not available now: ${plan.unavailable.join(', ')}.`);
  for (const f of plan.fewer) {
    parts.push(f.added > 0 ? `${f.name}: ${f.added} of ${f.ordered} (that is all there is).` : `${f.name}: no more can be added.`);
  }
  return { text: parts.join(' '), severity: plan.unavailable.length || plan.fewer.length || units === 0 ? 'warning' : 'success' };
}

/**
 * "Buy again": the items of a past order that the store of the customer's place has now go
 * back in the cart (as many as there are), the others are named, and the cart opens.
 */
import { useCallback, useState } from 'react';
import { useSnackbar } from '@/components/snackbar-provider';
import { errorCode, errorMessage } from '@/lib/api-client';
import { getProduct } from '@/features/customer/api/catalog-api';
import { useCart } from '@/features/customer/hooks/use-cart';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { buyAgainMessage, planBuyAgain } from '@/features/customer/utils/buy-again';
import type { OrderView, ProductView } from '@/types/models';

export function useBuyAgain() {
  const cart = useCart();
  const { scope } = useDeliveryLocation();
  const { notify } = useSnackbar();
  const [busyOrder, setBusyOrder] = useState<string | null>(null);
  const { items: cartItems, add, setDrawerOpen } = cart;

  const buyAgain = useCallback(
    async (order: Pick<OrderView, 'id' | 'orderNumber' | 'items'>) => {
      setBusyOrder(order.id);
      try {
        const found = await Promise.all(
          order.items.map(async (item): Promise<[string, ProductView | null]> => {
            try {
              return [item.productId, (await getProduct(item.productId, scope)).product];
            } catch (err) {
              if (errorCode(err) === 'product_not_found') return [item.productId, null];
              throw err;
            }
          }),
        );
        const inCart = new Map(cartItems.map((i) => [i.productId, i.quantity]));
        const plan = planBuyAgain(order.items, new Map(found), inCart);
        for (const { product, quantity } of plan.add) add(product, quantity);
        const words = buyAgainMessage(order.orderNumber, plan);
        notify(words.text, words.severity, { duration: 8000 });
        if (plan.add.length) setDrawerOpen(true);
      } catch (err) {
        notify(errorMessage(err), 'error');
      } finally {
        setBusyOrder(null);
      }
    },
    [scope, cartItems, add, setDrawerOpen, notify],
  );

  return { buyAgain, busyOrder };
}

/**
 * When the customer's place is served by another store than the one the cart was built
 * at, the cart is checked against the new store's stock and prices (and kept): this says
 * what changed — items it does not have, fewer in stock, other prices — or that nothing did.
 */
import { startTransition, useEffect, useRef, useState } from 'react';
import { Alert, AlertTitle, Box, Button, IconButton } from '@mui/material';
import { CloseIcon } from '@/components/icons';
import { validateCart } from '@/features/customer/api/cart-api';
import { useCart } from '@/features/customer/hooks/use-cart';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { applyValidatedPrices } from '@/features/customer/utils/cart-math';
import { cartChangesAtStore, type CartChange } from '@/features/customer/utils/place';
import type { StoreRef } from '@/types/models';

interface Notice {
  store: StoreRef;
  changes: CartChange[];
}

/** Re-check the cart whenever the store serving the place is not the cart's store. */
function useStoreSwitch(): [Notice | null, () => void] {
  const location = useDeliveryLocation();
  const cart = useCart();
  const [notice, setNotice] = useState<Notice | null>(null);
  const items = useRef(cart.items);
  items.current = cart.items;
  const target = location.store?.id ?? null;
  const empty = cart.items.length === 0;
  const { setStoreId, replace } = cart;

  useEffect(() => {
    if (!target || target === cart.storeId) return;
    const from = cart.storeId;
    if (empty) {
      // Every page re-renders from the cart: in slices (a transition), not one long task.
      startTransition(() => {
        setStoreId(target);
        setNotice(null);
      });
      return;
    }
    let cancelled = false;
    const lines = items.current;
    validateCart(
      lines.map((i) => ({ productId: i.productId, quantity: i.quantity })),
      { storeId: target },
    )
      .then((res) => {
        if (cancelled) return;
        const changes = cartChangesAtStore(lines, res);
        replace((current) => applyValidatedPrices(current, res));
        setStoreId(res.store.id);
        // A cart of unknown origin is worth a word only when something differs.
        if (from || changes.length) setNotice({ store: res.store, changes });
      })
      .catch(() => undefined); // Tried again at the next serviceability check.
    return () => {
      cancelled = true;
    };
    // `location.service` changes at each check: a failed re-check is tried again then.
  }, [target, cart.storeId, empty, setStoreId, replace, location.service]);

  return [notice, () => setNotice(null)];
}

export function StoreChangeNotice() {
  const [notice, dismiss] = useStoreSwitch();
  const { setDrawerOpen } = useCart();
  if (!notice) return null;
  const { store, changes } = notice;
  return (
    <Alert
      severity={changes.length ? 'warning' : 'info'}
      sx={{ mb: 2, '& .MuiAlert-action': { alignItems: 'flex-start' } }}
      role="status"
      data-testid="store-change-notice"
      data-store-id={store.id}
      data-changes={changes.length}
      action={
        // An Alert shows either an action or its close button: both are given here.
        <>
          <Button
            color="inherit"
            size="small"
            sx={{ minHeight: 44 }}
            onClick={() => {
              setDrawerOpen(true);
              dismiss();
            }}
            aria-label="Review your cart"
            data-testid="store-change-review"
          >
            Review cart
          </Button>
          <IconButton color="inherit" size="small" sx={{ width: 44, height: 44 }} onClick={dismiss} aria-label="Close" data-testid="store-change-close">
            <CloseIcon fontSize="small" />
          </IconButton>
        </>
      }
    >
      <AlertTitle sx={{ mb: changes.length ? 0.5 : 0 }}>Now shopping from {store.name}</AlertTitle>
      {changes.length === 0 ? (
        'We checked your cart: everything in it is available here at the same price.'
      ) : (
        <>
          We checked your cart against this store and kept it. What changed:
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {changes.map((c) => (
              <li key={`${c.productId}:${c.kind}`} data-testid="store-change-item" data-kind={c.kind} data-product-id={c.productId}>
                {c.text}
              </li>
            ))}
          </Box>
        </>
      )}
    </Alert>
  );
}

import { useEffect, useMemo } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Box, Button, Divider, Drawer, IconButton, LinearProgress, Stack, Typography } from '@mui/material';
import { CloseIcon } from '@/components/icons';
import { EmptyState, ErrorState } from '@/components/page-state';
import { formatMoney } from '@/lib/format';
import { useCart } from '@/features/customer/hooks/use-cart';
import { useCartCheck } from '@/features/customer/hooks/use-cart-check';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { cartTotals, syncWithCheck } from '@/features/customer/utils/cart-math';
import { CartLine } from '@/features/customer/components/cart-line';
import { CartSummary } from '@/features/customer/components/order-summary';

export function CartDrawer() {
  const cart = useCart();
  const navigate = useNavigate();
  const location = useDeliveryLocation();
  const check = useCartCheck(cart.items, cart.drawerOpen && location.scopeReady, location.scope);
  const result = check.result;
  const { words, service } = location;
  const totals = useMemo(() => cartTotals(cart.items, result), [cart.items, result]);
  const { replace } = cart;

  // Every view of the cart shows the prices the server just gave.
  useEffect(() => {
    if (result) replace((items) => syncWithCheck(items, result));
  }, [result, replace]);

  async function goToCheckout() {
    const res = await check.check();
    if (res?.valid) {
      cart.setDrawerOpen(false);
      navigate('/checkout');
    }
  }

  return (
    <Drawer
      anchor="right"
      open={cart.drawerOpen}
      onClose={() => cart.setDrawerOpen(false)}
      slotProps={{ paper: { sx: { width: { xs: '100%', sm: 420 } }, 'aria-label': 'Shopping cart' } as object }}
      data-testid="cart-drawer"
    >
      <Stack direction="row" sx={{ alignItems: 'center', px: 2, pt: 1, pb: 0.5, gap: 1 }}>
        <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
          Your cart
        </Typography>
        {cart.items.length > 0 && (
          <Button color="inherit" onClick={cart.empty} sx={{ minHeight: 44 }} aria-label="Empty the cart" data-testid="cart-empty">
            Empty cart
          </Button>
        )}
        <IconButton aria-label="Close cart" onClick={() => cart.setDrawerOpen(false)} data-testid="cart-close" sx={{ width: 44, height: 44 }}>
          <CloseIcon />
        </IconButton>
      </Stack>
      {result && (
        <Typography
          variant="body2"
          sx={{ px: 2, pb: 1, color: words.tone === 'open' || words.tone === 'unknown' ? 'text.secondary' : 'warning.dark' }}
          data-testid="cart-store"
          data-store-id={result.store.id}
        >
          {words.tone === 'open' && service?.promise
            ? `From ${result.store.name} · delivery in ${service.promise.minutes} min`
            : words.tone === 'closed'
              ? `${result.store.name} is closed now: you can order when it opens.`
              : words.tone === 'busy'
                ? `${result.store.name} is very busy (~${service?.promise?.minutes ?? '?'} min). Try again in a little while.`
                : words.tone === 'unserved'
                  ? "We don't deliver to your chosen location yet: pick an address we serve at checkout."
                  : `Stock and prices of ${result.store.name}`}
        </Typography>
      )}
      {check.checking ? <LinearProgress aria-label="Checking stock" /> : <Box sx={{ height: 4 }} />}
      <Box sx={{ px: 2, flexGrow: 1, overflowY: 'auto' }} data-testid="cart-lines">
        {cart.items.length === 0 ? (
          <EmptyState title="Your cart is empty" hint="Add something from the shop." />
        ) : (
          totals.lines.map((line) => (
            <CartLine key={line.item.productId} line={line} onQuantity={cart.setQuantity} onRemove={(id) => cart.remove([id])} />
          ))
        )}
      </Box>
      {cart.items.length > 0 && (
        <Box sx={{ p: 2, pb: 'calc(16px + env(safe-area-inset-bottom))', borderTop: 1, borderColor: 'divider' }}>
          {check.error !== null && <ErrorState error={check.error} onRetry={() => void check.check()} />}
          {totals.shortLines > 0 && (
            <Alert severity="warning" sx={{ mb: 1 }} data-testid="cart-invalid">
              {totals.shortLines === 1 ? 'One item is' : `${totals.shortLines} items are`} short at the store. Update or remove{' '}
              {totals.shortLines === 1 ? 'it' : 'them'} to continue.
            </Alert>
          )}
          <CartSummary totals={totals} checking={check.checking} />
          <Divider sx={{ my: 1 }} />
          <Button
            fullWidth
            size="large"
            variant="contained"
            sx={{ minHeight: 48 }}
            onClick={() => void goToCheckout()}
            disabled={totals.shortLines > 0 || (check.checking && !result)}
            aria-label="Go to checkout"
            data-testid="cart-checkout"
          >
            {totals.priced ? `Checkout · ${formatMoney(totals.priced.total)}` : 'Checkout'}
          </Button>
        </Box>
      )}
    </Drawer>
  );
}

import { useNavigate } from 'react-router';
import { Alert, Box, Button, Divider, Drawer, IconButton, LinearProgress, Stack, Typography } from '@mui/material';
import { CloseIcon } from '@/components/icons';
import { EmptyState, ErrorState } from '@/components/page-state';
import { formatMoney } from '@/lib/format';
import { useCart } from '@/features/customer/hooks/use-cart';
import { useCartCheck } from '@/features/customer/hooks/use-cart-check';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { cartSavings } from '@/features/customer/utils/cart-math';
import { CartLine } from '@/features/customer/components/cart-line';
import { OrderSummary } from '@/features/customer/components/order-summary';

export function CartDrawer() {
  const cart = useCart();
  const navigate = useNavigate();
  const location = useDeliveryLocation();
  const check = useCartCheck(cart.items, cart.drawerOpen && location.scopeReady, location.scope);
  const result = check.result;
  const { words, service } = location;

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
      <Stack direction="row" sx={{ alignItems: 'center', p: 2, pb: 1 }}>
        <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
          Your cart
        </Typography>
        <IconButton aria-label="Close cart" onClick={() => cart.setDrawerOpen(false)} data-testid="cart-close">
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
      <Box sx={{ px: 2, flexGrow: 1, overflowY: 'auto' }}>
        {cart.items.length === 0 ? (
          <EmptyState title="Your cart is empty" hint="Add something from the shop." />
        ) : (
          cart.items.map((item) => (
            <CartLine key={item.productId} item={item} issue={check.issues[item.productId]} onQuantity={cart.setQuantity} />
          ))
        )}
      </Box>
      {cart.items.length > 0 && (
        <Box sx={{ p: 2, borderTop: 1, borderColor: 'divider' }}>
          {check.error !== null && <ErrorState error={check.error} onRetry={() => void check.check()} />}
          {result && !result.valid && (
            <Alert severity="warning" sx={{ mb: 1 }} data-testid="cart-invalid">
              Some items changed. Adjust them to continue.
            </Alert>
          )}
          {result ? (
            <OrderSummary subtotal={result.subtotal} deliveryFee={result.deliveryFee} total={result.total} savings={cartSavings(cart.items)} />
          ) : (
            <Typography>
              Items: <b>{formatMoney(cart.subtotal)}</b> · checking fees and stock…
            </Typography>
          )}
          <Divider sx={{ my: 1 }} />
          <Button
            fullWidth
            size="large"
            variant="contained"
            onClick={() => void goToCheckout()}
            disabled={check.checking && !result}
            aria-label="Go to checkout"
            data-testid="cart-checkout"
          >
            Checkout
          </Button>
        </Box>
      )}
    </Drawer>
  );
}

/**
 * Checkout: pick or add the address (it becomes the delivery location, so the cart is
 * checked against the store serving it), see that store's promise, and place the order
 * with the store the cart was checked against (`storeId`) and an Idempotency-Key (one
 * per attempt; reused only to retry after a network error). A refusal because the
 * address is served by another store (`store_mismatch`), the store closed, got very busy
 * or does not serve the address is explained, and the location is checked again.
 */
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Divider,
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { ApiError, errorMessage } from '@/lib/api-client';
import { formatMoney } from '@/lib/format';
import { addressApi } from '@/features/customer/api/address-api';
import { ordersApi } from '@/features/customer/api/orders-api';
import { useCart } from '@/features/customer/hooks/use-cart';
import { useCartCheck } from '@/features/customer/hooks/use-cart-check';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { placeFromAddress, placeTitle } from '@/features/customer/utils/place';
import { StoreStateBanner } from '@/features/customer/components/service-state';
import { formatClock } from '@/lib/format';
import { applyValidatedPrices, cartTotals, syncWithCheck } from '@/features/customer/utils/cart-math';
import { AddressPicker } from '@/features/customer/components/address-picker';
import { AddressFormDialog } from '@/features/customer/components/address-form-dialog';
import { CartLine } from '@/features/customer/components/cart-line';
import { CartSummary } from '@/features/customer/components/order-summary';
import { SubstitutionChoice, useSubstitutionChoices } from '@/features/customer/components/substitution-choice';
import type { SavedAddressView } from '@/types/models';

/** Why the order could not be placed, and what to do about it. */
function PlaceError({ error }: { error: unknown }) {
  const code = error instanceof ApiError ? error.code : null;
  const severity =
    code && ['not_serviceable', 'too_many_open_orders', 'too_many_requests', 'store_closed', 'store_busy', 'store_mismatch'].includes(code)
      ? 'warning'
      : 'error';
  return (
    <Alert
      severity={severity}
      sx={{ mt: 2 }}
      role="alert"
      data-testid="checkout-error"
      data-code={code ?? ''}
      action={
        code === 'too_many_open_orders' ? (
          <Button component={RouterLink} to="/orders" color="inherit" size="small" aria-label="See your orders">
            Your orders
          </Button>
        ) : undefined
      }
    >
      {errorMessage(error)}
      {code === 'not_serviceable' && ' Choose another address, or add one in an area we deliver to.'}
    </Alert>
  );
}

/** Which store delivers to the chosen address, and by when (as promised before paying). */
function DeliveryPromise() {
  const { service, words, store } = useDeliveryLocation();
  if (!store) return null;
  return (
    <Typography
      variant="body2"
      sx={{ mt: 0.5, color: words.tone === 'open' ? 'success.dark' : 'warning.dark', fontWeight: 600 }}
      data-testid="checkout-promise"
      data-store-id={store.id}
      data-tone={words.tone}
    >
      {words.tone === 'open' && service?.promise
        ? `Arrives in ${service.promise.minutes} min (by ${formatClock(service.promise.deliverBy)}) · from ${store.name}`
        : `${words.headline}${words.tone === 'busy' ? ` (${words.detail})` : ''}`}
    </Typography>
  );
}

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export function CheckoutPage() {
  const cart = useCart();
  const navigate = useNavigate();
  const { notify } = useSnackbar();
  const location = useDeliveryLocation();
  const check = useCartCheck(cart.items, location.scopeReady, location.scope);
  const [dialog, setDialog] = useState<{ open: boolean; address: SavedAddressView | null }>({ open: false, address: null });
  const [notes, setNotes] = useState('');
  const [payment, setPayment] = useState('cash');
  const [placing, setPlacing] = useState(false);
  const [placeError, setPlaceError] = useState<unknown>(null);
  const attemptKey = useRef<string | null>(null);
  /** What the store does if it runs short of a line (best match or refund). */
  const substitutions = useSubstitutionChoices();

  const list = location.addresses ?? [];
  // The delivery address is the delivery location: picking one moves the whole shop there.
  const selectedId = location.place?.kind === 'address' ? location.place.addressId : null;
  const select = (id: string) => {
    const a = list.find((x) => x.id === id);
    if (a && a.id !== selectedId) {
      setPlaceError(null);
      location.setPlace(placeFromAddress(a));
    }
  };

  // A new cart, address or store is a new attempt.
  const cartKey = cart.items.map((i) => `${i.productId}:${i.quantity}`).join(',');
  useEffect(() => {
    attemptKey.current = null;
  }, [cartKey, selectedId, location.store?.id]);

  const result = check.result;
  const words = location.words;
  const totals = useMemo(() => cartTotals(cart.items, result), [cart.items, result]);
  const { replace } = cart;
  // Every view of the cart shows the prices the server just gave.
  useEffect(() => {
    if (result) replace((items) => syncWithCheck(items, result));
  }, [result, replace]);
  // The check answers for the store serving the address (not one from before a switch).
  const checkedHere =
    !!result && (location.store ? result.store.id === location.store.id : location.serviceError !== null);
  const canPlace =
    !!selectedId &&
    cart.items.length > 0 &&
    !placing &&
    checkedHere &&
    !!result?.valid &&
    totals.priced !== null &&
    words.canOrder &&
    !check.checking;

  async function place() {
    if (!selectedId || !result) return;
    setPlacing(true);
    setPlaceError(null);
    attemptKey.current ??= newKey();
    try {
      const res = await ordersApi.place(
        {
          items: cart.items.map((i) => ({ productId: i.productId, quantity: i.quantity, substitution: substitutions.choice(i.productId) })),
          addressId: selectedId,
          storeId: result.store.id,
          notes: notes.trim() || null,
          paymentMethod: payment,
        },
        attemptKey.current,
      );
      attemptKey.current = null;
      cart.clear();
      notify(`Order ${res.order.orderNumber} placed`, 'success');
      navigate(`/orders/${res.order.id}`, { replace: true });
    } catch (err) {
      setPlaceError(err);
      if (err instanceof ApiError && err.status !== 0) {
        attemptKey.current = null; // The server decided: the next press is a new attempt.
        const code = err.code;
        if (code === 'store_mismatch' || code === 'store_closed' || code === 'store_busy' || code === 'not_serviceable') {
          // Which store serves the address, and can it deliver now? A new store re-checks the cart
          // (and the notice at the top says what changed).
          await location.refresh();
          return;
        }
        // Stock or prices moved: check again, and the lines say what changed.
        const fresh = await check.check();
        if (fresh) cart.replace((items) => applyValidatedPrices(items, fresh));
      }
    } finally {
      setPlacing(false);
    }
  }

  async function makeDefault(a: SavedAddressView) {
    try {
      await addressApi.setDefault(a.id);
      void location.reloadAddresses();
      notify(`${a.label} is now your default address`, 'success');
    } catch (err) {
      notify(errorMessage(err), 'error');
    }
  }

  if (cart.items.length === 0) {
    return (
      <EmptyState
        title="Your cart is empty"
        hint="Add a few things first."
        action={
          <Button component={RouterLink} to="/" variant="contained" aria-label="Back to the shop" sx={{ minHeight: 44 }}>
            Back to the shop
          </Button>
        }
      />
    );
  }

  return (
    <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(0, 3fr) minmax(0, 2fr)' }, alignItems: 'start' }}>
      <Stack spacing={2}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
          Checkout
        </Typography>
        <Card>
          <CardContent>
            <Typography variant="h6" component="h2" gutterBottom>
              Deliver to
            </Typography>
            {!location.addresses && location.addressesError === null && <LoadingState rows={2} label="Loading addresses" />}
            {location.addressesError !== null && !location.addresses && (
              <ErrorState error={location.addressesError} onRetry={() => void location.reloadAddresses()} />
            )}
            {location.addresses && (
              <>
                {list.length === 0 && (
                  <Alert severity="info" sx={{ mb: 1 }}>
                    Add an address to deliver to.
                  </Alert>
                )}
                {list.length > 0 && location.place && location.place.kind !== 'address' && (
                  <Alert severity="info" sx={{ mb: 1 }} data-testid="checkout-choose-address">
                    You are shopping for {placeTitle(location.place)}. Choose the address to deliver to: your cart is checked against the store that serves it.
                  </Alert>
                )}
                <AddressPicker
                  addresses={list}
                  selectedId={selectedId}
                  onSelect={select}
                  onAdd={() => setDialog({ open: true, address: null })}
                  onEdit={(address) => setDialog({ open: true, address })}
                  onMakeDefault={(a) => void makeDefault(a)}
                />
              </>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardContent>
            <Stack spacing={2}>
              <FormControl size="small">
                <InputLabel id="payment-label">Payment on delivery</InputLabel>
                <Select labelId="payment-label" label="Payment on delivery" value={payment} onChange={(e) => setPayment(e.target.value)}
                  inputProps={{ 'aria-label': 'Payment method' }}>
                  <MenuItem value="cash">Cash</MenuItem>
                  <MenuItem value="upi">UPI</MenuItem>
                  <MenuItem value="card">Card</MenuItem>
                </Select>
              </FormControl>
              <TextField label="Note for the rider (optional)" value={notes} onChange={(e) => setNotes(e.target.value)} multiline minRows={2} size="small"
                slotProps={{ htmlInput: { maxLength: 500, 'aria-label': 'Note for the rider' } }} />
            </Stack>
          </CardContent>
        </Card>
      </Stack>
      <Card sx={{ position: { md: 'sticky' }, top: { md: 120 } }}>
        <CardContent>
          <Typography variant="h6" component="h2">
            Order summary
          </Typography>
          <DeliveryPromise />
          <Box data-testid="checkout-lines">
            {totals.lines.map((line) => (
              <Fragment key={line.item.productId}>
                <CartLine line={line} onQuantity={cart.setQuantity} onRemove={(id) => cart.remove([id])} />
                <SubstitutionChoice productId={line.item.productId} name={line.item.name} value={substitutions.choice(line.item.productId)} onChange={substitutions.set} />
              </Fragment>
            ))}
          </Box>
          {check.error !== null && <ErrorState error={check.error} onRetry={() => void check.check()} />}
          <Divider sx={{ my: 1 }} />
          <CartSummary totals={totals} checking={check.checking} />
          {placeError !== null && <PlaceError error={placeError} />}
          <Box sx={{ mt: 2 }}>
            <StoreStateBanner compact />
          </Box>
          {words.tone === 'unserved' && selectedId && (
            <Alert severity="warning" sx={{ mt: 2 }} data-testid="checkout-not-serviceable">
              We don&apos;t deliver to this address yet. Choose another address, or add one in an area we deliver to.
            </Alert>
          )}
          {totals.shortLines > 0 && (
            <Alert severity="warning" sx={{ mt: 2 }} data-testid="cart-invalid">
              Some items are short at the store. Update or remove them to place the order.
            </Alert>
          )}
          <Button
            fullWidth
            size="large"
            variant="contained"
            sx={{ mt: 2, minHeight: 48 }}
            disabled={!canPlace}
            onClick={() => void place()}
            aria-label="Place order"
            data-testid="place-order"
          >
            {placing
              ? 'Placing order…'
              : words.tone === 'closed'
                ? 'Store closed'
                : words.tone === 'busy'
                  ? 'Store very busy'
                  : totals.priced
                    ? `Place order · ${formatMoney(totals.priced.total)}`
                    : 'Place order'}
          </Button>
        </CardContent>
      </Card>
      <AddressFormDialog
        open={dialog.open}
        address={dialog.address}
        onClose={() => setDialog({ open: false, address: null })}
        onSaved={(saved) => {
          setDialog({ open: false, address: null });
          void location.reloadAddresses();
          setPlaceError(null);
          location.setPlace(placeFromAddress(saved));
        }}
      />
    </Box>
  );
}

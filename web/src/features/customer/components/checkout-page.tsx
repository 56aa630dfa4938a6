/**
 * Checkout: pick or add an address, re-check the cart with the server, place the order
 * with an Idempotency-Key (one per attempt; reused only to retry after a network error).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
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
import { useAsync } from '@/hooks/use-async';
import { addressApi } from '@/features/customer/api/address-api';
import { ordersApi } from '@/features/customer/api/orders-api';
import { useCart } from '@/features/customer/hooks/use-cart';
import { useCartCheck } from '@/features/customer/hooks/use-cart-check';
import { applyValidatedPrices, cartSavings, issuesFromStockError } from '@/features/customer/utils/cart-math';
import { AddressPicker } from '@/features/customer/components/address-picker';
import { AddressFormDialog } from '@/features/customer/components/address-form-dialog';
import { CartLine } from '@/features/customer/components/cart-line';
import { OrderSummary } from '@/features/customer/components/order-summary';
import type { SavedAddressView } from '@/types/models';

/** Why the order could not be placed, and what to do about it. */
function PlaceError({ error }: { error: unknown }) {
  const code = error instanceof ApiError ? error.code : null;
  const severity = code === 'not_serviceable' || code === 'too_many_open_orders' || code === 'too_many_requests' ? 'warning' : 'error';
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
      {code === 'not_serviceable' && ' Choose another address, or add one closer to our store.'}
    </Alert>
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
  const addresses = useAsync((signal) => addressApi.list(signal).then((r) => r.addresses), []);
  const check = useCartCheck(cart.items, true);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ open: boolean; address: SavedAddressView | null }>({ open: false, address: null });
  const [notes, setNotes] = useState('');
  const [payment, setPayment] = useState('cash');
  const [placing, setPlacing] = useState(false);
  const [placeError, setPlaceError] = useState<unknown>(null);
  const attemptKey = useRef<string | null>(null);

  const list = addresses.data ?? [];
  useEffect(() => {
    if (!list.length) return;
    if (!selectedId || !list.some((a) => a.id === selectedId)) {
      setSelectedId((list.find((a) => a.isDefault) ?? list[0]).id);
    }
  }, [list, selectedId]);

  // A new cart or address is a new attempt.
  const cartKey = cart.items.map((i) => `${i.productId}:${i.quantity}`).join(',');
  useEffect(() => {
    attemptKey.current = null;
  }, [cartKey, selectedId]);

  const issues = check.issues;
  const result = check.result;
  const canPlace = !!selectedId && cart.items.length > 0 && !placing && (!result || result.valid);
  const savings = useMemo(() => cartSavings(cart.items), [cart.items]);

  async function place() {
    if (!selectedId) return;
    setPlacing(true);
    setPlaceError(null);
    attemptKey.current ??= newKey();
    try {
      const res = await ordersApi.place(
        {
          items: cart.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
          addressId: selectedId,
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
        if (err.code === 'insufficient_stock') check.setIssues(issuesFromStockError(err.details));
        const fresh = await check.check();
        if (fresh) cart.replace(applyValidatedPrices(cart.items, fresh));
        if (err.code === 'insufficient_stock') check.setIssues(issuesFromStockError(err.details));
      }
    } finally {
      setPlacing(false);
    }
  }

  async function makeDefault(a: SavedAddressView) {
    try {
      await addressApi.setDefault(a.id);
      addresses.reload();
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
          <Button component={RouterLink} to="/" variant="contained" aria-label="Back to the shop">
            Back to the shop
          </Button>
        }
      />
    );
  }

  return (
    <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '3fr 2fr' }, alignItems: 'start' }}>
      <Stack spacing={2}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
          Checkout
        </Typography>
        <Card>
          <CardContent>
            <Typography variant="h6" component="h2" gutterBottom>
              Deliver to
            </Typography>
            {addresses.loading && !addresses.data && <LoadingState rows={2} label="Loading addresses" />}
            {addresses.error !== null && <ErrorState error={addresses.error} onRetry={addresses.reload} />}
            {addresses.data && (
              <>
                {list.length === 0 && (
                  <Alert severity="info" sx={{ mb: 1 }}>
                    Add an address to deliver to.
                  </Alert>
                )}
                <AddressPicker
                  addresses={list}
                  selectedId={selectedId}
                  onSelect={setSelectedId}
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
          <Box data-testid="checkout-lines">
            {cart.items.map((item) => (
              <CartLine key={item.productId} item={item} issue={issues[item.productId]} onQuantity={cart.setQuantity} />
            ))}
          </Box>
          {check.error !== null && <ErrorState error={check.error} onRetry={() => void check.check()} />}
          {result ? (
            <OrderSummary subtotal={result.subtotal} deliveryFee={result.deliveryFee} total={result.total} savings={savings} />
          ) : (
            <LoadingState label="Checking prices and stock…" />
          )}
          {placeError !== null && <PlaceError error={placeError} />}
          {result && !result.valid && (
            <Alert severity="warning" sx={{ mt: 2 }} data-testid="cart-invalid">
              Some items are short. Lower their quantity or remove them.
            </Alert>
          )}
          <Button
            fullWidth
            size="large"
            variant="contained"
            sx={{ mt: 2 }}
            disabled={!canPlace}
            onClick={() => void place()}
            aria-label="Place order"
            data-testid="place-order"
          >
            {placing ? 'Placing order…' : result ? `Place order · ${formatMoney(result.total)}` : 'Place order'}
          </Button>
        </CardContent>
      </Card>
      <AddressFormDialog
        open={dialog.open}
        address={dialog.address}
        onClose={() => setDialog({ open: false, address: null })}
        onSaved={(saved) => {
          setDialog({ open: false, address: null });
          setSelectedId(saved.id);
          addresses.reload();
        }}
      />
    </Box>
  );
}

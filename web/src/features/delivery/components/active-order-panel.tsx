/**
 * One order the partner carries: map, next status, and the delivery code. After 5 wrong
 * codes delivery is locked (`order.codeLocked`, `order:code-locked`, or 423
 * `confirmation_locked`) until support resets the code (`order:code-reset`).
 */
import { useMemo, useState, type FormEvent } from 'react';
import { Alert, Box, Button, Card, CardContent, Chip, Stack, TextField, Typography } from '@mui/material';
import { StatusChip } from '@/components/order-status';
import { LazyMap, type MapMarker } from '@/components/map/lazy-map';
import { useSnackbar } from '@/components/snackbar-provider';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { ApiError, errorMessage } from '@/lib/api-client';
import { formatMoney } from '@/lib/format';
import { nextPartnerStatus, nextStatusAction } from '@/lib/order-status';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import type { ActiveAction } from '@/features/delivery/utils/partner-orders';
import type { Position } from '@/features/delivery/hooks/use-location-broadcast';
import type { PartnerOrderView } from '@/types/models';

export function ActiveOrderPanel({
  order,
  position,
  dispatch,
}: {
  order: PartnerOrderView;
  position: Position | null;
  dispatch: (action: ActiveAction) => void;
}) {
  const { notify } = useSnackbar();
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  /** Support sent the customer a new code since the lock. */
  const [codeReset, setCodeReset] = useState(false);
  const next = nextPartnerStatus(order.status);
  const locked = order.codeLocked;

  // A new code: the input works again (the order's `codeLocked` is cleared by the list).
  useSocketEvent('order:code-reset', (e) => {
    if (e.orderId !== order.id) return;
    setCodeError(null);
    setCode('');
    setCodeReset(true);
  });
  useSocketEvent('order:code-locked', (e) => {
    if (e.orderId === order.id) setCodeReset(false);
  });

  const markers = useMemo<MapMarker[]>(() => {
    const out: MapMarker[] = [{ id: 'store', kind: 'store', ...order.pickup, label: 'Pick up at the store' }];
    const { lat, lng } = order.deliveryAddress;
    if (lat != null && lng != null) out.push({ id: 'customer', kind: 'destination', lat, lng, label: 'Customer' });
    if (position) out.push({ id: 'me', kind: 'rider', lat: position.lat, lng: position.lng, label: 'You' });
    return out;
  }, [order.pickup, order.deliveryAddress, position]);

  async function advance() {
    if (next !== 'picked_up' && next !== 'on_the_way') return;
    setBusy(true);
    try {
      const updated = await deliveryApi.updateStatus(order.id, next);
      dispatch({ type: 'upsert', order: updated });
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  async function deliver(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setCodeError(null);
    try {
      const delivered = await deliveryApi.confirmDelivery(order.id, code.trim());
      notify(`Delivered ${order.orderNumber}. Earned ${formatMoney(delivered.estimatedPayout)}.`, 'success');
      dispatch({ type: 'remove', orderId: order.id });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'confirmation_locked') {
        // Same seq: only marks the order locked until `order:code-reset` says otherwise.
        dispatch({ type: 'upsert', order: { ...order, codeLocked: true } });
        setCodeError(null);
        setCodeReset(false);
      } else {
        setCodeError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  }

  const customer = order.customer;
  return (
    <Card data-testid="active-order" data-order-id={order.id} data-status={order.status} sx={{ borderColor: 'primary.main', borderWidth: 2 }}>
      <CardContent>
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mb: 1, flexWrap: 'wrap' }}>
          <Typography variant="h6" component="h3" sx={{ flexGrow: 1 }}>
            {order.orderNumber}
          </Typography>
          <StatusChip status={order.status} testId="active-order-status" />
          <Chip size="small" color="success" label={formatMoney(order.estimatedPayout)} />
        </Stack>
        <Typography variant="body2">
          <b>{customer?.name ?? 'Customer'}</b>
          {customer?.phone ? (
            <>
              {' · '}
              <a href={`tel:${customer.phone}`} aria-label={`Call ${customer.name}`}>
                {customer.phone}
              </a>
            </>
          ) : null}
        </Typography>
        <Typography variant="body2" color="text.secondary" data-testid="active-order-address">
          {order.deliveryAddress.street}, {order.deliveryAddress.city} {order.deliveryAddress.zipCode}
        </Typography>
        {order.notes && (
          <Typography variant="body2" sx={{ mt: 0.5 }}>
            Note: {order.notes}
          </Typography>
        )}
        <Box sx={{ my: 1.5 }}>
          <LazyMap markers={markers} ariaLabel="Route to the customer" testId="partner-map" height={240} fitKey={order.id} />
        </Box>
        {next && next !== 'delivered' && (
          <Button fullWidth size="large" variant="contained" onClick={() => void advance()} disabled={busy}
            aria-label={nextStatusAction(order.status) ?? 'Next status'} data-testid="next-status" data-next={next}>
            {busy ? 'Updating…' : nextStatusAction(order.status)}
          </Button>
        )}
        {next === 'delivered' && (
          <form onSubmit={deliver} aria-label="Deliver with the customer's code">
            <Stack direction="row" sx={{ gap: 1, alignItems: 'flex-start' }}>
              <TextField
                label="Customer's code"
                value={code}
                onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 4))}
                size="small"
                error={!!codeError}
                disabled={locked}
                sx={{ flexGrow: 1 }}
                slotProps={{ htmlInput: { inputMode: 'numeric', pattern: '[0-9]*', maxLength: 4, 'aria-label': "Customer's 4-digit code", 'data-testid': 'code-input' } }}
              />
              <Button type="submit" variant="contained" size="large" disabled={busy || code.length !== 4 || locked}
                aria-label="Confirm delivery" data-testid="deliver-button">
                Deliver
              </Button>
            </Stack>
            {locked && (
              <Alert severity="error" sx={{ mt: 1 }} data-testid="code-locked" role="alert">
                Too many wrong codes. Wait for support to send the customer a new code, then ask them for it.
              </Alert>
            )}
            {!locked && codeReset && !codeError && (
              <Alert severity="info" sx={{ mt: 1 }} data-testid="code-reset" role="status">
                Support sent the customer a new code. Ask them for it and enter it here.
              </Alert>
            )}
            {!locked && codeError && (
              <Alert severity="warning" sx={{ mt: 1 }} data-testid="code-error" role="alert">
                {codeError}
              </Alert>
            )}
          </form>
        )}
      </CardContent>
    </Card>
  );
}

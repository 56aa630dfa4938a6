/**
 * One order the partner carries: map, next status, and the delivery code. After 5 wrong
 * codes delivery is locked (`order.codeLocked`, `order:code-locked`, or 423
 * `confirmation_locked`) until support resets the code (`order:code-reset`).
 *
 * The next step (the status button, the pickup gate while the store packs, or the code
 * form) sits above the map; for the current stop on a phone (`dock`) it is fixed to the
 * bottom of the screen instead, so it is within reach without scrolling. It stays inside
 * the card's markup either way (one form, one state).
 */
import { useLayoutEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Box, Button, Card, CardContent, Chip, Stack, TextField, Typography } from '@mui/material';
import { StatusChip } from '@/components/order-status';
import { LazyMap, type MapMarker } from '@/components/map/lazy-map';
import { useSnackbar } from '@/components/snackbar-provider';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { ApiError, errorMessage } from '@/lib/api-client';
import { formatMoney } from '@/lib/format';
import { nextPartnerStatus, nextStatusAction } from '@/lib/order-status';
import { readyForPickup } from '@/lib/fulfilment';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import type { ActiveAction } from '@/features/delivery/utils/partner-orders';
import type { Position } from '@/features/delivery/hooks/use-location-broadcast';
import type { PartnerOrderView } from '@/types/models';

/** The bar at the bottom of the screen for the current stop: what the stop is, then its action. */
export interface ActionDock {
  label: string;
  kind: 'pickup' | 'drop';
  /** The bar's height in px (0 once it goes), for the room the page keeps under its end. */
  onHeight: (px: number) => void;
}

function DockedAction({ dock, orderId, children }: { dock: ActionDock; orderId: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const { onHeight } = dock;
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const report = () => onHeight(el.offsetHeight);
    report();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(report);
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      onHeight(0);
    };
  }, [onHeight]);
  return (
    <Box
      ref={ref}
      role="region"
      aria-label="Next step"
      data-testid="partner-action-bar"
      data-order-id={orderId}
      data-kind={dock.kind}
      sx={{
        position: 'fixed',
        left: 0,
        right: 0,
        bottom: 0,
        zIndex: (t) => t.zIndex.appBar - 1,
        bgcolor: 'background.paper',
        borderTop: 1,
        borderColor: 'divider',
        boxShadow: '0 -2px 10px rgba(0,0,0,0.12)',
        px: 1.5,
        pt: 1,
        pb: 'calc(10px + env(safe-area-inset-bottom))',
      }}
    >
      <Box sx={{ maxWidth: (t) => t.breakpoints.values.md, mx: 'auto' }}>
        <Typography variant="body2" sx={{ fontWeight: 700, mb: 0.75 }} data-testid="partner-action-stop">
          {dock.label}
        </Typography>
        {children}
      </Box>
    </Box>
  );
}

export function ActiveOrderPanel({
  order,
  position,
  dispatch,
  dock = null,
}: {
  order: PartnerOrderView;
  position: Position | null;
  dispatch: (action: ActiveAction) => void;
  /** This order is the current stop on a phone: its next step goes in a bar at the bottom. */
  dock?: ActionDock | null;
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
  // The store picks and packs: packing done (bags) is told live.
  useSocketEvent('order:fulfilment-updated', (e) => {
    if (e.orderId !== order.id) return;
    dispatch({ type: 'upsert', order: { ...order, fulfilment: e.fulfilment ?? order.fulfilment, bags: e.bags ?? order.bags, items: e.items, subtotal: e.subtotal, total: e.total } });
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

  const action = (
    <>
      {next === 'picked_up' && !readyForPickup(order) && (
        <Alert severity="info" role="status" data-testid="store-packing" data-fulfilment={order.fulfilment ?? ''}>
          Store is packing your order. You can pick it up once it is packed.
        </Alert>
      )}
      {next === 'picked_up' && order.fulfilment === 'packed' && (
        <Alert severity="success" role="status" sx={{ mb: 1 }} data-testid="pickup-ready">
          Ready for pickup{order.bags ? `: ${order.bags} ${order.bags === 1 ? 'bag' : 'bags'}` : ''} labelled {order.orderNumber}.
        </Alert>
      )}
      {next && next !== 'delivered' && (next !== 'picked_up' || readyForPickup(order)) && (
        <Button fullWidth size="large" variant="contained" onClick={() => void advance()} disabled={busy} sx={{ minHeight: 48 }}
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
              error={!!codeError}
              disabled={locked}
              sx={{ flexGrow: 1 }}
              slotProps={{ htmlInput: { inputMode: 'numeric', pattern: '[0-9]*', maxLength: 4, 'aria-label': "Customer's 4-digit code", 'data-testid': 'code-input' } }}
            />
            <Button type="submit" variant="contained" size="large" disabled={busy || code.length !== 4 || locked} sx={{ minHeight: 56 }}
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
    </>
  );

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
              {/* 44 px tall to the finger (the padding), the line's height to the text (the margin). */}
              <Box component="a" href={`tel:${customer.phone}`} aria-label={`Call ${customer.name}`} sx={{ display: 'inline-block', py: 1.5, my: -1.5 }}>
                {customer.phone}
              </Box>
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
        {next &&
          (dock ? (
            <DockedAction dock={dock} orderId={order.id}>
              {action}
            </DockedAction>
          ) : (
            <Box sx={{ mt: 1.5 }}>{action}</Box>
          ))}
        <Box sx={{ mt: 1.5 }}>
          <LazyMap markers={markers} ariaLabel="Route to the customer" testId="partner-map" height={240} fitKey={order.id} />
        </Box>
      </CardContent>
    </Card>
  );
}

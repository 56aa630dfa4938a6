import { lazy, useEffect, useMemo, useState } from 'react';
import { useNow } from '@/hooks/use-now';
import { promiseInfo } from '@/lib/order-promise';
import { PromiseChip } from '@/components/promise-chip';
import { Link as RouterLink, useParams } from 'react-router';
import { Alert, Box, Button, Card, CardContent, Divider, Stack, Typography } from '@mui/material';
import { ErrorState, LoadingState } from '@/components/page-state';
import { OrderStepper, StatusChip } from '@/components/order-status';
import { LazyMap, type MapMarker } from '@/components/map/lazy-map';
import { useSnackbar } from '@/components/snackbar-provider';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime, formatDistance, formatDuration, formatMoney, formatTime } from '@/lib/format';
import { NotificationPrompt } from '@/components/notification-prompt';
import { usePhone } from '@/hooks/use-phone';
import { useBuyAgain } from '@/features/customer/hooks/use-buy-again';
import { isActiveStatus, isFinalStatus } from '@/lib/order-status';
import { liveArrival } from '@/lib/tracking-text';
import { ordersApi } from '@/features/customer/api/orders-api';
import { useOrderTracking } from '@/features/customer/hooks/use-order-tracking';
import { OrderSummary } from '@/features/customer/components/order-summary';
import { PackingStatus, PickOutcomes } from '@/features/customer/components/packing-status';
import { useOrderFulfilment } from '@/features/customer/hooks/use-order-fulfilment';
import { isPacking } from '@/lib/fulfilment';
import { WhenOpened } from '@/components/when-opened';
import { Defer } from '@/components/defer';
import { markFirstContent } from '@/lib/first-content';

// Asked for on some orders only (pending: cancel; delivered: rate): loaded when needed.
const CancelOrderDialog = lazy(() => import('@/features/customer/components/cancel-order-dialog'));
const RateDeliveryCard = lazy(() => import('@/features/customer/components/rate-delivery').then((m) => ({ default: m.RateDeliveryCard })));

export function TrackingPage() {
  const { orderId = '' } = useParams();
  const { order, setOrder, tracking, rider, error, loading, reload, codeReset } = useOrderTracking(orderId);
  // Picking in the store (lines, totals, bags) and substitutes to answer.
  useOrderFulfilment(orderId, order, setOrder);
  const { notify } = useSnackbar();
  const phone = usePhone();
  const [cancelling, setCancelling] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const { buyAgain, busyOrder } = useBuyAgain();
  const now = useNow(15_000);

  const markers = useMemo<MapMarker[]>(() => {
    const out: MapMarker[] = [];
    if (tracking?.store) out.push({ id: 'store', kind: 'store', ...tracking.store, label: order?.store?.name ?? 'QuickCommerce store' });
    if (tracking?.destination) out.push({ id: 'home', kind: 'destination', ...tracking.destination, label: 'Your address' });
    if (rider && order && isActiveStatus(order.status)) {
      out.push({ id: 'rider', kind: 'rider', lat: rider.lat, lng: rider.lng, label: `${order.partner?.name ?? 'Rider'}` });
    }
    return out;
  }, [tracking?.store, tracking?.destination, rider, order]);

  // The order is on screen (or why not): what can wait may start (see lib/first-content.ts).
  const shown = order !== null || (error !== null && !loading);
  useEffect(() => {
    if (shown) markFirstContent();
  }, [shown]);

  if (loading && !order) return <LoadingState label="Loading your order…" />;
  if (error !== null && !order) return <ErrorState error={error} onRetry={reload} />;
  if (!order) return null;

  async function cancel(reason: string) {
    if (!order) return;
    setCancelling(true);
    try {
      const res = await ordersApi.cancel(order.id, reason);
      setOrder(res.order);
      setConfirmCancel(false);
      notify('Order cancelled', 'info');
    } catch (err) {
      setConfirmCancel(false);
      notify(errorMessage(err), 'error');
    } finally {
      setCancelling(false);
    }
  }

  const active = isActiveStatus(order.status);
  // ETA and distance from the same rider position as the marker (no lag of one move).
  const arrival = liveArrival({ status: order.status, rider, destination: tracking?.destination, tracking });
  const eta = arrival.etaSeconds;
  // The promise made at placement (the order's, else tracking's), against the clock.
  const promise = promiseInfo(
    {
      ...order,
      promisedAt: order.promisedAt ?? tracking?.promisedAt ?? null,
      promisedMinutes: order.promisedMinutes ?? tracking?.promisedMinutes ?? null,
    },
    now,
  );
  const late = promise?.status === 'late';
  return (
    <Stack spacing={{ xs: 1.5, sm: 2 }} data-testid="tracking-page" data-order-id={order.id}>
      <Stack direction="row" sx={{ alignItems: 'center', flexWrap: 'wrap', gap: 1 }}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700, flexGrow: 1, fontSize: { xs: 20, sm: 24 } }}>
          Order {order.orderNumber}
        </Typography>
        <PromiseChip info={promise} />
        <StatusChip status={order.status} />
      </Stack>
      {/* Delivered: rate it and tip the rider first (then how it was rated). */}
      {/* (Its code loads with the delivered order: the page waits for it rather than move.) */}
      {order.status === 'delivered' && <RateDeliveryCard order={order} onRated={setOrder} />}
      {/* On a phone the map comes first (seen without scrolling), then the steps and the details. */}
      <Box
        sx={{
          display: 'grid',
          gap: { xs: 1.5, sm: 2 },
          gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(0, 1fr) minmax(0, 2fr)' },
          gridTemplateAreas: { xs: '"map" "steps" "info"', md: '"steps steps" "info map"' },
        }}
      >
        <Card sx={{ gridArea: 'steps' }}>
          <CardContent sx={{ overflowX: 'auto' }}>
            <OrderStepper order={order} />
          </CardContent>
        </Card>
        <Stack spacing={2} sx={{ gridArea: 'info', minWidth: 0 }}>
          <PackingStatus order={order} />
          {!isFinalStatus(order.status) && order.codeLocked && (
            <Card sx={{ bgcolor: 'warning.light', borderColor: 'warning.main' }} data-testid="code-locked" role="status" aria-live="polite">
              <CardContent>
                <Typography variant="overline">Delivery code</Typography>
                <Typography sx={{ fontWeight: 600 }}>
                  Your rider entered a wrong code too many times. Our support team has been alerted and will send you a new code here.
                </Typography>
              </CardContent>
            </Card>
          )}
          {!isFinalStatus(order.status) && !order.codeLocked && order.confirmationCode && (
            <Card
              sx={{ bgcolor: 'secondary.light', borderColor: 'secondary.main', borderWidth: codeReset ? 3 : undefined }}
              data-testid="code-card"
              data-reset={codeReset ? 'true' : 'false'}
              aria-live="polite"
            >
              <CardContent>
                <Typography variant="overline" sx={codeReset ? { fontWeight: 800 } : undefined} data-testid="code-label">
                  {codeReset ? 'New delivery code' : 'Delivery code'}
                </Typography>
                <Typography variant="h3" component="p" sx={{ fontWeight: 800, letterSpacing: 6 }} data-testid="confirmation-code" aria-label={`Delivery code ${order.confirmationCode.split('').join(' ')}`}>
                  {order.confirmationCode}
                </Typography>
                <Typography variant="body2">
                  {codeReset
                    ? 'Support sent you a new code: the old one no longer works. Tell this one to your rider.'
                    : 'Tell this code to your rider when they arrive.'}
                </Typography>
              </CardContent>
            </Card>
          )}
          <Card>
            <CardContent>
              <Typography variant="overline">Arrival</Typography>
              {promise && (
                <Typography
                  sx={{ fontWeight: 700, color: late ? 'error.main' : promise.status === 'at_risk' ? 'warning.dark' : 'success.dark' }}
                  data-testid="promise"
                  data-status={promise.status}
                  data-promised-at={order.promisedAt ?? tracking?.promisedAt ?? ''}
                >
                  {promise.text}
                </Typography>
              )}
              <Typography variant="h6" component="p" data-testid="eta" aria-live="polite">
                {order.status === 'pending' && (isPacking(order) ? 'Packing your order…' : 'Waiting for a rider to accept…')}
                {active && (eta != null ? `About ${formatDuration(eta)}` : 'On its way')}
                {order.status === 'delivered' && `Delivered ${formatDateTime(order.deliveredAt)}`}
                {order.status === 'cancelled' && 'Cancelled'}
              </Typography>
              {late && !isFinalStatus(order.status) && (
                <Alert severity="error" sx={{ my: 1 }} data-testid="late-notice">
                  Sorry, your order is running late
                  {promise.lateMinutes > 0 ? ` by ${promise.lateMinutes} min` : ''}. It is still on its way: follow it live here.
                </Alert>
              )}
              {order.store && (
                <Typography variant="body2" color="text.secondary" data-testid="order-store" data-store-id={order.store.id}>
                  From {order.store.name}
                </Typography>
              )}
              {active && arrival.distanceMeters != null && (
                <Typography variant="body2" color="text.secondary">
                  {formatDistance(arrival.distanceMeters)} away
                </Typography>
              )}
              {order.partner && (
                <Typography variant="body2" sx={{ mt: 1 }} data-testid="partner-name">
                  Rider: <b>{order.partner.name}</b>
                </Typography>
              )}
              {rider && active && (
                <Typography variant="caption" color="text.secondary" component="p" data-testid="rider-position" data-lat={rider.lat} data-lng={rider.lng}>
                  Rider&apos;s position on the map, updated {formatTime(rider.at)}
                </Typography>
              )}
            </CardContent>
          </Card>
          {order.status === 'pending' && (
            <Button
              color="error"
              variant="outlined"
              onClick={() => setConfirmCancel(true)}
              disabled={cancelling}
              sx={{ minHeight: 44 }}
              aria-label="Cancel this order"
              data-testid="cancel-order"
            >
              {cancelling ? 'Cancelling…' : 'Cancel order'}
            </Button>
          )}
          {isFinalStatus(order.status) && order.items.length > 0 && (
            <Button
              variant="contained"
              onClick={() => void buyAgain(order)}
              disabled={busyOrder === order.id}
              sx={{ minHeight: 44 }}
              aria-label={`Buy again: the items of order ${order.orderNumber}`}
              data-testid="buy-again"
            >
              {busyOrder === order.id ? 'Adding…' : 'Buy again'}
            </Button>
          )}
        </Stack>
        <Box sx={{ gridArea: 'map', minWidth: 0 }}>
          {markers.length > 0 ? (
            <LazyMap
              markers={markers}
              ariaLabel="Delivery map"
              testId="tracking-map"
              height={phone ? 'clamp(220px, 36vh, 340px)' : 360}
              fitKey={order.id}
            />
          ) : (
            <Alert severity="info">The map appears once the store and your address have locations.</Alert>
          )}
          {!tracking?.destination && (
            <Typography variant="caption" color="text.secondary">
              Your address has no map pin, so only the store and rider are shown.
            </Typography>
          )}
        </Box>
      </Box>
      {/* What is below the first screen, a moment after it (a shorter first task). */}
      <Defer>
        <Card>
          <CardContent>
            <Typography variant="h6" component="h2" gutterBottom>
              Items
            </Typography>
            {order.items.map((item) => (
              <Stack key={item.productId} direction="row" sx={{ justifyContent: 'space-between', py: 0.5 }}>
                <Typography variant="body2">
                  {item.quantity} × {item.name} <Typography component="span" variant="caption" color="text.secondary">({item.unit})</Typography>
                </Typography>
                <Typography variant="body2">{formatMoney(item.lineTotal)}</Typography>
              </Stack>
            ))}
            <Divider sx={{ my: 1 }} />
            <PickOutcomes order={order} />
            <OrderSummary subtotal={order.subtotal} deliveryFee={order.deliveryFee} total={order.total} />
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              To {order.deliveryAddress.street}, {order.deliveryAddress.city} · pay by {order.paymentMethod}
            </Typography>
          </CardContent>
        </Card>
        <NotificationPrompt message="Get a notification each time your order moves." />
        <Button component={RouterLink} to="/orders" aria-label="Back to your orders" sx={{ alignSelf: 'flex-start', minHeight: 44 }}>
          ← All orders
        </Button>
      </Defer>
      <WhenOpened open={confirmCancel}>
        <CancelOrderDialog
          open={confirmCancel}
          orderNumber={order.orderNumber}
          busy={cancelling}
          onClose={() => setConfirmCancel(false)}
          onConfirm={(reason) => void cancel(reason)}
        />
      </WhenOpened>
    </Stack>
  );
}

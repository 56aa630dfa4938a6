import { StoreIcon } from '@/components/icons';
/**
 * The partner's orders page: availability (and the position sent to dispatch while
 * available), orders offered to them alone (auto dispatch) with a countdown, the orders
 * they carry in stop order, and orders open to every rider of their store (broadcast).
 */
import { useMemo, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, Chip, FormControlLabel, GlobalStyles, Stack, Switch, Typography, useMediaQuery, useTheme } from '@mui/material';
import { useSnackbar } from '@/components/snackbar-provider';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { NotificationPrompt } from '@/components/notification-prompt';
import { ApiError, errorMessage } from '@/lib/api-client';
import { config } from '@/config/env';
import { useActiveOrders, useAvailability, useAvailableOrders } from '@/features/delivery/hooks/use-partner-orders';
import { useLocationBroadcast, type BroadcastStatus } from '@/features/delivery/hooks/use-location-broadcast';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import { AvailableOrderCard } from '@/features/delivery/components/available-order-card';
import { ActiveOrderPanel } from '@/features/delivery/components/active-order-panel';
import { OfferCard } from '@/features/delivery/components/offer-card';
import { TripStops } from '@/features/delivery/components/trip-stops';
import { useOffers } from '@/features/delivery/hooks/use-offers';
import { useIdlePosition, type IdleStatus } from '@/features/delivery/hooks/use-idle-position';
import { ordersInStopOrder, type LiveOffer } from '@/features/delivery/utils/dispatch';
import { currentStop, stopHeadline } from '@/features/delivery/utils/next-stop';
import { lastSentText, outcomeStillTrue } from '@/features/delivery/utils/partner-texts';
import { useNow } from '@/hooks/use-now';
import type { OfferView } from '@/types/models';

const IDLE_TEXT: Record<IdleStatus, string> = {
  off: '',
  waiting: 'Finding your position…',
  gps: 'Sharing your position with dispatch so the nearest orders reach you.',
  simulated:
    'No GPS here (or permission refused): dispatch sees a simulated position near your store, not where you really are.',
};

/** Codes that mean the offer is no longer this partner's. */
const OFFER_GONE = new Set(['not_offered', 'offer_not_found', 'order_already_taken', 'order_not_available', 'order_not_found']);

const GPS_TEXT: Record<BroadcastStatus, string> = {
  idle: 'GPS sharing starts when you accept an order.',
  waiting: 'Waiting for a GPS fix…',
  sending: 'Sharing your live location with the customer.',
  denied: 'Location permission denied: the customer cannot follow you.',
  unavailable: 'This device has no GPS.',
  error: 'No GPS fix yet.',
};

/** What came of an accept or a decline. `orderId`: the order it is about, while it still holds. */
type Outcome = { severity: 'success' | 'warning' | 'error'; text: string; orderId?: string };

const NOT_VERIFIED_TEXT =
  'Your account is waiting for verification by our team. You can go online once it is verified.';
const SUSPENDED_TEXT =
  'Your partner account is suspended, so you cannot go online or take new orders. Please contact support.';

export function DashboardPage() {
  const availability = useAvailability();
  const { eligibility } = availability;
  const isAvailable = availability.partner?.isAvailable ?? false;
  const canGoOnline = eligibility === 'eligible';
  // Offers are fetched only for a verified, active partner who is online.
  const receiving = isAvailable && canGoOnline;
  const available = useAvailableOrders(receiving, availability.reload);
  const active = useActiveOrders();
  const [simulate, setSimulate] = useState(false);
  const gps = useLocationBroadcast(active.orders, simulate);
  const [accepting, setAccepting] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const offers = useOffers(receiving);
  const idle = useIdlePosition(receiving, availability.partner?.homeStore?.id, gps.position);
  const [answering, setAnswering] = useState<{ orderId: string; kind: 'accept' | 'decline' } | null>(null);
  const [paused, setPaused] = useState<string | null>(null);
  const { notify } = useSnackbar();
  const now = useNow(5000);
  const orderedActive = useMemo(() => ordersInStopOrder(active.orders, gps.position), [active.orders, gps.position]);
  // Phones and small tablets: the current stop's next step is fixed to the bottom of the
  // screen (the page keeps that much room under its end); wider screens show it in the card.
  const theme = useTheme();
  const dockAction = useMediaQuery(theme.breakpoints.down('md'), { noSsr: true });
  const stop = useMemo(() => currentStop(active.orders, gps.position), [active.orders, gps.position]);
  const [dockHeight, setDockHeight] = useState(0);

  // Offers left to expire in a row: the server turned availability off.
  useSocketEvent('partner:auto-paused', ({ message }) => {
    setPaused(message || 'You missed several offers in a row, so your availability was switched off.');
    availability.reload();
  });

  async function acceptOffer(offer: LiveOffer) {
    setAnswering({ orderId: offer.order.id, kind: 'accept' });
    setOutcome(null);
    offers.setEnded(null);
    try {
      const accepted = await deliveryApi.accept(offer.order.id);
      active.dispatch({ type: 'upsert', order: accepted });
      offers.remove(offer.order.id);
      setOutcome({ severity: 'success', text: `You got ${offer.order.orderNumber}. Head to the store.`, orderId: offer.order.id });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      if (OFFER_GONE.has(code)) offers.remove(offer.order.id);
      if (code === 'partner_unavailable' || code === 'partner_not_verified' || code === 'partner_suspended') availability.reload();
      setOutcome({ severity: OFFER_GONE.has(code) ? 'warning' : 'error', text: errorMessage(err) });
    } finally {
      setAnswering(null);
    }
  }

  async function declineOffer(offer: LiveOffer, reason: string) {
    setAnswering({ orderId: offer.order.id, kind: 'decline' });
    setOutcome(null);
    offers.setEnded(null);
    try {
      await deliveryApi.decline(offer.order.id, reason);
      offers.remove(offer.order.id);
      notify(`Declined ${offer.order.orderNumber}: it went to the next rider.`, 'info');
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      if (OFFER_GONE.has(code)) offers.remove(offer.order.id);
      setOutcome({ severity: OFFER_GONE.has(code) ? 'warning' : 'error', text: errorMessage(err) });
    } finally {
      setAnswering(null);
    }
  }

  async function accept(order: OfferView) {
    setAccepting(order.id);
    setOutcome(null);
    try {
      const accepted = await deliveryApi.accept(order.id);
      active.dispatch({ type: 'upsert', order: accepted });
      available.remove(order.id);
      setOutcome({ severity: 'success', text: `You got ${order.orderNumber}. Head to the store.`, orderId: order.id });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      if (code === 'order_already_taken' || code === 'order_not_available') {
        setOutcome({ severity: 'warning', text: `Another partner took ${order.orderNumber}.` });
        available.remove(order.id);
      } else if (code === 'too_many_active_orders') {
        setOutcome({ severity: 'error', text: 'Finish an active order before taking another.' });
      } else if (code === 'partner_not_verified' || code === 'partner_suspended' || code === 'partner_unavailable') {
        // The account or availability changed (an admin, another device): the profile says how.
        setOutcome({ severity: 'warning', text: errorMessage(err) });
        availability.reload();
      } else {
        setOutcome({ severity: 'error', text: errorMessage(err) });
        if (code === 'order_not_found') available.remove(order.id);
      }
    } finally {
      setAccepting(null);
    }
  }

  const partner = availability.partner;
  // "Head to the store" holds only while the order waits for pickup: once it is picked
  // up, delivered or cancelled (gone from the active list) the banner goes.
  const shownOutcome = outcomeStillTrue(outcome, active.orders);
  return (
    <Stack spacing={2}>
      <NotificationPrompt message="Get a notification and a sound when a new order comes in." />
      {availability.error !== null && !partner && <ErrorState error={availability.error} onRetry={availability.reload} />}
      <Card>
        <CardContent sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
          <Box sx={{ flexGrow: 1 }}>
            <Typography variant="h6" component="h1">
              {partner ? `Hi ${partner.name.split(' ')[0]}` : 'Partner'}
            </Typography>
            {partner?.homeStore && (
              <Chip
                size="small"
                variant="outlined"
                color="primary"
                icon={<StoreIcon fontSize="small" />}
                label={`${partner.homeStore.name} (${partner.homeStore.code})`}
                sx={{ my: 0.5 }}
                data-testid="home-store"
                data-store-code={partner.homeStore.code}
                aria-label={`Your home store: ${partner.homeStore.name}. You get its orders.`}
              />
            )}
            <Typography variant="body2" color="text.secondary" data-testid="availability-text" data-eligibility={eligibility}>
              {eligibility === 'not_verified'
                ? 'Waiting for verification: you cannot go online yet.'
                : eligibility === 'suspended'
                  ? 'Your account is suspended.'
                  : isAvailable
                    ? 'You are online and receiving orders.'
                    : 'You are offline. Go online to receive orders.'}
            </Typography>
            {receiving && idle.status !== 'off' && (
              <Typography
                variant="caption"
                component="p"
                color={idle.status === 'simulated' ? 'warning.dark' : 'text.secondary'}
                data-testid="idle-position"
                data-state={idle.status}
                data-sent={idle.sentAt ?? ''}
              >
                                {IDLE_TEXT[idle.status]}
                {idle.error ? ` (${idle.error})` : ''}
              </Typography>
            )}
          </Box>
          <FormControlLabel
            control={
              <Switch
                checked={isAvailable}
                // Going offline is always possible; going online needs a verified, active account.
                disabled={!partner || availability.saving || (!isAvailable && !canGoOnline)}
                onChange={(e) => void availability.setAvailable(e.target.checked)}
                slotProps={{ input: { 'aria-label': 'Available for new orders' } }}
                data-testid="availability-switch"
              />
            }
            label={isAvailable ? 'Online' : 'Offline'}
            labelPlacement="start"
          />
        </CardContent>
      </Card>

      {eligibility === 'not_verified' && (
        <Alert
          severity="info"
          data-testid="partner-not-verified"
          action={
            <Button color="inherit" size="small" onClick={availability.reload} aria-label="Check my verification again">
              Check again
            </Button>
          }
        >
          {NOT_VERIFIED_TEXT}
        </Alert>
      )}
      {eligibility === 'suspended' && (
        <Alert severity="error" data-testid="partner-suspended">
          {SUSPENDED_TEXT}
        </Alert>
      )}

      {paused && (
        <Alert severity="warning" onClose={() => setPaused(null)} data-testid="auto-paused" role="alert">
          {paused}
        </Alert>
      )}

      {offers.ended && (
        <Alert
          severity={offers.ended.reason === 'withdrawn' ? 'info' : 'warning'}
          onClose={() => offers.setEnded(null)}
          data-testid="offer-ended"
          data-reason={offers.ended.reason}
          role="alert"
        >
          {offers.ended.reason === 'withdrawn'
            ? `${offers.ended.orderNumber} is no longer offered to you: it was cancelled or assigned by our team.`
            : `Time ran out on ${offers.ended.orderNumber}: it went to the next rider.`}
        </Alert>
      )}

      {offers.offers.length > 0 && (
        <Stack spacing={1.5} component="section" aria-label="Orders offered to you" data-testid="offers">
          {offers.offers.map((offer) => (
            <OfferCard
              key={offer.offerId}
              offer={offer}
              busy={answering?.orderId === offer.order.id ? answering.kind : answering ? 'other' : null}
              onAccept={(o) => void acceptOffer(o)}
              onDecline={(o, reason) => void declineOffer(o, reason)}
            />
          ))}
        </Stack>
      )}

      {shownOutcome && (
        <Alert severity={shownOutcome.severity} onClose={() => setOutcome(null)} data-testid="accept-outcome" data-severity={shownOutcome.severity} role="alert">
          {shownOutcome.text}
        </Alert>
      )}

      <Box component="section" aria-labelledby="active-heading">
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mb: 1, flexWrap: 'wrap' }}>
          <Typography variant="h6" component="h2" id="active-heading" sx={{ flexGrow: 1 }}>
            Active deliveries
          </Typography>
          {config.demoMode && (
            <FormControlLabel
              control={
                <Switch
                  size="small"
                  checked={simulate}
                  onChange={(e) => setSimulate(e.target.checked)}
                  slotProps={{ input: { 'aria-label': 'Simulate the route (demo)' } }}
                  data-testid="simulate-route"
                />
              }
              label="Simulate route (demo)"
            />
          )}
        </Stack>
        {active.orders.length > 0 && (
          <Typography variant="caption" color={gps.status === 'denied' || gps.status === 'error' ? 'error' : 'text.secondary'} data-testid="gps-status" data-state={gps.status} component="p" sx={{ mb: 1 }}>
            {GPS_TEXT[gps.status]}
            {gps.position ? ` ${lastSentText(gps.position.at, now)}` : ''}
            {gps.error && gps.status === 'sending' ? ` (${gps.error})` : ''}
          </Typography>
        )}
        {active.orders.length > 0 && gps.note && (
          <Typography variant="caption" color="text.secondary" component="p" data-testid="gps-note" sx={{ mt: -0.5, mb: 1 }}>
            {gps.note}
          </Typography>
        )}
        {active.loading && <LoadingState rows={1} label="Loading active deliveries" />}
        {active.error !== null && <ErrorState error={active.error} onRetry={active.reload} />}
        {!active.loading && active.orders.length === 0 && (
          <Typography color="text.secondary" data-testid="no-active-orders">
            No active delivery.
          </Typography>
        )}
        {orderedActive.length > 1 && <TripStops orders={orderedActive} from={gps.position} />}
        <Stack spacing={2}>
          {orderedActive.map((order) => (
            <ActiveOrderPanel
              key={order.id}
              order={order}
              position={gps.position}
              dispatch={active.dispatch}
              dock={dockAction && stop?.order.id === order.id ? { label: stopHeadline(stop, orderedActive.length), kind: stop.kind, onHeight: setDockHeight } : null}
            />
          ))}
        </Stack>
      </Box>

      <Box component="section" aria-labelledby="available-heading">
        <Typography variant="h6" component="h2" id="available-heading" sx={{ mb: 1 }}>
          New orders {receiving && available.orders.length > 0 ? `(${available.orders.length})` : ''}
        </Typography>
        {eligibility === 'not_verified' || eligibility === 'suspended' ? (
          <EmptyState
            title="New orders are not shown yet"
            hint={eligibility === 'not_verified' ? 'They appear here once our team has verified your account.' : 'Contact support about your account.'}
          />
        ) : !isAvailable || available.offline ? (
          <EmptyState
            title="You are offline"
            hint={`Switch on availability to see new orders${partner?.homeStore ? ` from ${partner.homeStore.name}` : ''}.`}
          />
        ) : (
          <>
            {available.loading && available.orders.length === 0 && <LoadingState rows={2} label="Loading orders" />}
            {available.error !== null && <ErrorState error={available.error} onRetry={available.reload} />}
            {!available.loading && available.error === null && available.orders.length === 0 && (
              <EmptyState
                title="No orders right now"
                hint={`Orders offered to you alone appear above with a countdown; orders open to every rider${
                  partner?.homeStore ? ` of ${partner.homeStore.name}` : ''
                } appear here the moment they are.`}
              />
            )}
            <Stack spacing={1.5} data-testid="available-orders" aria-live="polite">
              {available.orders.map((order) => (
                <AvailableOrderCard
                  key={order.id}
                  order={order}
                  accepting={accepting === order.id}
                  disabled={accepting !== null}
                  onAccept={(o) => void accept(o)}
                />
              ))}
            </Stack>
          </>
        )}
      </Box>
      {dockHeight > 0 && (
        <>
          {/* Room under the page's end for the bar, and for what keyboard focus scrolls to. */}
          <Box aria-hidden sx={{ height: dockHeight }} data-testid="partner-action-space" />
          <GlobalStyles styles={{ html: { scrollPaddingBottom: dockHeight } }} />
        </>
      )}
    </Stack>
  );
}

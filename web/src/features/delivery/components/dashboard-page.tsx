import { useState } from 'react';
import { Alert, Box, Button, Card, CardContent, FormControlLabel, Stack, Switch, Typography } from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { NotificationPrompt } from '@/components/notification-prompt';
import { ApiError, errorMessage } from '@/lib/api-client';
import { config } from '@/config/env';
import { useActiveOrders, useAvailability, useAvailableOrders } from '@/features/delivery/hooks/use-partner-orders';
import { useLocationBroadcast, type BroadcastStatus } from '@/features/delivery/hooks/use-location-broadcast';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import { AvailableOrderCard } from '@/features/delivery/components/available-order-card';
import { ActiveOrderPanel } from '@/features/delivery/components/active-order-panel';
import type { OfferView } from '@/types/models';

const GPS_TEXT: Record<BroadcastStatus, string> = {
  idle: 'GPS sharing starts when you accept an order.',
  waiting: 'Waiting for a GPS fix…',
  sending: 'Sharing your live location with the customer.',
  denied: 'Location permission denied: the customer cannot follow you.',
  unavailable: 'This device has no GPS.',
  error: 'No GPS fix yet.',
};

type Outcome = { severity: 'success' | 'warning' | 'error'; text: string };

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

  async function accept(order: OfferView) {
    setAccepting(order.id);
    setOutcome(null);
    try {
      const accepted = await deliveryApi.accept(order.id);
      active.dispatch({ type: 'upsert', order: accepted });
      available.remove(order.id);
      setOutcome({ severity: 'success', text: `You got ${order.orderNumber}. Head to the store.` });
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
            <Typography variant="body2" color="text.secondary" data-testid="availability-text" data-eligibility={eligibility}>
              {eligibility === 'not_verified'
                ? 'Waiting for verification: you cannot go online yet.'
                : eligibility === 'suspended'
                  ? 'Your account is suspended.'
                  : isAvailable
                    ? 'You are online and receiving orders.'
                    : 'You are offline. Go online to receive orders.'}
            </Typography>
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

      {outcome && (
        <Alert severity={outcome.severity} onClose={() => setOutcome(null)} data-testid="accept-outcome" data-severity={outcome.severity} role="alert">
          {outcome.text}
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
            {gps.position ? ` Last sent ${gps.position.lat.toFixed(5)}, ${gps.position.lng.toFixed(5)}.` : ''}
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
        <Stack spacing={2}>
          {active.orders.map((order) => (
            <ActiveOrderPanel key={order.id} order={order} position={gps.position} dispatch={active.dispatch} />
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
          <EmptyState title="You are offline" hint="Switch on availability to see new orders." />
        ) : (
          <>
            {available.loading && available.orders.length === 0 && <LoadingState rows={2} label="Loading orders" />}
            {available.error !== null && <ErrorState error={available.error} onRetry={available.reload} />}
            {!available.loading && available.error === null && available.orders.length === 0 && (
              <EmptyState title="No orders right now" hint="New orders appear here the moment they are placed." />
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
    </Stack>
  );
}

/**
 * The store's pick queue, most urgent first, live. One tap claims an order (of two pickers
 * racing, one wins; the other is told) and opens its pick list.
 */
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Box, Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { useNow } from '@/hooks/use-now';
import { useAuth } from '@/lib/auth';
import { errorCode, errorMessage } from '@/lib/api-client';
import { formatClock } from '@/lib/format';
import { fulfilmentLabel } from '@/lib/fulfilment';
import { unlockAudio } from '@/lib/sound';
import { pickerApi } from '@/features/picker/api/picker-api';
import { usePickerQueue } from '@/features/picker/hooks/use-picker-queue';
import { claimState, urgencyOf, type Urgency } from '@/features/picker/utils/pick-list';
import type { PickerOrderView } from '@/types/fulfilment';

export function UrgencyChip({ urgency, testId = 'urgency' }: { urgency: Urgency; testId?: string }) {
  const color = urgency.tone === 'late' ? 'error' : urgency.tone === 'soon' ? 'warning' : urgency.tone === 'ok' ? 'success' : 'default';
  return <Chip label={urgency.text} color={color} size="medium" sx={{ fontWeight: 700 }} data-testid={testId} data-tone={urgency.tone} />;
}

function QueueCard({ order, me, now, busy, onClaim, onOpen }: {
  order: PickerOrderView;
  me: string | undefined;
  now: number;
  busy: boolean;
  onClaim: () => void;
  onOpen: () => void;
}) {
  const state = claimState(order, me);
  const urgency = urgencyOf(order.promisedAt, now);
  return (
    <Card
      data-testid="picker-queue-order"
      data-order-id={order.id}
      data-fulfilment={order.fulfilment}
      data-claim={state}
      sx={{ borderLeft: 6, borderLeftColor: urgency.tone === 'late' ? 'error.main' : urgency.tone === 'soon' ? 'warning.main' : 'success.main' }}
    >
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <Typography variant="h5" component="h2" sx={{ fontWeight: 800, flexGrow: 1 }}>
            {order.orderNumber}
          </Typography>
          <UrgencyChip urgency={urgency} />
        </Stack>
        <Typography sx={{ mt: 0.5 }}>
          {order.itemCount} {order.itemCount === 1 ? 'item' : 'items'} · {order.lines.length} {order.lines.length === 1 ? 'line' : 'lines'}
          {order.promisedAt ? ` · promised by ${formatClock(order.promisedAt)}` : ''}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {state === 'theirs' ? `Being picked by ${order.picker?.name ?? 'another picker'}` : fulfilmentLabel(order.fulfilment)}
          {' · placed '}
          {formatClock(order.createdAt)}
        </Typography>
        <Box sx={{ mt: 1.5 }}>
          {state === 'open' && (
            <Button fullWidth variant="contained" size="large" onClick={onClaim} disabled={busy} sx={{ minHeight: 56, fontSize: 18 }}
              aria-label={`Claim ${order.orderNumber} and start picking`} data-testid="picker-claim">
              {busy ? 'Claiming…' : 'Claim and pick'}
            </Button>
          )}
          {state === 'mine' && (
            <Button fullWidth variant="contained" color="secondary" size="large" onClick={onOpen} sx={{ minHeight: 56, fontSize: 18 }}
              aria-label={`Continue picking ${order.orderNumber}`} data-testid="picker-continue">
              Continue picking
            </Button>
          )}
          {state === 'theirs' && (
            <Button fullWidth variant="outlined" size="large" onClick={onOpen} sx={{ minHeight: 48 }} aria-label={`View ${order.orderNumber}`} data-testid="picker-view">
              View
            </Button>
          )}
        </Box>
      </CardContent>
    </Card>
  );
}

export function QueuePage() {
  const { orders, error, reload } = usePickerQueue();
  const { user } = useAuth();
  const navigate = useNavigate();
  const { notify } = useSnackbar();
  const now = useNow(15_000);
  const [claiming, setClaiming] = useState<string | null>(null);

  async function claim(order: PickerOrderView) {
    unlockAudio();
    setClaiming(order.id);
    try {
      await pickerApi.claim(order.id);
      navigate(`/picker/orders/${encodeURIComponent(order.id)}`);
    } catch (err) {
      notify(errorCode(err) === 'already_claimed' ? `Another picker claimed ${order.orderNumber} first.` : errorMessage(err), 'warning');
      reload();
    } finally {
      setClaiming(null);
    }
  }

  if (!orders && error !== null) return <ErrorState error={error} onRetry={reload} />;
  if (!orders) return <LoadingState label="Loading the pick queue…" />;
  const mine = orders.filter((o) => claimState(o, user?.id) === 'mine');
  const rest = orders.filter((o) => claimState(o, user?.id) !== 'mine');
  const list = [...mine, ...rest];
  return (
    <Stack spacing={2} data-testid="picker-queue" data-count={orders.length}>
      <Stack direction="row" sx={{ alignItems: 'baseline', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700, flexGrow: 1 }}>
          Pick queue
        </Typography>
        <Typography color="text.secondary" data-testid="picker-queue-count">
          {orders.length === 0 ? 'Nothing waiting' : `${orders.length} ${orders.length === 1 ? 'order' : 'orders'} · most urgent first`}
        </Typography>
      </Stack>
      {error !== null && <ErrorState error={error} onRetry={reload} />}
      {list.length === 0 ? (
        <EmptyState title="Nothing to pick right now" hint="New orders appear here as customers place them." />
      ) : (
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', sm: 'repeat(2, minmax(0, 1fr))' } }}>
          {list.map((order) => (
            <QueueCard
              key={order.id}
              order={order}
              me={user?.id}
              now={now}
              busy={claiming === order.id}
              onClaim={() => void claim(order)}
              onOpen={() => navigate(`/picker/orders/${encodeURIComponent(order.id)}`)}
            />
          ))}
        </Box>
      )}
    </Stack>
  );
}

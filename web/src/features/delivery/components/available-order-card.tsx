/**
 * One order on offer. Before a partner accepts it the server tells only what a rider
 * needs to decide (pickup, drop-off area to about 500 m, distance, items, payout, time):
 * no customer, no street, no item list. The winner gets the full order.
 */
import { Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { formatMoney, formatTime } from '@/lib/format';
import { offerSummary } from '@/features/delivery/utils/partner-orders';
import type { OfferView } from '@/types/models';

export function AvailableOrderCard({
  order,
  accepting,
  disabled,
  onAccept,
}: {
  order: OfferView;
  accepting: boolean;
  disabled: boolean;
  onAccept: (order: OfferView) => void;
}) {
  const summary = offerSummary(order);
  return (
    <Card data-testid="available-order" data-order-id={order.id} aria-label={`Order ${order.orderNumber}`}>
      <CardContent>
        <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'flex-start', gap: 1 }}>
          <div>
            <Typography sx={{ fontWeight: 700 }}>{order.orderNumber}</Typography>
            <Typography variant="body2" data-testid="offer-pickup">
              {summary.pickup}
            </Typography>
            <Typography variant="body2" data-testid="offer-dropoff">
              {summary.dropoff}
            </Typography>
            <Typography variant="body2" color="text.secondary" data-testid="offer-details">
              {summary.items} · placed {formatTime(order.createdAt)}
            </Typography>
          </div>
          <Stack sx={{ alignItems: 'flex-end', gap: 0.5, flexShrink: 0 }}>
            <Chip color="success" label={`Earn ${formatMoney(order.estimatedPayout)}`} size="small" data-testid="offer-payout" />
            {summary.minutes && <Chip variant="outlined" size="small" label={summary.minutes} data-testid="offer-minutes" />}
          </Stack>
        </Stack>
        <Button
          fullWidth
          variant="contained"
          size="large"
          sx={{ mt: 1.5 }}
          disabled={disabled || accepting}
          onClick={() => onAccept(order)}
          aria-label={`Accept order ${order.orderNumber}`}
          data-testid="accept-order"
        >
          {accepting ? 'Accepting…' : 'Accept'}
        </Button>
      </CardContent>
    </Card>
  );
}

import { Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { formatDistance, formatMoney, formatTime } from '@/lib/format';
import type { PartnerOrderView } from '@/types/models';

export function AvailableOrderCard({
  order,
  accepting,
  disabled,
  onAccept,
}: {
  order: PartnerOrderView;
  accepting: boolean;
  disabled: boolean;
  onAccept: (order: PartnerOrderView) => void;
}) {
  const items = order.items.reduce((n, i) => n + i.quantity, 0);
  return (
    <Card data-testid="available-order" data-order-id={order.id} aria-label={`Order ${order.orderNumber}`}>
      <CardContent>
        <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'flex-start', gap: 1 }}>
          <div>
            <Typography sx={{ fontWeight: 700 }}>{order.orderNumber}</Typography>
            <Typography variant="body2" color="text.secondary">
              {items} items · {formatMoney(order.total)} · placed {formatTime(order.createdAt)}
            </Typography>
            <Typography variant="body2" sx={{ mt: 0.5 }}>
              To {order.deliveryAddress.street}, {order.deliveryAddress.city}
            </Typography>
          </div>
          <Stack sx={{ alignItems: 'flex-end', gap: 0.5 }}>
            <Chip color="success" label={`Earn ${formatMoney(order.estimatedPayout)}`} size="small" />
            {order.distanceMeters != null && <Chip variant="outlined" size="small" label={formatDistance(order.distanceMeters)} />}
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

/**
 * A partner carrying several orders: their stops in order — every pickup at the store
 * first, then the drop-offs, nearest first (the earlier promise when two are about as near).
 */
import { Card, CardContent, List, ListItem, ListItemIcon, ListItemText, Typography } from '@mui/material';
import { formatDistance, formatTime } from '@/lib/format';
import { distanceMeters, type Point } from '@/lib/geo';
import { planStops } from '@/features/delivery/utils/dispatch';
import type { PartnerOrderView } from '@/types/models';

export function TripStops({ orders, from }: { orders: PartnerOrderView[]; from: Point | null }) {
  const stops = planStops(orders, from);
  let prev: Point | null = from;
  return (
    <Card variant="outlined" sx={{ mb: 2 }} data-testid="trip-stops">
      <CardContent sx={{ pb: '8px !important' }}>
        <Typography sx={{ fontWeight: 700 }}>Your route · {orders.length} orders</Typography>
        <List dense disablePadding>
          {stops.map((stop, i) => {
            const leg = prev && stop.point ? distanceMeters(prev, stop.point) : null;
            prev = stop.point ?? prev;
            const street = stop.order.deliveryAddress.street;
            return (
              <ListItem key={`${stop.kind}-${stop.order.id}`} disableGutters data-testid="trip-stop" data-kind={stop.kind} data-order-id={stop.order.id}>
                <ListItemIcon sx={{ minWidth: 36 }} aria-hidden>
                  <Typography sx={{ fontWeight: 800 }}>{i + 1}.</Typography>
                </ListItemIcon>
                <ListItemText
                  primary={stop.kind === 'pickup' ? `Pick up ${stop.order.orderNumber}` : `Deliver ${stop.order.orderNumber}`}
                  secondary={[
                    stop.kind === 'pickup' ? (stop.order.store?.name ?? 'the store') : street,
                    leg != null && leg > 30 ? formatDistance(leg) : null,
                    stop.kind === 'drop' && stop.order.promisedAt ? `promised by ${formatTime(stop.order.promisedAt)}` : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                />
              </ListItem>
            );
          })}
        </List>
      </CardContent>
    </Card>
  );
}

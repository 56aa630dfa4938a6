import { useState } from 'react';
import { useNow } from '@/hooks/use-now';
import { promiseInfo } from '@/lib/order-promise';
import { PromiseChip } from '@/components/promise-chip';
import { Link as RouterLink } from 'react-router';
import { Box, Button, Card, CardActionArea, CardActions, CardContent, Pagination, Stack, Typography } from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { StatusChip } from '@/components/order-status';
import { useAsync } from '@/hooks/use-async';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { formatDateTime, formatMoney } from '@/lib/format';
import { applyOrderUpdate, fromSocketEvent } from '@/lib/order-sync';
import { cancellationText, isFinalStatus } from '@/lib/order-status';
import { NotificationPrompt } from '@/components/notification-prompt';
import { useBuyAgain } from '@/features/customer/hooks/use-buy-again';
import { ordersApi } from '@/features/customer/api/orders-api';
import { OrderRatingAction, RateDeliveryDialog } from '@/features/customer/components/rate-delivery';
import type { OrdersResponse, OrderView } from '@/types/models';

/** "1 item", "3 items" (units, not lines). */
function itemCount(items: { quantity: number }[]): string {
  const n = items.reduce((sum, i) => sum + i.quantity, 0);
  return `${n} ${n === 1 ? 'item' : 'items'}`;
}

export function OrdersPage() {
  const [page, setPage] = useState(1);
  const orders = useAsync((signal) => ordersApi.list({ page, limit: 10 }, signal), [page]);
  const now = useNow(30_000);
  const { buyAgain, busyOrder } = useBuyAgain();
  const [rating, setRating] = useState<OrderView | null>(null);
  const rated = (order: OrderView) =>
    orders.setData((data: OrdersResponse | undefined) =>
      data ? { ...data, orders: data.orders.map((o) => (o.id === order.id ? order : o)) } : data,
    );

  // Keep statuses live without refetching.
  type LiveEvent = 'order:accepted' | 'order:status-updated' | 'order:completed' | 'order:cancelled' | 'order:code-locked' | 'order:code-reset';
  const live = (event: LiveEvent) => (payload: unknown) => {
    const update = fromSocketEvent(event, payload);
    if (!update) return;
    orders.setData((data: OrdersResponse | undefined) =>
      data ? { ...data, orders: data.orders.map((o) => (o.id === update.orderId ? applyOrderUpdate(o, update) : o)) } : data,
    );
  };
  useSocketEvent('order:accepted', live('order:accepted'));
  useSocketEvent('order:status-updated', live('order:status-updated'));
  useSocketEvent('order:completed', live('order:completed'));
  useSocketEvent('order:cancelled', live('order:cancelled'));
  useSocketEvent('order:code-locked', live('order:code-locked'));
  useSocketEvent('order:code-reset', live('order:code-reset'));
  useReconnect(orders.reload);

  return (
    <Box>
      <NotificationPrompt message="Get a notification each time your order moves." />
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700, mb: 2 }}>
        Your orders
      </Typography>
      {orders.loading && !orders.data && <LoadingState rows={4} label="Loading orders" />}
      {orders.error !== null && <ErrorState error={orders.error} onRetry={orders.reload} />}
      {orders.data && orders.data.orders.length === 0 && (
        <EmptyState
          title="No orders yet"
          hint="Your orders will show up here."
          action={
            <Button component={RouterLink} to="/" variant="contained" aria-label="Start shopping">
              Start shopping
            </Button>
          }
        />
      )}
      <Stack spacing={1.5} data-testid="orders-list">
        {orders.data?.orders.map((o) => (
          <Card key={o.id} data-testid="order-row" data-order-id={o.id}>
            <CardActionArea component={RouterLink} to={`/orders/${o.id}`} aria-label={`Track order ${o.orderNumber}`}>
              <CardContent>
                <Stack direction="row" spacing={1} sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
                  <Box sx={{ minWidth: 0 }}>
                    <Typography sx={{ fontWeight: 700 }}>{o.orderNumber}</Typography>
                    <Typography variant="body2" color="text.secondary">
                      {formatDateTime(o.createdAt)} · {itemCount(o.items)}
                      {o.store ? ` · from ${o.store.name}` : ''}
                    </Typography>
                    {(() => {
                      const info = promiseInfo(o, now);
                      return info && o.status !== 'delivered' ? (
                        <Typography variant="body2" sx={{ color: info.status === 'late' ? 'error.main' : 'text.secondary' }} data-testid="order-promise">
                          {info.text}
                        </Typography>
                      ) : null;
                    })()}
                    {o.status === 'cancelled' && o.cancelReason && (
                      <Typography variant="body2" color="error" sx={{ mt: 0.5 }} data-testid="order-cancel-reason">
                        {cancellationText(o.cancelReason)}
                      </Typography>
                    )}
                    {o.codeLocked && o.status !== 'cancelled' && o.status !== 'delivered' && (
                      <Typography variant="body2" color="warning.main" sx={{ mt: 0.5 }}>
                        Waiting for a new delivery code from support.
                      </Typography>
                    )}
                  </Box>
                  <Stack spacing={0.5} sx={{ alignItems: 'flex-end' }}>
                    <PromiseChip info={promiseInfo(o, now)} />
                    <StatusChip status={o.status} />
                    <Typography sx={{ fontWeight: 600 }}>{formatMoney(o.total)}</Typography>
                  </Stack>
                </Stack>
              </CardContent>
            </CardActionArea>
            {isFinalStatus(o.status) && o.items.length > 0 && (
              <CardActions disableSpacing sx={{ pt: 0, px: 2, pb: 1.5, justifyContent: 'flex-end', flexWrap: 'wrap', gap: 1 }}>
                <OrderRatingAction order={o} onRate={() => setRating(o)} />
                <Button
                  variant="outlined"
                  sx={{ minHeight: 44 }}
                  onClick={() => void buyAgain(o)}
                  disabled={busyOrder === o.id}
                  aria-label={`Buy again: the items of order ${o.orderNumber}`}
                  data-testid="buy-again"
                >
                  {busyOrder === o.id ? 'Adding…' : 'Buy again'}
                </Button>
              </CardActions>
            )}
          </Card>
        ))}
      </Stack>
      {rating && <RateDeliveryDialog order={rating} onClose={() => setRating(null)} onRated={rated} />}
      {orders.data && orders.data.pagination.totalPages > 1 && (
        <Pagination
          sx={{ mt: 2, display: 'flex', justifyContent: 'center' }}
          count={orders.data.pagination.totalPages}
          page={page}
          onChange={(_, p) => setPage(p)}
          aria-label="Order pages"
        />
      )}
    </Box>
  );
}

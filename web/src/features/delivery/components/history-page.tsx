import { useState } from 'react';
import { Box, Card, CardContent, Pagination, Stack, Typography } from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { StatusChip } from '@/components/order-status';
import { useAsync } from '@/hooks/use-async';
import { formatDateTime, formatMoney } from '@/lib/format';
import { deliveryApi } from '@/features/delivery/api/delivery-api';

export function HistoryPage() {
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useAsync((signal) => deliveryApi.history(page, signal), [page]);
  return (
    <Box>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700, mb: 2 }}>
        Delivery history
      </Typography>
      {loading && !data && <LoadingState rows={3} label="Loading history" />}
      {error !== null && <ErrorState error={error} onRetry={reload} />}
      {data && data.orders.length === 0 && <EmptyState title="No deliveries yet" />}
      <Stack spacing={1}>
        {data?.orders.map((o) => (
          <Card key={o.id} data-testid="history-row">
            <CardContent sx={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 1 }}>
              <Box>
                <Typography sx={{ fontWeight: 600 }}>{o.orderNumber}</Typography>
                <Typography variant="caption" color="text.secondary">
                  {formatDateTime(o.deliveredAt ?? o.cancelledAt ?? o.createdAt)} · {o.deliveryAddress.city}
                </Typography>
              </Box>
              <Stack sx={{ alignItems: 'flex-end', gap: 0.5 }}>
                <StatusChip status={o.status} />
                <Typography variant="body2">{formatMoney(o.estimatedPayout)}</Typography>
              </Stack>
            </CardContent>
          </Card>
        ))}
      </Stack>
      {data?.pagination && data.pagination.totalPages > 1 && (
        <Pagination sx={{ mt: 2, display: 'flex', justifyContent: 'center' }} count={data.pagination.totalPages} page={page} onChange={(_, p) => setPage(p)} aria-label="History pages" />
      )}
    </Box>
  );
}

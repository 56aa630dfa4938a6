/** Every order, filterable, with live statuses and a detail drawer. */
import { useEffect, useRef, useState } from 'react';
import {
  Box,
  Chip,
  FormControl,
  InputLabel,
  MenuItem,
  Pagination,
  Paper,
  Select,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { StatusChip } from '@/components/order-status';
import { useAsync } from '@/hooks/use-async';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { formatDateTime, formatMoney } from '@/lib/format';
import { ALL_STATUSES, statusLabel } from '@/lib/order-status';
import { fromSocketEvent } from '@/lib/order-sync';
import { adminApi } from '@/features/admin/api/admin-api';
import { applyToRows } from '@/features/admin/utils/admin-orders';
import { OrderDetailDrawer } from '@/features/admin/components/order-detail-drawer';
import { StoreFilter } from '@/features/admin/components/store-filter';
import { useStoreFilter } from '@/features/admin/hooks/use-admin-stores';
import { PromiseChip } from '@/components/promise-chip';
import { useNow } from '@/hooks/use-now';
import { formatClock } from '@/lib/format';
import { promiseInfo } from '@/lib/order-promise';
import type { OrdersResponse } from '@/types/models';

function dayStart(date: string): string | undefined {
  return date ? new Date(`${date}T00:00:00`).toISOString() : undefined;
}
function dayEnd(date: string): string | undefined {
  return date ? new Date(`${date}T23:59:59.999`).toISOString() : undefined;
}

export function OrdersPage() {
  const [status, setStatus] = useState('');
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string | null>(null);
  const [storeId, setStoreIdParam] = useStoreFilter();
  const setStoreId = (id: string) => {
    setStoreIdParam(id);
    setPage(1);
  };
  const now = useNow(15_000);

  useEffect(() => {
    const t = setTimeout(() => {
      setSearch(searchInput.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(t);
  }, [searchInput]);

  const orders = useAsync(
    (signal) =>
      adminApi.orders(
        { status: status || undefined, search: search || undefined, from: dayStart(from), to: dayEnd(to), page, limit: 20, storeId: storeId || undefined },
        signal,
      ),
    [status, search, from, to, page, storeId],
  );
  useReconnect(orders.reload);

  // New orders: refetch (debounced) so filters and paging stay right.
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useSocketEvent('order:created', () => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      orders.reload();
    }, 400);
  });
  useEffect(() => () => void (refetchTimer.current && clearTimeout(refetchTimer.current)), []);

  // Status changes: applied in place, by seq.
  type LiveEvent =
    | 'order:accepted'
    | 'order:status-updated'
    | 'order:cancelled'
    | 'order:completed'
    | 'order:code-locked'
    | 'order:code-reset';
  const live = (event: LiveEvent) => (payload: unknown) => {
    const update = fromSocketEvent(event, payload);
    if (update) orders.setData((d: OrdersResponse | undefined) => (d ? { ...d, orders: applyToRows(d.orders, update) } : d));
  };
  useSocketEvent('order:accepted', live('order:accepted'));
  useSocketEvent('order:status-updated', live('order:status-updated'));
  useSocketEvent('order:cancelled', live('order:cancelled'));
  useSocketEvent('order:completed', live('order:completed'));
  useSocketEvent('order:code-locked', live('order:code-locked'));
  useSocketEvent('order:code-reset', live('order:code-reset'));

  const data = orders.data;
  return (
    <Box>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700, mb: 2 }}>
        Orders
      </Typography>
      <Stack direction="row" sx={{ gap: 1.5, flexWrap: 'wrap', mb: 2 }} role="search" aria-label="Filter orders">
        <TextField size="small" label="Search" placeholder="Order number, customer…" value={searchInput} onChange={(e) => setSearchInput(e.target.value)}
          slotProps={{ htmlInput: { 'aria-label': 'Search orders', 'data-testid': 'orders-search' } }} />
        <FormControl size="small" sx={{ minWidth: 150 }}>
          <InputLabel id="status-filter-label">Status</InputLabel>
          <Select labelId="status-filter-label" label="Status" value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }}
            inputProps={{ 'aria-label': 'Filter by status' }} data-testid="orders-status-filter">
            <MenuItem value="">All</MenuItem>
            {ALL_STATUSES.map((s) => (
              <MenuItem key={s} value={s}>
                {statusLabel(s)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <StoreFilter value={storeId} onChange={setStoreId} testId="orders-store-filter" />
        <TextField size="small" type="date" label="From" value={from} onChange={(e) => { setFrom(e.target.value); setPage(1); }}
          slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'aria-label': 'Placed from' } }} />
        <TextField size="small" type="date" label="To" value={to} onChange={(e) => { setTo(e.target.value); setPage(1); }}
          slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'aria-label': 'Placed until' } }} />
      </Stack>
      {orders.loading && !data && <LoadingState rows={5} label="Loading orders" />}
      {orders.error !== null && <ErrorState error={orders.error} onRetry={orders.reload} />}
      {data && data.orders.length === 0 && <EmptyState title="No orders match" hint="Change the filters, or wait for customers to order." />}
      {data && data.orders.length > 0 && (
        <TableContainer component={Paper}>
          <Table size="small" aria-label="Orders" data-testid="admin-orders-table">
            <TableHead>
              <TableRow>
                <TableCell>Order</TableCell>
                <TableCell>Placed</TableCell>
                <TableCell>Store</TableCell>
                <TableCell>Promised by</TableCell>
                <TableCell>Deliver to</TableCell>
                <TableCell align="right">Total</TableCell>
                <TableCell>Partner</TableCell>
                <TableCell>Status</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {data.orders.map((o) => {
                const promise = promiseInfo(o, now);
                return (
                <TableRow
                  key={o.id}
                  hover
                  onClick={() => setSelected(o.id)}
                  onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && setSelected(o.id)}
                  tabIndex={0}
                  sx={{ cursor: 'pointer' }}
                  aria-label={`Open order ${o.orderNumber}`}
                  data-testid="admin-order-row"
                  data-order-id={o.id}
                  data-status={o.status}
                  data-store-code={o.store?.code ?? ''}
                  data-late={promise?.status === 'late'}
                >
                  <TableCell sx={{ fontWeight: 600 }}>{o.orderNumber}</TableCell>
                  <TableCell>{formatDateTime(o.createdAt)}</TableCell>
                  <TableCell data-testid="admin-order-store">
                    {o.store ? (
                      <Chip size="small" variant="outlined" label={o.store.code} title={o.store.name} />
                    ) : (
                      '—'
                    )}
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {o.promisedAt ? formatClock(o.promisedAt) : '—'}
                    {o.promisedMinutes != null && (
                      <Typography component="span" variant="caption" color="text.secondary">
                        {' '}
                        ({o.promisedMinutes} min)
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>{o.deliveryAddress.city}</TableCell>
                  <TableCell align="right">{formatMoney(o.total)}</TableCell>
                  <TableCell>{o.partner?.name ?? '—'}</TableCell>
                  <TableCell>
                    <StatusChip status={o.status} testId="admin-order-status" />
                    {o.codeLocked && o.status !== 'delivered' && o.status !== 'cancelled' && (
                      <Chip size="small" color="error" variant="outlined" label="Code locked" sx={{ ml: 0.5 }} data-testid="admin-order-code-locked" />
                    )}
                    <Box component="span" sx={{ ml: 0.5 }}>
                      <PromiseChip info={promise} testId="admin-order-late" />
                    </Box>
                  </TableCell>
                </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {data && data.pagination.totalPages > 1 && (
        <Pagination sx={{ mt: 2, display: 'flex', justifyContent: 'center' }} count={data.pagination.totalPages} page={page} onChange={(_, p) => setPage(p)} aria-label="Order pages" />
      )}
      <OrderDetailDrawer
        orderId={selected}
        onClose={() => setSelected(null)}
        onChanged={(order) => orders.setData((d) => (d ? { ...d, orders: d.orders.map((o) => (o.id === order.id ? order : o)) } : d))}
      />
    </Box>
  );
}

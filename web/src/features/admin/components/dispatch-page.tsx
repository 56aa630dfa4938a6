/**
 * The live dispatch board, per store or all: orders waiting between offers, offered to
 * one rider now (who, which round, the seconds left), and broadcast to every rider of
 * the store (broadcast mode, or escalated after the offers ran out). Any of them can be
 * given to a rider by hand (the order drawer's Assign, the reassign endpoint).
 */
import { useEffect, useRef, useState } from 'react';
import { Box, Button, Card, CardContent, Chip, Paper, Stack, Typography } from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useAsync } from '@/hooks/use-async';
import { useNow } from '@/hooks/use-now';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { formatClock } from '@/lib/format';
import { adminApi } from '@/features/admin/api/admin-api';
import { OrderDetailDrawer } from '@/features/admin/components/order-detail-drawer';
import { StoreFilter } from '@/features/admin/components/store-filter';
import { useAdminStores, useStoreFilter } from '@/features/admin/hooks/use-admin-stores';
import { dispatchModeOf } from '@/features/admin/utils/store-form';
import type { DispatchBoardItem } from '@/types/admin';

const COLUMNS: { state: string; title: string; hint: string }[] = [
  { state: 'waiting', title: 'Waiting', hint: 'Between offers: the next rider is being chosen.' },
  { state: 'offered', title: 'Offered', hint: 'One rider has it now, for a few seconds.' },
  { state: 'broadcast', title: 'Broadcast', hint: 'Every available rider of the store may take it (broadcast mode, or escalated after the offers).' },
];

function ageText(createdAt: string, now: number): string {
  const secs = Math.max(0, Math.round((now - Date.parse(createdAt)) / 1000));
  return secs < 90 ? `${secs} s ago` : `${Math.round(secs / 60)} min ago`;
}

function BoardRow({ item, now, onOpen, onAssign }: { item: DispatchBoardItem; now: number; onOpen: () => void; onAssign: () => void }) {
  const { byId } = useAdminStores();
  const store = byId(item.storeId);
  const left = item.offer ? Math.max(0, Math.ceil((Date.parse(item.offer.expiresAt) - now) / 1000)) : null;
  return (
    <Paper
      variant="outlined"
      sx={{ p: 1.25, cursor: 'pointer' }}
      onClick={onOpen}
      data-testid="dispatch-row"
      data-order-id={item.orderId}
      data-state={item.state}
      data-partner-id={item.offer?.partnerId ?? ''}
    >
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography sx={{ fontWeight: 700, flexGrow: 1 }}>{item.orderNumber}</Typography>
        {item.state === 'broadcast' && item.rounds > 0 && (
          <Chip size="small" color="warning" label="Escalated" data-testid="dispatch-escalated" />
        )}
        {store && <Chip size="small" variant="outlined" label={store.code} />}
        <Typography variant="caption" color="text.secondary">
          {ageText(item.createdAt, now)}
        </Typography>
      </Stack>
      {item.offer && (
        <Typography variant="body2" data-testid="dispatch-offer">
          {item.offer.partnerName} · round {item.offer.round} ·{' '}
          <b data-testid="dispatch-countdown" data-seconds={left ?? ''}>
            {left} s
          </b>
        </Typography>
      )}
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, mt: 0.5 }}>
        <Typography variant="caption" color="text.secondary" sx={{ flexGrow: 1 }}>
          {item.rounds > 0 ? `${item.rounds} ${item.rounds === 1 ? 'offer' : 'offers'} so far` : 'Not offered yet'}
          {item.promisedAt ? ` · promised by ${formatClock(item.promisedAt)}` : ''}
        </Typography>
        <Button
          size="small"
          variant="outlined"
          onClick={(e) => {
            e.stopPropagation();
            onAssign();
          }}
          aria-label={`Assign ${item.orderNumber} to a rider`}
          data-testid="dispatch-assign"
        >
          Assign
        </Button>
      </Stack>
    </Paper>
  );
}

export function DispatchPage() {
  const [storeId, setStoreId] = useStoreFilter();
  const { byId } = useAdminStores();
  const board = useAsync((signal) => adminApi.dispatchBoard(storeId || undefined, signal), [storeId]);
  const now = useNow(1000);
  const [open, setOpen] = useState<{ orderId: string; assign: boolean } | null>(null);
  useReconnect(board.reload);

  // Every dispatch step, new order, accept or cancel: fetch the board again (at most every 300 ms).
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshSoon = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      board.reload();
    }, 300);
  };
  useSocketEvent('dispatch:updated', refreshSoon);
  useSocketEvent('dispatch:escalated', refreshSoon);
  useSocketEvent('order:created', refreshSoon);
  useSocketEvent('order:accepted', refreshSoon);
  useSocketEvent('order:cancelled', refreshSoon);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const items = board.data?.orders ?? [];
  const store = storeId ? byId(storeId) : undefined;
  const mode = store ? dispatchModeOf(store.settings) : null;
  return (
    <Stack spacing={2}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1.5, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700, flexGrow: 1 }}>
          Dispatch
        </Typography>
        {mode && (
          <Chip
            size="small"
            color={mode === 'auto' ? 'primary' : 'default'}
            label={mode === 'auto' ? 'Auto: one rider at a time' : 'Broadcast: first to accept'}
            data-testid="dispatch-mode"
            data-mode={mode}
          />
        )}
        <StoreFilter value={storeId} onChange={setStoreId} testId="dispatch-store-filter" />
      </Stack>
      {board.loading && !board.data && <LoadingState rows={2} label="Loading the dispatch board" />}
      {board.error !== null && <ErrorState error={board.error} onRetry={board.reload} />}
      {board.data && items.length === 0 && (
        <EmptyState title="Nothing waiting for a rider" hint="New orders appear here until a rider accepts them." />
      )}
      {items.length > 0 && (
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'repeat(3, minmax(0, 1fr))' } }} data-testid="dispatch-board">
          {COLUMNS.map((col) => {
            const list = items.filter((i) => i.state === col.state);
            return (
              <Card key={col.state} variant="outlined" data-testid={`dispatch-column-${col.state}`}>
                <CardContent>
                  <Typography sx={{ fontWeight: 700 }}>
                    {col.title} ({list.length})
                  </Typography>
                  <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }}>
                    {col.hint}
                  </Typography>
                  <Stack spacing={1}>
                    {list.map((item) => (
                      <BoardRow
                        key={item.orderId}
                        item={item}
                        now={now}
                        onOpen={() => setOpen({ orderId: item.orderId, assign: false })}
                        onAssign={() => setOpen({ orderId: item.orderId, assign: true })}
                      />
                    ))}
                  </Stack>
                </CardContent>
              </Card>
            );
          })}
        </Box>
      )}
      <OrderDetailDrawer
        orderId={open?.orderId ?? null}
        initialAction={open?.assign ? 'reassign' : null}
        onClose={() => setOpen(null)}
        onChanged={() => board.reload()}
      />
    </Stack>
  );
}

/**
 * Dark-store fulfilment, per store or all: whether the store picks and packs (switched
 * here), its queue now, packed orders and pick times over 7 days, the share of lines
 * that ran short, and the pick times the delivery promise uses (measured once there is
 * enough history, else the store's settings). Below, the live queue, most urgent first.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Box,
  Card,
  CardContent,
  Chip,
  FormControlLabel,
  Paper,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { useNow } from '@/hooks/use-now';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { errorMessage } from '@/lib/api-client';
import { formatClock } from '@/lib/format';
import { fulfilmentLabel } from '@/lib/fulfilment';
import { fulfilmentApi } from '@/features/admin/api/fulfilment-api';
import { OrderDetailDrawer } from '@/features/admin/components/order-detail-drawer';
import { StoreFilter } from '@/features/admin/components/store-filter';
import { useAdminStores, useStoreFilter } from '@/features/admin/hooks/use-admin-stores';
import { figureText, queueRowText } from '@/features/admin/utils/fulfilment-figures';
import type { FulfilmentFiguresView, FulfilmentResponse } from '@/types/fulfilment';

const REFRESH_MS = 30_000;

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="caption" color="text.secondary" component="p" sx={{ lineHeight: 1.3 }}>
        {label}
      </Typography>
      <Typography sx={{ fontWeight: 700, fontSize: { xs: 17, sm: 20 } }} data-testid={testId}>
        {value}
      </Typography>
    </Box>
  );
}

function StoreCard({ figures, busy, onToggle }: { figures: FulfilmentFiguresView; busy: boolean; onToggle: (on: boolean) => void }) {
  const text = figureText(figures);
  const code = useAdminStores().byId(figures.storeId)?.code ?? '';
  return (
    <Card data-testid="fulfilment-store" data-store-id={figures.storeId} data-store-code={code} data-enabled={figures.enabled ? 'true' : 'false'}>
      <CardContent>
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap', mb: 1 }}>
          <Typography variant="h6" component="h2" sx={{ flexGrow: 1, minWidth: 0 }}>
            {figures.storeName}
          </Typography>
          <FormControlLabel
            control={
              <Switch
                checked={figures.enabled}
                disabled={busy}
                onChange={(e) => onToggle(e.target.checked)}
                slotProps={{ input: { 'aria-label': `${figures.storeName} picks and packs orders`, 'data-testid': 'fulfilment-toggle' } as object }}
              />
            }
            label={figures.enabled ? 'Picks and packs' : 'Off'}
            sx={{ mr: 0, '& .MuiSwitch-root': { my: -0.5 } }}
          />
        </Stack>
        <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: { xs: 'repeat(2, minmax(0, 1fr))', sm: 'repeat(3, minmax(0, 1fr))' } }}>
          <Figure label="Waiting to be picked" value={String(figures.queued)} testId="fulfilment-queued" />
          <Figure label="Being picked" value={String(figures.picking)} testId="fulfilment-picking" />
          <Figure label="Packed (7 days)" value={String(figures.packed7d)} testId="fulfilment-packed" />
          <Figure label="Average pick" value={text.avgPick} testId="fulfilment-avg-pick" />
          <Figure label="Lines short" value={text.shortRate} testId="fulfilment-short-rate" />
          <Figure label="Promise uses" value={text.promise} testId="fulfilment-promise" />
        </Box>
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
          {figures.measured ? 'Pick times measured from the last 7 days.' : 'Pick times from the store settings until there is enough history.'}
        </Typography>
      </CardContent>
    </Card>
  );
}

export function FulfilmentPage() {
  const [storeId, setStoreId] = useStoreFilter();
  const { byId } = useAdminStores();
  const { notify } = useSnackbar();
  const [data, setData] = useState<FulfilmentResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [toggling, setToggling] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const now = useNow(15_000);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(() => {
    fulfilmentApi
      .overview(storeId || undefined)
      .then((r) => {
        setData(r);
        setError(null);
      })
      .catch(setError);
  }, [storeId]);
  const loadSoon = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      load();
    }, 300);
  }, [load]);
  useEffect(() => {
    load();
    const every = setInterval(load, REFRESH_MS);
    return () => {
      clearInterval(every);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [load]);
  useReconnect(load);
  useSocketEvent('fulfilment:updated', loadSoon);
  useSocketEvent('order:fulfilment-updated', loadSoon);

  async function toggle(figures: FulfilmentFiguresView, on: boolean) {
    setToggling(figures.storeId);
    try {
      await fulfilmentApi.setFulfilment(figures.storeId, on);
      notify(on ? `${figures.storeName} now picks and packs every new order.` : `${figures.storeName} no longer picks: riders pick up at once.`, 'success');
      load();
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setToggling(null);
    }
  }

  return (
    <Stack spacing={2} data-testid="fulfilment-page">
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700, flexGrow: 1 }}>
          Fulfilment
        </Typography>
        <StoreFilter value={storeId} onChange={setStoreId} testId="fulfilment-store-filter" />
      </Stack>
      {error !== null && <ErrorState error={error} onRetry={load} />}
      {!data && error === null && <LoadingState label="Loading fulfilment…" />}
      {data && (
        <>
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'repeat(2, minmax(0, 1fr))', lg: 'repeat(3, minmax(0, 1fr))' } }}>
            {data.stores.map((s) => (
              <StoreCard key={s.storeId} figures={s} busy={toggling === s.storeId} onToggle={(on) => void toggle(s, on)} />
            ))}
          </Box>
          <Typography variant="h6" component="h2">
            Pick queue
          </Typography>
          {data.queue.length === 0 ? (
            <EmptyState title="Nothing waiting to be picked" hint="Orders of stores that pick and pack show here until they are packed." />
          ) : (
            <TableContainer component={Paper} variant="outlined" sx={{ maxWidth: '100%', overflowX: 'auto' }}>
              <Table size="small" aria-label="Orders waiting to be picked or being picked" data-testid="fulfilment-queue">
                <TableHead>
                  <TableRow>
                    <TableCell>Order</TableCell>
                    <TableCell>Store</TableCell>
                    <TableCell>State</TableCell>
                    <TableCell>Picker</TableCell>
                    <TableCell align="right">Items</TableCell>
                    <TableCell>Due</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {data.queue.map((o) => {
                    const row = queueRowText(o, now);
                    return (
                      <TableRow
                        key={o.id}
                        hover
                        sx={{ cursor: 'pointer' }}
                        onClick={() => setOpen(o.id)}
                        data-testid="fulfilment-queue-row"
                        data-order-id={o.id}
                        data-fulfilment={o.fulfilment}
                      >
                        <TableCell sx={{ fontWeight: 700, whiteSpace: 'nowrap' }}>{o.orderNumber}</TableCell>
                        <TableCell>{byId(o.storeId)?.code ?? '—'}</TableCell>
                        <TableCell>
                          <Chip size="small" color={o.fulfilment === 'picking' ? 'primary' : 'default'} label={fulfilmentLabel(o.fulfilment)} />
                        </TableCell>
                        <TableCell>{o.picker?.name ?? '—'}</TableCell>
                        <TableCell align="right">{o.itemCount}</TableCell>
                        <TableCell sx={{ whiteSpace: 'nowrap', color: row.late ? 'error.main' : undefined, fontWeight: row.late ? 700 : undefined }}>
                          {row.due}
                          {o.promisedAt ? ` (${formatClock(o.promisedAt)})` : ''}
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </>
      )}
      <OrderDetailDrawer orderId={open} onClose={() => setOpen(null)} onChanged={() => load()} />
    </Stack>
  );
}

/** Delivery partners: home store (filter, move), online state, verification, suspension, and a live map of riders. */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Pagination,
  Paper,
  Stack,
  Switch,
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
import { LazyMap, type MapMarker } from '@/components/map/lazy-map';
import { useSnackbar } from '@/components/snackbar-provider';
import { useAsync } from '@/hooks/use-async';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { errorMessage } from '@/lib/api-client';
import { config } from '@/config/env';
import { formatMoney, formatTime } from '@/lib/format';
import { adminApi } from '@/features/admin/api/admin-api';
import { mergeFleet, mergePosition } from '@/features/admin/utils/admin-orders';
import { availabilityText, partnerState, partnerStateLabel } from '@/features/admin/utils/partner-state';
import { StoreFilter } from '@/features/admin/components/store-filter';
import { PartnerRating } from '@/features/ratings/partner-rating';
import { useAdminStores, useStoreFilter } from '@/features/admin/hooks/use-admin-stores';
import type { AdminPartner, PartnersResponse } from '@/types/admin';
import type { LocationView } from '@/types/models';

type Positions = Record<string, LocationView>;

export function PartnersPage() {
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [positions, setPositions] = useState<Positions>({});
  const { notify } = useSnackbar();
  const [storeId, setStoreIdParam] = useStoreFilter();
  const { stores, byId } = useAdminStores();
  const [moving, setMoving] = useState<AdminPartner | null>(null);
  const [moveTo, setMoveTo] = useState('');
  const [moveBusy, setMoveBusy] = useState(false);

  useEffect(() => {
    const t = setTimeout(() => {
      setSearch(searchInput.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(t);
  }, [searchInput]);

  const partners = useAsync(
    (signal) => adminApi.partners({ search: search || undefined, page, limit: 20, storeId: storeId || undefined }, signal),
    [search, page, storeId],
  );
  useReconnect(partners.reload);

  useEffect(() => {
    const list = partners.data?.partners ?? [];
    setPositions((current) =>
      list.reduce((acc, p) => (p.lastLocation ? mergePosition(acc, p.id, p.lastLocation) : acc), current),
    );
  }, [partners.data]);

  // Every rider's latest position, at most once a second: delivering ones at each fix,
  // idle ones (available, no order: dispatch ranks by it) every few seconds.
  useSocketEvent('fleet:positions', (e) => setPositions((current) => mergeFleet(current, e.positions)));

  // Online / availability / active orders change with presence and order events.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshSoon = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      partners.reload();
    }, 1000);
  };
  useSocketEvent('presence:updated', refreshSoon);
  useSocketEvent('order:accepted', refreshSoon);
  useSocketEvent('order:completed', refreshSoon);
  // A customer's rating changes the partner's mean rating.
  useSocketEvent('order:rated', refreshSoon);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const list = partners.data?.partners ?? [];
  const markers = useMemo<MapMarker[]>(() => {
    const byId = new Map(list.map((p) => [p.id, p]));
    const shown = storeId ? stores.filter((s) => s.id === storeId) : stores;
    const out: MapMarker[] = shown.length
      ? shown.filter((s) => s.location).map((s) => ({ id: `store-${s.id}`, kind: 'store' as const, lat: s.location!.lat, lng: s.location!.lng, label: `${s.name} (${s.code})` }))
      : [{ id: 'store', kind: 'store', ...config.storeLocation, label: 'Store' }];
    for (const [id, pos] of Object.entries(positions)) {
      const p = byId.get(id);
      if (!p) continue; // Another store's rider (filtered out of this list).
      const state = partnerStateLabel(partnerState(p)).toLowerCase();
      out.push({
        id,
        kind: p.online ? 'rider' : 'offline',
        lat: pos.lat,
        lng: pos.lng,
        label: `${p.name} · ${state} · ${formatTime(pos.at)}`,
        permanentLabel: p.online,
      });
    }
    return out;
  }, [positions, list, stores, storeId]);

  async function move() {
    if (!moving || !moveTo) return;
    setMoveBusy(true);
    try {
      const res = await adminApi.movePartner(moving.id, moveTo);
      const store = byId(moveTo);
      partners.setData((d: PartnersResponse | undefined) =>
        d
          ? {
              ...d,
              partners: d.partners.map((p) =>
                p.id === moving.id ? { ...p, homeStore: res.partner.homeStore ?? (store ? { id: store.id, name: store.name, code: store.code } : p.homeStore) } : p,
              ),
            }
          : d,
      );
      notify(`${moving.name} now takes ${store?.name ?? 'the new store'}'s orders.`, 'success');
      setMoving(null);
      if (storeId && storeId !== moveTo) partners.reload();
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setMoveBusy(false);
    }
  }

  async function toggle(id: string, kind: 'verify' | 'suspend', value: boolean) {
    try {
      if (kind === 'verify') await adminApi.verifyPartner(id, value);
      else await adminApi.suspendPartner(id, value);
      partners.setData((d: PartnersResponse | undefined) =>
        d
          ? {
              ...d,
              partners: d.partners.map((p) =>
                p.id === id ? (kind === 'verify' ? { ...p, isVerified: value } : { ...p, status: value ? 'suspended' : 'active' }) : p,
              ),
            }
          : d,
      );
      notify(kind === 'verify' ? (value ? 'Partner verified' : 'Verification removed') : value ? 'Partner suspended' : 'Partner reinstated', 'success');
    } catch (err) {
      notify(errorMessage(err), 'error');
    }
  }

  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
        Delivery partners
      </Typography>
      <LazyMap markers={markers} ariaLabel="Live map of riders" testId="riders-map" height={340} fitKey="riders" />
      <Stack direction="row" sx={{ gap: 1.5, flexWrap: 'wrap' }}>
        <TextField size="small" label="Search partners" value={searchInput} onChange={(e) => setSearchInput(e.target.value)} sx={{ maxWidth: 320 }}
          slotProps={{ htmlInput: { 'aria-label': 'Search partners' } }} />
        <StoreFilter
          value={storeId}
          onChange={(id) => {
            setStoreIdParam(id);
            setPage(1);
          }}
          label="Home store"
          testId="partners-store-filter"
        />
      </Stack>
      {partners.loading && !partners.data && <LoadingState rows={3} label="Loading partners" />}
      {partners.error !== null && <ErrorState error={partners.error} onRetry={partners.reload} />}
      {partners.data && list.length === 0 && <EmptyState title="No partners found" />}
      {list.length > 0 && (
        <TableContainer component={Paper}>
          <Table size="small" aria-label="Delivery partners" data-testid="partners-table">
            <TableHead>
              <TableRow>
                <TableCell>Partner</TableCell>
                <TableCell>Home store</TableCell>
                <TableCell>Online</TableCell>
                <TableCell>Availability</TableCell>
                <TableCell>Active</TableCell>
                <TableCell align="right">Deliveries</TableCell>
                <TableCell align="right">Rating</TableCell>
                <TableCell align="right">Earnings</TableCell>
                <TableCell>Verified</TableCell>
                <TableCell>Suspended</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list.map((p) => (
                <TableRow key={p.id} data-testid="partner-row" data-partner-id={p.id} data-online={p.online} data-store-code={p.homeStore?.code ?? ''}>
                  <TableCell>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {p.name}
                    </Typography>
                    <Typography variant="caption" color="text.secondary">
                      {p.email}
                      {p.phone ? ` · ${p.phone}` : ''}
                    </Typography>
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {p.homeStore ? (
                      <Chip size="small" variant="outlined" label={p.homeStore.code} title={p.homeStore.name} data-testid="partner-home-store" />
                    ) : (
                      '—'
                    )}
                    <Button
                      size="small"
                      onClick={() => {
                        setMoving(p);
                        setMoveTo('');
                      }}
                      aria-label={`Move ${p.name} to another store`}
                      data-testid="partner-move"
                      sx={{ ml: 0.5, minWidth: 0 }}
                    >
                      Move
                    </Button>
                  </TableCell>
                  <TableCell>
                    <Chip size="small" label={p.online ? 'Online' : 'Offline'} color={p.online ? 'success' : 'default'} data-testid="partner-online" />
                  </TableCell>
                  <TableCell data-testid="partner-availability" data-state={partnerState(p)}>
                    {availabilityText(p)}
                  </TableCell>
                  <TableCell>{p.activeOrders}</TableCell>
                  <TableCell align="right">{p.totalDeliveries}</TableCell>
                  <TableCell align="right">
                    <PartnerRating rating={p.rating} count={p.ratingCount} />
                  </TableCell>
                  <TableCell align="right">{formatMoney(p.totalEarnings)}</TableCell>
                  <TableCell>
                    <Switch checked={p.isVerified} onChange={(e) => void toggle(p.id, 'verify', e.target.checked)}
                      slotProps={{ input: { 'aria-label': `Verified: ${p.name}` } }} />
                  </TableCell>
                  <TableCell>
                    <Switch color="error" checked={p.status === 'suspended'} onChange={(e) => void toggle(p.id, 'suspend', e.target.checked)}
                      slotProps={{ input: { 'aria-label': `Suspended: ${p.name}` } }} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {partners.data && partners.data.pagination.totalPages > 1 && (
        <Pagination sx={{ display: 'flex', justifyContent: 'center' }} count={partners.data.pagination.totalPages} page={page} onChange={(_, n) => setPage(n)} aria-label="Partner pages" />
      )}
      <Box />
      <Dialog open={moving !== null} onClose={() => setMoving(null)} fullWidth maxWidth="xs" aria-labelledby="move-title">
        <DialogTitle id="move-title">Move {moving?.name}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            From now on they are offered the new store&apos;s orders{moving?.homeStore ? ` instead of ${moving.homeStore.name}'s` : ''}. Orders they carry now stay theirs.
          </DialogContentText>
          <StoreFilter value={moveTo} onChange={setMoveTo} required label="New home store" testId="partner-move-store" minWidth={260} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setMoving(null)} aria-label="Cancel">
            Cancel
          </Button>
          <Button
            variant="contained"
            onClick={() => void move()}
            disabled={!moveTo || moveBusy || moveTo === moving?.homeStore?.id}
            aria-label="Move the partner"
            data-testid="partner-move-confirm"
          >
            {moveBusy ? 'Moving…' : 'Move'}
          </Button>
        </DialogActions>
      </Dialog>
    </Stack>
  );
}

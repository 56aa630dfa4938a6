/**
 * The dark stores: a map of all of them and their zones, a card per store with its state
 * and live load (polled every few seconds while this page is open), pause / resume, and
 * the editor to open a store or change one.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import {
  Alert,
  Box,
  Button,
  Card,
  CardActions,
  CardContent,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Skeleton,
  Stack,
  Typography,
} from '@mui/material';
import { AddIcon, EditIcon, PauseIcon, PlayIcon } from '@/components/icons';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { errorMessage } from '@/lib/api-client';
import { formatTime } from '@/lib/format';
import { storeStateColor, storeStateLabel } from '@/lib/stores';
import { adminApi } from '@/features/admin/api/admin-api';
import { useAdminStores } from '@/features/admin/hooks/use-admin-stores';
import { useStoreLoads } from '@/features/admin/hooks/use-store-loads';
import { storeColor } from '@/features/admin/utils/store-colors';
import { hoursSummary, settingsOf, zoneOf, zoneStats } from '@/features/admin/utils/store-form';
import { StoreDialog } from '@/features/admin/components/store-dialog';
import type { AdminStore, StoreLoad } from '@/types/admin';

const StoresMap = lazy(() => import('@/features/admin/components/stores-map'));

function Figure({ label, value, tone, testId }: { label: string; value: string | number; tone?: 'warning' | 'error' | 'success'; testId?: string }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" component="div" sx={{ lineHeight: 1.2 }}>
        {label}
      </Typography>
      <Typography sx={{ fontWeight: 700, color: tone ? `${tone}.main` : undefined }} data-testid={testId}>
        {value}
      </Typography>
    </Box>
  );
}

function StoreCard({
  store,
  index,
  load,
  selected,
  onSelect,
  onEdit,
  onPause,
  busy,
}: {
  store: AdminStore;
  index: number;
  load: StoreLoad | undefined;
  selected: boolean;
  onSelect: () => void;
  onEdit: () => void;
  onPause: (paused: boolean) => void;
  busy: boolean;
}) {
  const state = load?.state ?? store.state;
  const stats = zoneStats(zoneOf(store.zone));
  const max = settingsOf(store.settings).maxPromiseMinutes;
  const promiseTone = state === 'busy' ? 'error' : max && load && load.currentPromiseMinutes > max * 0.8 ? 'warning' : undefined;
  const onTime = load?.onTimeRateToday;
  return (
    <Card
      data-testid="store-card"
      data-store-id={store.id}
      data-store-code={store.code}
      data-state={state}
      data-paused={store.paused}
      sx={{ borderLeft: 6, borderLeftColor: storeColor(index), outline: selected ? 2 : 0, outlineColor: 'secondary.main' }}
      onClick={onSelect}
    >
      <CardContent sx={{ pb: 1 }}>
        <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <Typography variant="h6" component="h2" sx={{ fontWeight: 700, flexGrow: 1 }}>
            {store.name}{' '}
            <Typography component="span" color="text.secondary" sx={{ fontWeight: 600 }}>
              {store.code}
            </Typography>
          </Typography>
          {store.paused && <Chip size="small" color="warning" label="Paused" data-testid="store-paused-chip" />}
          <Chip size="small" color={storeStateColor(state)} label={storeStateLabel(state)} data-testid="store-state" data-state={state} />
        </Stack>
        <Typography variant="body2" color="text.secondary" noWrap title={store.address}>
          {store.address || 'No address'}
        </Typography>
        <Typography variant="caption" color="text.secondary" component="div">
          {hoursSummary(store.hours)} · {store.timezone}
        </Typography>
        <Typography variant="caption" color="text.secondary" component="div">
          {stats.polygons ? `Zone: ${stats.polygons} area${stats.polygons > 1 ? 's' : ''}, ${stats.vertices} points` : 'No zone drawn'}
          {store.zipCodes.length ? ` · PIN ${store.zipCodes.join(', ')}` : ''}
        </Typography>
        {load ? (
          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 1, mt: 1.5 }} data-testid="store-load">
            <Figure label="Promise now" value={`${load.currentPromiseMinutes} min${max ? ` / ${max}` : ''}`} tone={promiseTone} testId="store-promise" />
            <Figure label="Open orders" value={load.openOrders} testId="store-open-orders" />
            <Figure label="Waiting for rider" value={load.waitingForRider} tone={load.waitingForRider > 0 ? 'warning' : undefined} />
            <Figure label="Riders free / busy" value={`${load.partnersAvailable} / ${load.partnersBusy}`} tone={load.partnersAvailable === 0 ? 'warning' : undefined} />
            <Figure label="Delivered today" value={load.deliveredToday} />
            <Figure
              label="On time today"
              value={onTime == null ? '—' : `${Math.round(onTime * 100)}%`}
              tone={onTime == null ? undefined : onTime >= 0.9 ? 'success' : onTime >= 0.75 ? 'warning' : 'error'}
            />
          </Box>
        ) : (
          <Skeleton variant="rounded" height={88} sx={{ mt: 1.5 }} />
        )}
      </CardContent>
      <CardActions sx={{ flexWrap: 'wrap', gap: 0.5, px: 2, pb: 1.5 }} onClick={(e) => e.stopPropagation()}>
        <Button
          size="small"
          variant={store.paused ? 'contained' : 'outlined'}
          color={store.paused ? 'success' : 'warning'}
          startIcon={store.paused ? <PlayIcon /> : <PauseIcon />}
          onClick={() => onPause(!store.paused)}
          disabled={busy}
          aria-label={store.paused ? `Resume ${store.name}` : `Pause ${store.name}`}
          data-testid="store-pause-toggle"
        >
          {store.paused ? 'Resume' : 'Pause'}
        </Button>
        <Button size="small" startIcon={<EditIcon />} onClick={onEdit} aria-label={`Edit ${store.name}`} data-testid="store-edit">
          Edit
        </Button>
        <Button size="small" component={RouterLink} to={`/admin/orders?store=${encodeURIComponent(store.id)}`} aria-label={`Orders of ${store.name}`}>
          Orders
        </Button>
        <Button size="small" component={RouterLink} to={`/admin/partners?store=${encodeURIComponent(store.id)}`} aria-label={`Partners of ${store.name}`}>
          Partners
        </Button>
      </CardActions>
    </Card>
  );
}

export function StoresPage() {
  const { stores, loaded, error, reload, upsert } = useAdminStores();
  const ids = useMemo(() => stores.map((s) => s.id), [stores]);
  const { loads, updatedAt, refresh } = useStoreLoads(ids);
  const { notify } = useSnackbar();
  const [editing, setEditing] = useState<{ open: boolean; store: AdminStore | null }>({ open: false, store: null });
  const [selected, setSelected] = useState<string | null>(null);
  const [confirmPause, setConfirmPause] = useState<AdminStore | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const states = useMemo(() => Object.fromEntries(Object.entries(loads).map(([id, l]) => [id, l.state])), [loads]);

  async function setPaused(store: AdminStore, paused: boolean) {
    setBusy(store.id);
    try {
      const res = await adminApi.updateStore(store.id, { paused });
      upsert(res.store);
      notify(paused ? `${res.store.name} is paused: customers in its zone see it closed.` : `${res.store.name} takes orders again.`, paused ? 'warning' : 'success');
      void refresh();
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setBusy(null);
    }
  }

  if (!loaded) return <LoadingState label="Loading stores…" />;
  return (
    <Stack spacing={2} data-testid="stores-page">
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700, flexGrow: 1 }}>
          Stores
        </Typography>
        <Typography variant="caption" color="text.secondary" data-testid="loads-updated-at">
          Live load · updated {updatedAt ? formatTime(new Date(updatedAt).toISOString()) : '—'}
        </Typography>
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => setEditing({ open: true, store: null })} aria-label="Open a new store" data-testid="store-new">
          New store
        </Button>
      </Stack>
      {error !== null && <ErrorState error={error} onRetry={reload} />}
      {stores.length === 0 ? (
        <EmptyState title="No stores yet" hint="Open the first store: draw where it delivers, and customers there can order." />
      ) : (
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'minmax(0, 7fr) minmax(0, 5fr)' }, alignItems: 'start' }}>
          <Box sx={{ position: { lg: 'sticky' }, top: { lg: 120 } }}>
            <Suspense fallback={<Skeleton variant="rounded" height={420} aria-label="Loading map" />}>
              <StoresMap stores={stores} states={states} selectedId={selected} onSelect={setSelected} height={420} />
            </Suspense>
            <Typography variant="caption" color="text.secondary">
              Each store&apos;s zone in its colour; a closed store&apos;s zone is dashed. Click a zone or a store to find its card.
            </Typography>
          </Box>
          <Stack spacing={1.5} data-testid="store-cards">
            {stores.map((s, i) => (
              <StoreCard
                key={s.id}
                store={s}
                index={i}
                load={loads[s.id]}
                selected={s.id === selected}
                onSelect={() => setSelected(s.id)}
                onEdit={() => setEditing({ open: true, store: s })}
                onPause={(paused) => (paused ? setConfirmPause(s) : void setPaused(s, false))}
                busy={busy === s.id}
              />
            ))}
          </Stack>
        </Box>
      )}
      <Dialog open={confirmPause !== null} onClose={() => setConfirmPause(null)} aria-labelledby="pause-title">
        <DialogTitle id="pause-title">Pause {confirmPause?.name}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            It stops taking new orders at once: customers in its zone see it closed until you resume it. Orders already placed carry on.
          </DialogContentText>
          {confirmPause && (loads[confirmPause.id]?.openOrders ?? 0) > 0 && (
            <Alert severity="info" sx={{ mt: 2 }}>
              {loads[confirmPause.id]?.openOrders} open orders will still be picked and delivered.
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirmPause(null)} aria-label="Keep the store open">
            Keep open
          </Button>
          <Button
            color="warning"
            variant="contained"
            onClick={() => {
              const s = confirmPause;
              setConfirmPause(null);
              if (s) void setPaused(s, true);
            }}
            aria-label="Pause the store"
            data-testid="store-pause-confirm"
          >
            Pause store
          </Button>
        </DialogActions>
      </Dialog>
      <StoreDialog
        open={editing.open}
        store={editing.store}
        onClose={() => setEditing({ open: false, store: null })}
        onSaved={(s) => {
          const created = editing.store === null;
          setEditing({ open: false, store: null });
          upsert(s);
          setSelected(s.id);
          notify(created ? `${s.name} is open for business` : `Saved ${s.name}`, 'success');
          void refresh();
        }}
      />
    </Stack>
  );
}

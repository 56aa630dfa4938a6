/** One order for an admin: timeline, dispatch offers, rider trail on a map, and interventions. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Box,
  Button,
  Divider,
  Drawer,
  FormControl,
  IconButton,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  Typography,
} from '@mui/material';
import { CloseIcon } from '@/components/icons';
import { ErrorState, LoadingState } from '@/components/page-state';
import { StatusChip } from '@/components/order-status';
import { LazyMap, type MapMarker } from '@/components/map/lazy-map';
import { useSnackbar } from '@/components/snackbar-provider';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { formatDateTime, formatMoney, formatTime } from '@/lib/format';
import { isActiveStatus, isFinalStatus } from '@/lib/order-status';
import { config } from '@/config/env';
import { adminApi } from '@/features/admin/api/admin-api';
import { useAdminStores } from '@/features/admin/hooks/use-admin-stores';
import { PromiseChip } from '@/components/promise-chip';
import { useNow } from '@/hooks/use-now';
import { formatClock } from '@/lib/format';
import { promiseInfo } from '@/lib/order-promise';
import { ReasonDialog } from '@/features/admin/components/reason-dialog';
import { actorLabel, canResetCode, describeTimelineEntry } from '@/features/admin/utils/admin-orders';
import { OfferHistory } from '@/features/admin/components/offer-history';
import type { AdminOrderDetail, AdminPartner } from '@/types/admin';
import type { OrderView } from '@/types/models';


type Action = 'cancel' | 'unassign' | 'reassign' | 'reset-code' | null;

const DIALOG: Record<Exclude<Action, null>, { title: string; confirm: string }> = {
  cancel: { title: 'Cancel this order', confirm: 'Cancel order' },
  unassign: { title: 'Take the order off its partner', confirm: 'Unassign' },
  reassign: { title: 'Give the order to a partner', confirm: 'Reassign' },
  'reset-code': { title: 'Send the customer a new delivery code', confirm: 'Reset code' },
};

export function OrderDetailDrawer({
  orderId,
  onClose,
  onChanged,
  initialAction = null,
}: {
  orderId: string | null;
  onClose: () => void;
  onChanged: (order: OrderView) => void;
  /** Open with this action's dialog (the dispatch board's "Assign"). */
  initialAction?: 'reassign' | null;
}) {
  const [detail, setDetail] = useState<AdminOrderDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [action, setAction] = useState<Action>(null);
  const detailLoaded = detail !== null && detail.order.id === orderId;
  useEffect(() => {
    if (initialAction && detailLoaded) setAction(initialAction);
  }, [initialAction, detailLoaded, orderId]);
  // The dialog keeps its words while it closes.
  const shown = useRef<Exclude<Action, null>>('cancel');
  if (action) shown.current = action;
  const [partners, setPartners] = useState<AdminPartner[]>([]);
  const [partnerId, setPartnerId] = useState('');
  const { notify } = useSnackbar();
  const { byId } = useAdminStores();
  const now = useNow(15_000);

  const load = useCallback(() => {
    if (!orderId) return;
    setError(null);
    adminApi
      .order(orderId)
      .then((d) => setDetail(d))
      .catch(setError);
  }, [orderId]);

  useEffect(() => {
    setDetail(null);
    load();
  }, [load]);

  // Any change to this order: fetch the detail again (timeline and all).
  const refreshIf = (id: string) => id === orderId && load();
  useSocketEvent('order:accepted', (e) => refreshIf(e.orderId));
  useSocketEvent('order:status-updated', (e) => refreshIf(e.orderId));
  useSocketEvent('order:cancelled', (e) => refreshIf(e.orderId));
  useSocketEvent('order:completed', (e) => refreshIf(e.orderId));
  useSocketEvent('order:code-locked', (e) => refreshIf(e.orderId));
  useSocketEvent('order:code-reset', (e) => refreshIf(e.orderId));
  useSocketEvent('dispatch:updated', (e) => refreshIf(e.orderId));
  // The rider's latest position with each fleet frame (at most once a second).
  useSocketEvent('fleet:positions', (e) => {
    const mine = e.positions.filter((p) => p.orderId === orderId).map(({ lat, lng, at }) => ({ lat, lng, at }));
    if (!mine.length) return;
    setDetail((d) => (d ? { ...d, trail: [...d.trail, ...mine] } : d));
  });

  useEffect(() => {
    if (action !== 'reassign') return;
    // Riders are offered their home store's orders: list the order's store's riders.
    adminApi
      .partners({ limit: 100, storeId: detail?.order.store?.id ?? undefined })
      .then((r) => setPartners(r.partners.filter((p) => p.status === 'active')))
      .catch(() => setPartners([]));
    setPartnerId('');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [action, detail?.order.store?.id]);

  const order = detail?.order;
  const markers = useMemo<MapMarker[]>(() => {
    if (!order) return [];
    const store = byId(order.store?.id);
    const out: MapMarker[] = [
      { id: 'store', kind: 'store', ...(store?.location ?? config.storeLocation), label: order.store?.name ?? 'Store' },
    ];
    const { lat, lng } = order.deliveryAddress;
    if (lat != null && lng != null) out.push({ id: 'dest', kind: 'destination', lat, lng, label: 'Customer' });
    const last = detail?.trail[detail.trail.length - 1];
    if (last && isActiveStatus(order.status)) out.push({ id: 'rider', kind: 'rider', lat: last.lat, lng: last.lng, label: order.partner?.name ?? 'Rider' });
    return out;
  }, [order, detail?.trail, byId]);
  const promise = order ? promiseInfo(order, now) : null;

  async function run(reason: string) {
    if (!order) return;
    const res =
      action === 'cancel'
        ? await adminApi.cancelOrder(order.id, reason)
        : action === 'unassign'
          ? await adminApi.unassignOrder(order.id, reason)
          : action === 'reset-code'
            ? await adminApi.resetCode(order.id, reason)
            : await adminApi.reassignOrder(order.id, partnerId, reason);
    notify(
      action === 'reset-code'
        ? `A new delivery code was sent to the customer of ${res.order.orderNumber}.`
        : `Order ${res.order.orderNumber} updated`,
      'success',
    );
    onChanged(res.order);
    setAction(null);
    load();
  }

  return (
    <Drawer anchor="right" open={orderId !== null} onClose={onClose} slotProps={{ paper: { sx: { width: { xs: '100%', sm: 520 }, overflowX: 'hidden' } } }}>
      <Box sx={{ p: 2 }} data-testid="order-detail" role="dialog" aria-label="Order detail">
        <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
          <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
            {order ? `Order ${order.orderNumber}` : 'Order'}
          </Typography>
          {order && <PromiseChip info={promise} testId="detail-late" />}
          {order && <StatusChip status={order.status} testId="detail-status" />}
          <IconButton aria-label="Close order detail" onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </Stack>
        {!detail && error === null && <LoadingState label="Loading order…" />}
        {error !== null && <ErrorState error={error} onRetry={load} />}
        {detail && order && (
          <Stack spacing={2}>
            <Box>
              <Typography variant="body2" data-testid="detail-store" data-store-id={order.store?.id ?? ''}>
                <b>Store:</b> {order.store ? `${order.store.name} (${order.store.code})` : '—'}
              </Typography>
              <Typography variant="body2" data-testid="detail-promise" data-status={promise?.status ?? ''}>
                <b>Promised:</b>{' '}
                {order.promisedAt
                  ? `by ${formatClock(order.promisedAt)}${order.promisedMinutes != null ? ` (${order.promisedMinutes} min)` : ''}${
                      promise?.status === 'late' ? ` · late${promise.lateMinutes ? ` by ${promise.lateMinutes} min` : ''}` : promise?.status === 'at_risk' ? ' · at risk' : ''
                    }`
                  : '—'}
              </Typography>
              <Typography variant="body2">
                <b>Customer:</b> {detail.customer?.name ?? '—'} · {detail.customer?.email} {detail.customer?.phone ? `· ${detail.customer.phone}` : ''}
              </Typography>
              <Typography variant="body2">
                <b>Partner:</b> {detail.partner ? `${detail.partner.name}${detail.partner.phone ? ` · ${detail.partner.phone}` : ''}` : 'none yet'}
              </Typography>
              <Typography variant="body2">
                <b>To:</b> {order.deliveryAddress.street}, {order.deliveryAddress.city} {order.deliveryAddress.zipCode}
              </Typography>
              <Typography variant="body2">
                <b>Total:</b> {formatMoney(order.total)} ({order.items.length} lines, {order.paymentMethod}) · code {order.confirmationCode ?? '—'}
              </Typography>
            </Box>
            {order.codeLocked && !isFinalStatus(order.status) && (
              <Alert severity="error" data-testid="detail-code-locked">
                The rider entered a wrong delivery code too many times. Check with the customer, then send them a new code.
              </Alert>
            )}
            {!isFinalStatus(order.status) && (
              <Stack direction="row" sx={{ gap: 1, flexWrap: 'wrap' }}>
                {canResetCode(order) && (
                  <Button
                    variant={order.codeLocked ? 'contained' : 'outlined'}
                    color={order.codeLocked ? 'error' : 'primary'}
                    onClick={() => setAction('reset-code')}
                    aria-label="Reset the delivery code"
                    data-testid="admin-reset-code"
                    data-emphasis={order.codeLocked ? 'locked' : 'normal'}
                    sx={order.codeLocked ? { order: -1 } : undefined}
                  >
                    Reset delivery code
                  </Button>
                )}
                <Button color="error" variant="outlined" onClick={() => setAction('cancel')} aria-label="Cancel order" data-testid="admin-cancel">
                  Cancel
                </Button>
                {order.status === 'accepted' && (
                  <Button variant="outlined" onClick={() => setAction('unassign')} aria-label="Unassign the partner" data-testid="admin-unassign">
                    Unassign
                  </Button>
                )}
                <Button variant="outlined" onClick={() => setAction('reassign')} aria-label="Reassign to another partner" data-testid="admin-reassign">
                  {order.partner ? 'Reassign' : 'Assign'}
                </Button>
              </Stack>
            )}
            <LazyMap markers={markers} path={detail.trail.map((p) => [p.lat, p.lng] as [number, number])} ariaLabel="Order route and rider trail" testId="detail-map" height={260} fitKey={order.id} />
            <Typography variant="caption" color="text.secondary">
              {detail.trail.length} trail {detail.trail.length === 1 ? 'point' : 'points'}
            </Typography>
            {detail.offers.length > 0 && (
              <>
                <Divider />
                <OfferHistory offers={detail.offers} />
              </>
            )}
            <Divider />
            <Typography variant="subtitle1" component="h3">
              Timeline
            </Typography>
            <Stack spacing={0.5} data-testid="order-timeline">
              {detail.timeline.map((t) => (
                <Stack key={t.seq} direction="row" sx={{ gap: 1 }}>
                  <Typography variant="caption" sx={{ minWidth: 70, whiteSpace: 'nowrap' }} color="text.secondary">
                    #{t.seq} {formatTime(t.at)}
                  </Typography>
                  <Typography variant="body2" data-type={t.type}>
                    {describeTimelineEntry(t.type, t.data)}
                    {actorLabel(t.actorRole) ? (
                      <Typography component="span" variant="caption" color="text.secondary">
                        {' '}
                        ({actorLabel(t.actorRole)})
                      </Typography>
                    ) : null}
                  </Typography>
                </Stack>
              ))}
            </Stack>
            <Typography variant="caption" color="text.secondary">
              Placed {formatDateTime(order.createdAt)}
            </Typography>
          </Stack>
        )}
      </Box>
      <ReasonDialog
        open={action !== null}
        title={DIALOG[shown.current].title}
        confirmLabel={DIALOG[shown.current].confirm}
        danger={shown.current === 'cancel'}
        canSubmit={action !== 'reassign' || partnerId !== ''}
        onClose={() => setAction(null)}
        onSubmit={run}
        extra={
          action === 'reassign' ? (
            <FormControl size="small" fullWidth>
              <InputLabel id="reassign-partner-label">Partner</InputLabel>
              <Select labelId="reassign-partner-label" label="Partner" value={partnerId} onChange={(e) => setPartnerId(e.target.value)}
                inputProps={{ 'aria-label': 'Partner to assign' }} data-testid="reassign-partner">
                {partners
                  .filter((p) => p.id !== order?.partner?.id)
                  .map((p) => (
                    <MenuItem key={p.id} value={p.id}>
                      {p.name} {p.online ? '· online' : '· offline'} · {p.activeOrders} active
                    </MenuItem>
                  ))}
              </Select>
            </FormControl>
          ) : action === 'reset-code' ? (
            <Typography variant="body2" color="text.secondary">
              The customer gets the new code in their app at once; the old one stops working and the rider can try again.
            </Typography>
          ) : undefined
        }
      />
    </Drawer>
  );
}

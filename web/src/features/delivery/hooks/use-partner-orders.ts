/** The partner's live lists: availability, orders on offer, and active orders. */
import { useCallback, useEffect, useReducer, useState } from 'react';
import { useSnackbar } from '@/components/snackbar-provider';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { errorMessage } from '@/lib/api-client';
import { showBrowserNotification } from '@/lib/browser-notify';
import { formatMoney } from '@/lib/format';
import { fromSocketEvent } from '@/lib/order-sync';
import { playChime, unlockAudio } from '@/lib/sound';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import { activeOrdersReducer, availableOrdersReducer } from '@/features/delivery/utils/partner-orders';
import type { PartnerView } from '@/types/models';

export function useAvailability() {
  const [partner, setPartner] = useState<PartnerView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const { notify } = useSnackbar();

  const load = useCallback(() => {
    setError(null);
    deliveryApi
      .profile()
      .then((r) => setPartner(r.partner))
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  useReconnect(load);

  const setAvailable = useCallback(
    async (available: boolean) => {
      unlockAudio(); // A click: sound may play for new orders later.
      setSaving(true);
      try {
        const res = await deliveryApi.setAvailability(available);
        setPartner(res.partner);
        notify(available ? 'You are online: new orders will appear here.' : 'You are offline.', 'info');
      } catch (err) {
        notify(errorMessage(err), 'error');
      } finally {
        setSaving(false);
      }
    },
    [notify],
  );
  return { partner, error, saving, setAvailable, reload: load };
}

export function useAvailableOrders(enabled: boolean) {
  const [orders, dispatch] = useReducer(availableOrdersReducer, []);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    if (!enabled) {
      dispatch({ type: 'reset', orders: [] });
      return;
    }
    setLoading(true);
    setError(null);
    deliveryApi
      .available()
      .then((r) => dispatch({ type: 'reset', orders: r.orders }))
      .catch(setError)
      .finally(() => setLoading(false));
  }, [enabled]);
  useEffect(load, [load]);
  useReconnect(load);

  useSocketEvent('order:created', ({ order }) => {
    if (!enabled) return;
    dispatch({ type: 'add', order });
    playChime();
    showBrowserNotification(
      'New order nearby',
      `${order.orderNumber}: ${formatMoney(order.estimatedPayout)} payout`,
      `offer-${order.id}`,
    );
  });
  useSocketEvent('order:taken', ({ orderId }) => dispatch({ type: 'remove', orderId }));
  useSocketEvent('order:cancelled', ({ orderId }) => dispatch({ type: 'remove', orderId }));
  useSocketEvent('order:accepted-success', ({ orderId }) => dispatch({ type: 'remove', orderId }));

  const remove = useCallback((orderId: string) => dispatch({ type: 'remove', orderId }), []);
  return { orders, loading, error, reload: load, remove };
}

export function useActiveOrders() {
  const [orders, dispatch] = useReducer(activeOrdersReducer, []);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const { notify } = useSnackbar();

  const load = useCallback(() => {
    setError(null);
    deliveryApi
      .active()
      .then((r) => dispatch({ type: 'reset', orders: r.orders }))
      .catch(setError)
      .finally(() => setLoading(false));
  }, []);
  useEffect(load, [load]);
  useReconnect(load);

  useSocketEvent('order:accepted-success', ({ order }) => dispatch({ type: 'upsert', order }));
  useSocketEvent('order:assigned', ({ order }) => {
    notify(`An admin assigned ${order.orderNumber} to you.`, 'info');
    dispatch({ type: 'upsert', order });
  });
  useSocketEvent('order:unassigned', ({ orderId, reason }) => {
    if (orders.some((o) => o.id === orderId)) notify(`An order was taken off you${reason ? `: ${reason}` : '.'}`, 'warning');
    dispatch({ type: 'remove', orderId });
  });
  useSocketEvent('order:status-updated', (e) => {
    const update = fromSocketEvent('order:status-updated', e);
    if (update) dispatch({ type: 'update', update });
  });
  useSocketEvent('order:cancelled', (e) => {
    const update = fromSocketEvent('order:cancelled', e);
    if (!update) return;
    if (orders.some((o) => o.id === e.orderId)) {
      notify(`Order cancelled${e.reason ? `: ${e.reason}` : ''}`, 'warning');
    }
    dispatch({ type: 'update', update });
  });

  return { orders, dispatch, loading, error, reload: load };
}

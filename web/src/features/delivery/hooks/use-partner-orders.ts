/** The partner's live lists: availability, orders on offer, and active orders. */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useSnackbar } from '@/components/snackbar-provider';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { errorCode, errorMessage } from '@/lib/api-client';
import { showBrowserNotification } from '@/lib/browser-notify';
import { formatMoney } from '@/lib/format';
import { fromSocketEvent } from '@/lib/order-sync';
import { cancelReasonWords } from '@/lib/order-status';
import { playChime, unlockAudio } from '@/lib/sound';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import { activeOrdersReducer, availableOrdersReducer } from '@/features/delivery/utils/partner-orders';
import type { PartnerView } from '@/types/models';

/** Refusals that mean the partner's profile changed (an admin verified or suspended them). */
const INELIGIBLE = new Set(['partner_not_verified', 'partner_suspended']);

/** Whether a partner may go online: `not_verified` until an admin verifies them. */
export type Eligibility = 'unknown' | 'eligible' | 'not_verified' | 'suspended';

export function eligibilityOf(partner: PartnerView | null): Eligibility {
  if (!partner) return 'unknown';
  if (partner.status === 'suspended') return 'suspended';
  if (!partner.isVerified) return 'not_verified';
  return 'eligible';
}

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
        const code = errorCode(err);
        // The profile says why (and the page explains it): fetch it again.
        if (code && INELIGIBLE.has(code)) load();
        notify(errorMessage(err), code && INELIGIBLE.has(code) ? 'warning' : 'error');
      } finally {
        setSaving(false);
      }
    },
    [notify, load],
  );
  return { partner, eligibility: eligibilityOf(partner), error, saving, setAvailable, reload: load };
}

/**
 * Orders on offer while the partner is online (and verified). Fetched only then; a
 * refusal because availability is off (409 `partner_unavailable`, e.g. turned off on
 * another device) is an empty list with `offline` set, not an error; one because of the
 * account (`partner_not_verified`, `partner_suspended`) calls `onIneligible`.
 */
export function useAvailableOrders(enabled: boolean, onIneligible?: () => void) {
  const [orders, dispatch] = useReducer(availableOrdersReducer, []);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [offline, setOffline] = useState(false);
  const ineligible = useRef(onIneligible);
  ineligible.current = onIneligible;

  const load = useCallback(() => {
    setOffline(false);
    if (!enabled) {
      dispatch({ type: 'reset', orders: [] });
      return;
    }
    setLoading(true);
    setError(null);
    deliveryApi
      .available()
      .then((r) => dispatch({ type: 'reset', orders: r.orders }))
      .catch((err: unknown) => {
        const code = errorCode(err);
        if (code === 'partner_unavailable' || (code && INELIGIBLE.has(code))) {
          dispatch({ type: 'reset', orders: [] });
          if (code === 'partner_unavailable') setOffline(true);
          ineligible.current?.();
          return;
        }
        setError(err);
      })
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
  return { orders, loading, error, offline, reload: load, remove };
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
    const mine = orders.find((o) => o.id === e.orderId);
    if (mine) {
      notify(`${mine.orderNumber} was cancelled${e.reason ? `: ${cancelReasonWords(e.reason)}` : '.'}`, 'warning');
    }
    dispatch({ type: 'update', update });
  });
  // Delivery code locked after too many wrong codes, and reset by support (no code here).
  useSocketEvent('order:code-locked', (e) => {
    const update = fromSocketEvent('order:code-locked', e);
    if (update) dispatch({ type: 'update', update });
  });
  useSocketEvent('order:code-reset', (e) => {
    const update = fromSocketEvent('order:code-reset', e);
    if (!update) return;
    const mine = orders.find((o) => o.id === e.orderId);
    if (mine) notify(`Support sent the customer a new code for ${mine.orderNumber}. Ask them for it.`, 'info');
    dispatch({ type: 'update', update });
  });

  return { orders, dispatch, loading, error, reload: load };
}

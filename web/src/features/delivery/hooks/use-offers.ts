/**
 * Orders offered to this partner alone (auto dispatch): fetched on load and after every
 * reconnect (`GET /api/delivery/offers`), added by `order:offer`, ended by
 * `order:offer-expired` (with a message saying whether it expired or was withdrawn), by
 * the partner's own accept or decline, or by the clock.
 */
import { useCallback, useEffect, useReducer, useState } from 'react';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { showBrowserNotification } from '@/lib/browser-notify';
import { formatMoney } from '@/lib/format';
import { playChime } from '@/lib/sound';
import { deliveryApi } from '@/features/delivery/api/delivery-api';
import { offersReducer } from '@/features/delivery/utils/dispatch';

export interface OfferEnded {
  orderId: string;
  orderNumber: string;
  reason: 'expired' | 'withdrawn' | 'declined';
}

export function useOffers(enabled: boolean) {
  const [offers, dispatch] = useReducer(offersReducer, []);
  const [ended, setEnded] = useState<OfferEnded | null>(null);

  const load = useCallback(() => {
    if (!enabled) {
      dispatch({ type: 'reset', offers: [], now: Date.now() });
      return;
    }
    deliveryApi
      .offers()
      .then((r) => dispatch({ type: 'reset', offers: r.offers, now: Date.now() }))
      .catch(() => undefined); // Offline or not eligible: the availability card says why.
  }, [enabled]);
  useEffect(load, [load]);
  useReconnect(load);

  // The clock ends offers whose time is up even if the server's word is late.
  useEffect(() => {
    if (offers.length === 0) return;
    const timer = setInterval(() => dispatch({ type: 'prune', now: Date.now() }), 500);
    return () => clearInterval(timer);
  }, [offers.length]);

  useSocketEvent('order:offer', (offer) => {
    dispatch({ type: 'add', offer, now: Date.now() });
    setEnded((e) => (e?.orderId === offer.order.id ? null : e));
    playChime();
    showBrowserNotification(
      'An order for you',
      `${offer.order.orderNumber}: ${formatMoney(offer.order.estimatedPayout)} payout. Accept it quickly.`,
      `offer-${offer.order.id}`,
    );
  });
  useSocketEvent('order:offer-expired', ({ orderId, reason }) => {
    const mine = offers.find((o) => o.order.id === orderId);
    dispatch({ type: 'remove', orderId });
    setEnded({ orderId, orderNumber: mine?.order.orderNumber ?? 'The order', reason: reason === 'withdrawn' ? 'withdrawn' : 'expired' });
  });
  // Gone for everyone (cancelled) or taken: no card left behind.
  useSocketEvent('order:cancelled', ({ orderId }) => dispatch({ type: 'remove', orderId }));
  useSocketEvent('order:taken', ({ orderId }) => dispatch({ type: 'remove', orderId }));
  useSocketEvent('order:accepted-success', ({ orderId }) => dispatch({ type: 'remove', orderId }));

  const remove = useCallback((orderId: string) => dispatch({ type: 'remove', orderId }), []);
  return { offers, ended, setEnded, remove, reload: load };
}

/**
 * Picking, live, on the customer's order page: `order:fulfilment-updated` brings the lines,
 * totals, bags and picking state as they now stand (the status and its `seq` stay with
 * use-order-tracking); after a reconnect the order is fetched for what was missed. The
 * substitutes it finds waiting for an answer go to the shop's prompt.
 */
import { useEffect, useRef, type Dispatch, type SetStateAction } from 'react';
import { useReconnect, useSocketEvent } from '@/hooks/use-socket-event';
import { applyFulfilmentEvent } from '@/lib/fulfilment';
import { ordersApi } from '@/features/customer/api/orders-api';
import { proposalStore } from '@/features/customer/hooks/use-substitution-proposals';
import type { OrderView } from '@/types/models';

export function useOrderFulfilment(orderId: string, order: OrderView | null, setOrder: Dispatch<SetStateAction<OrderView | null>>): void {
  /** The seq the lines shown are as of (the load's, then each event's). */
  const applied = useRef<{ orderId: string; seq: number } | null>(null);
  if (order && order.id === orderId && applied.current?.orderId !== orderId) {
    applied.current = { orderId, seq: order.lastSeq };
  }

  useSocketEvent('order:fulfilment-updated', (event) => {
    if (event.orderId !== orderId || !applied.current) return;
    const seq = applied.current.seq;
    if (event.seq <= seq) return;
    applied.current = { orderId, seq: event.seq };
    setOrder((current) => (current ? applyFulfilmentEvent(current, event, seq) : current));
  });

  useReconnect(() => {
    if (!applied.current) return;
    ordersApi
      .get(orderId)
      .then(({ order: fresh }) => {
        applied.current = { orderId, seq: Math.max(applied.current?.seq ?? 0, fresh.lastSeq) };
        setOrder((current) =>
          current && current.id === fresh.id
            ? { ...current, fulfilment: fresh.fulfilment, items: fresh.items, subtotal: fresh.subtotal, total: fresh.total, bags: fresh.bags, packedAt: fresh.packedAt }
            : current,
        );
      })
      .catch(() => undefined);
  });

  // Substitutes waiting on this order: the prompt asks (once each).
  const items = order?.id === orderId ? order.items : null;
  const number = order?.orderNumber ?? null;
  const over = order?.status === 'cancelled' || order?.status === 'delivered';
  useEffect(() => {
    if (items) proposalStore.sync(orderId, number, over ? [] : items);
  }, [orderId, number, items, over]);
}
